/*
 * keel-intake assessments (DOMAIN.md section 1, steps 1-2) and the
 * eligible-products list.
 *
 * The list is DOMAIN's defaults with the changes product.put made (kept in
 * keel:{intake}:products, name -> "R,E": released and eligible, 1 or 0).
 * assessment.submit refuses products off the list, naming them, and keeps
 * the ones not yet released; assessment.evaluate cannot find such an
 * assessment feasible.  Keys: keel:{intake}:assessment:<A-id>; the
 * functions are in lua/assessments.lua.
 */
#include "intake.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_products[] = {
    "Cloud Administrator",
    "Cloud Office Security",
    "Endpoint Antivirus for Linux",
    "Endpoint Antivirus for macOS",
    "Endpoint Antivirus for Windows",
    "Endpoint Security for Android",
    "Endpoint Security for macOS",
    "Endpoint Security for Windows",
    "Endpoint Encryption",
    "Enterprise Inspector",
    "File Security for Linux",
    "File Security for Windows Server",
    "Full Disk Encryption",
    "Full Disk Encryption for Cloud Administrator",
    "Gateway Security for Linux",
    "Mail Security for Lotus Domino",
    "Mail Security for Linux",
    "Mail Security for Exchange Server",
    "Secure Authentication",
    "Security for SharePoint",
    "Security for SharePoint Server",
    "Security Management Center",
    "Security Management Center Cloud",
    "Virtualization Security",
    NULL,
};

void
intake_product_put(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e;
	char name[101] = "";
	bool released = true, eligible = true;
	const void *p;
	size_t len;

	keel_obj_strcpy(keel_obj_get(b, "name"), name, sizeof(name));
	keel_obj_bool(keel_obj_get(b, "released"), &released);
	keel_obj_bool(keel_obj_get(b, "eligible"), &eligible);
	if (strchr(name, '\n')) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.name",
		              "body.name: one line");
		return;
	}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "name", name);
	keel_enc_kv_bool(e, "released", released);
	keel_enc_kv_bool(e, "eligible", eligible);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "intake_product_put",
	                    .event_prefix = "product.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

static void
product_list_reply(struct keel_req *req, const struct keel_reply *r,
                   const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	size_t n = keel_reply_len(r), count = 0;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	/* The defaults not changed, then the stored ones. */
	for (int i = 0; default_products[i]; i++) {
		bool stored = false;

		for (size_t k = 0; k + 1 < n; k += 2)
			stored |= strcmp(keel_reply_str_at(r, k, NULL),
			                 default_products[i]) == 0;
		count += !stored;
	}
	count += n / 2;
	keel_enc_map(e, 1);
	keel_enc_str(e, "products");
	keel_enc_array(e, (uint32_t)count);
	for (int i = 0; default_products[i]; i++) {
		bool stored = false;

		for (size_t k = 0; k + 1 < n; k += 2)
			stored |= strcmp(keel_reply_str_at(r, k, NULL),
			                 default_products[i]) == 0;
		if (stored)
			continue;
		keel_enc_map(e, 3);
		keel_enc_kv_str(e, "name", default_products[i]);
		keel_enc_str(e, "released");
		keel_enc_bool(e, true);
		keel_enc_str(e, "eligible");
		keel_enc_bool(e, true);
	}
	for (size_t k = 0; k + 1 < n; k += 2) {
		const char *flags = keel_reply_str_at(r, k + 1, NULL);

		keel_enc_map(e, 3);
		keel_enc_kv_str(e, "name", keel_reply_str_at(r, k, NULL));
		keel_enc_str(e, "released");
		keel_enc_bool(e, flags[0] == '1');
		keel_enc_str(e, "eligible");
		keel_enc_bool(e, strlen(flags) > 2 && flags[2] == '1');
	}
	keel_req_ok(req);
}

void
intake_product_list(struct keel_req *req)
{
	/* An empty request, not the body (Redis's cmsgpack would refuse a
	 * bin member a client added). */
	keel_req_read(req, "intake_product_list", 1,
	              (const char *[]){"keel:{intake}:products"}, "\x80", 1,
	              product_list_reply);
}

/* "6", "7.1", "7.1.3": a version; its parts compared in order. */
static int
version_cmp(const char *a, const char *b, bool *valid)
{
	*valid = true;
	for (const char *s = a; *s; s++)
		*valid &= (*s >= '0' && *s <= '9') || *s == '.';
	for (const char *s = b; *s; s++)
		*valid &= (*s >= '0' && *s <= '9') || *s == '.';
	while (*valid && (*a || *b)) {
		long x = strtol(a, (char **)&a, 10),
		     y = strtol(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		if (*b == '.')
			b++;
	}
	return 0;
}

/* The checks the declaration cannot make; false after answering. */
static bool
check_assessment(struct keel_req *req, const struct keel_obj *b)
{
	const struct keel_obj *dates = keel_obj_get(b, "dates");
	const struct keel_obj *products = keel_obj_get(b, "products");
	char kind[16] = "", cur[21] = "", tgt[21] = "";
	int64_t today = keel_time_now_ms() / 86400000;
	bool valid;

	keel_obj_strcpy(keel_obj_get(b, "kind"), kind, sizeof(kind));
	keel_obj_strcpy(keel_obj_get(b, "current_version"), cur, sizeof(cur));
	keel_obj_strcpy(keel_obj_get(b, "target_version"), tgt, sizeof(tgt));
	if (strcmp(kind, "upgrade") == 0) {
		if (!cur[0] || !tgt[0]) {
			keel_req_fail(
			    req, KEEL_E_INVALID_FIELD,
			    cur[0] ? "body.target_version"
			           : "body.current_version",
			    "%s: an upgrade names the current and the "
			    "target version",
			    cur[0] ? "body.target_version"
			           : "body.current_version");
			return false;
		}
		if (version_cmp(cur, tgt, &valid) >= 0 || !valid) {
			keel_req_fail(
			    req, KEEL_E_INVALID_FIELD, "body.target_version",
			    "body.target_version: '%s' is not a version "
			    "above '%s'",
			    tgt, cur);
			return false;
		}
	} else if (cur[0] || tgt[0]) {
		keel_req_fail(
		    req, KEEL_E_INVALID_FIELD, "body.current_version",
		    "body.current_version: versions are for upgrades; "
		    "a deployment is a new licence");
		return false;
	}
	for (size_t i = 0; i < keel_obj_len(dates); i++) {
		const char *s;
		size_t n;
		int64_t day;

		if (!keel_obj_str(keel_obj_at(dates, i), &s, &n) ||
		    !keel_time_date(s, n, &day) || day <= today) {
			char field[48];

			snprintf(field, sizeof(field), "body.dates[%zu]", i);
			keel_req_fail(req, KEEL_E_INVALID_FIELD, field,
			              "%s: '%.*s' is not a date after today",
			              field, (int)n, s ? s : "");
			return false;
		}
	}
	for (size_t i = 0; i < keel_obj_len(products); i++) {
		char p[101] = "";

		keel_obj_strcpy(keel_obj_at(products, i), p, sizeof(p));
		if (strchr(p, '\n')) {
			keel_req_fail(req, KEEL_E_INVALID_FIELD,
			              "body.products",
			              "body.products[%zu]: one line", i);
			return false;
		}
	}
	return true;
}

void
intake_assessment_submit(struct keel_req *req)
{
	static const char *const kept[] = {
	    "customer", "contact",         "kind",           "seats",
	    "products", "current_version", "target_version", "os",
	    "sites",    "connection",      "dates",          "remove"};
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e, *a;
	char customer[33] = "";
	const void *p;
	size_t len;
	uint32_t n = 0, ndefaults = 0;

	if (!check_assessment(req, b))
		return;
	keel_obj_strcpy(keel_obj_get(b, "customer"), customer,
	                sizeof(customer));
	e = keel_enc_new();
	a = keel_enc_new();
	if (!e || !a) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		n += keel_obj_get(b, kept[i]) != NULL;
	keel_enc_map(a, n);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (keel_obj_get(b, kept[i])) {
			keel_enc_str(a, kept[i]);
			keel_enc_obj(a, keel_obj_get(b, kept[i]));
		}
	p = keel_enc_data(a, &len);
	keel_enc_map(e, 4);
	keel_enc_kv_str(e, "customer", customer);
	keel_enc_str(e, "assessment");
	keel_enc_strn(e, p, len);
	while (default_products[ndefaults])
		ndefaults++;
	keel_enc_str(e, "defaults");
	keel_enc_array(e, ndefaults);
	for (uint32_t i = 0; i < ndefaults; i++)
		keel_enc_str(e, default_products[i]);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "intake_assessment_submit",
	                    .event_prefix = "assessment.",
	                    .req = p,
	                    .req_len = len,
	                });
out:
	keel_enc_free(a);
	keel_enc_free(e);
}

void
intake_assessment_evaluate(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	const struct keel_obj *reasons = keel_obj_get(b, "reasons");
	char id[33] = "", result[16] = "", by[201] = "", joined[11000] = "";
	struct keel_enc *e;
	const void *p;
	size_t used = 0, len;

	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	keel_obj_strcpy(keel_obj_get(b, "result"), result, sizeof(result));
	keel_obj_strcpy(keel_obj_get(b, "by"), by, sizeof(by));
	if (strcmp(result, "not_feasible") == 0 && keel_obj_len(reasons) == 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.reasons",
		              "body.reasons: say why it is not feasible");
		return;
	}
	for (size_t i = 0; i < keel_obj_len(reasons); i++) {
		char r[501] = "";

		keel_obj_strcpy(keel_obj_at(reasons, i), r, sizeof(r));
		for (char *c = r; *c; c++)
			if (*c == '\n')
				*c = ' ';
		used += (size_t)snprintf(joined + used, sizeof(joined) - used,
		                         "%s%s", used ? "\n" : "", r);
	}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 5);
	keel_enc_kv_str(e, "id", id);
	keel_enc_kv_str(e, "result", result);
	keel_enc_kv_str(e, "reasons", joined);
	keel_enc_kv_str(e, "by", by);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "intake_assessment_evaluate",
	                    .event_prefix = "assessment.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

/* "a\nb" as an array of strings. */
static void
enc_lines(struct keel_enc *e, const char *s)
{
	uint32_t n = 0;

	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "\n");

		n += len > 0;
		p += len + (p[len] == '\n');
	}
	keel_enc_array(e, n);
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "\n");

		if (len > 0)
			keel_enc_strn(e, p, len);
		p += len + (p[len] == '\n');
	}
}

static void
assessment_get_reply(struct keel_req *req, const struct keel_reply *r,
                     const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	size_t blen;
	const char *body;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!keel_reply_str_at(r, 0, NULL)[0]) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "assessment not found");
		return;
	}
	body = keel_reply_str_at(r, 2, &blen);
	keel_enc_map(e, 7);
	keel_enc_kv_str(e, "id", keel_reply_str_at(r, 0, NULL));
	keel_enc_kv_str(e, "status", keel_reply_str_at(r, 1, NULL));
	keel_enc_str(e, "assessment");
	intake_enc_packed(e, body, blen);
	keel_enc_str(e, "unreleased");
	enc_lines(e, keel_reply_str_at(r, 3, NULL));
	keel_enc_str(e, "reasons");
	enc_lines(e, keel_reply_str_at(r, 4, NULL));
	keel_enc_kv_str(e, "evaluated_by", keel_reply_str_at(r, 5, NULL));
	keel_enc_kv_int(e, "submitted_ms",
	                strtoll(keel_reply_str_at(r, 6, NULL), NULL, 10));
	keel_req_ok(req);
}

void
intake_assessment_get(struct keel_req *req)
{
	char id[33] = "", key[80];

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	snprintf(key, sizeof(key), "keel:{intake}:assessment:%s", id);
	/* The key says it all: an empty request, not the body. */
	keel_req_read(req, "intake_assessment_get", 1, (const char *[]){key},
	              "\x80", 1, assessment_get_reply);
}
