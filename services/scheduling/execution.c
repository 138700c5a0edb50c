/*
 * keel-scheduling from agreed plan to signed acceptance (DOMAIN.md
 * section 1, steps 6-9): the checklist of preconditions (made when the
 * engagement arrives, from its products, operating systems, connection
 * and removal scope), its ticks (who and when), execution that starts only
 * when every item is ticked, the specialist's verification, and the
 * acceptance protocol signed by both sides - the only way to
 * engagement.completed, which billing invoices.
 *
 *   agreed --execution.start--> executing --execution.verify--> verified
 *   verified --acceptance.sign--> completed
 *
 * Keys: the engagement hash (checklist, status, checks, signed_by) and
 * keel:{scheduling}:ticks:<engagement> (item number -> "by\tms").  The
 * functions are in lua/execution.lua.
 */
#include "scheduling.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ktime.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

/* The preconditions of an engagement from its proposal.accepted body,
 * "\n"-joined. */
void
sched_checklist(const struct keel_obj *b, char *buf, size_t size)
{
	const struct keel_obj *products = keel_obj_get(b, "products");
	const struct keel_obj *os = keel_obj_get(b, "os");
	const struct keel_obj *remove = keel_obj_get(b, "remove");
	char conn[16] = "";
	bool in_scope = false;
	size_t used = 0;

#define LINE(...)                                                              \
	do {                                                                   \
		if (used < size)                                               \
			used += (size_t)snprintf(buf + used, size - used,      \
			                         __VA_ARGS__);                 \
	} while (0)
	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(b, "connection"), conn, sizeof(conn));
	keel_obj_bool(keel_obj_get(b, "removal_in_scope"), &in_scope);
	if (strcmp(conn, "on_site") == 0)
		LINE("Site access and a workplace for the specialist are "
		     "arranged\n");
	else
		LINE("Remote access for the specialist is set up and tested\n");
	LINE("Administrator credentials for the specialist are ready\n");
	for (size_t i = 0; i < keel_obj_len(products); i++) {
		char p[101] = "";

		keel_obj_strcpy(keel_obj_at(products, i), p, sizeof(p));
		LINE("Firewall ports and proxy exceptions for %s are open\n",
		     p);
	}
	if (keel_obj_len(os) > 0) {
		LINE("Endpoints run supported systems (");
		for (size_t i = 0; i < keel_obj_len(os); i++) {
			char o[101] = "";

			keel_obj_strcpy(keel_obj_at(os, i), o, sizeof(o));
			LINE("%s%s", i ? ", " : "", o);
		}
		LINE(")\n");
	}
	for (size_t i = 0; i < keel_obj_len(remove); i++) {
		char r[101] = "";

		keel_obj_strcpy(keel_obj_at(remove, i), r, sizeof(r));
		if (in_scope)
			LINE(
			    "%s can be removed by the vendor's standard method "
			    "(supported systems, licence keys at hand)\n",
			    r);
		else
			LINE("%s is removed by the customer\n", r);
	}
	LINE("A recent backup of the affected systems exists\n");
#undef LINE
}

void
scheduling_checklist_get(struct keel_req *req)
{
	scheduling_read_engagement(req, "scheduling_checklist_get");
}

void
scheduling_checklist_tick(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e = keel_enc_new();
	char eng[33] = "", by[201] = "";
	int64_t n = 0;
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "engagement"), eng, sizeof(eng));
	keel_obj_strcpy(keel_obj_get(b, "by"), by, sizeof(by));
	keel_obj_int(keel_obj_get(b, "item"), &n);
	for (char *c = by; *c; c++)
		if (*c == '\t')
			*c = ' ';
	keel_enc_map(e, 4);
	keel_enc_kv_str(e, "engagement", eng);
	keel_enc_kv_int(e, "item", n);
	keel_enc_kv_str(e, "by", by);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "scheduling_checklist_tick",
	                    .event_prefix = "checklist.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

/* scheduling_execution_step with op, and field = value when field is
 * set, and date when it is set. */
static void
step(struct keel_req *req, const char *op, const char *field,
     const char *value, const char *date)
{
	char by[201] = "";
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e = keel_enc_new();
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	if (!keel_obj_strcpy(keel_obj_get(b, "by"), by, sizeof(by)))
		keel_obj_strcpy(keel_obj_get(b, "specialist"), by, sizeof(by));
	scheduling_step_req(e, b, op, by, 4 + !!field + !!date);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	if (field)
		keel_enc_kv_str(e, field, value);
	if (date)
		keel_enc_kv_str(e, "date", date);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "scheduling_execution_step",
	                    .event_prefix = "",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

void
scheduling_execution_start(struct keel_req *req)
{
	step(req, "start", NULL, NULL, NULL);
}

void
scheduling_execution_verify(struct keel_req *req)
{
	const struct keel_obj *checks =
	    keel_obj_get(keel_req_body(req), "checks");
	char joined[8192] = "";
	size_t used = 0;

	for (size_t i = 0; i < keel_obj_len(checks) && used < sizeof(joined);
	     i++) {
		char c[301] = "";

		keel_obj_strcpy(keel_obj_at(checks, i), c, sizeof(c));
		used += (size_t)snprintf(joined + used, sizeof(joined) - used,
		                         "%s%s", i ? "\n" : "", c);
	}
	step(req, "verify", "checks", joined, NULL);
}

void
scheduling_acceptance_sign(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char who[201] = "", date[11] = "";
	int64_t day;

	keel_obj_strcpy(keel_obj_get(b, "customer"), who, sizeof(who));
	keel_obj_strcpy(keel_obj_get(b, "date"), date, sizeof(date));
	if (!keel_time_date(date, strlen(date), &day) ||
	    day > keel_time_now_ms() / 86400000 + 1) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.date",
		              "body.date: '%s' is not a date up to today",
		              date);
		return;
	}
	step(req, "sign", "customer", who, date);
}
