/*
 * keel-ticketing queries: ticket.get, ticket.list (by priority then due
 * time, filtered, cursor-paged), ticket.search (closed tickets by words:
 * the knowledge base) and ticket.summary (a customer's month).  Each is
 * one script: one round trip, a consistent view.
 */
#include "ticketing.h"

#include "codec.h"
#include "error.h"
#include "ktime.h"
#include "store.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct keel_script *get_script, *list_script, *search_script,
    *summary_script;

/* The hash fields ticket.get returns, in order; 'i' for integers. */
static const struct {
	const char *name;
	char type;
} get_fields[] = {
    {"id", 's'},
    {"customer", 's'},
    {"contact", 's'},
    {"channel", 's'},
    {"priority", 's'},
    {"status", 's'},
    {"assignee", 's'},
    {"level", 'i'},
    {"devices", 's'},
    {"service", 's'},
    {"symptoms", 's'},
    {"steps", 's'},
    {"changes", 's'},
    {"metric", 's'},
    {"resolution", 's'},
    {"actions", 's'},
    {"received_ms", 'i'},
    {"responded_ms", 'i'},
    {"response_due_ms", 'i'},
    {"resolution_due_ms", 'i'},
    {"closed_ms", 'i'},
    {"escalation", 'i'},
    {"referred", 's'},
    {"covered_minutes", 'i'},
    {"billable_minutes", 'i'},
    {"confirmed_by", 's'},
    {"sla_policy", 's'},
    {"version", 'i'},
};
#define NGET (sizeof(get_fields) / sizeof(get_fields[0]))

/* ARGV[1] id, ARGV[2..] field names.  {values, requests, time, history}
 * (the last 500 of each list), or {} when there is no such ticket. */
static const char get_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "if redis.call('EXISTS', T .. 'ticket:' .. ARGV[1]) == 0 then return {} "
    "end\n"
    "local names = {}\n"
    "for i = 2, #ARGV do names[#names + 1] = ARGV[i] end\n"
    "return {redis.call('HMGET', T .. 'ticket:' .. ARGV[1], "
    "unpack(names)),\n"
    "  redis.call('LRANGE', T .. 'requests:' .. ARGV[1], -500, -1),\n"
    "  redis.call('LRANGE', T .. 'time:' .. ARGV[1], -500, -1),\n"
    "  redis.call('LRANGE', T .. 'history:' .. ARGV[1], -500, -1)}\n";

/* ARGV[1] index (queue or closed), ARGV[2] cursor "score:id" or '',
 * ARGV[3] limit, ARGV[4..7] status, priority, customer, assignee ('' =
 * any), ARGV[8] due before (0 = any).  {next, rows}; examines at most
 * 5000 tickets per page (then next continues the scan). */
static const char list_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "local key = T .. ARGV[1]\n"
    "local cs, cid = string.match(ARGV[2], '^([%d%.e+-]+):(.+)$')\n"
    "local limit = tonumber(ARGV[3])\n"
    "local st, pr, cu, as = ARGV[4], ARGV[5], ARGV[6], ARGV[7]\n"
    "local due = tonumber(ARGV[8])\n"
    "local rows, examined, next, offset = {}, 0, '', 0\n"
    "local more = true\n"
    "while #rows < limit and examined < 5000 and more do\n"
    "  local got = redis.call('ZRANGE', key, cs or '-inf', '+inf', "
    "'BYSCORE',\n"
    "                         'LIMIT', offset, 200, 'WITHSCORES')\n"
    "  more = #got == 400\n"
    "  offset = offset + #got / 2\n"
    "  for i = 1, #got, 2 do\n"
    "    local id, sc = got[i], got[i + 1]\n"
    "    if not (cs and tonumber(sc) == tonumber(cs) and id <= cid) then\n"
    "      examined = examined + 1\n"
    "      next = sc .. ':' .. id\n"
    "      local f = redis.call('HMGET', T .. 'ticket:' .. id, 'status',\n"
    "        'priority', 'customer', 'assignee', 'response_due_ms',\n"
    "        'resolution_due_ms', 'responded_ms', 'symptoms')\n"
    "      if f[1] and (st == '' or f[1] == st) and (pr == '' or f[2] == "
    "pr)\n"
    "         and (cu == '' or f[3] == cu) and (as == '' or f[4] == as) "
    "then\n"
    "        local d = tonumber(f[6])\n"
    "        if f[7] == '0' and tonumber(f[5]) > 0 then d = tonumber(f[5]) "
    "end\n"
    "        if due == 0 or (d > 0 and d < due) then\n"
    "          rows[#rows + 1] = {id, f[3], f[2], f[1], f[4], tostring(d),\n"
    "                             string.sub(f[8], 1, 200)}\n"
    "        end\n"
    "      end\n"
    "      if #rows >= limit or examined >= 5000 then\n"
    "        more = more or i + 1 < #got\n"
    "        break\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "end\n"
    "if not more then next = '' end\n"
    "return {next, rows}\n";

/* ARGV[1] limit, ARGV[2..] words.  Closed tickets holding every word,
 * latest first. */
static const char search_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "local keys = {}\n"
    "for i = 2, #ARGV do keys[#keys + 1] = T .. 'word:' .. ARGV[i] end\n"
    "local ids = redis.call('SINTER', unpack(keys))\n"
    "local hits = {}\n"
    "for i = 1, math.min(#ids, 2000) do\n"
    "  local f = redis.call('HMGET', T .. 'ticket:' .. ids[i], 'customer',\n"
    "    'priority', 'symptoms', 'resolution', 'closed_ms')\n"
    "  if f[1] then\n"
    "    hits[#hits + 1] = {ids[i], f[1], f[2], string.sub(f[3], 1, 400),\n"
    "                       string.sub(f[4], 1, 400), f[5]}\n"
    "  end\n"
    "end\n"
    "table.sort(hits, function(a, b) return tonumber(a[6]) > tonumber(b[6]) "
    "end)\n"
    "local out = {}\n"
    "for i = 1, math.min(#hits, tonumber(ARGV[1])) do out[i] = hits[i] "
    "end\n"
    "return out\n";

/* ARGV[1] customer, ARGV[2] from, ARGV[3] to (ms), ARGV[4] now.
 * {tickets, critical, high, normal, low, response met, total,
 *  resolution met, total, covered, billable}. */
static const char summary_lua[] =
    "local T = 'keel:{ticketing}:'\n"
    "local ids = redis.call('ZRANGE', T .. 'by-customer:' .. ARGV[1],\n"
    "                      ARGV[2], '(' .. ARGV[3], 'BYSCORE')\n"
    "local now = tonumber(ARGV[4])\n"
    "local n = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}\n"
    "local P = {critical = 2, high = 3, normal = 4, low = 5}\n"
    "for _, id in ipairs(ids) do\n"
    "  local f = redis.call('HMGET', T .. 'ticket:' .. id, 'priority',\n"
    "    'responded_ms', 'response_due_ms', 'resolved_ms',\n"
    "    'resolution_due_ms', 'covered_minutes', 'billable_minutes')\n"
    "  if f[1] then\n"
    "    n[1] = n[1] + 1\n"
    "    n[P[f[1]]] = n[P[f[1]]] + 1\n"
    "    local rs, rd = tonumber(f[2]), tonumber(f[3])\n"
    "    if rd > 0 and (rs > 0 or rd <= now) then\n"
    "      n[7] = n[7] + 1\n"
    "      if rs > 0 and rs <= rd then n[6] = n[6] + 1 end\n"
    "    end\n"
    "    local vs, vd = tonumber(f[4] or '0'), tonumber(f[5])\n"
    "    if vd > 0 and (vs > 0 or vd <= now) then\n"
    "      n[9] = n[9] + 1\n"
    "      if vs > 0 and vs <= vd then n[8] = n[8] + 1 end\n"
    "    end\n"
    "    n[10] = n[10] + tonumber(f[6])\n"
    "    n[11] = n[11] + tonumber(f[7])\n"
    "  end\n"
    "end\n"
    "return n\n";

int
ticketing_queries_init(struct keel_store *store)
{
	int r = keel_store_script(store, get_lua, &get_script);

	if (r == 0)
		r = keel_store_script(store, list_lua, &list_script);
	if (r == 0)
		r = keel_store_script(store, search_lua, &search_script);
	if (r == 0)
		r = keel_store_script(store, summary_lua, &summary_script);
	return r;
}

static bool
is_array(const struct keel_reply *r)
{
	return r && keel_reply_type(r) == KEEL_R_ARRAY;
}

/* A list of msgpack maps (time entries, history) as an array. */
static void
enc_packed(struct keel_enc *e, const char *name, const struct keel_reply *l)
{
	size_t n = keel_reply_len(l), good = 0;

	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *p = keel_reply_str_at(l, i, &len);

		good += len > 0 && keel_mp_check(p, len, 4, NULL) == 0;
	}
	keel_enc_str(e, name);
	keel_enc_array(e, (uint32_t)good);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *p = keel_reply_str_at(l, i, &len);

		if (len > 0 && keel_mp_check(p, len, 4, NULL) == 0)
			keel_enc_raw(e, p, len);
	}
}

static void
get_reply(struct keel_req *req, const struct keel_reply *r,
          const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_reply *vals, *reqs;
	char id[33];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r) || keel_reply_len(r) != 4) {
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "ticket %s not found", id);
		return;
	}
	vals = keel_reply_at(r, 0);
	reqs = keel_reply_at(r, 1);
	keel_enc_map(e, (uint32_t)NGET + 3);
	for (size_t i = 0; i < NGET; i++) {
		size_t len;
		const char *v = keel_reply_str_at(vals, i, &len);

		keel_enc_str(e, get_fields[i].name);
		if (get_fields[i].type == 'i')
			keel_enc_int(e, strtoll(v, NULL, 10));
		else
			keel_enc_strn(e, v, len);
	}
	keel_enc_str(e, "requests");
	keel_enc_array(e, (uint32_t)keel_reply_len(reqs));
	for (size_t i = 0; i < keel_reply_len(reqs); i++) {
		size_t len;
		const char *v = keel_reply_str_at(reqs, i, &len);

		keel_enc_strn(e, v, len);
	}
	enc_packed(e, "time", keel_reply_at(r, 2));
	enc_packed(e, "history", keel_reply_at(r, 3));
	keel_req_ok(req);
}

void
ticketing_ticket_get(struct keel_req *req)
{
	const char *argv[1 + NGET];
	char id[33];

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	argv[0] = id;
	for (size_t i = 0; i < NGET; i++)
		argv[1 + i] = get_fields[i].name;
	keel_req_eval(req, get_script, 0, 1 + NGET, argv, NULL, get_reply);
}

/* Rows of columns as an array of maps with the given names; column
 * intcol holds an integer, the others strings. */
static void
enc_rows(struct keel_enc *e, const struct keel_reply *rows,
         const char *const *names, size_t ncols, size_t intcol)
{
	keel_enc_array(e, (uint32_t)keel_reply_len(rows));
	for (size_t i = 0; i < keel_reply_len(rows); i++) {
		const struct keel_reply *row = keel_reply_at(rows, i);

		keel_enc_map(e, (uint32_t)ncols);
		for (size_t k = 0; k < ncols; k++) {
			size_t len;
			const char *v = keel_reply_str_at(row, k, &len);

			keel_enc_str(e, names[k]);
			if (k == intcol)
				keel_enc_int(e, strtoll(v, NULL, 10));
			else
				keel_enc_strn(e, v, len);
		}
	}
}

static void
list_reply(struct keel_req *req, const struct keel_reply *r,
           const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_reply *rows;
	static const char *const names[] = {"id",      "customer", "priority",
	                                    "status",  "assignee", "due_ms",
	                                    "symptoms"};

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r) || keel_reply_len(r) != 2) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "listing tickets: %s",
		              keel_reply_str_at(r, 0, NULL));
		return;
	}
	rows = keel_reply_at(r, 1);
	keel_enc_map(e, 2);
	keel_enc_str(e, "tickets");
	enc_rows(e, rows, names, 7, 5);
	keel_enc_kv_str(e, "next", keel_reply_str_at(r, 0, NULL));
	keel_req_ok(req);
}

/* A cursor from ticket.list is "<score>:<id>": the score a plain decimal
 * number (what Redis's ZRANGE takes), the id not empty. */
static bool
cursor_ok(const char *after)
{
	int digits = 0, dots = 0;
	const char *p = after;

	for (; isdigit((unsigned char)*p) || *p == '.'; p++) {
		if (*p == '.')
			dots++;
		else
			digits++;
	}
	return digits > 0 && dots <= 1 && *p == ':' && p[1] != '\0';
}

void
ticketing_ticket_list(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char status[32] = "", prio[16] = "", cust[33] = "", assignee[33] = "",
	     after[65] = "", limit[16], due[24];
	int64_t lim = 50, before = 0;

	keel_obj_strcpy(keel_obj_get(b, "status"), status, sizeof(status));
	keel_obj_strcpy(keel_obj_get(b, "priority"), prio, sizeof(prio));
	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "assignee"), assignee,
	                sizeof(assignee));
	keel_obj_strcpy(keel_obj_get(b, "after"), after, sizeof(after));
	keel_obj_int(keel_obj_get(b, "limit"), &lim);
	keel_obj_int(keel_obj_get(b, "due_before"), &before);
	if (after[0] && !cursor_ok(after)) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.after",
		              "body.after: not a cursor from ticket.list");
		return;
	}
	snprintf(limit, sizeof(limit), "%lld", (long long)lim);
	snprintf(due, sizeof(due), "%lld", (long long)before);
	keel_req_eval(
	    req, list_script, 0, 8,
	    (const char *[]){strcmp(status, "closed") == 0 ? "closed" : "queue",
	                     after, limit, status, prio, cust, assignee, due},
	    NULL, list_reply);
}

static void
search_reply(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	static const char *const names[] = {"id",         "customer",
	                                    "priority",   "symptoms",
	                                    "resolution", "closed_ms"};

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r)) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "searching: %s",
		              keel_reply_str_at(r, 0, NULL));
		return;
	}
	keel_enc_map(e, 1);
	keel_enc_str(e, "tickets");
	enc_rows(e, r, names, 6, 5);
	keel_req_ok(req);
}

void
ticketing_ticket_search(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char text[201], words[16][41], limit[16];
	const char *argv[17];
	int64_t lim = 20;
	int n = 0;
	char *p;

	keel_obj_strcpy(keel_obj_get(b, "words"), text, sizeof(text));
	keel_obj_int(keel_obj_get(b, "limit"), &lim);
	snprintf(limit, sizeof(limit), "%lld", (long long)lim);
	argv[0] = limit;
	/* The words as closing indexed them: runs of letters and digits,
	 * lower case, 2 to 40 long. */
	for (p = text; *p && n < 16;) {
		size_t len = 0;

		while (*p && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)p[len]))
			len++;
		if (len >= 2 && len <= 40) {
			for (size_t i = 0; i < len; i++)
				words[n][i] =
				    (char)tolower((unsigned char)p[i]);
			words[n][len] = '\0';
			argv[1 + n] = words[n];
			n++;
		}
		p += len;
	}
	if (n == 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.words",
		              "body.words: no word of 2 to 40 letters or "
		              "digits");
		return;
	}
	keel_req_eval(req, search_script, 0, 1 + n, argv, NULL, search_reply);
}

static void
summary_reply(struct keel_req *req, const struct keel_reply *r,
              const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_obj *b = keel_req_body(req);
	char cust[33], month[8];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!is_array(r) || keel_reply_len(r) != 11) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "summing up: %s",
		              keel_reply_str_at(r, 0, NULL));
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	keel_enc_map(e, 10);
	keel_enc_kv_str(e, "customer", cust);
	keel_enc_kv_str(e, "month", month);
	keel_enc_kv_int(e, "tickets", keel_reply_int(keel_reply_at(r, 0)));
	keel_enc_str(e, "by_priority");
	keel_enc_map(e, 4);
	for (int i = 0; i < 4; i++)
		keel_enc_kv_int(e, ticketing_priority_names[i],
		                keel_reply_int(keel_reply_at(r, 1 + i)));
	keel_enc_kv_int(e, "response_met", keel_reply_int(keel_reply_at(r, 5)));
	keel_enc_kv_int(e, "response_total",
	                keel_reply_int(keel_reply_at(r, 6)));
	keel_enc_kv_int(e, "resolution_met",
	                keel_reply_int(keel_reply_at(r, 7)));
	keel_enc_kv_int(e, "resolution_total",
	                keel_reply_int(keel_reply_at(r, 8)));
	keel_enc_kv_int(e, "covered_minutes",
	                keel_reply_int(keel_reply_at(r, 9)));
	keel_enc_kv_int(e, "billable_minutes",
	                keel_reply_int(keel_reply_at(r, 10)));
	keel_req_ok(req);
}

/* The customer's zone is known: the month's bounds in it. */
static void
summary_zone(struct keel_req *req, const struct keel_reply *r,
             const struct keel_error *err)
{
	const struct keel_obj *b = keel_req_body(req);
	char cust[33], month[8], from[24], to[24], now[24];
	struct keel_tz *tz = NULL;
	const char *name;
	int y, m;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	name = keel_reply_str(r, NULL);
	if (!name) {
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.customer",
		              "customer %s is not known to keel-ticketing",
		              cust);
		return;
	}
	if (keel_tz_load(name, &tz) < 0 && keel_tz_load("UTC", &tz) < 0) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "no zone %s", name);
		return;
	}
	sscanf(month, "%4d-%2d", &y, &m);
	snprintf(from, sizeof(from), "%lld",
	         (long long)keel_tz_to_utc(
	             tz, keel_time_days_from_civil(y, m, 1), 0));
	snprintf(to, sizeof(to), "%lld",
	         (long long)keel_tz_to_utc(
	             tz,
	             keel_time_days_from_civil(m == 12 ? y + 1 : y,
	                                       m == 12 ? 1 : m + 1, 1),
	             0));
	keel_tz_free(tz);
	snprintf(now, sizeof(now), "%lld", (long long)keel_time_now_ms());
	keel_req_eval(req, summary_script, 0, 4,
	              (const char *[]){cust, from, to, now}, NULL,
	              summary_reply);
}

void
ticketing_ticket_summary(struct keel_req *req)
{
	const struct keel_obj *b = keel_req_body(req);
	char cust[33], month[8], key[80];
	int y = 0, m = 0;
	char tail;

	keel_obj_strcpy(keel_obj_get(b, "customer"), cust, sizeof(cust));
	keel_obj_strcpy(keel_obj_get(b, "month"), month, sizeof(month));
	if (sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || month[4] != '-' ||
	    y < 1970 || m < 1 || m > 12) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.month",
		              "body.month: '%s' is not a month like 2026-11",
		              month);
		return;
	}
	snprintf(key, sizeof(key), "keel:{ticketing}:customer:%s", cust);
	keel_req_redis(req, 3, (const char *[]){"HGET", key, "timezone"}, NULL,
	               summary_zone);
}
