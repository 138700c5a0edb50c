/* keel-intake: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "intake.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "intake",
	    .library = keel_lua_intake,
	    .handlers = intake_handlers,
	    .subscriptions = intake_subscriptions,
	};

	return keel_daemon_main(argc, argv, &svc);
}
