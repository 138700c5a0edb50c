/*
 * bus_ingest: requests that outside systems publish rather than send.  A
 * monitoring system or a CRM that only publishes lists its PUB address in
 * <svc>.ingest; this relay subscribes to the request types the daemon
 * serves and hands each message, byte for byte, to the daemon's own
 * request address, where it is checked like any request: its signature,
 * its identity's rights, a replay, its body.  Best effort, as pub/sub is:
 * what the subscriber's queue drops, or what is published before the
 * subscription is made, is lost, and nobody is told; a publisher that
 * needs an acknowledgement sends the request instead.
 */
#include "bus.h"
#include "bus_tls.h"

#include "envelope.h"
#include "error.h"
#include "ktime.h"
#include "log.h"
#include "metrics.h"
#include "msg.h"

#include <errno.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/sub.h>
#include <nng/protocol/reqrep0/req.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keel_ingest {
	nng_socket sub, req;
	bool sub_open, req_open;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	size_t max_msg;
	int64_t logged_ms;
	int64_t suppressed;
};

/* A refusal, at most once in 10 s, with the number left out since. */
static void
log_refused(struct keel_ingest *in, const char *type,
            const struct keel_env *rep)
{
	int64_t now = keel_time_mono_ms();
	char n[24];

	if (in->logged_ms && now - in->logged_ms < 10000) {
		in->suppressed++;
		return;
	}
	snprintf(n, sizeof(n), "%lld", (long long)in->suppressed);
	in->logged_ms = now;
	in->suppressed = 0;
	keel_log(KEEL_LOG_NOTICE, "published request refused", "type", type,
	         "code", rep->error.code, "error", rep->error.message,
	         "suppressed_before", n, NULL);
}

static void
relay(struct keel_ingest *in, nng_msg *m)
{
	const char *body = nng_msg_body(m), *nul;
	size_t len = nng_msg_len(m);
	nng_msg *out = NULL, *ans = NULL;
	struct keel_env rep;
	struct keel_error err;
	char type[65];

	nul = memchr(body, '\0', len < sizeof(type) ? len : sizeof(type));
	if (!nul)
		return;
	memcpy(type, body, (size_t)(nul - body) + 1);
	len -= (size_t)(nul + 1 - body);
	if (nng_msg_alloc(&out, len) != 0)
		return;
	memcpy(nng_msg_body(out), nul + 1, len);
	if (nng_sendmsg(in->req, out, 0) != 0) {
		nng_msg_free(out);
		return;
	}
	if (nng_recvmsg(in->req, &ans, 0) != 0)
		return; /* not answered in time: best effort */
	memset(&rep, 0, sizeof(rep));
	if (keel_env_decode_reply(nng_msg_body(ans), nng_msg_len(ans),
	                          in->max_msg, &rep, &err) == 0) {
		if (rep.ok)
			keel_metrics_inc(KEEL_M_INGESTED, 1);
		else
			log_refused(in, type, &rep);
	}
	keel_env_release(&rep);
	nng_msg_free(ans);
}

static void *
ingest_main(void *arg)
{
	struct keel_ingest *in = arg;

	pthread_setname_np(pthread_self(), "keel:ingest");
	while (!atomic_load(&in->stop)) {
		nng_msg *m;

		if (nng_recvmsg(in->sub, &m, 0) != 0)
			continue; /* the receive timeout: look at stop */
		relay(in, m);
		nng_msg_free(m);
	}
	return NULL;
}

struct keel_ingest *
keel_ingest_stop(struct keel_ingest *in)
{
	if (!in)
		return NULL;
	atomic_store(&in->stop, true);
	if (in->started)
		pthread_join(in->thread, NULL);
	if (in->sub_open)
		bus_close(in->sub);
	if (in->req_open)
		bus_close(in->req);
	free(in);
	return NULL;
}

int
keel_ingest_start(const struct keel_ingest_opts *o, struct keel_ingest **ret,
                  struct keel_error *err)
{
	struct keel_ingest *in = calloc(1, sizeof(*in));
	int rv;

	*ret = NULL;
	if (!in) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	in->max_msg = o->max_msg;
	if ((rv = nng_sub0_open(&in->sub)) == 0) {
		in->sub_open = true;
		if ((rv = nng_req0_open(&in->req)) == 0)
			in->req_open = true;
	}
	if (rv != 0) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL,
		               "cannot open the ingest sockets: %s",
		               nng_strerror(rv));
		keel_ingest_stop(in);
		return -EIO;
	}
	nng_socket_set_size(in->sub, NNG_OPT_RECVMAXSZ, o->max_msg + 80);
	nng_socket_set_int(in->sub, NNG_OPT_RECVBUF, 1024);
	nng_socket_set_ms(in->sub, NNG_OPT_RECVTIMEO, 200);
	nng_socket_set_ms(in->sub, NNG_OPT_RECONNMINT, 100);
	nng_socket_set_ms(in->sub, NNG_OPT_RECONNMAXT, 2000);
	nng_socket_set_size(in->req, NNG_OPT_RECVMAXSZ, o->max_msg);
	/* the same bytes twice would be a replay: never resent */
	nng_socket_set_ms(in->req, NNG_OPT_REQ_RESENDTIME,
	                  NNG_DURATION_INFINITE);
	nng_socket_set_ms(in->req, NNG_OPT_RECVTIMEO, 10000);
	nng_socket_set_ms(in->req, NNG_OPT_SENDTIMEO, 10000);
	/* the types this daemon serves, each with its NUL: no prefix of
	 * one type catches another */
	for (size_t i = 0; i < keel_msgs_count; i++) {
		const struct keel_msgdecl *d = &keel_msgs[i];

		if (d->kind == KEEL_MSG_REQUEST &&
		    strcmp(d->owner, o->service) == 0)
			nng_socket_set(in->sub, NNG_OPT_SUB_SUBSCRIBE, d->type,
			               strlen(d->type) + 1);
	}
	if ((rv = bus_dial(in->req, o->rep, NNG_FLAG_NONBLOCK)) != 0) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, NULL,
		               "ingest: cannot dial this daemon at %s: %s",
		               o->rep, nng_strerror(rv));
		keel_ingest_stop(in);
		return -EINVAL;
	}
	for (size_t i = 0; i < o->npubs; i++)
		if ((rv = bus_dial(in->sub, o->pubs[i], NNG_FLAG_NONBLOCK)) !=
		    0) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, NULL,
			               "ingest: cannot dial '%s': %s",
			               o->pubs[i], nng_strerror(rv));
			keel_ingest_stop(in);
			return -EINVAL;
		}
	if (pthread_create(&in->thread, NULL, ingest_main, in) != 0) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL,
		               "cannot start the ingest thread");
		keel_ingest_stop(in);
		return -ENOMEM;
	}
	in->started = true;
	*ret = in;
	return 0;
}
