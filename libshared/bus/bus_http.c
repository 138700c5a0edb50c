/* bus_http: /healthz, /readyz and /metrics on nng's own HTTP server. */
#include "bus.h"

#include "error.h"
#include "metrics.h"

#include <errno.h>
#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct keel_http {
	nng_http_server *srv;
	keel_ready_fn ready;
	void *arg;
};

static void
respond(nng_aio *aio, uint16_t status, const char *ctype, const char *body,
        size_t len)
{
	nng_http_res *res;
	int rv;

	if ((rv = nng_http_res_alloc(&res)) != 0) {
		nng_aio_finish(aio, rv);
		return;
	}
	nng_http_res_set_status(res, status);
	nng_http_res_set_header(res, "Content-Type", ctype);
	if ((rv = nng_http_res_copy_data(res, body, len)) != 0) {
		nng_http_res_free(res);
		nng_aio_finish(aio, rv);
		return;
	}
	nng_aio_set_output(aio, 0, res);
	nng_aio_finish(aio, 0);
}

static struct keel_http *
http_of(nng_aio *aio)
{
	return nng_http_handler_get_data(nng_aio_get_input(aio, 1));
}

static void
on_healthz(nng_aio *aio)
{
	respond(aio, 200, "text/plain", "ok\n", 3);
}

static void
on_readyz(nng_aio *aio)
{
	struct keel_http *h = http_of(aio);
	char why[128] = "", text[160];
	bool ok = h->ready(h->arg, why, sizeof(why));
	int n = snprintf(text, sizeof(text), ok ? "ready\n" : "not ready: %s\n",
	                 why);

	respond(aio, ok ? 200 : 503, "text/plain", text, (size_t)n);
}

static void
on_metrics(nng_aio *aio)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		nng_aio_finish(aio, NNG_ENOMEM);
		return;
	}
	keel_metrics_render(f);
	fclose(f);
	respond(aio, 200, "text/plain; version=0.0.4", buf, len);
	free(buf);
}

int
keel_http_new(const char *url, keel_ready_fn ready, void *arg,
              struct keel_http **ret, struct keel_error *err)
{
	static const struct {
		const char *path;
		void (*fn)(nng_aio *);
	} routes[] = {
	    {"/healthz", on_healthz},
	    {"/readyz", on_readyz},
	    {"/metrics", on_metrics},
	};
	struct keel_http *h = calloc(1, sizeof(*h));
	nng_url *u = NULL;
	int rv;

	if (!h) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	h->ready = ready;
	h->arg = arg;
	if ((rv = nng_url_parse(&u, url)) != 0 ||
	    (rv = nng_http_server_hold(&h->srv, u)) != 0)
		goto fail;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		nng_http_handler *hd;

		if ((rv = nng_http_handler_alloc(&hd, routes[i].path,
		                                 routes[i].fn)) != 0)
			goto fail;
		nng_http_handler_set_data(hd, h, NULL);
		if ((rv = nng_http_server_add_handler(h->srv, hd)) != 0) {
			nng_http_handler_free(hd);
			goto fail;
		}
	}
	if ((rv = nng_http_server_start(h->srv)) != 0)
		goto fail;
	nng_url_free(u);
	*ret = h;
	return 0;
fail:
	keel_error_set(err, KEEL_E_UNAVAILABLE, NULL,
	               "cannot serve http on %s: %s", url, nng_strerror(rv));
	if (u)
		nng_url_free(u);
	if (h->srv)
		nng_http_server_release(h->srv);
	free(h);
	return -EIO;
}

struct keel_http *
keel_http_free(struct keel_http *h)
{
	if (h) {
		nng_http_server_stop(h->srv);
		nng_http_server_release(h->srv);
		free(h);
	}
	return NULL;
}
