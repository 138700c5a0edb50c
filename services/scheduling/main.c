/* keel-scheduling: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "scheduling.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "scheduling",
	    .library = keel_lua_scheduling,
	    .handlers = scheduling_handlers,
	    .subscriptions = scheduling_subscriptions,
	};

	return keel_daemon_main(argc, argv, &svc);
}
