/*
 * keel-intake proposals (DOMAIN.md section 1, steps 3-5).
 *
 *   draft (feasible assessment) --keel-pricing--> priced --send--> sent
 *   sent --accept--> accepted      sent --reject--> rejected
 *   sent or rejected --revise--> a new version, draft (old ones kept)
 *
 * Every drafted version is priced by keel-pricing from its
 * proposal.drafted event (its consumer group, the current price book);
 * the quote comes back as proposal.priced and is stored with the version,
 * so a later price-book change never alters a sent proposal.  Over 1000
 * seats a version is sent only after an HQ review; over 5000 seats HQ
 * drafts it.  Keys: keel:{intake}:proposal:<P-id> (assessment, customer,
 * seats, connection, versions) and ...:v<n> (content, status, reviewed_by,
 * quote, decided_by, by_hq); the functions are in lua/proposals.lua.
 */
#include "intake.h"

#include "codec.h"
#include "consumer.h"
#include "envelope.h"
#include "error.h"
#include "events.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The content members present in body, as one map. */
static void
enc_content(struct keel_enc *e, const struct keel_obj *b)
{
	static const char *const names[] = {"environment", "endpoints", "scope",
	                                    "activities", "removal_in_scope"};
	uint32_t n = 0;

	for (size_t i = 0; i < 5; i++)
		n += keel_obj_get(b, names[i]) != NULL;
	keel_enc_map(e, n);
	for (size_t i = 0; i < 5; i++)
		if (keel_obj_get(b, names[i])) {
			keel_enc_str(e, names[i]);
			keel_enc_obj(e, keel_obj_get(b, names[i]));
		}
}

/* draft and revise: first (assessment or id) named name, the content and
 * by_hq when given. */
static void
content_write(struct keel_req *req, const char *fn, const char *name,
              const char *first)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *c = keel_enc_new(), *e = keel_enc_new();
	bool by_hq, has_hq;
	const void *p;
	size_t len;

	if (!c || !e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	has_hq = keel_obj_bool(keel_obj_get(b, "by_hq"), &by_hq);
	enc_content(c, b);
	p = keel_enc_data(c, &len);
	keel_enc_map(e, 2 + has_hq);
	keel_enc_kv_str(e, name, first);
	keel_enc_str(e, "content");
	keel_enc_strn(e, p, len);
	if (has_hq)
		keel_enc_kv_bool(e, "by_hq", by_hq);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = fn,
	                    .event_prefix = "proposal.",
	                    .req = p,
	                    .req_len = len,
	                });
out:
	keel_enc_free(c);
	keel_enc_free(e);
}

void
intake_proposal_draft(struct keel_req *req)
{
	char a[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "assessment"), a,
	                sizeof(a));
	content_write(req, "intake_proposal_draft", "assessment", a);
}

void
intake_proposal_revise(struct keel_req *req)
{
	char id[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	content_write(req, "intake_proposal_revise", "id", id);
}

/* review, send, accept, reject: the id, and argname (by or reason), and
 * for reject its optional by. */
static void
step(struct keel_req *req, const char *fn, const char *argname)
{
	bool reject = strcmp(fn, "intake_proposal_reject") == 0;
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e = keel_enc_new();
	char id[33] = "", arg[501] = "";
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	keel_enc_map(e, 1 + (argname != NULL) + reject);
	keel_enc_kv_str(e, "id", id);
	if (argname) {
		keel_obj_strcpy(keel_obj_get(b, argname), arg, sizeof(arg));
		keel_enc_kv_str(e, argname, arg);
	}
	if (reject) {
		arg[0] = '\0';
		keel_obj_strcpy(keel_obj_get(b, "by"), arg, sizeof(arg));
		keel_enc_kv_str(e, "by", arg);
	}
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = fn,
	                    .event_prefix = "proposal.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

void
intake_proposal_review(struct keel_req *req)
{
	step(req, "intake_proposal_review", "by");
}

void
intake_proposal_send(struct keel_req *req)
{
	step(req, "intake_proposal_send", NULL);
}

void
intake_proposal_accept(struct keel_req *req)
{
	step(req, "intake_proposal_accept", "by");
}

void
intake_proposal_reject(struct keel_req *req)
{
	step(req, "intake_proposal_reject", "reason");
}

void
intake_enc_packed(struct keel_enc *e, const char *p, size_t len)
{
	if (len > 0 && keel_mp_check(p, len, KEEL_MP_MAX_DEPTH, NULL) == 0)
		keel_enc_raw(e, p, len);
	else
		keel_enc_map(e, 0);
}

static void
get_reply(struct keel_req *req, const struct keel_reply *r,
          const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	size_t qlen, clen;
	const char *q, *c;
	long long seats;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_len(r) < 11) {
		keel_req_fail(req, KEEL_E_NOT_FOUND,
		              keel_reply_len(r) ? "body.version" : "body.id",
		              keel_reply_len(r)
		                  ? "no such version (there are %s)"
		                  : "proposal not found",
		              keel_reply_str_at(r, 0, NULL));
		return;
	}
	seats = strtoll(keel_reply_str_at(r, 2, NULL), NULL, 10);
	q = keel_reply_str_at(r, 8, &qlen);
	c = keel_reply_str_at(r, 10, &clen);
	keel_enc_map(e, 15 + (qlen > 0) + (keel_reply_len(r) > 11));
	{
		char id[33] = "";

		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		keel_enc_kv_str(e, "id", id);
	}
	keel_enc_kv_int(e, "version",
	                strtoll(keel_reply_str_at(r, 5, NULL), NULL, 10));
	keel_enc_kv_int(e, "versions",
	                strtoll(keel_reply_str_at(r, 4, NULL), NULL, 10));
	keel_enc_kv_str(e, "status", keel_reply_str_at(r, 6, NULL));
	keel_enc_kv_str(e, "assessment", keel_reply_str_at(r, 0, NULL));
	keel_enc_kv_str(e, "customer", keel_reply_str_at(r, 1, NULL));
	keel_enc_kv_int(e, "seats", seats);
	keel_enc_kv_str(e, "connection", keel_reply_str_at(r, 3, NULL));
	keel_enc_str(e, "content");
	intake_enc_packed(e, c, clen);
	keel_enc_str(e, "hq_review_required");
	keel_enc_bool(e, seats > 1000);
	keel_enc_str(e, "hq_oversight_required");
	keel_enc_bool(e, seats > 1000);
	keel_enc_str(e, "hq_schedule_coordination");
	keel_enc_bool(e, seats > 1000);
	keel_enc_str(e, "hq_assembles");
	keel_enc_bool(e, seats > 5000);
	keel_enc_kv_str(e, "reviewed_by", keel_reply_str_at(r, 7, NULL));
	if (qlen > 0) {
		keel_enc_str(e, "quote");
		intake_enc_packed(e, q, qlen);
	}
	keel_enc_kv_str(e, "decided_by", keel_reply_str_at(r, 9, NULL));
	if (keel_reply_len(r) > 11)
		keel_enc_kv_str(e, "reason", keel_reply_str_at(r, 11, NULL));
	keel_req_ok(req);
}

void
intake_proposal_get(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e = keel_enc_new();
	char id[33] = "", key[80];
	int64_t v;
	bool has_v;
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	snprintf(key, sizeof(key), "keel:{intake}:proposal:%s", id);
	has_v = keel_obj_int(keel_obj_get(b, "version"), &v);
	keel_enc_map(e, has_v);
	if (has_v)
		keel_enc_kv_int(e, "version", v);
	p = keel_enc_data(e, &len);
	keel_req_read(req, "intake_proposal_get", 1, (const char *[]){key}, p,
	              len, get_reply);
	keel_enc_free(e);
}

enum keel_event_verdict
intake_on_priced(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *q = keel_enc_new(), *e = keel_enc_new();
	const char *id;
	size_t idn, len;
	int64_t v;
	const void *p;

	if (!q || !e) {
		keel_enc_free(q);
		keel_enc_free(e);
		return KEEL_EVENT_RETRY;
	}
	if (!keel_obj_str(keel_obj_get(b, "id"), &id, &idn) ||
	    !keel_obj_int(keel_obj_get(b, "version"), &v)) {
		keel_enc_free(q);
		keel_enc_free(e);
		return keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
	}
	keel_enc_obj(q, keel_obj_get(b, "quote"));
	p = keel_enc_data(q, &len);
	eff->fn = "intake_on_priced";
	keel_enc_map(e, 3);
	keel_enc_str(e, "id");
	keel_enc_strn(e, id, idn);
	keel_enc_kv_int(e, "version", v);
	keel_enc_str(e, "quote");
	keel_enc_strn(e, p, len);
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	keel_enc_free(q);
	keel_enc_free(e);
	return KEEL_EVENT_DONE;
}

static const struct keel_route pricing_routes[] = {
    {
        .prefix = "proposal.priced",
        .fn = intake_on_priced,
    },
    {.prefix = NULL},
};

const struct keel_subscription intake_subscriptions[] = {
    {.source = "pricing", .routes = pricing_routes},
    {.source = NULL},
};
