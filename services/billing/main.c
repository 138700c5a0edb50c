/* keel-billing: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "billing.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "billing",
	    .library = keel_lua_billing,
	    .handlers = billing_handlers,
	    .subscriptions = billing_subscriptions,
	    .tick = billing_tick,
	};

	return keel_daemon_main(argc, argv, &svc);
}
