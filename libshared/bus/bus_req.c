/* bus_req: the client side of req/rep. */
#include "bus.h"
#include "bus_tls.h"

#include "auth.h"
#include "codec.h"
#include "error.h"
#include "ktime.h"
#include "msg.h"

#include <errno.h>
#include <pthread.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A context with its aio, kept for the next call: opening and closing
 * both per request cost more than the request's own work. */
struct slot {
	struct slot *next;
	nng_ctx ctx;
	nng_aio *aio;
};

struct keel_client {
	nng_socket sock;
	pthread_mutex_t lock;
	struct slot *idle; /* contexts between calls */
	char name[129];
	char service[64];
	char addrs[512]; /* for error messages */
	int timeout_ms;
	int resend_ms; /* signed: resent here with a new id, not by nng */
	size_t max_msg;
	const struct keel_auth *auth;
};

int
keel_client_new(const struct keel_client_opts *o, struct keel_client **ret,
                struct keel_error *err)
{
	struct keel_client *c = calloc(1, sizeof(*c));
	size_t pos = 0;
	int rv;

	if (!c) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	pthread_mutex_init(&c->lock, NULL);
	snprintf(c->name, sizeof(c->name), "%s", o->name);
	snprintf(c->service, sizeof(c->service), "%s", o->service);
	c->timeout_ms = o->timeout_ms;
	c->max_msg = o->max_msg;
	c->auth = keel_auth_can_sign(o->auth) ? o->auth : NULL;
	/* with signatures this client resends (a new id each time), and a
	 * call signed as another identity (keel_client_call_as) too */
	c->resend_ms = o->resend_ms;
	if ((rv = nng_req0_open(&c->sock)) != 0) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL,
		               "cannot open REQ socket: %s", nng_strerror(rv));
		free(c);
		return -EIO;
	}
	nng_socket_set_size(c->sock, NNG_OPT_RECVMAXSZ, o->max_msg);
	/* nng wants a positive resend time; "never" is longer than any
	 * timeout we wait. */
	nng_socket_set_ms(c->sock, NNG_OPT_REQ_RESENDTIME,
	                  o->resend_ms > 0 && !o->auth ? o->resend_ms
	                                               : NNG_DURATION_INFINITE);
	/* Short reconnect intervals so a restarted instance is found fast. */
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMINT, 20);
	nng_socket_set_ms(c->sock, NNG_OPT_RECONNMAXT, 500);
	for (size_t i = 0; i < o->naddrs; i++) {
		/* Non-blocking: the peer may start later; nng keeps trying. */
		rv = bus_dial(c->sock, o->addrs[i], NNG_FLAG_NONBLOCK);
		if (rv != 0) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, NULL,
			               "cannot dial %s at '%s': %s", o->service,
			               o->addrs[i], nng_strerror(rv));
			nng_close(c->sock);
			free(c);
			return -EINVAL;
		}
		pos += (size_t)snprintf(c->addrs + pos, sizeof(c->addrs) - pos,
		                        "%s%s", i ? ", " : "", o->addrs[i]);
		if (pos >= sizeof(c->addrs))
			pos = sizeof(c->addrs) - 1;
	}
	*ret = c;
	return 0;
}

struct keel_client *
keel_client_free(struct keel_client *c)
{
	if (c) {
		bus_close(c->sock); /* closes every context */
		while (c->idle) {
			struct slot *s = c->idle;

			c->idle = s->next;
			nng_aio_free(s->aio);
			free(s);
		}
		pthread_mutex_destroy(&c->lock);
		free(c);
	}
	return NULL;
}

/* An idle context, or a new one; NULL with err set when none opens. */
static struct slot *
slot_take(struct keel_client *c, struct keel_error *err)
{
	struct slot *s;
	int rv;

	pthread_mutex_lock(&c->lock);
	s = c->idle;
	if (s)
		c->idle = s->next;
	pthread_mutex_unlock(&c->lock);
	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s || nng_aio_alloc(&s->aio, NULL, NULL) != 0) {
		free(s);
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return NULL;
	}
	if ((rv = nng_ctx_open(&s->ctx, c->sock)) != 0) {
		nng_aio_free(s->aio);
		free(s);
		keel_error_set(err, KEEL_E_INTERNAL, NULL,
		               "cannot open context: %s", nng_strerror(rv));
		return NULL;
	}
	return s;
}

/* Back for the next call after a reply; after a failure the context may
 * still hold its request, so it is closed instead. */
static void
slot_give(struct keel_client *c, struct slot *s, bool reusable)
{
	if (!s)
		return;
	if (!reusable) {
		nng_ctx_close(s->ctx);
		nng_aio_free(s->aio);
		free(s);
		return;
	}
	pthread_mutex_lock(&c->lock);
	s->next = c->idle;
	c->idle = s;
	pthread_mutex_unlock(&c->lock);
}

static void
timeout_error(const struct keel_client *c, const char *type, bool reachable,
              struct keel_error *err)
{
	keel_error_set(err, KEEL_E_TIMEOUT, NULL,
	               "no instance of %s answered %s within %d ms%s (dialed "
	               "%s)",
	               c->service, type, c->timeout_ms,
	               reachable ? "" : ": none is reachable", c->addrs);
}

/* Turns the decoder's refusal in err into "bad reply from <service>". */
static int
bad_reply(const struct keel_client *c, struct keel_env *reply,
          struct keel_error *err)
{
	struct keel_error why = *err; /* err is rewritten from its own text */

	keel_error_set(err, KEEL_E_MALFORMED, why.field,
	               "bad reply from %s: %.200s", c->service, why.message);
	keel_env_release(reply);
	return -EPROTO;
}

int
keel_client_call(struct keel_client *c, const char *type, const void *body,
                 size_t body_len, const char *key, struct keel_env *reply,
                 struct keel_error *err)
{
	return keel_client_call_as(c, keel_auth_self_key(c->auth), type, body,
	                           body_len, key, reply, err);
}

int
keel_client_call_as(struct keel_client *c, const struct keel_auth_key *signer,
                    const char *type, const void *body, size_t body_len,
                    const char *key, struct keel_env *reply,
                    struct keel_error *err)
{
	uint8_t id[KEEL_ID_LEN];
	struct keel_enc *e = keel_enc_new();
	struct slot *slot = NULL;
	nng_aio *aio = NULL;
	nng_msg *m = NULL;
	nng_ctx ctx;
	int64_t deadline;
	const struct keel_msgdecl *decl;
	struct keel_error local_err;
	char auto_key[KEEL_ID_STRLEN];
	const void *data;
	size_t len;
	int rv, r = -ENOMEM;

	memset(reply, 0, sizeof(*reply));
	if (!err)
		err = &local_err;
	if (!e)
		goto oom;
	decl = keel_msg_find(type);
	if (!key && decl && decl->idempotent) {
		/* Resends, by nng or by us, carry the same key. */
		uint8_t k[KEEL_ID_LEN];

		keel_id_new(k);
		keel_id_format(k, auto_key);
		key = auto_key;
	}
	if (!(slot = slot_take(c, err))) {
		r = -EIO;
		goto out;
	}
	ctx = slot->ctx;
	aio = slot->aio;
	deadline = keel_time_mono_ms() + c->timeout_ms;
	for (;;) {
		int64_t left = deadline - keel_time_mono_ms(), wait;
		nng_msg *copy = NULL;

		if (left < 1)
			left = 1;
		if (!m) {
			/* a signed resend is a new message: new id and
			 * signature, the same idempotency key */
			keel_enc_reset(e);
			keel_env_encode_by(e, signer, type, c->name, NULL, key,
			                   NULL, body, body_len, id);
			data = keel_enc_data(e, &len);
			if (keel_enc_error(e) || nng_msg_alloc(&m, len) != 0)
				goto oom;
			memcpy(nng_msg_body(m), data, len);
		}
		/* Keep the bytes: the instance holding the request may go
		 * away before it answers, and another one can. */
		if (nng_msg_dup(&copy, m) != 0)
			goto oom;
		nng_aio_set_timeout(aio, (nng_duration)left);
		nng_aio_set_msg(aio, copy);
		nng_ctx_send(ctx, aio);
		nng_aio_wait(aio);
		if ((rv = nng_aio_result(aio)) != 0) {
			/* Still ours when the send failed; a send times out
			 * when no instance is connected at all. */
			nng_msg_free(copy);
			if (rv == NNG_ETIMEDOUT)
				timeout_error(c, type, false, err);
			else
				keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
				               "cannot send %s to %s (%s): %s",
				               type, c->service, c->addrs,
				               nng_strerror(rv));
			r = rv == NNG_ETIMEDOUT ? -ETIMEDOUT : -EIO;
			goto close;
		}
		wait = left;
		if (signer && c->resend_ms > 0 && c->resend_ms < left)
			wait = c->resend_ms;
		nng_aio_set_timeout(aio, (nng_duration)wait);
		nng_ctx_recv(ctx, aio);
		nng_aio_wait(aio);
		rv = nng_aio_result(aio);
		if (rv == 0)
			break;
		if (rv == NNG_ECONNRESET && keel_time_mono_ms() < deadline) {
			if (signer) {
				nng_msg_free(m);
				m = NULL;
			}
			continue; /* its instance went away: ask another */
		}
		if (rv == NNG_ETIMEDOUT && wait < left) {
			nng_msg_free(m);
			m = NULL;
			continue; /* signed resend */
		}
		if (rv == NNG_ETIMEDOUT)
			timeout_error(c, type, true, err);
		else if (rv == NNG_ECONNRESET)
			keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
			               "the instance of %s serving %s went "
			               "away before answering (dialed %s)",
			               c->service, type, c->addrs);
		else
			keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
			               "%s to %s failed: %s", type, c->service,
			               nng_strerror(rv));
		r = rv == NNG_ETIMEDOUT ? -ETIMEDOUT : -EIO;
		goto close;
	}
	nng_msg_free(m);
	m = nng_aio_get_msg(aio);
	if (keel_env_decode_reply(nng_msg_body(m), nng_msg_len(m), c->max_msg,
	                          reply, err) < 0) {
		r = bad_reply(c, reply, err);
		goto close;
	}
	if (!reply->has_corr ? reply->ok
	                     : memcmp(reply->corr, id, KEEL_ID_LEN) != 0) {
		keel_error_set(err, KEEL_E_MALFORMED, "corr",
		               "reply from %s does not answer this request",
		               c->service);
		keel_env_release(reply);
		r = -EPROTO;
		goto close;
	}
	reply->decl = decl;
	if (reply->ok && reply->decl &&
	    !keel_msg_validate(reply->decl->reply, reply->body, "body", err)) {
		r = bad_reply(c, reply, err);
		goto close;
	}
	snprintf(reply->type, sizeof(reply->type), "%s", type);
	/* The envelope borrows from the decoded doc, not from m. */
	r = 0;
	goto out;
close:
	/* A failed exchange: this context is not used again. */
	slot_give(c, slot, false);
	slot = NULL;
	goto out;
oom:
	keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
out:
	if (m)
		nng_msg_free(m);
	slot_give(c, slot, r == 0 || r == -EPROTO);
	keel_enc_free(e);
	return r;
}
