/*
 * keel-billing invoices as requests: the billing run (each time zone's
 * today computed here, the run itself one function, billing_run, in
 * lua/invoices.lua), get, list, void, and the document (render.c).  The
 * same run goes on the daemon's tick every billing.run_ms.
 */
#include "billing.h"
#include "render.h"

#include "codec.h"
#include "config.h"
#include "daemon.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "store.h"

#include <stdlib.h>
#include <string.h>

/* billing_run's argument: day (or each zone's today), offsets, contract,
 * the event head, max.  zones is billing_zones' packed list. */
static int
run_arg(struct keel_enc *e, const char *zones, size_t zlen, int64_t day,
        const char *contract, struct keel_daemon *d)
{
	int64_t max = keel_config_int(keel_daemon_config(d), "billing.run_batch");
	struct keel_mp_doc *doc = NULL;
	const struct keel_obj *z;
	size_t n;

	if (keel_mp_decode(zones, zlen, &doc) < 0)
		return -1;
	z = keel_mp_doc_root(doc);
	n = keel_obj_len(z);
	keel_enc_map(e, 4 + (day >= 0) + (contract != NULL));
	keel_enc_str(e, "days");
	keel_enc_map(e, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		char tz[65] = "";

		keel_obj_strcpy(keel_obj_at(z, i), tz, sizeof(tz));
		keel_enc_kv_int(e, tz, billing_today(tz, NULL));
	}
	keel_enc_str(e, "offsets");
	keel_enc_map(e, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		char tz[65] = "";
		int32_t off;

		keel_obj_strcpy(keel_obj_at(z, i), tz, sizeof(tz));
		billing_today(tz, &off);
		keel_enc_kv_int(e, tz, off);
	}
	if (day >= 0)
		keel_enc_kv_int(e, "day", day);
	if (contract)
		keel_enc_kv_str(e, "contract", contract);
	keel_daemon_kv_head(d, e);
	keel_enc_kv_int(e, "max", max);
	keel_mp_doc_free(doc);
	return keel_enc_error(e) ? -1 : 0;
}

/* billing_run's reply {more, packed result, id1, env1, ...}: publishes
 * the events; the result is the request's reply. */
static void
ran(struct keel_req *req, const struct keel_reply *r,
    const struct keel_error *err)
{
	struct keel_daemon *d = keel_req_app(req);
	struct keel_error e;
	const char *p;
	size_t len;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_error(r, "invoice.run", &e)) {
		keel_req_fail_err(req, &e);
		return;
	}
	keel_events_publish_pairs(keel_daemon_pub(d), r, 2);
	p = keel_reply_str_at(r, 1, &len);
	if (len == 0 || keel_mp_check(p, len, KEEL_MP_MAX_DEPTH, NULL) < 0) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "billing_run answered no result");
		return;
	}
	keel_enc_raw(keel_req_reply(req), p, len);
	keel_req_ok(req);
}

static void
zones_read(struct keel_req *req, const struct keel_reply *r,
           const struct keel_error *err)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_daemon *d = keel_req_app(req);
	struct keel_enc *e = keel_enc_new();
	struct keel_error re;
	char contract[33] = "";
	int64_t day = -1;
	const char *z;
	const void *p;
	size_t zlen, len;

	if (!r || keel_reply_error(r, "invoice.run", &re)) {
		keel_enc_free(e);
		keel_req_fail_err(req, r ? &re : err);
		return;
	}
	z = keel_reply_str(r, &zlen);
	if (keel_obj_get(b, "date"))
		billing_day_field(req, "date", true, &day); /* checked before */
	keel_obj_strcpy(keel_obj_get(b, "contract"), contract,
	                sizeof(contract));
	if (!e || !z ||
	    run_arg(e, z, zlen, day, contract[0] ? contract : NULL,
	            d) < 0) {
		keel_enc_free(e);
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "out of memory, or billing_zones unreadable");
		return;
	}
	p = keel_enc_data(e, &len);
	keel_req_fcall(req, "billing_run", 0, 1, (const char *[]){p},
	               (const size_t[]){len}, ran);
	keel_enc_free(e);
}

void
billing_invoice_run(struct keel_req *req)
{
	int64_t day;

	if (!billing_day_field(req, "date", false, &day))
		return;
	keel_req_read(req, "billing_zones", 0, NULL, NULL, 0, zones_read);
}

static void
packed(struct keel_req *req, const struct keel_reply *r,
       const struct keel_error *err)
{
	char id[33] = "";

	if (keel_req_reply_packed(req, r, err))
		return;
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id", "invoice %s not found",
	              id);
}

void
billing_invoice_get(struct keel_req *req)
{
	keel_req_read(req, "billing_invoice_get", 0, NULL, NULL, 0, packed);
}

void
billing_invoice_list(struct keel_req *req)
{
	keel_req_read(req, "billing_invoice_list", 0, NULL, NULL, 0, packed);
}

void
billing_invoice_void(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e;
	int64_t day = billing_today("UTC", NULL);
	const void *p;
	size_t len;

	if (!billing_day_field(req, "date", false, &day))
		return;
	if (!(e = keel_enc_new())) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_body_plus(e, b, 1);
	keel_enc_kv_int(e, "day", day);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "billing_invoice_void",
	                    .event_prefix = "",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

/* The invoice read back, drawn as asked. */
static void
render(struct keel_req *req, const struct keel_reply *r,
       const struct keel_error *err)
{
	struct keel_mp_doc *doc = NULL;
	struct keel_enc *out = keel_req_reply(req);
	bool html = keel_obj_streq(keel_obj_get(keel_req_body(req), "format"),
	                           "html");
	struct keel_error e;
	char id[33] = "";
	const char *p;
	void *buf = NULL;
	size_t len = 0, blen = 0;
	int rc;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_error(r, "invoice.render", &e)) {
		keel_req_fail_err(req, &e);
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	p = keel_reply_str(r, &len);
	if (!p || len == 0 || keel_mp_decode(p, len, &doc) < 0) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "invoice %s not found", id);
		return;
	}
	rc = html ? billing_render_html(keel_mp_doc_root(doc), (char **)&buf,
	                                &blen)
	          : billing_render_pdf(keel_mp_doc_root(doc),
	                               (unsigned char **)&buf, &blen);
	keel_mp_doc_free(doc);
	if (rc < 0) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "invoice %s could not be drawn (%d)", id, rc);
		return;
	}
	keel_enc_map(out, 3);
	keel_enc_kv_str(out, "id", id);
	keel_enc_kv_str(out, "content_type",
	                html ? "text/html; charset=utf-8" : "application/pdf");
	keel_enc_str(out, "data");
	keel_enc_bin(out, buf, blen);
	free(buf);
	keel_req_ok(req);
}

void
billing_invoice_render(struct keel_req *req)
{
	keel_req_read(req, "billing_invoice_get", 0, NULL, NULL, 0, render);
}

/* --- the tick --- */

struct fetched {
	char *data;
	size_t len;
};

static void
keep_str(void *arg, const struct keel_reply *r, const struct keel_error *err)
{
	struct fetched *f = arg;
	const char *p;
	size_t len = 0;

	(void)err;
	if (!r || keel_reply_type(r) == KEEL_R_ERROR ||
	    !(p = keel_reply_str(r, &len)) || len == 0)
		return;
	if ((f->data = malloc(len)))
		memcpy(f->data, p, len), f->len = len;
}

char *
billing_fetch(struct keel_daemon *d, const char *fn, size_t *ret_len)
{
	struct fetched f = {0};

	keel_store_fcall_sync(keel_daemon_store(d), fn, 0, 1,
	                      (const char *[]){"\x80"}, (const size_t[]){1},
	                      keep_str, &f);
	*ret_len = f.len;
	return f.data;
}

int64_t
billing_tick(struct keel_daemon *d)
{
	static int64_t last = -1;
	struct keel_store *s = keel_daemon_store(d);
	int64_t every = keel_config_int(keel_daemon_config(d), "billing.run_ms");
	int64_t now = keel_time_mono_ms();
	struct keel_enc *e;
	char *zones;
	size_t zlen;
	long long more = 0;
	int rounds = 0;

	if (every == 0)
		return -1;
	if (last >= 0 && now - last < every)
		return every - (now - last);
	if (!keel_store_up(s))
		return 1000;
	last = now;
	do {
		more = 0;
		zones = billing_fetch(d, "billing_zones", &zlen);
		if (!zones || !(e = keel_enc_new())) {
			free(zones);
			break;
		}
		if (run_arg(e, zones, zlen, -1, NULL, d) == 0)
			more = keel_daemon_fire(d, "billing_run", e, 2);
		keel_enc_free(e);
		free(zones);
	} while (more == 1 && ++rounds < 50);
	billing_report_tick(d);
	return every;
}
