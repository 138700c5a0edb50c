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
	    .subscriptions = change_subscriptions,
	    .tick = change_tick,
	    .tick_on_write = true,
	    .tick_ms = 100,
	};

	return keel_daemon_main(argc, argv, &svc);
}
