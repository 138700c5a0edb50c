/* keel-notify: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "notify.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "notify",
	    .library = keel_lua_notify,
	    .handlers = notify_handlers,
	};

	return keel_daemon_main(argc, argv, &svc);
}
