/* keel-ticketing: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "ticketing.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "ticketing",
	    .library = keel_lua_ticketing,
	    .handlers = ticketing_handlers,
	    .subscriptions = ticketing_subscriptions,
	    .tick = ticketing_tick,
	    .tick_on_write = true,
	    .tick_ms = 100,
	};

	return keel_daemon_main(argc, argv, &svc);
}
