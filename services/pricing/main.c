/* keel-pricing: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "pricing.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "pricing",
	    .library = keel_lua_pricing,
	    .handlers = pricing_handlers,
	    .subscriptions = pricing_subscriptions,
	    .tick = pricing_tick,
	    .tick_on_write = true,
	    .tick_ms = 100,
	};

	return keel_daemon_main(argc, argv, &svc);
}
