/*
 * keel-ticketing SLA policies as data: sla.put stores a policy (targets
 * per priority, pause statuses, escalation thresholds) over DOMAIN.md's
 * defaults; a customer names its policy (customer.put sla_policy) and
 * each ticket keeps the one it was opened under.  "default" is the
 * built-in policy until an sla.put replaces it.
 *
 * Keys: keel:{ticketing}:sla:<id> - policy (msgpack, as sla.get shows
 * it), pauses (" a b ", for the ticket functions), version; the
 * function is lua/policies.lua.
 */
#include "ticketing.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ids.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* targets, pause and escalate_pct members (3) of a policy map. */
static void
encode_policy(struct keel_enc *e, const struct ticketing_sla *p)
{
	uint32_t npause = 0;

	keel_enc_str(e, "targets");
	keel_enc_array(e, 4);
	for (int k = 0; k < 4; k++) {
		char spec[24];

		keel_enc_map(e, 4);
		keel_enc_kv_str(e, "priority", ticketing_priority_names[k]);
		ticketing_sla_spec_format(&p->response[k], spec, sizeof(spec));
		keel_enc_kv_str(e, "response", spec);
		ticketing_sla_spec_format(&p->resolution[k], spec,
		                          sizeof(spec));
		keel_enc_kv_str(e, "resolution", spec);
		keel_enc_kv_str(e, "coverage",
		                p->response[k].business_hours ? "business"
		                                              : "24x7");
	}
	for (int s = 0; s < TS_COUNT; s++)
		npause += (p->pause_statuses >> s) & 1u;
	keel_enc_str(e, "pause");
	keel_enc_array(e, npause);
	for (int s = 0; s < TS_COUNT; s++)
		if ((p->pause_statuses >> s) & 1u)
			keel_enc_str(e, ticketing_status_names[s]);
	keel_enc_str(e, "escalate_pct");
	keel_enc_array(e, (uint32_t)p->nescalations);
	for (int i = 0; i < p->nescalations; i++)
		keel_enc_int(e, p->escalate_bp[i] / 100);
}

/* Checks each target's specs, naming the field. */
static bool
check_targets(struct keel_req *req, const struct keel_obj *targets)
{
	static const char *const which[] = {"response", "resolution"};
	unsigned seen = 0;

	for (size_t i = 0; i < keel_obj_len(targets); i++) {
		const struct keel_obj *t = keel_obj_at(targets, i);
		char prio[16] = "", spec[24];
		int k;

		keel_obj_strcpy(keel_obj_get(t, "priority"), prio,
		                sizeof(prio));
		k = ticketing_priority_parse(prio);
		if (k >= 0 && (seen & (1u << k))) {
			keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.targets",
			              "body.targets[%zu]: %s is given twice", i,
			              prio);
			return false;
		}
		if (k >= 0)
			seen |= 1u << k;
		for (int w = 0; w < 2; w++) {
			struct sla_target tg;
			char field[64];

			if (!keel_obj_strcpy(keel_obj_get(t, which[w]), spec,
			                     sizeof(spec)) ||
			    ticketing_sla_spec(spec, &tg) == 0)
				continue;
			snprintf(field, sizeof(field), "body.targets[%zu].%s",
			         i, which[w]);
			keel_req_fail(req, KEEL_E_INVALID_FIELD, field,
			              "%s: '%s' is not a target like 30m, 2h, "
			              "nbd, 2bd or none",
			              field, spec);
			return false;
		}
	}
	return true;
}

void
ticketing_sla_put(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	struct ticketing_sla p;
	struct keel_enc *e, *w;
	char id[33] = "", pauses[160];
	const void *blob;
	size_t len;

	keel_obj_strcpy(keel_obj_get(body, "id"), id, sizeof(id));
	if (!keel_id_token_valid(id, strlen(id))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: only letters, digits, '.', '_' and "
		              "'-' are allowed");
		return;
	}
	if (!check_targets(req, keel_obj_get(body, "targets")))
		return;
	if (ticketing_sla_from(body, &p) < 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body",
		              "body: not a policy (see sla.put)");
		return;
	}
	if (p.pause_statuses & ((1u << TS_NEW) | (1u << TS_CLOSED))) {
		keel_req_fail(
		    req, KEEL_E_INVALID_FIELD, "body.pause",
		    "body.pause: new and closed cannot pause a clock");
		return;
	}
	for (int i = 1; i < p.nescalations; i++)
		if (p.escalate_bp[i] <= p.escalate_bp[i - 1]) {
			keel_req_fail(
			    req, KEEL_E_INVALID_FIELD, "body.escalate_pct",
			    "body.escalate_pct: thresholds must rise");
			return;
		}
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 3);
	encode_policy(e, &p);
	blob = keel_enc_data(e, &len);
	ticketing_status_list(p.pause_statuses, pauses, sizeof(pauses));
	w = keel_enc_new();
	if (!w) {
		keel_enc_free(e);
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(w, 3);
	keel_enc_kv_str(w, "id", id);
	keel_enc_str(w, "policy");
	keel_enc_strn(w, blob, len);
	keel_enc_kv_str(w, "pauses", pauses);
	blob = keel_enc_data(w, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = "ticketing_sla_put",
	                    .event_prefix = "sla.",
	                    .req = blob,
	                    .req_len = len,
	                });
	keel_enc_free(w);
	keel_enc_free(e);
}

int
ticketing_sla_load(const char *blob, size_t len, struct ticketing_sla *p)
{
	struct keel_mp_doc *doc = NULL;
	int r = -EINVAL;

	ticketing_sla_default(p);
	if (len > 0 && keel_mp_decode(blob, len, &doc) == 0)
		r = ticketing_sla_from(keel_mp_doc_root(doc), p);
	keel_mp_doc_free(doc);
	if (r < 0)
		ticketing_sla_default(p);
	return r;
}

static void
get_reply(struct keel_req *req, const struct keel_reply *r,
          const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	struct ticketing_sla p;
	char id[33] = "";
	size_t len = 0;
	const char *blob;
	long long version;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	blob = keel_reply_str(keel_reply_at(r, 0), &len);
	version =
	    keel_reply_str(keel_reply_at(r, 1), NULL)
	        ? strtoll(keel_reply_str(keel_reply_at(r, 1), NULL), NULL, 10)
	        : 0;
	if (!blob && strcmp(id, "default") != 0) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "SLA policy '%s' not found", id);
		return;
	}
	ticketing_sla_load(blob, blob ? len : 0, &p);
	keel_enc_map(e, 5);
	keel_enc_kv_str(e, "id", id);
	encode_policy(e, &p);
	keel_enc_kv_int(e, "version", version);
	keel_req_ok(req);
}

void
ticketing_sla_get(struct keel_req *req)
{
	char id[33], key[80];

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	snprintf(key, sizeof(key), "keel:{ticketing}:sla:%s", id);
	keel_req_redis(req, 4,
	               (const char *[]){"HMGET", key, "policy", "version"},
	               NULL, get_reply);
}
