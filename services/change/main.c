/* keel-change: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "change.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "change",
	    .library = keel_lua_change,
	    .handlers = change_handlers,
	};

	return keel_daemon_main(argc, argv, &svc);
}
