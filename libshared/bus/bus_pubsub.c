/* bus_pubsub: events as "<type>\0<envelope>" so SUB filters by prefix. */
#include "bus.h"
#include "bus_tls.h"

#include "error.h"
#include "metrics.h"

#include <errno.h>
#include <stdatomic.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/pubsub0/sub.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keel_pub {
	nng_socket sock;
};

struct keel_sub {
	nng_socket sock;
	size_t max_msg;
	atomic_int peers;
};

static void
sub_pipe_event(nng_pipe p, nng_pipe_ev ev, void *arg)
{
	struct keel_sub *s = arg;

	(void)p;
	atomic_fetch_add(&s->peers, ev == NNG_PIPE_EV_ADD_POST ? 1 : -1);
}

int
keel_sub_peers(struct keel_sub *s)
{
	return atomic_load(&s->peers);
}

int
keel_pub_new(const char *url, int buffer, struct keel_pub **ret,
             struct keel_error *err)
{
	struct keel_pub *p = calloc(1, sizeof(*p));
	int rv;

	if (!p) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	if ((rv = nng_pub0_open(&p->sock)) != 0) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL,
		               "cannot open PUB socket: %s", nng_strerror(rv));
		free(p);
		return -EIO;
	}
	/* Per-subscriber queue: deep, so bursts are not dropped at once. */
	nng_socket_set_int(p->sock, NNG_OPT_SENDBUF, buffer);
	/* A publisher never reads. */
	nng_socket_set_size(p->sock, NNG_OPT_RECVMAXSZ, 1);
	if ((rv = bus_listen(p->sock, url, NULL)) != 0) {
		keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
		               "cannot listen on %s: %s", url,
		               nng_strerror(rv));
		nng_close(p->sock);
		free(p);
		return -EIO;
	}
	*ret = p;
	return 0;
}

struct keel_pub *
keel_pub_free(struct keel_pub *p)
{
	if (p) {
		nng_close(p->sock);
		free(p);
	}
	return NULL;
}

int
keel_pub_send(struct keel_pub *p, const char *type, const void *env, size_t len)
{
	size_t tl = strlen(type) + 1;
	nng_msg *m;
	int rv;

	if (nng_msg_alloc(&m, tl + len) != 0)
		return -ENOMEM;
	memcpy(nng_msg_body(m), type, tl);
	memcpy((char *)nng_msg_body(m) + tl, env, len);
	if ((rv = nng_sendmsg(p->sock, m, 0)) != 0) {
		nng_msg_free(m);
		return -EIO;
	}
	keel_metrics_inc(KEEL_M_EVENTS_PUBLISHED, 1);
	return 0;
}

int
keel_sub_new(const char *const *addrs, size_t naddrs, size_t max_msg,
             int buffer, struct keel_sub **ret, struct keel_error *err)
{
	struct keel_sub *s = calloc(1, sizeof(*s));
	int rv;

	if (!s) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	s->max_msg = max_msg;
	if ((rv = nng_sub0_open(&s->sock)) != 0) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL,
		               "cannot open SUB socket: %s", nng_strerror(rv));
		free(s);
		return -EIO;
	}
	nng_socket_set_size(s->sock, NNG_OPT_RECVMAXSZ, max_msg + 80);
	nng_socket_set_int(s->sock, NNG_OPT_RECVBUF, buffer);
	nng_socket_set_ms(s->sock, NNG_OPT_RECONNMINT, 20);
	nng_socket_set_ms(s->sock, NNG_OPT_RECONNMAXT, 500);
	nng_pipe_notify(s->sock, NNG_PIPE_EV_ADD_POST, sub_pipe_event, s);
	nng_pipe_notify(s->sock, NNG_PIPE_EV_REM_POST, sub_pipe_event, s);
	for (size_t i = 0; i < naddrs; i++) {
		rv = bus_dial(s->sock, addrs[i], NNG_FLAG_NONBLOCK);
		if (rv != 0) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, NULL,
			               "cannot dial '%s': %s", addrs[i],
			               nng_strerror(rv));
			nng_close(s->sock);
			free(s);
			return -EINVAL;
		}
	}
	*ret = s;
	return 0;
}

struct keel_sub *
keel_sub_free(struct keel_sub *s)
{
	if (s) {
		bus_close(s->sock);
		free(s);
	}
	return NULL;
}

int
keel_sub_subscribe(struct keel_sub *s, const char *prefix)
{
	int rv = nng_socket_set(s->sock, NNG_OPT_SUB_SUBSCRIBE, prefix,
	                        strlen(prefix));

	return rv ? -EINVAL : 0;
}

int
keel_sub_recv(struct keel_sub *s, int timeout_ms, struct keel_env *env,
              struct keel_error *err)
{
	const char *body, *nul;
	nng_msg *m;
	size_t len;
	int rv, r;

	memset(env, 0, sizeof(*env));
	nng_socket_set_ms(s->sock, NNG_OPT_RECVTIMEO, timeout_ms);
	if ((rv = nng_recvmsg(s->sock, &m, 0)) != 0) {
		keel_error_set(err, KEEL_E_TIMEOUT, NULL, "no event: %s",
		               nng_strerror(rv));
		return rv == NNG_ETIMEDOUT ? -ETIMEDOUT : -EIO;
	}
	body = nng_msg_body(m);
	len = nng_msg_len(m);
	nul = memchr(body, '\0', len < 66 ? len : 66);
	if (!nul) {
		keel_error_set(err, KEEL_E_MALFORMED, "type",
		               "event without a type prefix");
		nng_msg_free(m);
		return -EINVAL;
	}
	r = keel_env_decode(nul + 1, len - (size_t)(nul + 1 - body), s->max_msg,
	                    env, err);
	if (r == 0 && strcmp(env->type, body) != 0) {
		keel_error_set(err, KEEL_E_MALFORMED, "type",
		               "event prefix '%s' differs from its type '%s'",
		               body, env->type);
		r = -EINVAL;
	}
	nng_msg_free(m);
	if (r < 0)
		keel_env_release(env);
	return r < 0 ? -EINVAL : 0;
}
