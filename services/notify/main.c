/* keel-notify: start-up; the daemon's shape is libkeel's (daemon.h). */
#include "daemon.h"
#include "notify.h"

#include <curl/curl.h>

int
main(int argc, char **argv)
{
	static const struct keel_service svc = {
	    .name = "notify",
	    .library = keel_lua_notify,
	    .handlers = notify_handlers,
	    .subscriptions = notify_subscriptions,
	    .tick = notify_tick,
	    .tick_on_write = true,
	    .tick_ms = 50,
	};
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = keel_daemon_main(argc, argv, &svc);
	curl_global_cleanup();
	return rc;
}
