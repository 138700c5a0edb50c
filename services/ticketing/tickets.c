/*
 * keel-ticketing tickets: creation (ticket.create, and request.received
 * through the consumer group), assignment, the lifecycle, escalation,
 * referral and time entries.  Each change is one write function: it checks
 * the ticket's status against the set lifecycle.c allows, applies the
 * change with its indexes, and appends its events, in one atomic Redis
 * step - so any number of instances can serve the same tickets.
 *
 * The functions are lua/tickets.lua, with what they share (and the keys)
 * in lua/lib/ticket.lua; this file validates and names their requests.
 */
#include "ticketing.h"

#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "events.h"
#include "ids.h"
#include "ktime.h"
#include "names.h"
#include "store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The write functions of lua/tickets.lua, by operation. */
enum op {
	W_CREATE,
	W_ASSIGN,
	W_STATUS,
	W_RESOLVE,
	W_CONFIRM,
	W_REOPEN,
	W_ESCALATE,
	W_REFER,
	W_LOG_TIME,
	W_COUNT
};

static const char *const op_fn[W_COUNT] = {
    "ticketing_create",  "ticketing_assign",   "ticketing_status",
    "ticketing_resolve", "ticketing_confirm",  "ticketing_reopen",
    "ticketing_escalate", "ticketing_refer",   "ticketing_log_time",
};

void
ticketing_pause_list(const struct ticketing_sla *p, char *buf, size_t size)
{
	ticketing_status_list(p->pause_statuses, buf, size);
}

/* What a write adds to its request besides the named strings. */
struct op_extra {
	const struct ticketing_plan *plan; /* ticket.create */
	const struct ticketing_ctx *ctx;
};

/* Runs write op for the ticket in body.id (create: target is the
 * customer) with the operation's own fields, named. */
static void
run_op(struct keel_req *req, enum op op, unsigned from, const char *target,
       int nargs, const char *const *names, const char *const *args,
       const struct op_extra *x)
{
	struct ticketing_sla sla;
	char pauses[128], fromlist[160], id[33] = "";
	struct keel_enc *e = keel_enc_new();
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	ticketing_sla_default(&sla);
	ticketing_pause_list(&sla, pauses, sizeof(pauses));
	ticketing_status_list(from, fromlist, sizeof(fromlist));
	if (target)
		snprintf(id, sizeof(id), "%s", target);
	else
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
	keel_enc_map(e, 4 + (uint32_t)nargs + (x ? 2 : 0));
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_enc_kv_str(e, "pauses", pauses);
	keel_enc_kv_str(e, "from", fromlist);
	keel_enc_kv_str(e, target ? "customer" : "id", id);
	for (int i = 0; i < nargs; i++)
		keel_enc_kv_str(e, names[i], args[i]);
	if (x) {
		keel_enc_str(e, "plan");
		ticketing_plan_encode(e, NULL, NULL, x->plan);
		keel_enc_str(e, "ctx");
		ticketing_ctx_encode(e, x->ctx);
	}
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .fn = op_fn[op],
	                    .event_prefix = "ticket.",
	                    .req = p,
	                    .req_len = len,
	                });
	keel_enc_free(e);
}

static void
str_of(struct keel_req *req, const char *name, char *buf, size_t size)
{
	buf[0] = '\0';
	keel_obj_strcpy(keel_obj_get(keel_req_body(req), name), buf, size);
}


bool
ticketing_request_fields(const struct keel_obj *b, struct ticketing_request *r,
                         struct keel_error *err)
{
	int64_t ms = 0, lv = 1;

	memset(r, 0, sizeof(*r));
	keel_obj_strcpy(keel_obj_get(b, "customer"), r->customer,
	                sizeof(r->customer));
	keel_obj_strcpy(keel_obj_get(b, "contact"), r->contact,
	                sizeof(r->contact));
	keel_obj_strcpy(keel_obj_get(b, "channel"), r->channel,
	                sizeof(r->channel));
	if (!keel_obj_strcpy(keel_obj_get(b, "priority"), r->priority,
	                     sizeof(r->priority)))
		snprintf(r->priority, sizeof(r->priority), "normal");
	/* "a,b,c", as the incident keys and the hash keep them */
	if (!keel_join(keel_obj_get(b, "devices"), ',', r->devices,
	               sizeof(r->devices))) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "body.devices",
		               "body.devices: a device name may not hold ','");
		return false;
	}
	keel_obj_strcpy(keel_obj_get(b, "service"), r->service,
	                sizeof(r->service));
	keel_obj_strcpy(keel_obj_get(b, "symptoms"), r->symptoms,
	                sizeof(r->symptoms));
	keel_obj_strcpy(keel_obj_get(b, "steps"), r->steps, sizeof(r->steps));
	keel_obj_strcpy(keel_obj_get(b, "changes"), r->changes,
	                sizeof(r->changes));
	/* A monitoring alert: its metric, with its value or level. */
	{
		const struct keel_obj *alert = keel_obj_get(b, "alert");
		char metric[24] = "", level[16] = "";
		int64_t value;

		keel_obj_strcpy(keel_obj_get(alert, "metric"), metric,
		                sizeof(metric));
		keel_obj_strcpy(keel_obj_get(alert, "level"), level,
		                sizeof(level));
		if (keel_obj_int(keel_obj_get(alert, "value"), &value))
			snprintf(r->metric, sizeof(r->metric), "%s=%lld",
			         metric, (long long)value);
		else if (level[0])
			snprintf(r->metric, sizeof(r->metric), "%s=%s", metric,
			         level);
		else
			snprintf(r->metric, sizeof(r->metric), "%s", metric);
	}
	keel_obj_int(keel_obj_get(b, "received_ms"), &ms);
	keel_obj_int(keel_obj_get(b, "level"), &lv);
	r->received_ms = ms;
	r->level = (int)lv;
	return true;
}

/* A request's fields as the ticket functions name them (after customer). */
static const char *const request_names[] = {
    "contact",  "channel", "priority", "devices",     "service", "symptoms",
    "steps",    "changes", "metric",   "received_ms", "level",
};

/* The request's fields, checked (received 0 becomes now); false when it
 * was refused. */
static bool
create_fields(struct keel_req *req, struct ticketing_request *r)
{
	struct keel_error err;

	if (!ticketing_request_fields(keel_req_body(req), r, &err) ||
	    !ticketing_received_ok(&r->received_ms, keel_time_now_ms(), &err)) {
		keel_req_fail_err(req, &err);
		return false;
	}
	if (ticketing_priority_parse(r->priority) < 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.priority",
		              "body.priority: '%s' is not a priority",
		              r->priority);
		return false;
	}
	return true;
}

/* ticket.create's one write: the ticket planned in C with ctx. */
static void
create_with(struct keel_req *req, const struct ticketing_request *r,
            const struct ticketing_ctx *ctx)
{
	struct ticketing_plan plan;
	struct ticketing_plan_in in = {
	    .sla = &ctx->sla,
	    .business = &ctx->business,
	    .priority = ticketing_priority_parse(r->priority),
	    .received = r->received_ms,
	    .now = keel_time_now_ms(),
	};
	char received[24], level[8];

	ticketing_sla_plan(&in, &plan);
	snprintf(received, sizeof(received), "%lld", (long long)r->received_ms);
	snprintf(level, sizeof(level), "%d", r->level);
	run_op(req, W_CREATE, 0, r->customer, 11, request_names,
	       (const char *[]){r->contact, r->channel, r->priority, r->devices,
	                        r->service, r->symptoms, r->steps, r->changes,
	                        r->metric, received, level},
	       &(struct op_extra){.plan = &plan, .ctx = ctx});
}

/* ticketing_sla_context's reply: the customer's context, kept, then the
 * write. */
static void
ctx_read(struct keel_req *req, const struct keel_reply *reply,
         const struct keel_error *err)
{
	struct ticketing_request *r = malloc(sizeof(*r));
	struct ticketing_ctx *c = malloc(sizeof(*c));
	int rc;

	if (!reply || !r || !c) {
		if (reply)
			keel_req_fail(req, KEEL_E_INTERNAL, NULL,
			              "out of memory");
		else
			keel_req_fail_err(req, err);
		goto out;
	}
	if (!create_fields(req, r))
		goto out;
	rc = ticketing_ctx_read(r->customer, reply, c);
	if (rc == -ENOENT)
		keel_req_catch_up(req, "intake", keel_req_customer_unknown);
	else if (rc < 0)
		keel_req_fail(req, KEEL_E_INTERNAL, NULL,
		              "the SLA context of customer %s is unreadable",
		              r->customer);
	else {
		ticketing_ctx_put(c);
		create_with(req, r, c);
	}
out:
	free(r);
	free(c);
}

void
ticketing_ticket_create(struct keel_req *req)
{
	struct ticketing_request *r = malloc(sizeof(*r));
	struct ticketing_ctx *c = malloc(sizeof(*c));
	char key[80];

	if (!r || !c) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		goto out;
	}
	if (!create_fields(req, r))
		goto out;
	/* The cache first; a write that found it stale came back here
	 * (keel_req_retry), and then Redis is read. */
	if (keel_req_attempt(req) == 0 && ticketing_ctx_get(r->customer, c)) {
		create_with(req, r, c);
		goto out;
	}
	snprintf(key, sizeof(key), "keel:{ticketing}:customer:%s", r->customer);
	{
		struct keel_enc *e = keel_enc_new();
		const void *p;
		size_t len;

		if (!e) {
			keel_req_fail(req, KEEL_E_INTERNAL, NULL,
			              "out of memory");
			goto out;
		}
		keel_enc_map(e, 1);
		keel_enc_kv_str(e, "customer", r->customer);
		p = keel_enc_data(e, &len);
		keel_req_read(req, "ticketing_sla_context", 1,
		              (const char *[]){key}, p, len, ctx_read);
		keel_enc_free(e);
	}
out:
	free(r);
	free(c);
}

bool
ticketing_received_ok(int64_t *received, int64_t now, struct keel_error *err)
{
	char at[KEEL_TIME_STRLEN], nows[KEEL_TIME_STRLEN];

	if (keel_time_past(received, now, 30LL * 86400000) == 0)
		return true;
	keel_time_format(*received, at);
	keel_time_format(now, nows);
	keel_error_set(err, KEEL_E_INVALID_FIELD, "body.received_ms",
	               "body.received_ms: %s is ahead of now (%s) or more "
	               "than 30 days back",
	               at, nows);
	return false;
}

void
ticketing_ticket_assign(struct keel_req *req)
{
	char tech[33];

	str_of(req, "technician", tech, sizeof(tech));
	run_op(req, W_ASSIGN, ticketing_allowed_from(OP_ASSIGN, 0), NULL, 1,
	       (const char *[]){"technician"}, (const char *[]){tech}, NULL);
}

void
ticketing_ticket_status(struct keel_req *req)
{
	char want[32], note[512];
	int to;

	str_of(req, "status", want, sizeof(want));
	str_of(req, "note", note, sizeof(note));
	to = ticketing_status_parse(want);
	run_op(req, W_STATUS,
	       to < 0 ? 0
	              : ticketing_allowed_from(OP_STATUS,
	                                       (enum ticketing_status)to),
	       NULL, 2, (const char *[]){"status", "note"},
	       (const char *[]){want, note}, NULL);
}

void
ticketing_ticket_resolve(struct keel_req *req)
{
	char *res = malloc(4001), *act = malloc(4001);

	if (res && act) {
		str_of(req, "resolution", res, 4001);
		str_of(req, "actions", act, 4001);
		run_op(req, W_RESOLVE, ticketing_allowed_from(OP_RESOLVE, 0),
		       NULL, 2, (const char *[]){"resolution", "actions"},
		       (const char *[]){res, act}, NULL);
	} else
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
	free(res);
	free(act);
}

void
ticketing_ticket_confirm(struct keel_req *req)
{
	char by[201];

	str_of(req, "by", by, sizeof(by));
	run_op(req, W_CONFIRM, ticketing_allowed_from(OP_CONFIRM, 0), NULL, 1,
	       (const char *[]){"by"}, (const char *[]){by}, NULL);
}

void
ticketing_ticket_reopen(struct keel_req *req)
{
	char reason[501];

	str_of(req, "reason", reason, sizeof(reason));
	run_op(req, W_REOPEN, ticketing_allowed_from(OP_REOPEN, 0), NULL, 1,
	       (const char *[]){"reason"}, (const char *[]){reason}, NULL);
}

void
ticketing_ticket_escalate(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char level[8] = "", tech[33], reason[501];
	int64_t lv;
	bool pc = false;

	if (keel_obj_int(keel_obj_get(b, "level"), &lv))
		snprintf(level, sizeof(level), "%lld", (long long)lv);
	str_of(req, "technician", tech, sizeof(tech));
	str_of(req, "reason", reason, sizeof(reason));
	keel_obj_bool(keel_obj_get(b, "process_change"), &pc);
	run_op(req, W_ESCALATE, ticketing_allowed_from(OP_ESCALATE, 0), NULL, 4,
	       (const char *[]){"level", "technician", "process_change",
	                        "reason"},
	       (const char *[]){level, tech, pc ? "1" : "0", reason}, NULL);
}

void
ticketing_ticket_refer(struct keel_req *req)
{
	char reason[501];

	str_of(req, "reason", reason, sizeof(reason));
	run_op(req, W_REFER, ticketing_allowed_from(OP_REFER, 0), NULL, 1,
	       (const char *[]){"reason"}, (const char *[]){reason}, NULL);
}

void
ticketing_ticket_log_time(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char minutes[16], tech[33], note[501], work[16];
	int64_t m = 0;
	bool covered = false;

	keel_obj_int(keel_obj_get(b, "minutes"), &m);
	if (m % 15 != 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.minutes",
		              "body.minutes: %lld is not a multiple of 15",
		              (long long)m);
		return;
	}
	keel_obj_bool(keel_obj_get(b, "covered"), &covered);
	snprintf(minutes, sizeof(minutes), "%lld", (long long)m);
	str_of(req, "technician", tech, sizeof(tech));
	str_of(req, "note", note, sizeof(note));
	str_of(req, "work", work, sizeof(work));
	run_op(req, W_LOG_TIME, ticketing_allowed_from(OP_LOG_TIME, 0), NULL, 5,
	       (const char *[]){"minutes", "covered", "technician", "note",
	                        "work"},
	       (const char *[]){minutes, covered ? "1" : "0", tech, note,
	                        work[0] ? work : "remote"},
	       NULL);
}

/* request.received -> a ticket, or a link to the open incident. */
enum keel_event_verdict
ticketing_on_request(const struct keel_env *ev, struct keel_effect *eff)
{
	static struct ticketing_request zero;
	struct ticketing_request *r = malloc(sizeof(*r));
	struct keel_enc *e = keel_enc_new();
	struct keel_error err;
	struct ticketing_sla sla;
	char pauses[128], level[8], received[24], reqid[33] = "";
	const void *p;
	size_t len;
	enum keel_event_verdict verdict = KEEL_EVENT_DONE;

	if (!r || !e) {
		verdict = KEEL_EVENT_RETRY;
		goto out;
	}
	*r = zero;
	if (!ticketing_request_fields(ev->body, r, &err)) {
		verdict = keel_event_poison(eff, "%s", err.message);
		goto out;
	}
	keel_obj_strcpy(keel_obj_get(ev->body, "id"), reqid, sizeof(reqid));
	ticketing_sla_default(&sla);
	ticketing_pause_list(&sla, pauses, sizeof(pauses));
	snprintf(level, sizeof(level), "%d", r->level);
	snprintf(received, sizeof(received), "%lld", (long long)r->received_ms);
	eff->fn = "ticketing_on_request";
	keel_enc_map(e, 3);
	keel_enc_kv_int(e, "now", keel_time_now_ms());
	keel_enc_kv_str(e, "pauses", pauses);
	keel_enc_str(e, "fields");
	keel_enc_map(e, 14);
	keel_enc_kv_str(e, "customer", r->customer);
	keel_enc_kv_str(e, "contact", r->contact);
	keel_enc_kv_str(e, "channel", r->channel);
	keel_enc_kv_str(e, "priority", r->priority);
	keel_enc_kv_str(e, "devices", r->devices);
	keel_enc_kv_str(e, "service", r->service);
	keel_enc_kv_str(e, "symptoms", r->symptoms);
	keel_enc_kv_str(e, "steps", r->steps);
	keel_enc_kv_str(e, "changes", r->changes);
	keel_enc_kv_str(e, "metric", r->metric);
	keel_enc_kv_str(e, "received_ms", received);
	keel_enc_kv_str(e, "level", level);
	keel_enc_kv_str(e, "request", reqid);
	keel_enc_kv_str(e, "source", "request");
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
out:
	keel_enc_free(e);
	free(r);
	return verdict;
}

/* rfc.* of keel-change: a ticket waiting on its RFC follows it
 * (ticketing_on_rfc, lua/tickets.lua). */
enum keel_event_verdict
ticketing_on_rfc(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new();
	struct ticketing_sla sla;
	char pauses[128], ticket[33] = "", rfc[33] = "", status[24] = "";
	const void *p;
	size_t len;

	if (!e)
		return KEEL_EVENT_RETRY;
	keel_obj_strcpy(keel_obj_get(b, "ticket"), ticket, sizeof(ticket));
	keel_obj_strcpy(keel_obj_get(b, "id"), rfc, sizeof(rfc));
	keel_obj_strcpy(keel_obj_get(b, "status"), status, sizeof(status));
	if (!ticket[0]) {
		keel_enc_free(e);
		return KEEL_EVENT_DONE; /* not from a ticket: nothing to do */
	}
	ticketing_sla_default(&sla);
	ticketing_pause_list(&sla, pauses, sizeof(pauses));
	eff->fn = "ticketing_on_rfc";
	keel_enc_map(e, 5);
	keel_enc_kv_int(e, "now", ev->ts);
	keel_enc_kv_str(e, "pauses", pauses);
	keel_enc_kv_str(e, "ticket", ticket);
	keel_enc_kv_str(e, "rfc", rfc);
	keel_enc_kv_str(e, "status", status);
	p = keel_enc_data(e, &len);
	keel_effect_argn(eff, p, len);
	keel_enc_free(e);
	return KEEL_EVENT_DONE;
}
