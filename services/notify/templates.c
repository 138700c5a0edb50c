/*
 * keel-notify's templates, no I/O: one per event type (a subject and an
 * opening line naming what happened, with the event's fields after it),
 * in plain text, HTML (every value escaped) and the webhook's JSON.
 */
#include "notify.h"

#include "codec.h"
#include "json.h"
#include "ktime.h"
#include "money.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Subject and opening line per event type; %s is the id in the body. */
static const struct {
	const char *type, *subject, *opening;
} templates[] = {
    {"ticket.created", "Ticket %s received",
     "We received your request. Its priority and our response target are "
     "below."},
    {"ticket.status_changed", "Ticket %s: status changed",
     "The status of your ticket changed."},
    {"ticket.closed", "Ticket %s closed",
     "Your ticket is closed. Thank you for confirming the resolution."},
    {"ticket.assigned", "Ticket %s assigned to you",
     "A ticket was assigned to you."},
    {"ticket.escalated", "Escalation: ticket %s",
     "A ticket was escalated and needs your attention."},
    {"ticket.sla_breached", "SLA breach: ticket %s",
     "A ticket passed its SLA target."},
    {"rfc.submitted", "New request for change %s",
     "A request for change was submitted and waits for authorization."},
    {"proposal.sent", "Proposal %s", "Our proposal is ready for you."},
    {"plan.proposed", "Engagement plan for %s",
     "The plan and the checklist of what to prepare are below."},
    {"plan.agreed", "Engagement plan agreed: %s", "The plan is agreed."},
    {"checklist.ticked", "Checklist progress: %s",
     "An item of the engagement's checklist was ticked."},
    {"invoice.issued", "Invoice %s", "Your invoice is issued."},
    {"invoice.overdue", "Reminder: invoice %s is overdue",
     "Our records show this invoice as unpaid after its due date."},
    {"report.ready", "Your monthly service report %s",
     "Your monthly service report is ready; its summary and figures are "
     "below, the full report with its charts comes from keelctl report "
     "monthly or your account manager."},
};

struct buf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->cap ? b->cap * 2 : 1024) + n;
		char *p = realloc(b->p, cap);

		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void
put_html(struct buf *b, const char *s)
{
	for (; *s; s++) {
		const char *e = NULL;

		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		}
		if (e)
			puts_(b, e);
		else
			put(b, s, 1);
	}
}

size_t
notify_html_escape(const char *s, char *out, size_t size)
{
	struct buf b = {0};
	size_t n;

	put_html(&b, s);
	n = b.len;
	snprintf(out, size, "%s", b.p ? b.p : "");
	free(b.p);
	return n;
}

/* A body value as text: times as RFC 3339, amounts with the currency,
 * lists and maps as JSON. */
static void
value_text(const struct keel_obj *body, const char *k,
           const struct keel_obj *v, char *out, size_t size)
{
	int64_t n;

	out[0] = '\0';
	if (keel_obj_strcpy(v, out, size))
		return;
	if (keel_obj_int(v, &n)) {
		struct keel_money m = {.minor = n};
		static const char *const money[] = {"total", "open", "amount",
		                                    "monthly", NULL};

		if (strstr(k, "_ms") && n > 0) {
			char t[KEEL_TIME_STRLEN];

			keel_time_format(n, t);
			snprintf(out, size, "%s", t);
			return;
		}
		for (int i = 0; money[i]; i++)
			if (strcmp(k, money[i]) == 0 &&
			    keel_obj_strcpy(keel_obj_get(body, "currency"),
			                    m.currency, sizeof(m.currency))) {
				keel_money_format(&m, out, size);
				return;
			}
		snprintf(out, size, "%lld", (long long)n);
		return;
	}
	if (keel_obj_kind(v) == KEEL_OBJ_ARRAY && keel_obj_len(v) > 0 &&
	    keel_obj_kind(keel_obj_at(v, 0)) == KEEL_OBJ_STR) {
		/* a list of texts (a report's summary): one after the other */
		size_t at = 0;

		for (size_t i = 0; i < keel_obj_len(v) && at + 1 < size; i++) {
			if (i > 0)
				out[at++] = ' ';
			keel_obj_strcpy(keel_obj_at(v, i), out + at, size - at);
			at += strlen(out + at);
		}
		return;
	}
	{
		struct keel_json j;
		bool bv;

		if (keel_obj_bool(v, &bv)) {
			snprintf(out, size, "%s", bv ? "yes" : "no");
			return;
		}
		keel_json_init(&j, 0);
		keel_json_value(&j, v);
		snprintf(out, size, "%s", keel_json_str(&j) ? keel_json_str(&j)
		                                            : "");
		keel_json_release(&j);
	}
}

int
notify_render(const char *id, const char *event, const char *etype,
              const struct keel_obj *body, const char *rule,
              const char *token, const char *ack_url,
              struct notify_message *m)
{
	const char *subject = "%s: %s", *opening = "Keel event.";
	struct buf text = {0}, html = {0};
	struct keel_json j;
	char oid[128] = "", ackline[600] = "";

	memset(m, 0, sizeof(*m));
	keel_obj_strcpy(keel_obj_get(body, "id"), oid, sizeof(oid));
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		if (strcmp(templates[i].type, etype) == 0) {
			subject = templates[i].subject;
			opening = templates[i].opening;
		}
	if (strcmp(subject, "%s: %s") == 0)
		snprintf(m->subject, sizeof(m->subject), "%s: %s", etype, oid);
	else
		snprintf(m->subject, sizeof(m->subject), subject, oid);
	if (token && token[0]) {
		if (ack_url && ack_url[0])
			snprintf(ackline, sizeof(ackline),
			         "Please acknowledge: %s?token=%s", ack_url,
			         token);
		else
			snprintf(ackline, sizeof(ackline),
			         "Please acknowledge: keelctl notify ack %s",
			         token);
		snprintf(m->subject + strlen(m->subject),
		         sizeof(m->subject) - strlen(m->subject),
		         " [acknowledgement needed]");
	}

	puts_(&text, opening);
	puts_(&text, "\n\n");
	puts_(&html, "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
	             "<title>");
	put_html(&html, m->subject);
	puts_(&html, "</title></head><body><p>");
	put_html(&html, opening);
	puts_(&html, "</p><table>");
	for (size_t i = 0; i < keel_obj_len(body); i++) {
		char k[64] = "", v[4096];

		keel_obj_strcpy(keel_obj_key_at(body, i), k, sizeof(k));
		value_text(body, k, keel_obj_val_at(body, i), v, sizeof(v));
		if (!v[0])
			continue;
		puts_(&text, k);
		puts_(&text, ": ");
		puts_(&text, v);
		puts_(&text, "\n");
		puts_(&html, "<tr><th align=\"left\">");
		put_html(&html, k);
		puts_(&html, "</th><td>");
		put_html(&html, v);
		puts_(&html, "</td></tr>");
	}
	puts_(&html, "</table>");
	if (ackline[0]) {
		puts_(&text, "\n");
		puts_(&text, ackline);
		puts_(&text, "\n");
		puts_(&html, "<p><strong>");
		put_html(&html, ackline);
		puts_(&html, "</strong></p>");
	}
	puts_(&text, "\n-- \nKeel (delivery ");
	puts_(&text, id);
	puts_(&text, ")\n");
	puts_(&html, "<p style=\"color:#777\">Keel (delivery ");
	put_html(&html, id);
	puts_(&html, ")</p></body></html>\n");

	keel_json_init(&j, 0);
	keel_json_obj_open(&j);
	keel_json_key(&j, "id");
	keel_json_string(&j, id);
	keel_json_key(&j, "type");
	keel_json_string(&j, etype);
	keel_json_key(&j, "event");
	keel_json_string(&j, event);
	keel_json_key(&j, "rule");
	keel_json_string(&j, rule);
	if (token && token[0]) {
		keel_json_key(&j, "ack_token");
		keel_json_string(&j, token);
	}
	keel_json_key(&j, "data");
	keel_json_value(&j, body);
	keel_json_obj_close(&j);
	m->json = keel_json_str(&j) ? strdup(keel_json_str(&j)) : NULL;
	keel_json_release(&j);
	m->text = text.p;
	m->html = html.p;
	if (text.oom || html.oom || !m->json || !m->text || !m->html) {
		notify_message_free(m);
		return -ENOMEM;
	}
	return 0;
}

void
notify_message_free(struct notify_message *m)
{
	free(m->text);
	free(m->html);
	free(m->json);
	m->text = m->html = m->json = NULL;
}
