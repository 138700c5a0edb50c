/*
 * keelctl customer|calendar|request|staff|ticket VERB ...: one verb per
 * request, its fields as options (call.c), a human view by default and
 * the reply body with --json.
 */
#include "keelctl.h"

#include "codec.h"
#include "envelope.h"
#include "json.h"
#include "ktime.h"
#include "money.h"
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum view {
	V_FIELDS,
	V_TICKET,
	V_TICKETS,
	V_HITS,
	V_STAFF,
	V_CUSTOMERS,
	V_CONTRACTS,
	V_INVOICE,
	V_INVOICES,
	V_HOURS,
	V_CONTRACT,
	V_PAYMENT,
	V_RFC,
	V_RFCS,
	V_CIS,
	V_CI_HISTORY,
	V_WINDOWS,
	V_DELIVERIES,
	V_FILE, /* the reply's data, written to -o FILE */
};

struct verb {
	const char *group, *name, *type;
	const char *positional[3]; /* fields taken without --name */
	enum view view;
	const char *help;
};

static const struct verb verbs[] = {
    {"customer",
     "put",
     "customer.put",
     {0},
     V_FIELDS,
     "--name N --timezone TZ [--id ID] [--contacts name=..,email=..]"},
    {"customer", "show", "customer.get", {"id"}, V_FIELDS, "ID"},
    {"customer", "list", "customer.list", {0}, V_CUSTOMERS, "[--after ID]"},
    {"sla",
     "put",
     "sla.put",
     {"id"},
     V_FIELDS,
     "ID [--targets priority=normal,response=4h,resolution=2bd,"
     "coverage=business]... [--pause S,..] [--escalate-pct 75,100]"},
    {"sla", "show", "sla.get", {"id"}, V_FIELDS, "ID"},
    {"calendar",
     "put",
     "calendar.put",
     {"customer"},
     V_FIELDS,
     "CUSTOMER --hours day=mon,open=08:00,close=17:00 ... [--holidays D,..]"},
    {"calendar", "show", "calendar.get", {"customer"}, V_FIELDS, "CUSTOMER"},
    {"request",
     "submit",
     "request.submit",
     {0},
     V_FIELDS,
     "--customer C --contact N --channel CH --symptoms TEXT [--devices D,..]"
     " [--alert metric=..,value=..]"},
    {"staff",
     "put",
     "staff.put",
     {0},
     V_FIELDS,
     "--name N --role R [--level 1-3] [--id ID]"},
    {"staff", "show", "staff.get", {"id"}, V_FIELDS, "ID"},
    {"staff", "list", "staff.list", {0}, V_STAFF, "[--role R]"},
    {"ticket",
     "create",
     "ticket.create",
     {0},
     V_FIELDS,
     "--customer C --contact N --channel CH --symptoms TEXT [--priority P]"},
    {"ticket", "show", "ticket.get", {"id"}, V_TICKET, "ID"},
    {"ticket",
     "list",
     "ticket.list",
     {0},
     V_TICKETS,
     "[--status S] [--priority P] [--customer C] [--assignee T] "
     "[--due-before TIME]"},
    {"ticket",
     "assign",
     "ticket.assign",
     {"id", "technician"},
     V_FIELDS,
     "ID [TECHNICIAN]"},
    {"ticket",
     "status",
     "ticket.status",
     {"id", "status"},
     V_FIELDS,
     "ID STATUS [--note TEXT]"},
    {"ticket",
     "log-time",
     "ticket.log_time",
     {"id", "minutes"},
     V_FIELDS,
     "ID MINUTES --covered|--no-covered [--note TEXT]"},
    {"ticket",
     "resolve",
     "ticket.resolve",
     {"id"},
     V_FIELDS,
     "ID --resolution TEXT [--actions TEXT]"},
    {"ticket", "confirm", "ticket.confirm", {"id"}, V_FIELDS, "ID --by NAME"},
    {"ticket", "reopen", "ticket.reopen", {"id"}, V_FIELDS, "ID --reason TEXT"},
    {"ticket",
     "escalate",
     "ticket.escalate",
     {"id"},
     V_FIELDS,
     "ID --reason TEXT [--level N] [--process-change]"},
    {"ticket", "refer", "ticket.refer", {"id"}, V_FIELDS, "ID --reason TEXT"},
    {"ticket", "search", "ticket.search", {"words"}, V_HITS, "WORDS"},
    {"ticket",
     "summary",
     "ticket.summary",
     {"customer", "month"},
     V_FIELDS,
     "CUSTOMER YYYY-MM"},
    {"product", "list", "product.list", {0}, V_FIELDS, ""},
    {"product",
     "put",
     "product.put",
     {"name"},
     V_FIELDS,
     "NAME [--no-released] [--no-eligible]"},
    {"assessment",
     "submit",
     "assessment.submit",
     {0},
     V_FIELDS,
     "--customer C --contact N --kind deployment|upgrade --seats N "
     "--products A,B --connection remote|on_site [--dates YYYY-MM-DD,..] "
     "..."},
    {"assessment",
     "evaluate",
     "assessment.evaluate",
     {"id", "result"},
     V_FIELDS,
     "ID feasible|not_feasible --by NAME [--reasons R,..]"},
    {"assessment", "show", "assessment.get", {"id"}, V_FIELDS, "ID"},
    {"proposal",
     "draft",
     "proposal.draft",
     {"assessment"},
     V_FIELDS,
     "ASSESSMENT --scope TEXT --activities name=..,tier=..,units=.. ... "
     "[--by-hq]"},
    {"proposal", "review", "proposal.review", {"id"}, V_FIELDS, "ID --by NAME"},
    {"proposal", "send", "proposal.send", {"id"}, V_FIELDS, "ID"},
    {"proposal", "accept", "proposal.accept", {"id"}, V_FIELDS, "ID --by NAME"},
    {"proposal",
     "reject",
     "proposal.reject",
     {"id"},
     V_FIELDS,
     "ID --reason TEXT [--by NAME]"},
    {"proposal",
     "revise",
     "proposal.revise",
     {"id"},
     V_FIELDS,
     "ID [--scope TEXT] [--activities ...]"},
    {"proposal",
     "show",
     "proposal.get",
     {"id", "version"},
     V_FIELDS,
     "ID [VERSION]"},
    {"specialist",
     "put",
     "specialist.put",
     {0},
     V_FIELDS,
     "--name N --org partner|hq --tier 1-3 --products A,B --timezone TZ "
     "[--hours day=mon,open=08:00,close=17:00]... [--time-off D,..] [--id ID]"},
    {"specialist", "show", "specialist.get", {"id"}, V_FIELDS, "ID"},
    {"specialist", "list", "specialist.list", {0}, V_FIELDS, ""},
    {"plan", "propose", "plan.propose", {"engagement"}, V_FIELDS, "ENGAGEMENT"},
    {"plan",
     "coordinate",
     "plan.coordinate",
     {"engagement"},
     V_FIELDS,
     "ENGAGEMENT --by NAME"},
    {"plan",
     "agree",
     "plan.agree",
     {"engagement"},
     V_FIELDS,
     "ENGAGEMENT --by NAME"},
    {"plan", "show", "plan.get", {"engagement"}, V_FIELDS, "ENGAGEMENT"},
    {"checklist",
     "show",
     "checklist.get",
     {"engagement"},
     V_FIELDS,
     "ENGAGEMENT"},
    {"checklist",
     "tick",
     "checklist.tick",
     {"engagement", "item"},
     V_FIELDS,
     "ENGAGEMENT ITEM --by NAME"},
    {"execution",
     "start",
     "execution.start",
     {"engagement"},
     V_FIELDS,
     "ENGAGEMENT --by NAME"},
    {"execution",
     "verify",
     "execution.verify",
     {"engagement"},
     V_FIELDS,
     "ENGAGEMENT --by NAME --checks A,B"},
    {"acceptance",
     "sign",
     "acceptance.sign",
     {"engagement"},
     V_FIELDS,
     "ENGAGEMENT --specialist NAME --customer NAME --date YYYY-MM-DD"},
    {"pricebook", "show", "pricebook.get", {"version"}, V_FIELDS, "[VERSION]"},
    {"pricebook",
     "put",
     "pricebook.put",
     {0},
     V_FIELDS,
     "[--currency C] [--unit-rates R1,R2,R3] [--setup-fee N] ..."},
    {"quote",
     "managed",
     "quote.managed",
     {"servers", "tier", "term"},
     V_FIELDS,
     "SERVERS TIER TERM [--addons name=..,monthly=..]..."},
    {"quote",
     "costplus",
     "quote.costplus",
     {"devices"},
     V_FIELDS,
     "DEVICES [--hardware N] [--software N] [--affiliate N] [--staff N] "
     "[--software-bp BP]..."},
    {"contract",
     "create",
     "contract.create",
     {0},
     V_FIELDS,
     "--customer C --term MONTHS [--devices tier=silver,count=12]... "
     "[--package users=..,fee=..] [--addons name=..,qty=..,fee=..]... "
     "[--rates remote=..,onsite=..,emergency=..] [--setup-fee 1000.00] "
     "[--payment-days 30] [--ld-months 2|3] [--cancel-fee A] [--id ID]"},
    {"contract", "show", "contract.get", {"id"}, V_CONTRACT, "ID"},
    {"contract",
     "list",
     "contract.list",
     {0},
     V_CONTRACTS,
     "[--customer C] [--status S]"},
    {"contract",
     "amend",
     "contract.amend",
     {"id"},
     V_FIELDS,
     "ID --date YYYY-MM-DD [--devices tier=..,count=..]... [--package ..] "
     "[--addons ..]... [--reason TEXT]"},
    {"contract",
     "activate",
     "contract.activate",
     {"id"},
     V_FIELDS,
     "ID --date YYYY-MM-DD [--by NAME]"},
    {"contract",
     "cancel",
     "contract.cancel",
     {"id"},
     V_FIELDS,
     "ID --date YYYY-MM-DD --reason TEXT"},
    {"invoice",
     "run",
     "invoice.run",
     {0},
     V_FIELDS,
     "[--date YYYY-MM-DD] [--contract ID]"},
    {"invoice",
     "list",
     "invoice.list",
     {0},
     V_INVOICES,
     "[--contract ID] [--customer C] [--status S]"},
    {"invoice", "show", "invoice.get", {"id"}, V_INVOICE, "ID"},
    {"invoice", "pdf", "invoice.render", {"id"}, V_FILE, "ID -o FILE.pdf"},
    {"invoice",
     "html",
     "invoice.render",
     {"id"},
     V_FILE,
     "ID -o FILE.html"},
    {"invoice", "void", "invoice.void", {"id"}, V_FIELDS, "ID --reason TEXT"},
    {"payment",
     "record",
     "payment.record",
     {"customer", "amount"},
     V_PAYMENT,
     "CUSTOMER AMOUNT --date YYYY-MM-DD [--invoice ID] [--reference TEXT]"},
    {"hours",
     "balance",
     "hours.balance",
     {"contract"},
     V_HOURS,
     "CONTRACT [--at YYYY-MM-DD]"},
    {"rfc",
     "submit",
     "rfc.submit",
     {0},
     V_FIELDS,
     "--customer C --problem T --result T --affected T --how T --backout T "
     "--by NAME [--priority P] [--impact low|medium|high] [--cis A,B] "
     "[--cost 100.00] [--budget 100.00] [--deadline YYYY-MM-DD] "
     "[--patch components=..,fixes=..,description=..,urgency=..]"},
    {"rfc",
     "resubmit",
     "rfc.resubmit",
     {"id"},
     V_FIELDS,
     "ID --by NAME [--backout T] [--how T] ... (the fields to complete)"},
    {"rfc", "show", "rfc.get", {"id"}, V_RFC, "ID"},
    {"rfc",
     "list",
     "rfc.list",
     {0},
     V_RFCS,
     "[--customer C] [--ci CI] [--status S] [--outcome O]"},
    {"rfc",
     "authorize",
     "rfc.authorize",
     {"id"},
     V_FIELDS,
     "ID --by MANAGER [--reason T]"},
    {"rfc", "return", "rfc.return", {"id"}, V_FIELDS, "ID --by N --reason T"},
    {"rfc", "reject", "rfc.reject", {"id"}, V_FIELDS, "ID --by N --reason T"},
    {"rfc",
     "withdraw",
     "rfc.withdraw",
     {"id"},
     V_FIELDS,
     "ID --by N --reason T"},
    {"rfc",
     "release",
     "rfc.release",
     {"id"},
     V_FIELDS,
     "ID --by N --reason T"},
    {"rfc",
     "implement",
     "rfc.implement",
     {"id"},
     V_FIELDS,
     "ID --by N --reason T"},
    {"rfc",
     "close",
     "rfc.close",
     {"id", "outcome"},
     V_FIELDS,
     "ID successful|partial|failed|backed_out --by N [--reason T]"},
    {"rfc",
     "priority",
     "rfc.priority",
     {"id", "priority"},
     V_FIELDS,
     "ID PRIORITY --by MANAGER --reason T"},
    {"cab", "put", "cab.put", {0}, V_FIELDS, "--members A,B,C --quorum N"},
    {"cab", "show", "cab.get", {0}, V_FIELDS, ""},
    {"cab",
     "vote",
     "cab.vote",
     {"rfc", "member", "vote"},
     V_FIELDS,
     "RFC MEMBER approve|reject --reason T"},
    {"cab",
     "rule-put",
     "change.rule.put",
     {0},
     V_FIELDS,
     "[--impact high] [--ci-kinds hardware,..] [--customers A,..] "
     "[--cost-over 5000.00] [--over-budget]"},
    {"cab", "rule-show", "change.rule.get", {0}, V_FIELDS, ""},
    {"ci",
     "put",
     "ci.put",
     {"id"},
     V_FIELDS,
     "ID --customer C --kind hardware|software|document|procedure --name N "
     "[--owner ..] [--serial ..] [--configuration ..] [--rfc RFC]"},
    {"ci", "show", "ci.get", {"id"}, V_FIELDS, "ID"},
    {"ci", "list", "ci.list", {0}, V_CIS, "[--customer C] [--kind K]"},
    {"ci", "history", "ci.history", {"id"}, V_CI_HISTORY, "ID"},
    {"freeze",
     "put",
     "freeze.put",
     {"customer", "id"},
     V_FIELDS,
     "CUSTOMER ID --from YYYY-MM-DDTHH:MM --to YYYY-MM-DDTHH:MM "
     "[--reason T]"},
    {"freeze", "list", "freeze.list", {"customer"}, V_WINDOWS, "CUSTOMER"},
    {"notify",
     "rule put",
     "notify.rule.put",
     {"id"},
     V_FIELDS,
     "ID --event PREFIX --to kind=customer_contact|assignee|service_manager|"
     "executive|change_manager|address|webhook[,address=..] --channel "
     "email|webhook|journal [--ack] [--ack-after-s N] "
     "[--backup kind=..,channel=..] [--secret S] [--priorities P,..]"},
    {"notify", "rule list", "notify.rule.list", {0}, V_FIELDS, ""},
    {"notify", "rule show", "notify.rule.get", {"id"}, V_FIELDS, "ID"},
    {"notify",
     "log",
     "notify.log",
     {0},
     V_DELIVERIES,
     "[--ticket T] [--status S] [--limit N]"},
    {"notify", "ack", "notify.ack", {"token"}, V_FIELDS, "TOKEN [--by NAME]"},
    {"notify", "dlq list", "notify.dlq.list", {0}, V_DELIVERIES, ""},
    {"notify", "dlq show", "notify.dlq.show", {"id"}, V_FIELDS, "ID"},
    {"notify", "dlq replay", "notify.dlq.replay", {"id"}, V_DELIVERIES, "ID"},
    {"notify",
     "preview",
     "notify.preview",
     {"event", "rule"},
     V_FIELDS,
     "SOURCE:STREAM-ID RULE"},
    {"quote",
     "engagement",
     "quote.engagement",
     {0},
     V_FIELDS,
     "--connection remote|on_site --activities name=..,tier=..,units=.."
     "..."},
};

/* Member k of o as text; longer than buf, it ends with "..." rather than
 * being dropped (a table cell never hides text silently). */
static const char *
str(const struct keel_obj *o, const char *k, char *buf, size_t size)
{
	const char *s;
	size_t n;

	buf[0] = '\0';
	if (!keel_obj_str(keel_obj_get(o, k), &s, &n) || size == 0)
		return buf;
	if (n < size) {
		memcpy(buf, s, n);
		buf[n] = '\0';
	} else if (size > 4) {
		n = keelctl_utf8_cut(s, size - 4);
		memcpy(buf, s, n);
		memcpy(buf + n, "...", 4);
	}
	return buf;
}

static long long
rnum_of(const struct keel_obj *o, const char *k)
{
	int64_t v = 0;

	keel_obj_int(keel_obj_get(o, k), &v);
	return v;
}

static const char *
when(int64_t ms, char buf[KEEL_TIME_STRLEN])
{
	return keelctl_when(ms, buf, KEEL_TIME_STRLEN);
}

/* The reply declaration of the verb being shown (for its amounts). */
static const struct keel_field *reply_fields;

/* Top-level members, one "name: value" line each (view.c). */
static void
show_fields(const struct keel_obj *o, const char *indent)
{
	keelctl_show(o, reply_fields, indent, NULL, NULL);
}

/* The members of the items of list field name in fields, or NULL. */
static const struct keel_field *
items_of(const struct keel_field *fields, const char *name)
{
	for (const struct keel_field *f = fields; f && f->type != KEEL_F_END;
	     f++)
		if (strcmp(f->name, name) == 0 && f->items)
			return f->items->fields;
	return NULL;
}

/* A ticket: its fields (a due time while paused says so), then its time
 * entries and history as tables. */
static void
show_ticket(const struct keel_obj *t)
{
	static const char *const skip[] = {"time", "history", "paused_since_ms",
	                                   "response_due_ms",
	                                   "resolution_due_ms", NULL};
	const struct keel_obj *tm = keel_obj_get(t, "time");
	const struct keel_obj *h = keel_obj_get(t, "history");
	int64_t paused = rnum_of(t, "paused_since_ms");
	char at[KEEL_TIME_STRLEN];

	keelctl_show(t, reply_fields, "", NULL, skip);
	for (int k = 0; k < 2; k++) {
		const char *key = k ? "resolution_due_ms" : "response_due_ms";
		int64_t due = rnum_of(t, key);
		bool met = k ? rnum_of(t, "closed_ms") > 0
		             : rnum_of(t, "responded_ms") > 0;

		if (paused > 0 && !met && due > 0)
			printf("%-18s paused since %s\n",
			       k ? "resolution_due" : "response_due",
			       when(paused, at));
		else
			printf("%-18s %s\n", k ? "resolution_due" : "response_due",
			       when(due, at));
	}
	printf("time entries:\n");
	if (keel_obj_len(tm))
		keelctl_table(tm, items_of(reply_fields, "time"), "  ", NULL);
	printf("history:\n");
	if (keel_obj_len(h))
		keelctl_table(h, items_of(reply_fields, "history"), "  ",
		              NULL);
}

static void
show_rows(const struct keel_obj *body, const char *key, bool hits)
{
	const struct keel_obj *rows = keel_obj_get(body, key);
	char next[80];

	if (hits)
		printf("%-10s %-23s %-10s %-8s %s\n", "ID", "CLOSED",
		       "CUSTOMER", "PRIORITY", "SYMPTOMS / RESOLUTION");
	else
		printf("%-10s %-8s %-15s %-10s %-23s %-10s %s\n", "ID",
		       "PRIORITY", "STATUS", "ASSIGNEE", "DUE", "CUSTOMER",
		       "SYMPTOMS");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[40], c[40], p[16], s[20], a[40], sy[61], res[61];
		char t[KEEL_TIME_STRLEN];
		int64_t ms = 0;

		keel_obj_int(keel_obj_get(r, hits ? "closed_ms" : "due_ms"),
		             &ms);
		if (hits)
			printf("%-10s %-23s %-10s %-8s %s / %s\n",
			       str(r, "id", id, sizeof(id)), when(ms, t),
			       str(r, "customer", c, sizeof(c)),
			       str(r, "priority", p, sizeof(p)),
			       str(r, "symptoms", sy, sizeof(sy)),
			       str(r, "resolution", res, sizeof(res)));
		else
			printf("%-10s %-8s %-15s %-10s %-23s %-10s %s\n",
			       str(r, "id", id, sizeof(id)),
			       str(r, "priority", p, sizeof(p)),
			       str(r, "status", s, sizeof(s)),
			       str(r, "assignee", a, sizeof(a)),
			       rnum_of(r, "paused_since_ms") > 0 ? "paused"
			                                         : when(ms, t),
			       str(r, "customer", c, sizeof(c)),
			       str(r, "symptoms", sy, sizeof(sy)));
	}
	if (str(body, "next", next, sizeof(next))[0])
		printf("more: --after %s\n", next);
}

static void
show_staff(const struct keel_obj *body)
{
	const struct keel_obj *rows = keel_obj_get(body, "staff");
	char next[80];

	printf("%-12s %-16s %-5s %s\n", "ID", "ROLE", "LEVEL", "NAME");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[40], role[20], name[201];
		int64_t lv = 0;

		keel_obj_int(keel_obj_get(r, "level"), &lv);
		printf("%-12s %-16s %-5lld %s\n", str(r, "id", id, sizeof(id)),
		       str(r, "role", role, sizeof(role)), (long long)lv,
		       str(r, "name", name, sizeof(name)));
	}
	if (str(body, "next", next, sizeof(next))[0])
		printf("more: --after %s\n", next);
}

static void
show_customers(const struct keel_obj *body)
{
	const struct keel_obj *rows = keel_obj_get(body, "customers");
	char next[80];

	printf("%-12s %-20s %-12s %s\n", "ID", "TIMEZONE", "SLA", "NAME");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[40], tz[65], sla[40], name[201];

		printf("%-12s %-20s %-12s %s\n", str(r, "id", id, sizeof(id)),
		       str(r, "timezone", tz, sizeof(tz)),
		       str(r, "sla_policy", sla, sizeof(sla)),
		       str(r, "name", name, sizeof(name)));
	}
	if (str(body, "next", next, sizeof(next))[0])
		printf("more: --after %s\n", next);
}


/* "1234.50 EUR" for member k of o, in currency cur. */
static const char *
amount(const struct keel_obj *o, const char *k, const char *cur, char *buf,
       size_t size)
{
	struct keel_money m = {0};

	keel_obj_int(keel_obj_get(o, k), &m.minor);
	snprintf(m.currency, sizeof(m.currency), "%s", cur);
	keel_money_format(&m, buf, size);
	return buf;
}

static void
show_contracts(const struct keel_obj *body)
{
	const struct keel_obj *rows = keel_obj_get(body, "contracts");

	printf("%-10s %-12s %-17s %-10s %5s %16s\n", "ID", "CUSTOMER",
	       "STATUS", "START", "TERM", "MONTHLY");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[40], c[40], s[20], st[12], cur[4], m[40];
		int64_t term = 0;

		keel_obj_int(keel_obj_get(r, "term"), &term);
		str(r, "currency", cur, sizeof(cur));
		printf("%-10s %-12s %-17s %-10s %5lld %16s\n",
		       str(r, "id", id, sizeof(id)),
		       str(r, "customer", c, sizeof(c)),
		       str(r, "status", s, sizeof(s)),
		       str(r, "start", st, sizeof(st)), (long long)term,
		       amount(r, "monthly", cur, m, sizeof(m)));
	}
}

static void
show_invoices(const struct keel_obj *body)
{
	const struct keel_obj *rows = keel_obj_get(body, "invoices");

	printf("%-14s %-12s %-15s %-10s %-10s %16s %16s\n", "ID", "KIND",
	       "STATUS", "ISSUED", "DUE", "TOTAL", "OPEN");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[40], k[20], s[20], is[12], du[12], cur[4], t[40],
		    o[40];

		str(r, "currency", cur, sizeof(cur));
		printf("%-14s %-12s %-15s %-10s %-10s %16s %16s\n",
		       str(r, "id", id, sizeof(id)),
		       str(r, "kind", k, sizeof(k)),
		       str(r, "status", s, sizeof(s)),
		       str(r, "issued", is, sizeof(is)),
		       str(r, "due", du, sizeof(du)),
		       amount(r, "total", cur, t, sizeof(t)),
		       amount(r, "open", cur, o, sizeof(o)));
	}
}

/* A cell of at most w columns: longer text ends with "..." rather than
 * being dropped. */
static const char *
cell(const char *s, size_t w, char *buf, size_t size)
{
	if (strlen(s) <= w || w < 4 || size <= w)
		return s;
	snprintf(buf, size, "%.*s...", (int)keelctl_utf8_cut(s, w - 3), s);
	return buf;
}

static void
show_invoice(const struct keel_obj *inv)
{
	const struct keel_obj *lines = keel_obj_get(inv, "lines");
	char cur[4], t[40];

	str(inv, "currency", cur, sizeof(cur));
	for (size_t i = 0; i < keel_obj_len(inv); i++) {
		char k[64], v[600];

		keel_obj_strcpy(keel_obj_key_at(inv, i), k, sizeof(k));
		if (!strcmp(k, "lines") || !strcmp(k, "total") ||
		    !strcmp(k, "paid") || !strcmp(k, "open"))
			continue;
		v[0] = '\0';
		if (!keel_obj_strcpy(keel_obj_val_at(inv, i), v, sizeof(v))) {
			int64_t n = 0;

			keel_obj_int(keel_obj_val_at(inv, i), &n);
			snprintf(v, sizeof(v), "%lld", (long long)n);
		}
		if (v[0] && strcmp(v, "0") != 0)
			printf("%-14s %s\n", k, v);
	}
	printf("\n%-60s %8s %16s %16s\n", "LINE", "QTY", "UNIT", "AMOUNT");
	for (size_t i = 0; i < keel_obj_len(lines); i++) {
		const struct keel_obj *l = keel_obj_at(lines, i);
		char text[600], c[64], u[40], a[40];
		int64_t q = 0;

		keel_obj_int(keel_obj_get(l, "qty"), &q);
		str(l, "text", text, sizeof(text));
		printf("%-60s %8lld %16s %16s\n",
		       cell(text, 60, c, sizeof(c)), (long long)q,
		       amount(l, "unit", cur, u, sizeof(u)),
		       amount(l, "amount", cur, a, sizeof(a)));
	}
	printf("%-60s %8s %16s %16s\n", "Total", "", "",
	       amount(inv, "total", cur, t, sizeof(t)));
	printf("%-60s %8s %16s %16s\n", "Paid", "", "",
	       amount(inv, "paid", cur, t, sizeof(t)));
	printf("%-60s %8s %16s %16s\n", "Open", "", "",
	       amount(inv, "open", cur, t, sizeof(t)));
}

static void
show_hours(const struct keel_obj *h)
{
	const struct keel_obj *rows = keel_obj_get(h, "entries");
	static const char *const cols[] = {"included", "flex", "block",
	                                   "billable"};

	for (int c = 0; c < 4; c++) {
		int64_t m = 0;
		char k[24];

		snprintf(k, sizeof(k), "%s_min", cols[c]);
		keel_obj_int(keel_obj_get(h, k), &m);
		printf("%-9s %4lld h %02lld min\n", cols[c],
		       (long long)(m / 60), (long long)(m % 60));
	}
	printf("\n%-10s %-9s %9s %9s %9s %9s  %s\n", "DATE", "KIND",
	       "INCLUDED", "FLEX", "BLOCK", "BILLABLE", "SOURCE");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char d[12], k[16], src[80];
		int64_t v[4] = {0};

		for (int c = 0; c < 4; c++)
			keel_obj_int(keel_obj_get(r, cols[c]), &v[c]);
		printf("%-10s %-9s %+9lld %+9lld %+9lld %+9lld  %s\n",
		       str(r, "date", d, sizeof(d)),
		       str(r, "kind", k, sizeof(k)), (long long)v[0],
		       (long long)v[1], (long long)v[2], (long long)v[3],
		       str(r, "source", src, sizeof(src)));
	}
}

static void
show_lines(const struct keel_obj *lines, const char *cur)
{
	for (size_t i = 0; i < keel_obj_len(lines); i++) {
		const struct keel_obj *l = keel_obj_at(lines, i);
		char text[600], c[64], u[40], a[40];
		int64_t q = 0;

		keel_obj_int(keel_obj_get(l, "qty"), &q);
		str(l, "text", text, sizeof(text));
		printf("  %-58s %8lld %16s %16s\n",
		       cell(text, 58, c, sizeof(c)), (long long)q,
		       amount(l, "unit", cur, u, sizeof(u)),
		       amount(l, "amount", cur, a, sizeof(a)));
	}
}

/* contract.get: the terms, the rates, then every version's lines. */
static void
show_contract(const struct keel_obj *body)
{
	const struct keel_obj *c = keel_obj_get(body, "contract");
	const struct keel_obj *rates = keel_obj_get(c, "rates");
	const struct keel_obj *vs = keel_obj_get(body, "versions");
	char cur[4], m[40];

	str(body, "currency", cur, sizeof(cur));
	for (size_t i = 0; i < keel_obj_len(c); i++) {
		const struct keel_obj *v = keel_obj_val_at(c, i);
		char k[64], t[600];
		int64_t n;

		keel_obj_strcpy(keel_obj_key_at(c, i), k, sizeof(k));
		if (!strcmp(k, "setup_fee") || !strcmp(k, "cancel_fee") ||
		    !strcmp(k, "credit"))
			printf("%-18s %s\n", k, amount(c, k, cur, m, sizeof(m)));
		else if (keel_obj_strcpy(v, t, sizeof(t)))
			printf("%-18s %s\n", k, t);
		else if (keel_obj_int(v, &n) && strcmp(k, "created_ms"))
			printf("%-18s %lld\n", k, (long long)n);
	}
	printf("rates              remote %s/h", amount(rates, "remote", cur, m,
	                                                sizeof(m)));
	printf(", on site %s/h", amount(rates, "onsite", cur, m, sizeof(m)));
	printf(", emergency %s/h", amount(rates, "emergency", cur, m,
	                                  sizeof(m)));
	printf(", travel %lld bp\n", rnum_of(rates, "travel_bp"));
	for (size_t i = 0; i < keel_obj_len(vs); i++) {
		const struct keel_obj *v = keel_obj_at(vs, i);
		char d[12], why[501];

		str(v, "date", d, sizeof(d));
		printf("\nversion %lld %s%s: %s a month%s%s\n",
		       rnum_of(v, "version"), d[0] ? "from " : "from the start",
		       d,
		       amount(v, "monthly", cur, m, sizeof(m)),
		       str(v, "reason", why, sizeof(why))[0] ? ", " : "", why);
		show_lines(keel_obj_get(v, "lines"), cur);
	}
}

/* payment.record: where the money went. */
static void
show_payment(const struct keel_obj *body)
{
	const struct keel_obj *al = keel_obj_get(body, "allocations");
	char id[40], cur[4], m[40];

	str(body, "currency", cur, sizeof(cur));
	printf("payment            %s\n", str(body, "payment", id, sizeof(id)));
	for (size_t i = 0; i < keel_obj_len(al); i++) {
		const struct keel_obj *a = keel_obj_at(al, i);
		char inv[40], st[20];

		printf("  %-16s %16s  %s\n", str(a, "invoice", inv, sizeof(inv)),
		       amount(a, "amount", cur, m, sizeof(m)),
		       str(a, "status", st, sizeof(st)));
	}
	printf("unallocated        %s\n",
	       amount(body, "unallocated", cur, m, sizeof(m)));
}

/* rfc.get: the RFC, then its history and votes. */
static void
show_rfc(const struct keel_obj *r)
{
	const struct keel_obj *h = keel_obj_get(r, "history");
	const struct keel_obj *v = keel_obj_get(r, "votes");
	char t[KEEL_TIME_STRLEN];

	for (size_t i = 0; i < keel_obj_len(r); i++) {
		const struct keel_obj *x = keel_obj_val_at(r, i);
		char k[64], s[4096];
		int64_t n;

		keel_obj_strcpy(keel_obj_key_at(r, i), k, sizeof(k));
		if (!strcmp(k, "history") || !strcmp(k, "votes"))
			continue;
		if (keel_obj_strcpy(x, s, sizeof(s))) {
			if (s[0])
				printf("%-12s %s\n", k, s);
		} else if (keel_obj_int(x, &n)) {
			if (strstr(k, "_ms")) {
				char label[64];

				keelctl_label(k, label, sizeof(label));
				printf("%-12s %s\n", label, when(n, t));
			}
			else if (n || !strcmp(k, "version"))
				printf("%-12s %lld\n", k, (long long)n);
		} else if (keel_obj_len(x)) {
			struct keel_json j;

			keel_json_init(&j, 0);
			keel_json_value(&j, x);
			printf("%-12s %s\n", k,
			       keel_json_str(&j) ? keel_json_str(&j) : "");
			keel_json_release(&j);
		}
	}
	printf("\n%-23s %-20s %-12s %-24s %s\n", "WHEN", "BY", "WHAT",
	       "STATUS", "WHY");
	for (size_t i = 0; i < keel_obj_len(h); i++) {
		const struct keel_obj *e = keel_obj_at(h, i);
		char by[201], what[20], from[16], to[16], why[2001], st[40];
		int64_t at = 0;

		keel_obj_int(keel_obj_get(e, "at_ms"), &at);
		str(e, "from", from, sizeof(from));
		str(e, "to", to, sizeof(to));
		snprintf(st, sizeof(st), "%s%s%s", from, from[0] ? " -> " : "",
		         to);
		printf("%-23s %-20s %-12s %-24s %s\n", when(at, t),
		       str(e, "by", by, sizeof(by)),
		       str(e, "what", what, sizeof(what)), st,
		       str(e, "reason", why, sizeof(why)));
	}
	for (size_t i = 0; i < keel_obj_len(v); i++) {
		const struct keel_obj *e = keel_obj_at(v, i);
		char m[201], vote[16], why[2001];

		printf("vote: %s %s (%s)\n", str(e, "member", m, sizeof(m)),
		       str(e, "vote", vote, sizeof(vote)),
		       str(e, "reason", why, sizeof(why)));
	}
}

static void
show_rfcs(const struct keel_obj *body)
{
	const struct keel_obj *rows = keel_obj_get(body, "rfcs");

	printf("%-11s %-10s %-12s %-9s %-11s %-9s %s\n", "ID", "CUSTOMER",
	       "STATUS", "PRIORITY", "OUTCOME", "TICKET", "PROBLEM");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[40], c[40], s[20], p[16], o[20], tk[40], pr[4001],
		    cut[64];

		printf("%-11s %-10s %-12s %-9s %-11s %-9s %s\n",
		       str(r, "id", id, sizeof(id)),
		       str(r, "customer", c, sizeof(c)),
		       str(r, "status", s, sizeof(s)),
		       str(r, "priority", p, sizeof(p)),
		       str(r, "outcome", o, sizeof(o)),
		       str(r, "ticket", tk, sizeof(tk)),
		       cell(str(r, "problem", pr, sizeof(pr)), 50, cut,
		            sizeof(cut)));
	}
}

/* ci.list and ci.history: one row per CI or version. */
static void
show_cis(const struct keel_obj *rows)
{
	printf("%-14s %-4s %-10s %-10s %-9s %-22s %s\n", "ID", "V",
	       "CUSTOMER", "KIND", "RFC", "OWNER", "NAME");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[70], c[40], k[16], rfc[40], o[201], n[201];

		printf("%-14s %-4lld %-10s %-10s %-9s %-22s %s\n",
		       str(r, "id", id, sizeof(id)), rnum_of(r, "version"),
		       str(r, "customer", c, sizeof(c)),
		       str(r, "kind", k, sizeof(k)),
		       str(r, "rfc", rfc, sizeof(rfc)),
		       str(r, "owner", o, sizeof(o)),
		       str(r, "name", n, sizeof(n)));
	}
}

static void
show_windows(const struct keel_obj *body)
{
	const struct keel_obj *rows = keel_obj_get(body, "windows");

	printf("%-12s %-16s %-16s %-20s %s\n", "ID", "FROM", "TO", "ZONE",
	       "REASON");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char id[40], f[20], t[20], z[65], why[501];

		printf("%-12s %-16s %-16s %-20s %s\n",
		       str(r, "id", id, sizeof(id)), str(r, "from", f, sizeof(f)),
		       str(r, "to", t, sizeof(t)),
		       str(r, "timezone", z, sizeof(z)),
		       str(r, "reason", why, sizeof(why)));
	}
}

static void
show_deliveries(const struct keel_obj *body)
{
	const struct keel_obj *rows = keel_obj_get(body, "deliveries");
	char t[KEEL_TIME_STRLEN];

	printf("%-23s %-8s %-8s %-3s %-30s %s\n", "CREATED", "STATUS",
	       "CHANNEL", "TRY", "TO", "DELIVERY");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);
		char st[12], ch[12], to[501], id[301], cut[40];

		printf("%-23s %-8s %-8s %-3lld %-30s %s\n",
		       when(rnum_of(r, "created_ms"), t),
		       str(r, "status", st, sizeof(st)),
		       str(r, "channel", ch, sizeof(ch)), rnum_of(r, "attempts"),
		       cell(str(r, "to", to, sizeof(to)), 30, cut, sizeof(cut)),
		       str(r, "id", id, sizeof(id)));
	}
}

/* Writes the reply's data to path. */
static int
save_file(const struct keel_obj *body, const char *path)
{
	const void *p;
	size_t len;
	FILE *f;

	if (!keel_obj_bin(keel_obj_get(body, "data"), &p, &len)) {
		fprintf(stderr, "keelctl: the reply holds no document\n");
		return 1;
	}
	if (!(f = fopen(path, "wb")) || fwrite(p, 1, len, f) != len ||
	    fclose(f) != 0) {
		fprintf(stderr, "keelctl: %s: cannot write\n", path);
		return 1;
	}
	printf("%s: %zu bytes\n", path, len);
	return 0;
}

/* request submit: which ticket the request became or joined, from
 * keel-ticketing's ticket.created or ticket.linked naming it (the request
 * reaches keel-ticketing through its consumer group, a moment later). */
static void
request_ticket(struct keelctl *ctl, const char *rid, int64_t sent_ms)
{
	char since[48];
	int64_t deadline = keel_time_mono_ms() + (ctl->timeout_ms > 5000
	                                              ? ctl->timeout_ms
	                                              : 5000);

	snprintf(since, sizeof(since), "%lld-0", (long long)sent_ms - 1000);
	while (keel_time_mono_ms() < deadline) {
		struct keel_enc *q = keel_enc_new();
		struct keel_env rep;
		const struct keel_obj *evs;
		int r;

		keel_enc_map(q, 2);
		keel_enc_kv_str(q, "since", since);
		keel_enc_kv_int(q, "limit", 500);
		memset(&rep, 0, sizeof(rep));
		r = keelctl_call_to(ctl, "ticketing", "events.since", q, &rep);
		keel_enc_free(q);
		if (r != 0) {
			keel_env_release(&rep);
			return;
		}
		evs = keel_obj_get(rep.body, "events");
		for (size_t i = 0; i < keel_obj_len(evs); i++) {
			const struct keel_obj *ev = keel_obj_at(evs, i);
			const struct keel_obj *b = keel_obj_get(ev, "body");
			char type[65] = "", req[40] = "", id[40] = "";

			keel_obj_strcpy(keel_obj_get(ev, "type"), type,
			                sizeof(type));
			keel_obj_strcpy(keel_obj_get(b, "request"), req,
			                sizeof(req));
			keel_obj_strcpy(keel_obj_get(ev, "seq"), since,
			                sizeof(since));
			if (strcmp(req, rid) != 0 ||
			    (strcmp(type, "ticket.created") &&
			     strcmp(type, "ticket.linked")))
				continue;
			keel_obj_strcpy(keel_obj_get(b, "id"), id, sizeof(id));
			printf("%-18s %s (%s)\n", "ticket", id,
			       type[7] == 'c' ? "opened"
			                      : "joined its open incident");
			keel_env_release(&rep);
			return;
		}
		if (keel_obj_len(evs) == 0)
			nanosleep(&(struct timespec){0, 50000000}, NULL);
		keel_env_release(&rep);
	}
	printf("%-18s not yet: keel-ticketing has not taken it (keelctl "
	       "ticket list --customer ...)\n",
	       "ticket");
}

static void
usage_of(const char *group, FILE *f)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(verbs[i].group, group) == 0)
			fprintf(f, "usage: keelctl %s %s %s\n", group,
			        verbs[i].name, verbs[i].help);
}

/* keelctl GROUP VERB --help: the usage line, then every option the
 * request takes, from its declaration (so the list is never stale). */
static void
verb_help(const struct verb *v)
{
	const struct keel_msgdecl *decl = keel_msg_find(v->type);

	printf("usage: keelctl %s %s %s\n", v->group, v->name, v->help);
	if (decl && decl->doc)
		printf("\n%s\n", decl->doc);
	printf("\noptions (%s):\n", v->type);
	for (const struct keel_field *f = decl ? decl->body : NULL;
	     f && f->type != KEEL_F_END; f++) {
		char opt[80];

		snprintf(opt, sizeof(opt), "--%s", f->name);
		for (char *c = opt; *c; c++)
			if (*c == '_')
				*c = '-';
		printf("  %-22s %s%s%s\n", opt, f->required ? "(required) " : "",
		       f->money ? "(amount, e.g. 1000.00) " : "",
		       f->doc ? f->doc : "");
	}
}

static bool
is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 ||
	       strcmp(a, "help") == 0;
}

static int
domain_exec(struct keelctl *ctl, int argc, char **argv)
{
	if (argc > 1 && is_help(argv[1])) {
		usage_of(argv[0], stdout);
		return 0;
	}
	const struct verb *v = NULL;
	const struct keel_msgdecl *decl;
	const char *out = NULL;
	struct keel_enc *e;
	struct keel_env rep;
	int64_t sent_ms;
	int r;

	for (size_t i = 0; argc > 1 && i < sizeof(verbs) / sizeof(verbs[0]);
	     i++)
		if (strcmp(verbs[i].group, argv[0]) == 0 &&
		    strcmp(verbs[i].name, argv[1]) == 0)
			v = &verbs[i];
	/* two-word verbs ("notify rule put"): argv[1] and argv[2] as one */
	for (size_t i = 0;
	     !v && argc > 2 && i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		size_t n = strlen(argv[1]);

		if (strcmp(verbs[i].group, argv[0]) == 0 &&
		    strncmp(verbs[i].name, argv[1], n) == 0 &&
		    verbs[i].name[n] == ' ' &&
		    strcmp(verbs[i].name + n + 1, argv[2]) == 0) {
			v = &verbs[i];
			argv[2] = argv[1];
			argv++;
			argc--;
		}
	}
	if (!v) {
		if (argc > 1)
			fprintf(stderr, "keelctl: %s has no verb '%s'\n",
			        argv[0], argv[1]);
		usage_of(argv[0], stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			verb_help(v);
			return 0;
		}
	if (v->view == V_FILE) {
		/* -o FILE is keelctl's, not a field: taken out here. */
		for (int i = 2; i + 1 < argc; i++)
			if (!strcmp(argv[i], "-o") ||
			    !strcmp(argv[i], "--output")) {
				out = argv[i + 1];
				memmove(argv + i, argv + i + 2,
				        (size_t)(argc - i - 2) * sizeof(*argv));
				argc -= 2;
				break;
			}
		if (!out) {
			fprintf(stderr, "usage: keelctl %s %s %s\n", v->group,
			        v->name, v->help);
			return 2;
		}
	}
	decl = keel_msg_find(v->type);
	e = keel_enc_new();
	if (!decl || !e) {
		keel_enc_free(e);
		fprintf(stderr, "keelctl: %s is not declared\n", v->type);
		return 2;
	}
	if (v->view == V_HITS && argc > 2) {
		/* every word after the verb is one search */
		char words[201] = "";

		for (int i = 2; i < argc; i++)
			snprintf(words + strlen(words),
			         sizeof(words) - strlen(words), "%s%s",
			         i > 2 ? " " : "", argv[i]);
		keel_enc_map(e, 1);
		keel_enc_kv_str(e, "words", words);
	} else if (v->view == V_FILE) {
		keel_enc_map(e, 2);
		keel_enc_kv_str(e, "id", argc > 2 ? argv[2] : "");
		keel_enc_kv_str(e, "format", v->name);
	} else if (keelctl_body(decl, v->positional, argc - 2, argv + 2, e) <
	           0) {
		keel_enc_free(e);
		fprintf(stderr, "usage: keelctl %s %s %s\n", v->group, v->name,
		        v->help);
		return 2;
	}
	reply_fields = decl->reply;
	memset(&rep, 0, sizeof(rep));
	sent_ms = keel_time_now_ms();
	r = keelctl_call(ctl, v->type, e, &rep);
	keel_enc_free(e);
	if (r != 0) {
		keel_env_release(&rep);
		return r < 0 ? 3 : 1;
	}
	if (v->view == V_FILE) {
		r = save_file(rep.body, out);
		keel_env_release(&rep);
		return r;
	}
	if (ctl->json) {
		struct keel_json j;

		keel_json_init(&j, 2);
		keel_json_value(&j, rep.body);
		printf("%s\n", keel_json_str(&j) ? keel_json_str(&j) : "{}");
		keel_json_release(&j);
	} else if (v->view == V_TICKET)
		show_ticket(rep.body);
	else if (v->view == V_TICKETS || v->view == V_HITS)
		show_rows(rep.body, "tickets", v->view == V_HITS);
	else if (v->view == V_STAFF)
		show_staff(rep.body);
	else if (v->view == V_CUSTOMERS)
		show_customers(rep.body);
	else if (v->view == V_CONTRACTS)
		show_contracts(rep.body);
	else if (v->view == V_INVOICES)
		show_invoices(rep.body);
	else if (v->view == V_INVOICE)
		show_invoice(rep.body);
	else if (v->view == V_HOURS)
		show_hours(rep.body);
	else if (v->view == V_CONTRACT)
		show_contract(rep.body);
	else if (v->view == V_RFC)
		show_rfc(rep.body);
	else if (v->view == V_RFCS)
		show_rfcs(rep.body);
	else if (v->view == V_CIS)
		show_cis(keel_obj_get(rep.body, "cis"));
	else if (v->view == V_CI_HISTORY)
		show_cis(keel_obj_get(rep.body, "versions"));
	else if (v->view == V_WINDOWS)
		show_windows(rep.body);
	else if (v->view == V_DELIVERIES)
		show_deliveries(rep.body);
	else if (v->view == V_PAYMENT)
		show_payment(rep.body);
	else
		show_fields(rep.body, "");
	if (!ctl->json && strcmp(v->type, "request.submit") == 0) {
		char rid[40] = "";

		keel_obj_strcpy(keel_obj_get(rep.body, "id"), rid, sizeof(rid));
		request_ticket(ctl, rid, sent_ms);
	}
	keel_env_release(&rep);
	return 0;
}

bool
keelctl_verb_at(size_t i, const char **group, const char **name,
                const char **type, const char **usage)
{
	if (i >= sizeof(verbs) / sizeof(verbs[0]))
		return false;
	*group = verbs[i].group;
	*name = verbs[i].name;
	*type = verbs[i].type;
	*usage = verbs[i].help;
	return true;
}

#define GROUP(g, u, h)                                                         \
	const struct keelctl_cmd keelctl_cmd_##g = {                           \
	    .name = #g, .usage = u, .help = h, .exec = domain_exec}

GROUP(customer, "customer put|show|list ...", "customers (keel-intake)");
GROUP(sla, "sla put|show ...", "SLA policies (keel-ticketing)");
GROUP(pricebook, "pricebook show|put ...", "price books (keel-pricing)");
GROUP(product, "product list|put ...", "the eligible-products list");
GROUP(specialist, "specialist put|show|list ...",
      "deployment specialists (keel-scheduling)");
GROUP(plan, "plan propose|coordinate|agree|show ...", "engagement plans");
GROUP(checklist, "checklist show|tick ...", "preconditions of a plan");
GROUP(execution, "execution start|verify ...", "an engagement's execution");
GROUP(acceptance, "acceptance sign ...", "the acceptance protocol");
GROUP(assessment, "assessment submit|evaluate|show ...", "assessments");
GROUP(proposal, "proposal draft|review|send|accept|reject|revise|show ...",
      "proposals and their versions");
GROUP(quote, "quote managed|costplus|engagement ...", "quotes");
GROUP(calendar, "calendar put|show ...", "business calendars");
GROUP(request, "request submit ...", "a support request from any channel");
GROUP(staff, "staff put|show|list ...", "support staff (keel-ticketing)");
GROUP(ticket,
      "ticket create|show|list|assign|status|log-time|resolve|confirm|"
      "reopen|escalate|refer|search|summary ...",
      "tickets");
GROUP(contract, "contract create|show|list|amend|activate|cancel ...",
      "managed-services contracts (keel-billing)");
GROUP(invoice, "invoice run|list|show|pdf|html|void ...",
      "invoices and credit notes");
GROUP(payment, "payment record ...", "payments received");
GROUP(hours, "hours balance ...", "a contract's hour bank");
GROUP(rfc,
      "rfc submit|resubmit|show|list|authorize|return|reject|withdraw|"
      "release|implement|close|priority ...",
      "requests for change (keel-change)");
GROUP(cab, "cab put|show|vote|rule-put|rule-show ...",
      "the review board and the high-impact rule");
GROUP(ci, "ci put|show|list|history ...", "configuration items");
GROUP(freeze, "freeze put|list ...", "freeze windows");
GROUP(notify,
      "notify rule put|list|show, log, ack, dlq list|show|replay, "
      "preview ...",
      "notifications (keel-notify)");
