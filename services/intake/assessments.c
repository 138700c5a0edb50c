/*
 * keel-intake assessments (DOMAIN.md section 1, steps 1-2) and the
 * eligible-products list.
 *
 * The list is DOMAIN's defaults with the changes product.put made (kept in
 * keel:{intake}:products, name -> "R,E": released and eligible, 1 or 0).
 * assessment.submit refuses products off the list, naming them, and keeps
 * the ones not yet released; assessment.evaluate cannot find such an
 * assessment feasible.  Keys: keel:{intake}:assessment:<A-id>.
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

/* "\nA\nB\n...\n" for the scripts. */
static char defaults_joined[2048];

static const struct keel_script *product_put_script, *product_list_script,
    *submit_script, *evaluate_script, *assessment_get_script;

/* ARGV[5] name, ARGV[6] "R,E". */
static const char product_put_lua[] =
    "redis.call('HSET', 'keel:{intake}:products', ARGV[5], ARGV[6])\n"
    "return keel_done({name = ARGV[5],\n"
    "                  released = string.sub(ARGV[6], 1, 1) == '1',\n"
    "                  eligible = string.sub(ARGV[6], 3, 3) == '1'})\n";

static const char product_list_lua[] =
    "return redis.call('HGETALL', 'keel:{intake}:products')\n";

/* ARGV[5] customer, ARGV[6] the assessment (msgpack), ARGV[7] the default
 * products, ARGV[8] now. */
static const char submit_lua[] =
    "if redis.call('EXISTS', 'keel:{intake}:customer:' .. ARGV[5]) == 0 "
    "then\n"
    "  return keel_refuse('not_found', 'body.customer',\n"
    "                     'customer \\'' .. ARGV[5] .. '\\' not found')\n"
    "end\n"
    "local a = cmsgpack.unpack(ARGV[6])\n"
    "local off, unreleased = {}, {}\n"
    "for _, p in ipairs(a.products) do\n"
    "  local o = redis.call('HGET', 'keel:{intake}:products', p)\n"
    "  local released, eligible = true, false\n"
    "  if o then\n"
    "    released = string.sub(o, 1, 1) == '1'\n"
    "    eligible = string.sub(o, 3, 3) == '1'\n"
    "  else\n"
    "    eligible = string.find(ARGV[7], '\\n' .. p .. '\\n', 1, true) ~= "
    "nil\n"
    "  end\n"
    "  if not eligible then off[#off + 1] = p\n"
    "  elseif not released then unreleased[#unreleased + 1] = p end\n"
    "end\n"
    "if #off > 0 then\n"
    "  return keel_refuse('invalid_field', 'body.products',\n"
    "    'body.products: not on the eligible-products list: ' ..\n"
    "    table.concat(off, ', '))\n"
    "end\n"
    "local id = string.format('A-%06d',\n"
    "  redis.call('INCR', 'keel:{intake}:seq:assessment'))\n"
    "redis.call('HSET', 'keel:{intake}:assessment:' .. id, 'id', id,\n"
    "  'customer', ARGV[5], 'status', 'submitted', 'body', ARGV[6],\n"
    "  'unreleased', table.concat(unreleased, '\\n'), 'reasons', '',\n"
    "  'evaluated_by', '', 'submitted_ms', ARGV[8], 'seats', a.seats,\n"
    "  'kind', a.kind)\n"
    "return keel_done({id = id, status = 'submitted'}, 'submitted',\n"
    "  {id = id, customer = ARGV[5], status = 'submitted', seats = a.seats,\n"
    "   kind = a.kind})\n";

/* ARGV[5] id, ARGV[6] result, ARGV[7] reasons ("\n"-joined), ARGV[8] by,
 * ARGV[9] now. */
static const char evaluate_lua[] =
    "local key = 'keel:{intake}:assessment:' .. ARGV[5]\n"
    "local f = redis.call('HMGET', key, 'status', 'customer', 'seats',\n"
    "                     'kind', 'unreleased')\n"
    "if not f[1] then\n"
    "  return keel_refuse('not_found', 'body.id',\n"
    "                     'assessment ' .. ARGV[5] .. ' not found')\n"
    "end\n"
    "if f[1] ~= 'submitted' then\n"
    "  return keel_refuse('invalid_transition', 'body.id', 'assessment ' "
    "..\n"
    "    ARGV[5] .. ' is ' .. f[1] .. '; ' .. f[1] .. ' -> ' .. ARGV[6] ..\n"
    "    ' is not allowed (an assessment is evaluated once)')\n"
    "end\n"
    "if ARGV[6] == 'feasible' and f[5] ~= '' then\n"
    "  return keel_refuse('invalid_field', 'body.result',\n"
    "    'body.result: not feasible, not yet released: ' ..\n"
    "    string.gsub(f[5], '\\n', ', '))\n"
    "end\n"
    "local reasons = {}\n"
    "for r in string.gmatch(ARGV[7], '[^\\n]+') do reasons[#reasons + 1] = "
    "r end\n"
    "for p in string.gmatch(f[5], '[^\\n]+') do\n"
    "  reasons[#reasons + 1] = p .. ' is not yet released'\n"
    "end\n"
    "redis.call('HSET', key, 'status', ARGV[6], 'reasons',\n"
    "           table.concat(reasons, '\\n'), 'evaluated_by', ARGV[8],\n"
    "           'evaluated_ms', ARGV[9])\n"
    "local body = {id = ARGV[5], customer = f[2], status = ARGV[6],\n"
    "              seats = tonumber(f[3]), kind = f[4]}\n"
    "if #reasons > 0 then body.reasons = reasons end\n"
    "return keel_done({id = ARGV[5], status = ARGV[6]}, 'evaluated', "
    "body)\n";

static const char assessment_get_lua[] =
    "return redis.call('HMGET', 'keel:{intake}:assessment:' .. ARGV[1],\n"
    "  'id', 'status', 'body', 'unreleased', 'reasons', 'evaluated_by',\n"
    "  'submitted_ms')\n";

int
intake_assessments_init(struct keel_store *store)
{
	int r;
	size_t used = 1;

	defaults_joined[0] = '\n';
	for (int i = 0; default_products[i]; i++)
		used += (size_t)snprintf(defaults_joined + used,
		                         sizeof(defaults_joined) - used, "%s\n",
		                         default_products[i]);
	r = keel_write_script(store, product_put_lua, &product_put_script);
	if (r == 0)
		r = keel_store_script(store, product_list_lua,
		                      &product_list_script);
	if (r == 0)
		r = keel_write_script(store, submit_lua, &submit_script);
	if (r == 0)
		r = keel_write_script(store, evaluate_lua, &evaluate_script);
	if (r == 0)
		r = keel_store_script(store, assessment_get_lua,
		                      &assessment_get_script);
	return r;
}

void
intake_product_put(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char name[101] = "", flags[4];
	bool released = true, eligible = true;

	keel_obj_strcpy(keel_obj_get(b, "name"), name, sizeof(name));
	keel_obj_bool(keel_obj_get(b, "released"), &released);
	keel_obj_bool(keel_obj_get(b, "eligible"), &eligible);
	if (strchr(name, '\n')) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.name",
		              "body.name: one line");
		return;
	}
	snprintf(flags, sizeof(flags), "%d,%d", released, eligible);
	keel_write(req, &(struct keel_write){
	                    .script = product_put_script,
	                    .event_prefix = "product.",
	                    .nargs = 2,
	                    .args = (const char *[]){name, flags},
	                });
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
	keel_req_eval(req, product_list_script, 0, 0, NULL, NULL,
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
	struct keel_enc *e;
	char customer[33] = "", now[24];
	const void *p;
	size_t len;
	uint32_t n = 0;

	if (!check_assessment(req, b))
		return;
	keel_obj_strcpy(keel_obj_get(b, "customer"), customer,
	                sizeof(customer));
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		n += keel_obj_get(b, kept[i]) != NULL;
	keel_enc_map(e, n);
	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++)
		if (keel_obj_get(b, kept[i])) {
			keel_enc_str(e, kept[i]);
			keel_enc_obj(e, keel_obj_get(b, kept[i]));
		}
	p = keel_enc_data(e, &len);
	snprintf(now, sizeof(now), "%lld", (long long)keel_time_now_ms());
	keel_write(
	    req,
	    &(struct keel_write){
	        .script = submit_script,
	        .event_prefix = "assessment.",
	        .nargs = 4,
	        .args = (const char *[]){customer, p, defaults_joined, now},
	        .arg_lens =
	            (const size_t[]){strlen(customer), len,
	                             strlen(defaults_joined), strlen(now)},
	    });
	keel_enc_free(e);
}

void
intake_assessment_evaluate(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	const struct keel_obj *reasons = keel_obj_get(b, "reasons");
	char id[33] = "", result[16] = "", by[201] = "", joined[11000] = "",
	     now[24];
	size_t used = 0;

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
	snprintf(now, sizeof(now), "%lld", (long long)keel_time_now_ms());
	keel_write(req,
	           &(struct keel_write){
	               .script = evaluate_script,
	               .event_prefix = "assessment.",
	               .nargs = 5,
	               .args = (const char *[]){id, result, joined, by, now},
	           });
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
	char id[33] = "";

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	keel_req_eval(req, assessment_get_script, 0, 1, (const char *[]){id},
	              NULL, assessment_get_reply);
}
