/*
 * probe: a daemon asks itself sys.echo over its own request address every
 * daemon.probe_ms (sys.echo needs nothing but the request path: a Redis
 * that is down or slow does not count).  After daemon.probe_failures answers missed in a
 * row it logs why and exits with status 3, for its supervisor (systemd's
 * Restart=, compose's restart:) to start it again.
 *
 * Why: nng 1.5.2's epoll loop drops EPOLLHUP (nanomsg/nng issue 2100), so
 * connections whose clients died mid-request can make its poll thread
 * spin and the daemon stop answering for good, while its main loop (and
 * so the systemd watchdog) goes on (docs/reliability.md).  Every state is
 * in Redis and every write idempotent: a restart loses nothing.
 */
#include "daemon_int.h"

#include "bus.h"
#include "config.h"
#include "error.h"
#include "ktime.h"
#include "log.h"
#include "sd.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct keel_probe {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	struct keel_client_opts opts;
	const char *addrs[1];
	int every_ms, max_failures;
	const char *rep;
};

static void *
probe_main(void *arg)
{
	struct keel_probe *p = arg;
	int failures = 0;

	for (;;) {
		struct timespec ts;
		struct keel_env rep;
		struct keel_error err;
		bool stop;
		int r;

		keel_time_deadline(p->every_ms, &ts);
		pthread_mutex_lock(&p->lock);
		while (!p->stop &&
		       pthread_cond_timedwait(&p->cond, &p->lock, &ts) == 0)
			;
		stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			return NULL;
		/* A new connection each time: the wedge seen so far leaves
		 * connections made before it answering and new ones not. */
		{
			struct keel_client *cli = NULL;

			memset(&rep, 0, sizeof(rep));
			r = keel_client_new(&p->opts, &cli, &err);
			if (r == 0)
				r = keel_client_call(cli, "sys.echo", NULL, 0,
				                     NULL, &rep, &err);
			keel_client_free(cli);
		}
		/* Any answer proves the path, a refusal by auth too (an
		 * identity file without this daemon's key). */
		if (r == 0) {
			if (failures > 0)
				keel_log(KEEL_LOG_INFO,
				         "answering its own sys.echo again",
				         NULL);
			failures = 0;
			keel_env_release(&rep);
			continue;
		}
		failures++;
		{
			char n[16];

			snprintf(n, sizeof(n), "%d", failures);
			keel_log(KEEL_LOG_WARNING,
			         "did not answer its own sys.echo", "rep",
			         p->rep, "error",
			         r < 0 ? err.message : rep.error.message,
			         "in_a_row", n, NULL);
		}
		keel_env_release(&rep);
		if (failures >= p->max_failures) {
			keel_log(KEEL_LOG_ERR,
			         "not answering requests; exiting for the "
			         "supervisor to restart it (daemon.probe_ms)",
			         NULL);
			keel_sd_notify("STATUS=not answering; exiting");
			_exit(3);
		}
	}
}

int
keel_probe_start(const struct keel_daemon *d, struct keel_probe **ret)
{
	struct keel_probe *p;
	int every = (int)keel_config_int(d->cfg, "daemon.probe_ms");

	*ret = NULL;
	if (every <= 0 || !d->rep)
		return 0;
	if (!(p = calloc(1, sizeof(*p))))
		return -1;
	p->every_ms = every;
	p->max_failures = (int)keel_config_int(d->cfg, "daemon.probe_failures");
	p->rep = d->rep;
	p->addrs[0] = d->rep;
	p->opts = (struct keel_client_opts){
	    .name = d->instance,
	    .service = d->svc->name,
	    .addrs = p->addrs,
	    .naddrs = 1,
	    .max_msg = 65536,
	    /* a probe waits at most its period (5 s at most) */
	    .timeout_ms = every < 5000 ? every : 5000,
	    .auth = d->auth,
	};
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	if (pthread_create(&p->thread, NULL, probe_main, p) != 0) {
		free(p);
		return -1;
	}
	*ret = p;
	return 0;
}

void
keel_probe_stop(struct keel_probe *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	/* a probe in flight ends within its timeout */
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->cond);
	free(p);
}
