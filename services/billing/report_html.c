/*
 * The monthly customer report as one HTML page, no I/O (render.h).  The
 * figures map is lua/reports.lua's; every number on the page is one of
 * its members, printed, never recomputed, so the page, the PDF printed
 * from it and the JSON agree.  Charts are inline SVG drawn here: bars
 * with their numbers written on them, so a reader (and the test) can
 * read each value without measuring.
 */
#include "render.h"
#include "sbuf.h"

#include "codec.h"
#include "ktime.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const priorities[] = {"critical", "high", "normal", "low"};
static const char *const colours[] = {"#b3261e", "#e8710a", "#1a73e8",
                                      "#5f6368"};

static const char *const month_names[] = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

/* ---- reading the figures ---- */

static const struct keel_obj *
get(const struct keel_obj *m, const char *k)
{
	return m ? keel_obj_get(m, k) : NULL;
}

static int64_t
num(const struct keel_obj *m, const char *k)
{
	const struct keel_obj *o = get(m, k);
	int64_t v = 0;
	double f;

	if (o && !keel_obj_int(o, &v) && keel_obj_float(o, &f))
		v = (int64_t)f;
	return v;
}

static double
real(const struct keel_obj *m, const char *k)
{
	const struct keel_obj *o = get(m, k);
	int64_t v;
	double f = 0;

	if (o && keel_obj_int(o, &v))
		return (double)v;
	if (o)
		keel_obj_float(o, &f);
	return f;
}

static struct rstr
str(const struct keel_obj *m, const char *k)
{
	struct rstr s = {"", 0};

	if (!keel_obj_str(get(m, k), &s.p, &s.n))
		s = (struct rstr){"", 0};
	return s;
}

static void
put(struct sbuf *b, const struct keel_obj *m, const char *k)
{
	sb_text(b, str(m, k), true);
}

/* ---- formatting ---- */

struct page {
	struct sbuf *b;
	const struct keel_obj *fig;
	const struct keel_tz *tz;
};

/* An instant in the customer's zone, "-" for none. */
static void
when(struct page *pg, int64_t ms)
{
	struct keel_localtime lt;

	if (ms <= 0) {
		sb_puts(pg->b, "&ndash;");
		return;
	}
	if (pg->tz)
		keel_tz_local(pg->tz, ms, &lt);
	else {
		lt.days = ms / 86400000;
		lt.sec_of_day = (int)(ms / 1000 % 86400);
		keel_time_civil_from_days(lt.days, &lt.year, &lt.month, &lt.day);
	}
	sb_printf(pg->b, "%04d-%02d-%02d %02d:%02d", lt.year, lt.month, lt.day,
	          lt.sec_of_day / 3600, lt.sec_of_day / 60 % 60);
}

/* Minutes as "3 h 15 min". */
static void
duration(struct sbuf *b, int64_t min)
{
	if (min < 60)
		sb_printf(b, "%lld min", (long long)min);
	else if (min % 60 == 0)
		sb_printf(b, "%lld h", (long long)(min / 60));
	else
		sb_printf(b, "%lld h %lld min", (long long)(min / 60),
		          (long long)(min % 60));
}

/* Hours with one decimal, as the charts write them. */
static void
hours(struct sbuf *b, int64_t min)
{
	sb_printf(b, "%lld.%lld", (long long)(min / 60),
	          (long long)(min % 60 * 10 / 60));
}

static void
percent(struct sbuf *b, double p)
{
	if (p < 0)
		sb_puts(b, "&ndash;");
	else if (p == (double)(int64_t)p)
		sb_printf(b, "%lld %%", (long long)p);
	else
		sb_printf(b, "%.1f %%", p);
}

static const char *
verdict_class(struct rstr v)
{
	if (v.n == 3 && !memcmp(v.p, "met", 3))
		return "ok";
	if (v.n == 6 && !memcmp(v.p, "missed", 6))
		return "bad";
	return "wait";
}

/* ---- sections ---- */

static const char style[] =
    "<style>\n"
    "@page{size:A4;margin:14mm}\n"
    "body{font:14px/1.45 'DejaVu Sans',Arial,sans-serif;color:#202124;"
    "max-width:980px;margin:24px auto;padding:0 20px}\n"
    "h1{font-size:24px;margin:0}h2{font-size:18px;margin:28px 0 8px;"
    "border-bottom:2px solid #1a73e8;padding-bottom:4px}\n"
    ".sub{color:#5f6368;margin:4px 0 16px}\n"
    ".summary{background:#e8f0fe;border-radius:8px;padding:10px 18px}\n"
    ".summary li{margin:4px 0}\n"
    ".tiles{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}\n"
    ".tile{flex:1 1 100px;border:1px solid #dadce0;border-radius:8px;"
    "padding:8px 12px}.tile b{display:block;font-size:22px}"
    ".tile span{color:#5f6368;font-size:12px}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0 10px;"
    "font-size:13px}th,td{border-bottom:1px solid #e0e0e0;padding:4px 6px;"
    "text-align:left;vertical-align:top}th{background:#f1f3f4}\n"
    "td.n,th.n{text-align:right}\n"
    ".ok{color:#137333;font-weight:bold}.bad{color:#b3261e;"
    "font-weight:bold}.wait{color:#5f6368}\n"
    ".charts{display:flex;flex-wrap:wrap;gap:16px}"
    "figure{margin:0;flex:1 1 300px}figcaption{font-weight:bold;"
    "margin-bottom:4px}\n"
    ".note{color:#5f6368;font-size:12px}\n"
    "@media print{body{margin:0;max-width:none}h2{break-after:avoid}"
    "tr,figure{break-inside:avoid}}\n"
    "</style>\n";

static void
head(struct page *pg)
{
	struct sbuf *b = pg->b;
	struct rstr month = str(pg->fig, "month");
	int y = 0, m = 0;

	sscanf(month.n == 7 ? month.p : "0000-00", "%4d-%2d", &y, &m);
	sb_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	           "<meta charset=\"utf-8\">\n<title>Monthly report: ");
	put(b, pg->fig, "name");
	sb_puts(b, ", ");
	sb_text(b, month, true);
	sb_puts(b, "</title>\n");
	sb_puts(b, style);
	sb_puts(b, "</head>\n<body>\n<header>\n<h1>Monthly service report: ");
	put(b, pg->fig, "name");
	sb_puts(b, "</h1>\n<p class=\"sub\">");
	if (m >= 1 && m <= 12)
		sb_printf(b, "%s %d", month_names[m - 1], y);
	else
		sb_text(b, month, true);
	sb_puts(b, " &middot; customer ");
	put(b, pg->fig, "customer");
	sb_puts(b, " &middot; times in ");
	put(b, pg->fig, "timezone");
	sb_puts(b, " &middot; made ");
	when(pg, num(pg->fig, "generated_ms"));
	sb_puts(b, "</p>\n</header>\n");
}

static void
sla_totals(const struct keel_obj *sla, int64_t t[4])
{
	memset(t, 0, 4 * sizeof(*t));
	for (size_t i = 0; i < keel_obj_len(sla); i++) {
		const struct keel_obj *s = keel_obj_at(sla, i);

		t[0] += num(s, "response_met");
		t[1] += num(s, "response_total");
		t[2] += num(s, "resolution_met");
		t[3] += num(s, "resolution_total");
	}
}

static void
tile_ratio(struct sbuf *b, int64_t met, int64_t total, const char *label)
{
	sb_puts(b, "<div class=\"tile\"><b>");
	if (total > 0)
		sb_printf(b, "%lld / %lld", (long long)met, (long long)total);
	else
		sb_puts(b, "&ndash;");
	sb_printf(b, "</b><span>%s</span></div>\n", label);
}

static void
summary(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *s = get(pg->fig, "summary");
	const struct keel_obj *h = get(pg->fig, "hours");
	const struct keel_obj *r = get(pg->fig, "rfcs");
	int64_t t[4];

	sb_puts(b, "<section id=\"summary\">\n<h2>Summary</h2>\n"
	           "<ul class=\"summary\">\n");
	for (size_t i = 0; i < keel_obj_len(s); i++) {
		struct rstr line = {"", 0};

		keel_obj_str(keel_obj_at(s, i), &line.p, &line.n);
		sb_puts(b, "<li>");
		sb_text(b, line, true);
		sb_puts(b, "</li>\n");
	}
	sb_puts(b, "</ul>\n<div class=\"tiles\">\n");
	sb_printf(b,
	          "<div class=\"tile\"><b>%zu</b><span>incidents</span></div>\n",
	          keel_obj_len(get(pg->fig, "incidents")));
	sla_totals(get(pg->fig, "sla"), t);
	tile_ratio(b, t[0], t[1], "answered within target");
	tile_ratio(b, t[2], t[3], "resolved within target");
	sb_printf(b,
	          "<div class=\"tile\"><b>%lld</b><span>monitoring alerts"
	          "</span></div>\n",
	          (long long)num(get(pg->fig, "alerts"), "total"));
	sb_printf(b,
	          "<div class=\"tile\"><b>%zu / %zu</b><span>change requests "
	          "closed / open</span></div>\n",
	          keel_obj_len(get(r, "closed")), keel_obj_len(get(r, "open")));
	sb_puts(b, "<div class=\"tile\"><b>");
	if (str(h, "contract").n)
		hours(b, num(h, "included_used_min") + num(h, "block_used_min") +
		             num(h, "billable_min"));
	else
		sb_puts(b, "&ndash;");
	sb_puts(b, " h</b><span>hours used</span></div>\n</div>\n</section>\n");
}

/* ---- charts ---- */

#define CW 300 /* chart width, px */
#define CH 190 /* chart height */

static void
chart_weeks(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *w = get(pg->fig, "weeks");
	size_t n = keel_obj_len(w);
	int64_t top = 1;
	double x0 = 30, base = CH - 40, hmax = CH - 70, slot;

	for (size_t i = 0; i < n; i++) {
		int64_t sum = 0;

		for (int p = 0; p < 4; p++)
			sum += num(keel_obj_at(w, i), priorities[p]);
		if (sum > top)
			top = sum;
	}
	slot = n ? (CW - x0 - 10) / (double)n : 1;
	sb_printf(b,
	          "<figure id=\"chart-weeks\"><figcaption>Tickets per week by "
	          "priority</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/"
	          "svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	          "role=\"img\" aria-label=\"tickets per week by priority\">\n",
	          CW, CH, CW, CH);
	sb_printf(b,
	          "<line x1=\"%g\" y1=\"%g\" x2=\"%d\" y2=\"%g\" "
	          "stroke=\"#9aa0a6\"/>\n",
	          x0, base, CW - 10, base);
	for (size_t i = 0; i < n; i++) {
		const struct keel_obj *wk = keel_obj_at(w, i);
		double x = x0 + slot * (double)i + slot * 0.2, y = base;
		int64_t sum = 0, last;

		for (int p = 0; p < 4; p++) {
			int64_t c = num(wk, priorities[p]);
			double h = hmax * (double)c / (double)top;

			if (c == 0)
				continue;
			y -= h;
			sum += c;
			sb_printf(b,
			          "<rect class=\"bar\" data-week=\"%zu\" "
			          "data-priority=\"%s\" data-value=\"%lld\" "
			          "x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			          "height=\"%.1f\" fill=\"%s\"/>\n",
			          i + 1, priorities[p], (long long)c, x, y,
			          slot * 0.6, h, colours[p]);
		}
		sb_printf(b,
		          "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" "
		          "text-anchor=\"middle\" font-size=\"11\">%lld</text>\n",
		          x + slot * 0.3, y - 4, (long long)sum);
		/* the last week runs to the month's end (hours keep a day's
		 * count right across a DST change) */
		last = i + 1 < n ? (int64_t)i * 7 + 7
		                 : (int64_t)i * 7 +
		                       (num(pg->fig, "to_ms") - num(wk, "from_ms") +
		                        43200000) / 86400000;
		sb_printf(b,
		          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
		          "font-size=\"11\">%zu&#8211;%lld</text>\n",
		          x + slot * 0.3, base + 14, i * 7 + 1, (long long)last);
	}
	/* the legend */
	for (int p = 0; p < 4; p++)
		sb_printf(b,
		          "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" "
		          "fill=\"%s\"/><text x=\"%d\" y=\"%d\" "
		          "font-size=\"11\">%s</text>\n",
		          10 + p * 72, CH - 14, colours[p], 24 + p * 72, CH - 5,
		          priorities[p]);
	sb_puts(b, "</svg></figure>\n");
}

static void
chart_sla(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *sla = get(pg->fig, "sla");
	double x0 = 70, wmax = CW - x0 - 50, y = 24;

	sb_printf(b,
	          "<figure id=\"chart-sla\"><figcaption>SLA attainment against "
	          "target</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/"
	          "svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	          "role=\"img\" aria-label=\"SLA attainment against target\">\n",
	          CW, CH, CW, CH);
	for (size_t i = 0; i < keel_obj_len(sla); i++) {
		const struct keel_obj *s = keel_obj_at(sla, i);
		static const char *const kinds[] = {"response", "resolution"};

		sb_printf(b,
		          "<text x=\"4\" y=\"%.1f\" font-size=\"11\">", y + 13);
		put(b, s, "priority");
		sb_puts(b, "</text>\n");
		for (int k = 0; k < 2; k++) {
			char key[32];
			double p;

			snprintf(key, sizeof(key), "%s_pct", kinds[k]);
			p = real(s, key);
			sb_printf(b,
			          "<rect class=\"bar\" data-priority=\"%s\" "
			          "data-kind=\"%s\" data-value=\"%g\" x=\"%g\" "
			          "y=\"%.1f\" width=\"%.1f\" height=\"11\" "
			          "fill=\"%s\"/>\n",
			          priorities[i < 4 ? i : 3], kinds[k], p, x0, y,
			          p > 0 ? wmax * p / 100 : 0,
			          k ? "#34a853" : "#1a73e8");
			sb_printf(b,
			          "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" "
			          "font-size=\"10\">",
			          x0 + (p > 0 ? wmax * p / 100 : 0) + 3, y + 9);
			percent(b, p);
			sb_puts(b, "</text>\n");
			y += 13;
		}
		y += 8;
	}
	/* the target: every ticket within its SLA */
	sb_printf(b,
	          "<line class=\"target\" x1=\"%g\" y1=\"16\" x2=\"%g\" "
	          "y2=\"%.1f\" stroke=\"#202124\" stroke-dasharray=\"4 3\"/>\n"
	          "<text x=\"%g\" y=\"12\" font-size=\"10\" "
	          "text-anchor=\"end\">target 100 %%</text>\n",
	          x0 + wmax, x0 + wmax, y, x0 + wmax);
	sb_printf(b,
	          "<rect x=\"4\" y=\"%d\" width=\"10\" height=\"10\" "
	          "fill=\"#1a73e8\"/><text x=\"18\" y=\"%d\" font-size=\"11\">"
	          "first response</text><rect x=\"120\" y=\"%d\" width=\"10\" "
	          "height=\"10\" fill=\"#34a853\"/><text x=\"134\" y=\"%d\" "
	          "font-size=\"11\">resolution</text>\n",
	          CH - 14, CH - 5, CH - 14, CH - 5);
	sb_puts(b, "</svg></figure>\n");
}

static void
chart_hours(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *h = get(pg->fig, "hours");
	struct {
		const char *label, *key;
		int64_t min;
		const char *colour;
	} bars[] = {
	    {"included", "granted_min", num(h, "granted_min"), "#9aa0a6"},
	    {"used of included", "included_used_min",
	     num(h, "included_used_min"), "#1a73e8"},
	    {"flex used", "block_used_min", num(h, "block_used_min"),
	     "#34a853"},
	    {"billable", "billable_min", num(h, "billable_min"), "#b3261e"},
	};
	int64_t top = 1;
	double x0 = 110, wmax = CW - x0 - 50, y = 20;

	for (size_t i = 0; i < 4; i++)
		if (bars[i].min > top)
			top = bars[i].min;
	sb_printf(b,
	          "<figure id=\"chart-hours\"><figcaption>Hours used against "
	          "included</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/"
	          "svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	          "role=\"img\" aria-label=\"hours used against included\">\n",
	          CW, CH, CW, CH);
	if (!str(h, "contract").n)
		sb_printf(b,
		          "<text x=\"4\" y=\"40\" font-size=\"12\">No active "
		          "contract: no hour bank.</text>\n");
	else
		for (size_t i = 0; i < 4; i++) {
			double w = wmax * (double)bars[i].min / (double)top;

			sb_printf(b,
			          "<text x=\"4\" y=\"%.1f\" font-size=\"11\">%s"
			          "</text>\n<rect class=\"bar\" data-kind=\"%s\" "
			          "data-value=\"%lld\" x=\"%g\" y=\"%.1f\" "
			          "width=\"%.1f\" height=\"20\" fill=\"%s\"/>\n"
			          "<text class=\"value\" x=\"%.1f\" y=\"%.1f\" "
			          "font-size=\"11\">",
			          y + 14, bars[i].label, bars[i].key,
			          (long long)bars[i].min, x0, y, w,
			          bars[i].colour, x0 + w + 4, y + 14);
			hours(b, bars[i].min);
			sb_puts(b, " h</text>\n");
			y += 34;
		}
	sb_puts(b, "</svg></figure>\n");
}

/* ---- tables ---- */

static void
health(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *a = get(pg->fig, "alerts");
	const struct keel_obj *list = get(a, "list");
	const struct keel_obj *bm = get(a, "by_metric");
	const struct keel_obj *bd = get(a, "by_device");

	sb_puts(b, "<section id=\"health\">\n<h2>Health of covered systems"
	           "</h2>\n");
	if (keel_obj_len(list) == 0) {
		sb_puts(b, "<p>No monitoring alerts this month.</p>\n"
		           "</section>\n");
		return;
	}
	sb_puts(b, "<div class=\"charts\"><figure><table id=\"by-metric\">"
	           "<tr><th>metric</th><th class=\"n\">alerts</th></tr>\n");
	for (size_t i = 0; i < keel_obj_len(bm); i++) {
		sb_puts(b, "<tr><td>");
		put(b, keel_obj_at(bm, i), "metric");
		sb_printf(b, "</td><td class=\"n\">%lld</td></tr>\n",
		          (long long)num(keel_obj_at(bm, i), "alerts"));
	}
	sb_puts(b, "</table></figure><figure><table id=\"by-device\">"
	           "<tr><th>device</th><th class=\"n\">alerts</th></tr>\n");
	for (size_t i = 0; i < keel_obj_len(bd); i++) {
		sb_puts(b, "<tr><td>");
		put(b, keel_obj_at(bd, i), "device");
		sb_printf(b, "</td><td class=\"n\">%lld</td></tr>\n",
		          (long long)num(keel_obj_at(bd, i), "alerts"));
	}
	sb_puts(b, "</table></figure></div>\n<table id=\"alerts\"><tr>"
	           "<th>received</th><th>metric</th><th>value</th>"
	           "<th>devices</th><th>request</th><th>action taken</th></tr>\n");
	for (size_t i = 0; i < keel_obj_len(list); i++) {
		const struct keel_obj *x = keel_obj_at(list, i);
		struct rstr act = str(x, "action");

		sb_puts(b, "<tr><td>");
		when(pg, num(x, "received_ms"));
		sb_puts(b, "</td><td>");
		put(b, x, "metric");
		sb_puts(b, "</td><td>");
		put(b, x, "value");
		put(b, x, "level");
		sb_puts(b, "</td><td>");
		put(b, x, "devices");
		sb_puts(b, "</td><td>");
		put(b, x, "request");
		sb_puts(b, "</td><td>");
		if (act.n == 6 && !memcmp(act.p, "raised", 6)) {
			sb_puts(b, "opened ticket ");
			put(b, x, "ticket");
		} else if (act.n == 6 && !memcmp(act.p, "joined", 6)) {
			sb_puts(b, "joined open ticket ");
			put(b, x, "ticket");
		} else {
			sb_puts(b, "none yet");
		}
		sb_puts(b, "</td></tr>\n");
	}
	sb_puts(b, "</table>\n</section>\n");
}

static void
verdict_cell(struct sbuf *b, const struct keel_obj *t, const char *k)
{
	char late[40];
	struct rstr v = str(t, k);

	snprintf(late, sizeof(late), "%s_late_min", k);
	sb_printf(b, "<td class=\"%s\">", verdict_class(v));
	sb_text(b, v, true);
	if (num(t, late) > 0) {
		sb_puts(b, " by ");
		duration(b, num(t, late));
	}
	sb_puts(b, "</td>");
}

static void
incidents(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *list = get(pg->fig, "incidents");

	sb_puts(b, "<section id=\"incidents\">\n<h2>Incidents</h2>\n");
	if (keel_obj_len(list) == 0) {
		sb_puts(b, "<p>No incidents this month.</p>\n</section>\n");
		return;
	}
	sb_puts(b, "<table id=\"incident-table\"><tr><th>ticket</th>"
	           "<th>priority</th><th>received</th><th>first response</th>"
	           "<th>resolved</th><th>paused</th><th>response</th>"
	           "<th>resolution</th><th>status, outcome</th></tr>\n");
	for (size_t i = 0; i < keel_obj_len(list); i++) {
		const struct keel_obj *t = keel_obj_at(list, i);

		sb_puts(b, "<tr><td>");
		put(b, t, "id");
		sb_puts(b, "</td><td>");
		put(b, t, "priority");
		sb_puts(b, "</td><td>");
		when(pg, num(t, "received_ms"));
		sb_puts(b, "</td><td>");
		when(pg, num(t, "responded_ms"));
		sb_puts(b, "</td><td>");
		when(pg, num(t, "resolved_ms"));
		sb_puts(b, "</td><td>");
		if (num(t, "paused_ms") >= 30000)
			duration(b, (num(t, "paused_ms") + 30000) / 60000);
		else if (num(t, "paused_ms") > 0)
			sb_puts(b, "&lt; 1 min");
		else
			sb_puts(b, "&ndash;");
		sb_puts(b, "</td>");
		verdict_cell(b, t, "response");
		verdict_cell(b, t, "resolution");
		sb_puts(b, "<td>");
		put(b, t, "status");
		if (str(t, "resolution_text").n) {
			sb_puts(b, ": ");
			put(b, t, "resolution_text");
		} else if (str(t, "symptoms").n) {
			sb_puts(b, ": <span class=\"note\">");
			put(b, t, "symptoms");
			sb_puts(b, "</span>");
		}
		sb_puts(b, "</td></tr>\n");
	}
	sb_puts(b, "</table>\n</section>\n");
}

static void
attainment(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *sla = get(pg->fig, "sla");
	const struct keel_obj *br = get(pg->fig, "breaches");

	sb_puts(b, "<section id=\"sla\">\n<h2>SLA attainment</h2>\n"
	           "<table id=\"sla-table\"><tr><th>priority</th>"
	           "<th class=\"n\">tickets</th><th class=\"n\">answered within "
	           "target</th><th class=\"n\">%</th><th class=\"n\">resolved "
	           "within target</th><th class=\"n\">%</th></tr>\n");
	for (size_t i = 0; i < keel_obj_len(sla); i++) {
		const struct keel_obj *s = keel_obj_at(sla, i);

		sb_puts(b, "<tr><td>");
		put(b, s, "priority");
		sb_printf(b,
		          "</td><td class=\"n\">%lld</td><td class=\"n\">%lld / "
		          "%lld</td><td class=\"n\">",
		          (long long)num(s, "tickets"),
		          (long long)num(s, "response_met"),
		          (long long)num(s, "response_total"));
		percent(b, real(s, "response_pct"));
		sb_printf(b,
		          "</td><td class=\"n\">%lld / %lld</td><td class=\"n\">",
		          (long long)num(s, "resolution_met"),
		          (long long)num(s, "resolution_total"));
		percent(b, real(s, "resolution_pct"));
		sb_puts(b, "</td></tr>\n");
	}
	sb_puts(b, "</table>\n<p class=\"note\">Counted against the SLA policy "
	           "in force for each ticket; a target not yet due is not "
	           "counted. Time in a pause status (waiting on you) does not "
	           "count against a target and is shown as paused.</p>\n");
	if (keel_obj_len(br)) {
		sb_puts(b, "<h3>Targets missed</h3>\n<table id=\"breaches\">"
		           "<tr><th>ticket</th><th>priority</th><th>target</th>"
		           "<th>missed by</th></tr>\n");
		for (size_t i = 0; i < keel_obj_len(br); i++) {
			const struct keel_obj *x = keel_obj_at(br, i);

			sb_puts(b, "<tr><td>");
			put(b, x, "ticket");
			sb_puts(b, "</td><td>");
			put(b, x, "priority");
			sb_puts(b, "</td><td>");
			put(b, x, "kind");
			sb_puts(b, "</td><td>");
			duration(b, num(x, "late_min"));
			sb_puts(b, "</td></tr>\n");
		}
		sb_puts(b, "</table>\n");
	}
	sb_puts(b, "</section>\n");
}

static void
rfc_table(struct page *pg, const struct keel_obj *list, const char *id,
          bool closed)
{
	struct sbuf *b = pg->b;

	if (keel_obj_len(list) == 0) {
		sb_printf(b, "<p id=\"%s\">None.</p>\n", id);
		return;
	}
	sb_printf(b,
	          "<table id=\"%s\"><tr><th>RFC</th><th>priority</th>"
	          "<th>submitted</th><th>status</th>%s<th>ticket</th></tr>\n",
	          id, closed ? "<th>finished</th><th>outcome</th>" : "");
	for (size_t i = 0; i < keel_obj_len(list); i++) {
		const struct keel_obj *r = keel_obj_at(list, i);

		sb_puts(b, "<tr><td>");
		put(b, r, "id");
		sb_puts(b, "</td><td>");
		put(b, r, "priority");
		sb_puts(b, "</td><td>");
		when(pg, num(r, "submitted_ms"));
		sb_puts(b, "</td><td>");
		put(b, r, "status");
		if (closed) {
			sb_puts(b, "</td><td>");
			when(pg, num(r, "finished_ms"));
			sb_puts(b, "</td><td>");
			put(b, r, "outcome");
		}
		sb_puts(b, "</td><td>");
		put(b, r, "ticket");
		sb_puts(b, "</td></tr>\n");
	}
	sb_puts(b, "</table>\n");
}

static void
rfcs(struct page *pg)
{
	const struct keel_obj *r = get(pg->fig, "rfcs");

	sb_puts(pg->b, "<section id=\"rfcs\">\n<h2>Change requests</h2>\n"
	               "<h3>Closed this month</h3>\n");
	rfc_table(pg, get(r, "closed"), "rfcs-closed", true);
	sb_puts(pg->b, "<h3>Open at the end of the month</h3>\n");
	rfc_table(pg, get(r, "open"), "rfcs-open", false);
	sb_puts(pg->b, "</section>\n");
}

static void
hour_row(struct sbuf *b, const char *label, const char *id, int64_t min)
{
	sb_printf(b, "<tr id=\"h-%s\"><td>%s</td><td class=\"n\">", id, label);
	duration(b, min);
	sb_puts(b, "</td></tr>\n");
}

static void
hours_section(struct page *pg)
{
	struct sbuf *b = pg->b;
	const struct keel_obj *h = get(pg->fig, "hours");

	sb_puts(b, "<section id=\"hours\">\n<h2>Hours used</h2>\n");
	if (!str(h, "contract").n) {
		sb_puts(b, "<p>The customer has no active contract, so there is "
		           "no hour bank to report.</p>\n</section>\n");
		return;
	}
	sb_puts(b, "<p>Contract ");
	put(b, h, "contract");
	sb_puts(b, ", from the hour-bank ledger.</p>\n<table id=\"hours-table\">"
	           "\n");
	hour_row(b, "Included support hours granted", "granted",
	         num(h, "granted_min"));
	hour_row(b, "Used of included hours", "included-used",
	         num(h, "included_used_min"));
	hour_row(b, "Included hours lapsed unused", "lapsed",
	         num(h, "lapsed_min"));
	hour_row(b, "Covered by the monthly fee", "covered",
	         num(h, "covered_min"));
	hour_row(b, "Flex hours earned", "flex-accrued",
	         num(h, "flex_accrued_min"));
	sb_printf(b,
	          "<tr id=\"h-blocks\"><td>Flex blocks of 4 h opened</td>"
	          "<td class=\"n\">%lld</td></tr>\n",
	          (long long)num(h, "blocks_opened"));
	hour_row(b, "Used of flex blocks", "block-used",
	         num(h, "block_used_min"));
	hour_row(b, "Billable (beyond included and flex)", "billable",
	         num(h, "billable_min"));
	hour_row(b, "Flex balance at the end of the month", "flex-balance",
	         num(h, "flex_balance_min") + num(h, "block_balance_min"));
	sb_puts(b, "</table>\n<p class=\"note\">");
	duration(b, num(h, "expiring_min"));
	sb_puts(b, " of flex time expire on ");
	put(b, h, "expiry_date");
	sb_puts(b, " unless used.</p>\n</section>\n");
}

int
billing_report_html(const struct keel_obj *fig, char **ret, size_t *ret_len)
{
	struct sbuf b = {0};
	struct page pg = {.b = &b, .fig = fig};
	const struct keel_obj *miss;
	char zone[65] = "";

	if (!fig || keel_obj_kind(fig) != KEEL_OBJ_MAP ||
	    !get(fig, "incidents") || !get(fig, "sla") || !get(fig, "hours"))
		return -EINVAL;
	keel_obj_strcpy(get(fig, "timezone"), zone, sizeof(zone));
	if (keel_tz_get(zone, &pg.tz) < 0)
		pg.tz = NULL;
	head(&pg);
	summary(&pg);
	sb_puts(&b, "<section id=\"charts\"><h2>At a glance</h2>"
	            "<div class=\"charts\">\n");
	chart_weeks(&pg);
	chart_sla(&pg);
	chart_hours(&pg);
	sb_puts(&b, "</div></section>\n");
	health(&pg);
	incidents(&pg);
	attainment(&pg);
	rfcs(&pg);
	hours_section(&pg);
	miss = get(fig, "missing");
	if (keel_obj_len(miss)) {
		sb_puts(&b, "<section id=\"missing\"><h2>Not in this report"
		            "</h2><ul>\n");
		for (size_t i = 0; i < keel_obj_len(miss); i++) {
			struct rstr s = {"", 0};

			keel_obj_str(keel_obj_at(miss, i), &s.p, &s.n);
			sb_puts(&b, "<li>");
			sb_text(&b, s, true);
			sb_puts(&b, "</li>\n");
		}
		sb_puts(&b, "</ul></section>\n");
	}
	sb_puts(&b, "</body>\n</html>\n");
	if (b.err) {
		int err = b.err;

		sb_release(&b);
		return err;
	}
	*ret = b.p;
	*ret_len = b.len;
	return 0;
}
