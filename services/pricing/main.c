/* keel-pricing: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "pricing.h"

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "pricing",
	    .handlers = pricing_handlers,
	    .init = pricing_init,
	};

	return keel_daemon_main(argc, argv, &svc);
}
