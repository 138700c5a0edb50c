/*
 * bus_http: /healthz, /readyz and /metrics over nng's byte streams.
 * nng 1.5.2's HTTP server never closes a connection that is idle or sends
 * half a request (issue 10), so the three GETs are served here instead:
 * each connection has KEEL_HTTP_DEADLINE_MS to send its request head (at
 * most KEEL_HTTP_MAX_HEAD bytes), gets one answer and is closed; at most
 * KEEL_HTTP_MAX_CONNS are served at once, more are closed at once.
 */
#include "bus.h"

#include "error.h"
#include "ktime.h"
#include "metrics.h"

#include <errno.h>
#include <nng/nng.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEEL_HTTP_MAX_CONNS 64
#define KEEL_HTTP_MAX_HEAD 8192
#define KEEL_HTTP_DEADLINE_MS 5000

struct http_conn {
	struct keel_http *h;
	nng_stream *s; /* NULL: the slot is free */
	nng_aio *aio;
	bool writing;
	int64_t deadline;
	size_t len;
	char head[KEEL_HTTP_MAX_HEAD];
	char *out;
	size_t outlen, outoff;
};

struct keel_http {
	nng_stream_listener *l;
	nng_aio *accept;
	keel_ready_fn ready;
	void *arg;
	pthread_mutex_t lock;
	bool closing;
	struct http_conn conns[KEEL_HTTP_MAX_CONNS];
};

/* Ends a connection; on its own aio's callback or after it stopped. */
static void
conn_close(struct http_conn *c)
{
	nng_stream *s = c->s;

	free(c->out);
	c->out = NULL;
	if (s) {
		nng_stream_close(s);
		nng_stream_free(s);
	}
	/* last: from here accept_cb may hand the slot to a new connection */
	pthread_mutex_lock(&c->h->lock);
	c->s = NULL;
	pthread_mutex_unlock(&c->h->lock);
}

bool
keel_http_head_complete(const char *buf, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (buf[i] == '\n' &&
		    (buf[i + 1] == '\n' ||
		     (buf[i + 1] == '\r' && i + 2 < len && buf[i + 2] == '\n')))
			return true;
	return false;
}

/* One token of at most size - 1 bytes from *p (up to a space, CR or LF,
 * within len bytes); *p moves past it and one space. */
static void
token(const char **p, const char *end, char *out, size_t size)
{
	size_t n = 0;

	while (*p < end && **p != ' ' && **p != '\r' && **p != '\n' &&
	       **p != '\0') {
		if (n + 1 < size)
			out[n++] = **p;
		(*p)++;
	}
	out[n] = '\0';
	if (*p < end && **p == ' ')
		(*p)++;
}

void
keel_http_request_line(const char *head, size_t len, char *method,
                       size_t msize, char *path, size_t psize)
{
	const char *p = head, *end = head + len;

	token(&p, end, method, msize);
	token(&p, end, path, psize);
}

/* The answer to one request head: status, type and body into c->out. */
static void
answer(struct http_conn *c)
{
	char method[8] = "", path[64] = "", why[128] = "", text[160];
	const char *ctype = "text/plain", *reason = "OK";
	char *body = NULL;
	size_t blen = 0;
	int status = 200;
	FILE *f;

	keel_http_request_line(c->head, c->len, method, sizeof(method), path,
	                       sizeof(path));
	if (strcmp(method, "GET") != 0) {
		status = 405;
		reason = "Method Not Allowed";
		body = strdup("only GET\n");
	} else if (strcmp(path, "/healthz") == 0) {
		body = strdup("ok\n");
	} else if (strcmp(path, "/readyz") == 0) {
		bool ok = c->h->ready(c->h->arg, why, sizeof(why));

		snprintf(text, sizeof(text), ok ? "ready\n" : "not ready: %s\n",
		         why);
		body = strdup(text);
		if (!ok) {
			status = 503;
			reason = "Service Unavailable";
		}
	} else if (strcmp(path, "/metrics") == 0) {
		ctype = "text/plain; version=0.0.4";
		f = open_memstream(&body, &blen);
		if (f) {
			keel_metrics_render(f);
			fclose(f);
		}
	} else {
		status = 404;
		reason = "Not Found";
		body = strdup("not found\n");
	}
	if (body && !blen)
		blen = strlen(body);
	f = open_memstream(&c->out, &c->outlen);
	if (f) {
		fprintf(f,
		        "HTTP/1.1 %d %s\r\nContent-Type: %s\r\n"
		        "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		        status, reason, ctype, blen);
		if (body)
			fwrite(body, 1, blen, f);
		fclose(f);
	}
	free(body);
}

static void
conn_read(struct http_conn *c)
{
	nng_iov iov = {c->head + c->len, sizeof(c->head) - 1 - c->len};
	int64_t left = c->deadline - keel_time_mono_ms();

	nng_aio_set_iov(c->aio, 1, &iov);
	nng_aio_set_timeout(c->aio, left < 1 ? 1 : (nng_duration)left);
	nng_stream_recv(c->s, c->aio);
}

static void
conn_write(struct http_conn *c)
{
	nng_iov iov = {c->out + c->outoff, c->outlen - c->outoff};
	int64_t left = c->deadline - keel_time_mono_ms();

	nng_aio_set_iov(c->aio, 1, &iov);
	nng_aio_set_timeout(c->aio, left < 1 ? 1 : (nng_duration)left);
	nng_stream_send(c->s, c->aio);
}

static void
conn_cb(void *arg)
{
	struct http_conn *c = arg;

	if (nng_aio_result(c->aio) != 0) { /* the deadline, or gone */
		conn_close(c);
		return;
	}
	if (c->writing) {
		c->outoff += nng_aio_count(c->aio);
		if (c->outoff < c->outlen)
			conn_write(c);
		else
			conn_close(c); /* one answer per connection */
		return;
	}
	c->len += nng_aio_count(c->aio);
	c->head[c->len] = '\0';
	if (keel_http_head_complete(c->head, c->len)) {
		answer(c);
		if (!c->out) {
			conn_close(c);
			return;
		}
		c->writing = true;
		c->outoff = 0;
		conn_write(c);
	} else if (c->len >= sizeof(c->head) - 1) {
		conn_close(c); /* a head this large is not one of ours */
	} else {
		conn_read(c);
	}
}

static void
accept_cb(void *arg)
{
	struct keel_http *h = arg;
	struct http_conn *c = NULL;
	nng_stream *s;

	if (nng_aio_result(h->accept) != 0) {
		pthread_mutex_lock(&h->lock);
		if (!h->closing)
			nng_stream_listener_accept(h->l, h->accept);
		pthread_mutex_unlock(&h->lock);
		return;
	}
	s = nng_aio_get_output(h->accept, 0);
	pthread_mutex_lock(&h->lock);
	for (int i = 0; i < KEEL_HTTP_MAX_CONNS && !h->closing; i++)
		if (!h->conns[i].s) {
			c = &h->conns[i];
			c->s = s;
			break;
		}
	if (!h->closing)
		nng_stream_listener_accept(h->l, h->accept);
	pthread_mutex_unlock(&h->lock);
	if (!c) { /* over the limit, or stopping */
		nng_stream_close(s);
		nng_stream_free(s);
		return;
	}
	c->writing = false;
	c->len = 0;
	c->deadline = keel_time_mono_ms() + KEEL_HTTP_DEADLINE_MS;
	conn_read(c);
}

int
keel_http_new(const char *url, keel_ready_fn ready, void *arg,
              struct keel_http **ret, struct keel_error *err)
{
	struct keel_http *h = calloc(1, sizeof(*h));
	char tcp[300];
	int rv = NNG_ENOMEM;

	if (!h) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	h->ready = ready;
	h->arg = arg;
	pthread_mutex_init(&h->lock, NULL);
	/* "http://host:port" is a TCP listener on host:port */
	snprintf(tcp, sizeof(tcp), "tcp://%s",
	         strncmp(url, "http://", 7) == 0 ? url + 7 : url);
	if (strchr(tcp + 6, '/'))
		*strchr(tcp + 6, '/') = '\0';
	for (int i = 0; i < KEEL_HTTP_MAX_CONNS; i++) {
		h->conns[i].h = h;
		if ((rv = nng_aio_alloc(&h->conns[i].aio, conn_cb,
		                        &h->conns[i])) != 0)
			goto fail;
	}
	if ((rv = nng_aio_alloc(&h->accept, accept_cb, h)) != 0 ||
	    (rv = nng_stream_listener_alloc(&h->l, tcp)) != 0 ||
	    (rv = nng_stream_listener_listen(h->l)) != 0)
		goto fail;
	nng_stream_listener_accept(h->l, h->accept);
	*ret = h;
	return 0;
fail:
	keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
	               "cannot serve http on %s: %s", url, nng_strerror(rv));
	keel_http_free(h);
	return -EIO;
}

struct keel_http *
keel_http_free(struct keel_http *h)
{
	if (!h)
		return NULL;
	pthread_mutex_lock(&h->lock);
	h->closing = true;
	pthread_mutex_unlock(&h->lock);
	if (h->l)
		nng_stream_listener_close(h->l);
	if (h->accept)
		nng_aio_stop(h->accept);
	for (int i = 0; i < KEEL_HTTP_MAX_CONNS; i++) {
		if (h->conns[i].aio)
			nng_aio_stop(h->conns[i].aio);
		conn_close(&h->conns[i]);
		nng_aio_free(h->conns[i].aio);
	}
	nng_aio_free(h->accept);
	if (h->l)
		nng_stream_listener_free(h->l);
	pthread_mutex_destroy(&h->lock);
	free(h);
	return NULL;
}
