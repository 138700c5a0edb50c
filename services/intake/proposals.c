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
 * quote, decided_by, by_hq).
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

static const struct keel_script *draft_script, *step_script, *revise_script,
    *get_script;
const struct keel_script *intake_priced_script;

/* ARGV[5] assessment, ARGV[6] content (msgpack), ARGV[7] by_hq 1/0. */
static const char draft_lua[] =
    "local a = redis.call('HMGET', 'keel:{intake}:assessment:' .. ARGV[5],\n"
    "                     'status', 'customer', 'seats', 'body')\n"
    "if not a[1] then\n"
    "  return keel_refuse('not_found', 'body.assessment',\n"
    "                     'assessment ' .. ARGV[5] .. ' not found')\n"
    "end\n"
    "if a[1] ~= 'feasible' then\n"
    "  return keel_refuse('invalid_transition', 'body.assessment',\n"
    "    'assessment ' .. ARGV[5] .. ' is ' .. a[1] ..\n"
    "    '; only a feasible assessment gets a proposal')\n"
    "end\n"
    "local seats = tonumber(a[3])\n"
    "if seats > 5000 and ARGV[7] ~= '1' then\n"
    "  return keel_refuse('invalid_field', 'body.by_hq', 'body.by_hq: ' ..\n"
    "    seats .. ' seats (over 5000): HQ assembles this proposal')\n"
    "end\n"
    "local conn = cmsgpack.unpack(a[4]).connection\n"
    "local id = string.format('P-%06d',\n"
    "  redis.call('INCR', 'keel:{intake}:seq:proposal'))\n"
    "local key = 'keel:{intake}:proposal:' .. id\n"
    "redis.call('HSET', key, 'id', id, 'assessment', ARGV[5], 'customer',\n"
    "           a[2], 'seats', seats, 'connection', conn, 'versions', 1)\n"
    "redis.call('HSET', key .. ':v1', 'content', ARGV[6], 'status', "
    "'draft',\n"
    "           'reviewed_by', '', 'quote', '', 'decided_by', '',\n"
    "           'by_hq', ARGV[7])\n"
    "return keel_done({id = id, version = 1, status = 'draft'}, "
    "'drafted',\n"
    "  {id = id, version = 1, status = 'draft', assessment = ARGV[5],\n"
    "   customer = a[2], seats = seats, connection = conn,\n"
    "   activities = cmsgpack.unpack(ARGV[6]).activities})\n";

/* Common head of review, send, accept, reject and revise: ARGV[5] id. */
#define STEP_HEAD                                                              \
	"local key = 'keel:{intake}:proposal:' .. ARGV[5]\n"                   \
	"local p = redis.call('HMGET', key, 'assessment', 'customer', "        \
	"'seats',\n"                                                           \
	"                     'connection', 'versions')\n"                     \
	"if not p[1] then\n"                                                   \
	"  return keel_refuse('not_found', 'body.id',\n"                       \
	"                     'proposal ' .. ARGV[5] .. ' not found')\n"       \
	"end\n"                                                                \
	"local v = tonumber(p[5])\n"                                           \
	"local vkey = key .. ':v' .. v\n"                                      \
	"local s = redis.call('HMGET', vkey, 'status', 'reviewed_by', "        \
	"'quote',\n"                                                           \
	"                     'by_hq', 'content')\n"                           \
	"local st, seats = s[1], tonumber(p[3])\n"                             \
	"local function refuse(to, why)\n"                                     \
	"  return keel_refuse('invalid_transition', 'body.id', 'proposal ' "   \
	"..\n"                                                                 \
	"    ARGV[5] .. ' (version ' .. v .. ') is ' .. st .. '; ' .. st ..\n" \
	"    ' -> ' .. to .. ' is not allowed' .. (why and ('; ' .. why) or "  \
	"''))\n"                                                               \
	"end\n"                                                                \
	"local body = {id = ARGV[5], version = v, assessment = p[1],\n"        \
	"              customer = p[2], seats = seats}\n"

/* ARGV[6] review|send|accept|reject, ARGV[7] who, or why. */
static const char step_lua[] = STEP_HEAD
    "local op, arg = ARGV[6], ARGV[7]\n"
    "if op == 'review' then\n"
    "  if st ~= 'draft' and st ~= 'priced' then return refuse('reviewed') "
    "end\n"
    "  redis.call('HSET', vkey, 'reviewed_by', arg)\n"
    "  body.status, body.by = st, arg\n"
    "  return keel_done({id = ARGV[5], version = v, status = st}, "
    "'reviewed',\n"
    "                   body)\n"
    "end\n"
    "local q = s[3] ~= '' and cmsgpack.unpack(s[3]) or nil\n"
    "if q then body.total, body.currency = q.total, q.currency end\n"
    "local to = ({send = 'sent', accept = 'accepted', reject = "
    "'rejected'})[op]\n"
    "if op == 'send' then\n"
    "  if st ~= 'priced' then\n"
    "    return refuse(to, st == 'draft' and\n"
    "      'it is not priced yet (keel-pricing prices each drafted "
    "version)' or nil)\n"
    "  end\n"
    "  if seats > 1000 and s[2] == '' then\n"
    "    return refuse(to, 'over 1000 seats HQ reviews it first "
    "(proposal.review)')\n"
    "  end\n"
    "elseif st ~= 'sent' then\n"
    "  return refuse(to)\n"
    "else\n"
    "  redis.call('HSET', vkey, 'decided_by', arg)\n"
    "  body.by = arg\n"
    "end\n"
    /* What scheduling plans from: the accepted version's activities,
     * the assessment's connection, products and preferred dates. */
    "if op == 'accept' then\n"
    "  local a = cmsgpack.unpack(redis.call('HGET',\n"
    "    'keel:{intake}:assessment:' .. p[1], 'body'))\n"
    "  body.activities = cmsgpack.unpack(s[5]).activities\n"
    "  body.connection, body.products = p[4], a.products\n"
    "  if a.dates and #a.dates > 0 then body.dates = a.dates end\n"
    "  if a.os and #a.os > 0 then body.os = a.os end\n"
    "  if a.remove and #a.remove > 0 then body.remove = a.remove end\n"
    "  body.removal_in_scope = cmsgpack.unpack(s[5]).removal_in_scope "
    "or false\n"
    "end\n"
    "redis.call('HSET', vkey, 'status', to)\n"
    "body.status = to\n"
    "return keel_done({id = ARGV[5], version = v, status = to}, to, "
    "body)\n";

/* ARGV[6] the changed content members (msgpack), ARGV[7] by_hq 1/0/''. */
static const char revise_lua[] = STEP_HEAD
    "if st ~= 'sent' and st ~= 'rejected' then return refuse('revised') "
    "end\n"
    "local c = cmsgpack.unpack(s[5])\n"
    "for k, val in pairs(cmsgpack.unpack(ARGV[6])) do c[k] = val end\n"
    "local hq = ARGV[7] ~= '' and ARGV[7] or s[4]\n"
    "if seats > 5000 and hq ~= '1' then\n"
    "  return keel_refuse('invalid_field', 'body.by_hq', 'body.by_hq: ' ..\n"
    "    seats .. ' seats (over 5000): HQ assembles this proposal')\n"
    "end\n"
    "if st == 'sent' then redis.call('HSET', vkey, 'status', 'superseded') "
    "end\n"
    "v = v + 1\n"
    "redis.call('HSET', key, 'versions', v)\n"
    "redis.call('HSET', key .. ':v' .. v, 'content', cmsgpack.pack(c),\n"
    "           'status', 'draft', 'reviewed_by', '', 'quote', '',\n"
    "           'decided_by', '', 'by_hq', hq)\n"
    "body.version, body.status = v, 'draft'\n"
    "body.connection, body.activities = p[4], c.activities\n"
    "return keel_done({id = ARGV[5], version = v, status = 'draft'},\n"
    "                 'drafted', body)\n";

/* ARGV[1] id, ARGV[2] version ('' = latest). */
static const char get_lua[] =
    "local key = 'keel:{intake}:proposal:' .. ARGV[1]\n"
    "local p = redis.call('HMGET', key, 'assessment', 'customer', 'seats',\n"
    "                     'connection', 'versions')\n"
    "if not p[1] then return {} end\n"
    "local v = ARGV[2] ~= '' and ARGV[2] or p[5]\n"
    "local s = redis.call('HMGET', key .. ':v' .. v, 'status', "
    "'reviewed_by',\n"
    "                     'quote', 'decided_by', 'content')\n"
    "if not s[1] then return {p[5]} end\n"
    "return {p[1], p[2], p[3], p[4], p[5], v, s[1], s[2], s[3], s[4], "
    "s[5]}\n";

/* proposal.priced from keel-pricing: ARGV[2] id, ARGV[3] version, ARGV[4]
 * the quote.  Only a version still in draft takes it. */
const char intake_priced_lua[] =
    "local vkey = 'keel:{intake}:proposal:' .. ARGV[2] .. ':v' .. ARGV[3]\n"
    "if redis.call('HGET', vkey, 'status') == 'draft' then\n"
    "  redis.call('HSET', vkey, 'status', 'priced', 'quote', ARGV[4])\n"
    "end\n";

int
intake_proposals_init(struct keel_store *store)
{
	int r = keel_write_script(store, draft_lua, &draft_script);

	if (r == 0)
		r = keel_write_script(store, step_lua, &step_script);
	if (r == 0)
		r = keel_write_script(store, revise_lua, &revise_script);
	if (r == 0)
		r = keel_store_script(store, get_lua, &get_script);
	return r;
}

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

static void
content_write(struct keel_req *req, const struct keel_script *script,
              const char *first)
{
	const struct keel_obj *b = keel_req_body(req);
	struct keel_enc *e = keel_enc_new();
	char hq[2] = "";
	bool by_hq;
	const void *p;
	size_t len;

	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	if (keel_obj_bool(keel_obj_get(b, "by_hq"), &by_hq))
		hq[0] = by_hq ? '1' : '0';
	else if (script == draft_script)
		hq[0] = '0';
	enc_content(e, b);
	p = keel_enc_data(e, &len);
	keel_write(req, &(struct keel_write){
	                    .script = script,
	                    .event_prefix = "proposal.",
	                    .nargs = 3,
	                    .args = (const char *[]){first, p, hq},
	                    .arg_lens = (const size_t[]){strlen(first), len,
	                                                 strlen(hq)},
	                });
	keel_enc_free(e);
}

void
intake_proposal_draft(struct keel_req *req)
{
	char a[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "assessment"), a,
	                sizeof(a));
	content_write(req, draft_script, a);
}

void
intake_proposal_revise(struct keel_req *req)
{
	char id[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	content_write(req, revise_script, id);
}

static void
step(struct keel_req *req, const char *op, const char *argname)
{
	const struct keel_obj *b = keel_req_body(req);
	char id[33] = "", arg[501] = "";

	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	if (argname)
		keel_obj_strcpy(keel_obj_get(b, argname), arg, sizeof(arg));
	keel_write(req, &(struct keel_write){
	                    .script = step_script,
	                    .event_prefix = "proposal.",
	                    .nargs = 3,
	                    .args = (const char *[]){id, op, arg},
	                });
}

void
intake_proposal_review(struct keel_req *req)
{
	step(req, "review", "by");
}

void
intake_proposal_send(struct keel_req *req)
{
	step(req, "send", NULL);
}

void
intake_proposal_accept(struct keel_req *req)
{
	step(req, "accept", "by");
}

void
intake_proposal_reject(struct keel_req *req)
{
	step(req, "reject", "reason");
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
	keel_enc_map(e, 15 + (qlen > 0));
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
	keel_req_ok(req);
}

void
intake_proposal_get(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char id[33] = "", version[24] = "";
	int64_t v;

	keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
	if (keel_obj_int(keel_obj_get(b, "version"), &v))
		snprintf(version, sizeof(version), "%lld", (long long)v);
	keel_req_eval(req, get_script, 0, 2, (const char *[]){id, version},
	              NULL, get_reply);
}

enum keel_event_verdict
intake_on_priced(const struct keel_env *ev, struct keel_effect *eff)
{
	const struct keel_obj *b = ev->body;
	struct keel_enc *e = keel_enc_new();
	const char *id;
	size_t idn, len;
	int64_t v;
	const void *p;

	if (!e || !keel_obj_str(keel_obj_get(b, "id"), &id, &idn) ||
	    !keel_obj_int(keel_obj_get(b, "version"), &v)) {
		keel_enc_free(e);
		return keel_event_poison(
		    eff, "%s: a required field is missing or not readable",
		    ev->type);
	}
	keel_enc_obj(e, keel_obj_get(b, "quote"));
	p = keel_enc_data(e, &len);
	eff->script = intake_priced_script;
	keel_effect_argn(eff, id, idn);
	keel_effect_arg(eff, "%lld", (long long)v);
	keel_effect_argn(eff, p, len);
	keel_enc_free(e);
	return KEEL_EVENT_DONE;
}

static const struct keel_route pricing_routes[] = {
    {
        .prefix = "proposal.priced",
        .fn = intake_on_priced,
        .effect_lua = intake_priced_lua,
        .script = &intake_priced_script,
    },
    {.prefix = NULL},
};

const struct keel_subscription intake_subscriptions[] = {
    {.source = "pricing", .routes = pricing_routes},
    {.source = NULL},
};
