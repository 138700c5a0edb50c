/*
 * keel-billing invoice documents, no I/O.  An invoice map is read once
 * into a view (struct inv), which is also where a map that is not an
 * invoice is refused; the view is then written as HTML into a growing
 * buffer or drawn as A4 pages with cairo into memory.  Both formats take
 * their labels and cell texts from the same helpers, so they cannot
 * drift apart.
 *
 * Every string from the map is cleaned before use: cairo puts its whole
 * surface into an error state on invalid UTF-8, so one bad byte in a
 * line text would otherwise cost the customer the invoice.
 */
#include "render.h"
#include "sbuf.h"

#include "codec.h"
#include "money.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest texts keel_money_format and a quantity can print. */
#define MONEY_MAX sizeof("-92233720368547758.08 XXX")
#define QTY_MAX sizeof("-9223372036854775808")

#define ELLIPSIS "\xe2\x80\xa6"

static bool
rstr_eq(struct rstr s, const char *c)
{
	return s.n == strlen(c) && memcmp(s.p, c, s.n) == 0;
}

/* ---- the invoice view ---- */

struct inv {
	struct rstr id, kind, contract, customer, customer_name;
	struct rstr period_from, period_to, issued, due, status;
	struct rstr cancels, engagement;
	char currency[4];
	int64_t month, total, paid, open;
	const struct keel_obj *lines;
	size_t nlines;
};

struct inv_line {
	struct rstr text;
	int64_t qty, unit, amount;
};

/* A member, or NULL when absent or nil (both mean "none"). */
static const struct keel_obj *
member(const struct keel_obj *map, const char *key)
{
	const struct keel_obj *o = keel_obj_get(map, key);

	return o && keel_obj_kind(o) != KEEL_OBJ_NIL ? o : NULL;
}

/* A string member: absent is "", present but not a string is refused. */
static bool
get_str(const struct keel_obj *map, const char *key, bool required,
        struct rstr *ret)
{
	const struct keel_obj *o = member(map, key);

	*ret = (struct rstr){"", 0};
	if (!o)
		return !required;
	return keel_obj_str(o, &ret->p, &ret->n);
}

static bool
get_int(const struct keel_obj *map, const char *key, bool required,
        int64_t *ret)
{
	const struct keel_obj *o = member(map, key);

	*ret = 0;
	if (!o)
		return !required;
	return keel_obj_int(o, ret);
}

static bool
line_read(const struct keel_obj *o, struct inv_line *l)
{
	return keel_obj_kind(o) == KEEL_OBJ_MAP &&
	       get_str(o, "text", true, &l->text) &&
	       get_int(o, "qty", false, &l->qty) &&
	       get_int(o, "unit", false, &l->unit) &&
	       get_int(o, "amount", true, &l->amount);
}

/* What a document cannot do without is required; the rest shows blank
 * when absent, so an older stored invoice still renders. */
static const struct {
	const char *key;
	size_t off;
	bool required;
} inv_strs[] = {
    {"id", offsetof(struct inv, id), true},
    {"kind", offsetof(struct inv, kind), false},
    {"contract", offsetof(struct inv, contract), false},
    {"customer", offsetof(struct inv, customer), false},
    {"customer_name", offsetof(struct inv, customer_name), false},
    {"period_from", offsetof(struct inv, period_from), false},
    {"period_to", offsetof(struct inv, period_to), false},
    {"issued", offsetof(struct inv, issued), false},
    {"due", offsetof(struct inv, due), false},
    {"status", offsetof(struct inv, status), false},
    {"for", offsetof(struct inv, cancels), false},
    {"engagement", offsetof(struct inv, engagement), false},
};

static const struct {
	const char *key;
	size_t off;
	bool required;
} inv_ints[] = {
    {"month", offsetof(struct inv, month), false},
    {"total", offsetof(struct inv, total), true},
    {"paid", offsetof(struct inv, paid), true},
    {"open", offsetof(struct inv, open), true},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int
inv_read(const struct keel_obj *o, struct inv *v)
{
	struct inv_line l;

	memset(v, 0, sizeof(*v));
	if (!o || keel_obj_kind(o) != KEEL_OBJ_MAP)
		return -EINVAL;
	for (size_t i = 0; i < NELEM(inv_strs); i++)
		if (!get_str(o, inv_strs[i].key, inv_strs[i].required,
		             (struct rstr *)((char *)v + inv_strs[i].off)))
			return -EINVAL;
	for (size_t i = 0; i < NELEM(inv_ints); i++)
		if (!get_int(o, inv_ints[i].key, inv_ints[i].required,
		             (int64_t *)((char *)v + inv_ints[i].off)))
			return -EINVAL;
	if (!keel_obj_strcpy(member(o, "currency"), v->currency,
	                     sizeof(v->currency)) ||
	    !keel_money_currency_valid(v->currency) || v->id.n == 0)
		return -EINVAL;
	v->lines = member(o, "lines");
	if (!v->lines || keel_obj_kind(v->lines) != KEEL_OBJ_ARRAY)
		return -EINVAL;
	v->nlines = keel_obj_len(v->lines);
	for (size_t i = 0; i < v->nlines; i++)
		if (!line_read(keel_obj_at(v->lines, i), &l))
			return -EINVAL;
	return 0;
}

/* Line i; inv_read has checked every line already. */
static void
inv_line(const struct inv *v, size_t i, struct inv_line *l)
{
	if (!line_read(keel_obj_at(v->lines, i), l))
		*l = (struct inv_line){{"", 0}, 0, 0, 0};
}

/* ---- what both formats show ---- */

static const char *
inv_title(const struct inv *v)
{
	return rstr_eq(v->kind, "credit_note") ? "Credit note" : "Invoice";
}

static bool
inv_void(const struct inv *v)
{
	return rstr_eq(v->status, "void");
}

static const struct {
	const char *key, *label;
} status_labels[] = {
    {"issued", "Issued"},   {"paid", "Paid"},
    {"partially_paid", "Partially paid"},
    {"overdue", "Overdue"}, {"void", "Void"},
};

/* The status's label; NULL for one this file does not know, which is
 * then shown as it came. */
static const char *
status_label(const struct inv *v)
{
	for (size_t i = 0; i < NELEM(status_labels); i++)
		if (rstr_eq(v->status, status_labels[i].key))
			return status_labels[i].label;
	return NULL;
}

static void
sb_status(struct sbuf *b, const struct inv *v, bool html)
{
	const char *label = status_label(v);

	if (label)
		sb_puts(b, label);
	else
		sb_text(b, v->status, html);
}

static void
money_str(const struct inv *v, int64_t minor, char *buf)
{
	struct keel_money m = {.minor = minor};

	memcpy(m.currency, v->currency, sizeof(m.currency));
	if (keel_money_format(&m, buf, MONEY_MAX) < 0)
		buf[0] = '\0';
}

/* A line's right-hand cells; a quantity or unit price of 0 is none. */
static void
line_cells(const struct inv *v, const struct inv_line *l, char *qty,
           char *unit, char *amount)
{
	qty[0] = unit[0] = '\0';
	if (l->qty)
		snprintf(qty, QTY_MAX, "%lld", (long long)l->qty);
	if (l->unit)
		money_str(v, l->unit, unit);
	money_str(v, l->amount, amount);
}

/* The header rows under the title: each appends its value as clean,
 * unescaped text and says whether the invoice has anything to show. */
static bool
meta_customer(const struct inv *v, struct sbuf *b)
{
	if (v->customer_name.n == 0) {
		sb_text(b, v->customer, false);
		return v->customer.n > 0;
	}
	sb_text(b, v->customer_name, false);
	if (v->customer.n) {
		sb_puts(b, " (");
		sb_text(b, v->customer, false);
		sb_puts(b, ")");
	}
	return true;
}

static bool
meta_contract(const struct inv *v, struct sbuf *b)
{
	sb_text(b, v->contract, false);
	if (v->month > 0)
		sb_printf(b, "%smonth %lld", v->contract.n ? ", " : "",
		          (long long)v->month);
	return v->contract.n > 0 || v->month > 0;
}

static bool
meta_engagement(const struct inv *v, struct sbuf *b)
{
	sb_text(b, v->engagement, false);
	return v->engagement.n > 0;
}

static bool
meta_cancels(const struct inv *v, struct sbuf *b)
{
	sb_text(b, v->cancels, false);
	return v->cancels.n > 0;
}

static bool
meta_issued(const struct inv *v, struct sbuf *b)
{
	sb_text(b, v->issued, false);
	return v->issued.n > 0;
}

static bool
meta_due(const struct inv *v, struct sbuf *b)
{
	sb_text(b, v->due, false);
	return v->due.n > 0;
}

static bool
meta_period(const struct inv *v, struct sbuf *b)
{
	if (v->period_from.n == 0 && v->period_to.n == 0)
		return false;
	sb_text(b, v->period_from, false);
	sb_puts(b, " \xe2\x80\x93 ");
	sb_text(b, v->period_to, false);
	return true;
}

static const struct {
	const char *label;
	bool (*value)(const struct inv *v, struct sbuf *b);
} metas[] = {
    {"Customer", meta_customer}, {"Contract", meta_contract},
    {"Engagement", meta_engagement}, {"Cancels", meta_cancels},
    {"Issued", meta_issued},     {"Due", meta_due},
    {"Period", meta_period},
};

/* ---- HTML ---- */

/* No external resource at all, and a policy that would refuse one (and
 * any script) should escaping ever be missed somewhere. */
static const char html_prologue[] =
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
    "'none'; style-src 'unsafe-inline'\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n";

static const char html_css[] =
    "<style>\n"
    "@page{size:A4;margin:18mm}\n"
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;font-size:10pt;"
    "color:#222;max-width:52em;margin:2em auto;padding:0 1em}\n"
    "h1{font-size:18pt;margin:0 0 1em}\n"
    "h1 .id{font-weight:normal}\n"
    "table{border-collapse:collapse}\n"
    "th,td{padding:.2em .5em;vertical-align:top}\n"
    ".meta th{text-align:left;padding-left:0}\n"
    ".lines{width:100%;margin:1.5em 0}\n"
    ".lines thead th{text-align:left;border-bottom:1px solid #444}\n"
    ".lines td{border-bottom:1px solid #ddd}\n"
    ".text{overflow-wrap:anywhere;word-break:break-word}\n"
    ".lines th.num,.num{text-align:right;white-space:nowrap}\n"
    ".sums{margin-left:auto}\n"
    ".sums th{text-align:right;font-weight:normal}\n"
    ".sums .total th,.sums .total td{font-weight:bold;"
    "border-top:1px solid #444}\n"
    ".void{position:fixed;top:35%;left:0;right:0;text-align:center;"
    "font-size:110pt;font-weight:bold;color:rgba(200,0,0,.18);"
    "transform:rotate(-30deg);pointer-events:none}\n"
    "</style>\n";

static void
html_head(struct sbuf *b, const struct inv *v)
{
	sb_puts(b, html_prologue);
	sb_printf(b, "<title>%s ", inv_title(v));
	sb_text(b, v->id, true);
	sb_puts(b, "</title>\n");
	sb_puts(b, html_css);
	sb_puts(b, "</head>\n<body>\n");
	if (inv_void(v))
		sb_puts(b, "<div class=\"void\" aria-hidden=\"true\">VOID</div>\n");
	sb_printf(b, "<header><h1>%s <span class=\"id\">", inv_title(v));
	sb_text(b, v->id, true);
	sb_puts(b, "</span></h1></header>\n");
}

static void
html_meta(struct sbuf *b, const struct inv *v, struct sbuf *tmp)
{
	sb_puts(b, "<table class=\"meta\"><tbody>\n");
	for (size_t i = 0; i < NELEM(metas); i++) {
		sb_reset(tmp);
		if (!metas[i].value(v, tmp) || tmp->err)
			continue;
		sb_printf(b, "<tr><th scope=\"row\">%s</th><td>",
		          metas[i].label);
		sb_ctext(b, tmp->p, true);
		sb_puts(b, "</td></tr>\n");
	}
	sb_puts(b, "</tbody></table>\n");
}

static void
html_lines(struct sbuf *b, const struct inv *v)
{
	char qty[QTY_MAX], unit[MONEY_MAX], amount[MONEY_MAX];
	struct inv_line l;

	sb_puts(b, "<table class=\"lines\">\n<thead><tr><th>Description</th>"
	           "<th class=\"num\">Quantity</th>"
	           "<th class=\"num\">Unit price</th>"
	           "<th class=\"num\">Amount</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->nlines; i++) {
		inv_line(v, i, &l);
		line_cells(v, &l, qty, unit, amount);
		sb_puts(b, "<tr><td class=\"text\">");
		sb_text(b, l.text, true);
		sb_printf(b,
		          "</td><td class=\"num\">%s</td><td class=\"num\">%s"
		          "</td><td class=\"num\">%s</td></tr>\n",
		          qty, unit, amount);
	}
	sb_puts(b, "</tbody>\n</table>\n");
}

static void
html_sums(struct sbuf *b, const struct inv *v)
{
	char m[MONEY_MAX];

	sb_puts(b, "<table class=\"sums\"><tbody>\n");
	money_str(v, v->total, m);
	sb_printf(b, "<tr class=\"total\"><th scope=\"row\">Total</th>"
	             "<td class=\"num\">%s</td></tr>\n", m);
	money_str(v, v->paid, m);
	sb_printf(b, "<tr><th scope=\"row\">Paid</th>"
	             "<td class=\"num\">%s</td></tr>\n", m);
	money_str(v, v->open, m);
	sb_printf(b, "<tr><th scope=\"row\">Open</th>"
	             "<td class=\"num\">%s</td></tr>\n", m);
	sb_puts(b, "<tr><th scope=\"row\">Status</th><td class=\"num\">");
	sb_status(b, v, true);
	sb_puts(b, "</td></tr>\n</tbody></table>\n");
}

int
billing_render_html(const struct keel_obj *o, char **ret, size_t *ret_len)
{
	struct sbuf b = {0}, tmp = {0};
	struct inv v;
	int r = inv_read(o, &v);

	if (r < 0)
		return r;
	html_head(&b, &v);
	html_meta(&b, &v, &tmp);
	html_lines(&b, &v);
	html_sums(&b, &v);
	sb_puts(&b, "</body>\n</html>\n");
	r = b.err ? b.err : tmp.err;
	sb_release(&tmp);
	if (r < 0) {
		sb_release(&b);
		return r;
	}
	*ret = b.p;
	*ret_len = b.len;
	return 0;
}

/* ---- PDF ---- */

#define PT_PER_MM (72.0 / 25.4)
#define PAGE_W (210.0 * PT_PER_MM)
#define PAGE_H (297.0 * PT_PER_MM)
#define MARGIN (18.0 * PT_PER_MM)
#define BOTTOM (PAGE_H - MARGIN - 20.0) /* the footer lives below */
#define BODY_PT 9.5
#define ROW_H 13.0
#define LINE_GAP 3.0
#define COL_GAP 12.0
#define LABEL_W 80.0
#define MIN_TEXT_W 120.0
/* A line text longer than this many rows is cut with an ellipsis: an
 * invoice line is a label, and a runaway text must not eat pages. */
#define WRAP_ROWS 4

struct pdf_out {
	unsigned char *p;
	size_t len, cap;
	int err;
};

struct wrap {
	size_t off[WRAP_ROWS], len[WRAP_ROWS];
	unsigned n;
	bool cut; /* the last row ends in an ellipsis */
};

struct pdf {
	cairo_t *cr;
	const struct inv *v;
	struct sbuf tmp;  /* the text being laid out, cleaned */
	struct sbuf page; /* the same for the page's furniture, which may
	                   * be drawn while tmp waits for a new page */
	int page_no;
	double y; /* baseline of the next row */
	/* Right edges of the number columns, and the text column's width. */
	double x_qty, x_unit, x_amount, text_w;
};

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int n)
{
	struct pdf_out *out = closure;
	size_t cap = out->cap ? out->cap : 65536;
	unsigned char *p;

	if (n > SIZE_MAX / 4 - out->len)
		out->err = -ENOMEM;
	while (!out->err && cap < out->len + n)
		cap *= 2;
	if (!out->err && cap != out->cap) {
		p = realloc(out->p, cap);
		if (!p) {
			out->err = -ENOMEM;
		} else {
			out->p = p;
			out->cap = cap;
		}
	}
	if (out->err)
		return CAIRO_STATUS_WRITE_ERROR;
	memcpy(out->p + out->len, data, n);
	out->len += n;
	return CAIRO_STATUS_SUCCESS;
}

static void
font(cairo_t *cr, bool bold, double size)
{
	cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
	                       bold ? CAIRO_FONT_WEIGHT_BOLD
	                            : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
}

static double
width_of(cairo_t *cr, const char *s)
{
	cairo_text_extents_t e;

	cairo_text_extents(cr, s, &e);
	return e.x_advance;
}

/* The toy API wants NUL-terminated text: s[n] is borrowed for a moment
 * (s is a cleaned copy, never the map's bytes). */
static double
width_n(cairo_t *cr, char *s, size_t n)
{
	char c = s[n];
	double w;

	s[n] = '\0';
	w = width_of(cr, s);
	s[n] = c;
	return w;
}

static void
show_n(cairo_t *cr, char *s, size_t n)
{
	char c = s[n];

	s[n] = '\0';
	cairo_show_text(cr, s);
	s[n] = c;
}

static void
show_right(cairo_t *cr, double right, double y, const char *s)
{
	cairo_move_to(cr, right - width_of(cr, s), y);
	cairo_show_text(cr, s);
}

/* Bytes of s[0..n) that fit in w, whole characters only.  Stops at the
 * first character past w, so a huge text costs one row's worth. */
static size_t
text_fit(cairo_t *cr, char *s, size_t n, double w)
{
	double x = 0;
	size_t i = 0;

	while (i < n) {
		size_t k = sb_utf8_seq((const unsigned char *)s + i, n - i);

		k = k ? k : 1;
		x += width_n(cr, s + i, k);
		if (x > w)
			break;
		i += k;
	}
	return i;
}

/* Where a row of at most fit bytes should end: after the last whole
 * word, or mid-word when a single word is wider than the row. */
static size_t
text_break(const char *s, size_t n, size_t fit)
{
	if (fit == n || s[fit] == ' ')
		return fit;
	for (size_t i = fit; i > 0; i--)
		if (s[i - 1] == ' ')
			return i;
	if (fit > 0)
		return fit;
	/* Narrower than one character: take it anyway, to progress. */
	fit = sb_utf8_seq((const unsigned char *)s, n);
	return fit ? fit : 1;
}

static void
wrap_push(struct wrap *wr, const char *s, size_t off, size_t len)
{
	while (len > 0 && s[off + len - 1] == ' ')
		len--;
	wr->off[wr->n] = off;
	wr->len[wr->n] = len;
	wr->n++;
}

/* Lays the clean text s out in rows of width w, at most rows of them;
 * what does not fit in the last row is cut with an ellipsis. */
static void
text_wrap(cairo_t *cr, char *s, unsigned rows, double w, struct wrap *wr)
{
	size_t n = strlen(s), pos = 0, fit, take;

	wr->n = 0;
	wr->cut = false;
	rows = rows > WRAP_ROWS ? WRAP_ROWS : rows;
	while (pos < n && s[pos] == ' ')
		pos++;
	while (pos < n && wr->n < rows) {
		fit = text_fit(cr, s + pos, n - pos, w);
		if (fit == n - pos) {
			wrap_push(wr, s, pos, fit);
			return;
		}
		if (wr->n + 1 == rows) {
			take = text_fit(cr, s + pos, n - pos,
			                w - width_of(cr, ELLIPSIS));
			wrap_push(wr, s, pos, take);
			wr->cut = true;
			return;
		}
		take = text_break(s + pos, n - pos, fit);
		wrap_push(wr, s, pos, take);
		pos += take;
		while (pos < n && s[pos] == ' ')
			pos++;
	}
}

static void
draw_wrap(cairo_t *cr, char *s, const struct wrap *wr, double x, double y)
{
	for (unsigned i = 0; i < wr->n; i++) {
		cairo_move_to(cr, x, y + i * ROW_H);
		show_n(cr, s + wr->off[i], wr->len[i]);
		if (wr->cut && i + 1 == wr->n)
			cairo_show_text(cr, ELLIPSIS);
	}
}

/* Draws the clean text in b at x, y within w, in up to rows rows;
 * returns the rows used (at least one: an empty cell takes its row). */
static unsigned
draw_text(cairo_t *cr, struct sbuf *b, double x, double y, double w,
          unsigned rows)
{
	struct wrap wr;

	if (b->err || !b->p)
		return 1;
	text_wrap(cr, b->p, rows, w, &wr);
	draw_wrap(cr, b->p, &wr, x, y);
	return wr.n ? wr.n : 1;
}

static void
draw_void(struct pdf *d)
{
	cairo_t *cr = d->cr;

	cairo_save(cr);
	font(cr, true, 120);
	cairo_set_source_rgba(cr, 0.8, 0.1, 0.1, 0.18);
	cairo_translate(cr, PAGE_W / 2, PAGE_H / 2);
	cairo_rotate(cr, -30.0 * 3.14159265358979 / 180.0);
	cairo_move_to(cr, -width_of(cr, "VOID") / 2, 40);
	cairo_show_text(cr, "VOID");
	cairo_restore(cr);
}

/* "INV-2027-0001 · page 2" at the foot of every page. */
static void
draw_footer(struct pdf *d)
{
	char page[32];

	font(d->cr, false, 7.5);
	cairo_set_source_rgb(d->cr, 0.4, 0.4, 0.4);
	sb_reset(&d->page);
	sb_text(&d->page, d->v->id, false);
	snprintf(page, sizeof(page), " \xc2\xb7 page %d", d->page_no);
	sb_puts(&d->page, page);
	draw_text(d->cr, &d->page, MARGIN, PAGE_H - MARGIN,
	          PAGE_W - 2 * MARGIN, 1);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
}

static void
draw_rule(struct pdf *d, double x0, double x1, double y)
{
	cairo_set_line_width(d->cr, 0.6);
	cairo_move_to(d->cr, x0, y);
	cairo_line_to(d->cr, x1, y);
	cairo_stroke(d->cr);
}

static void
draw_table_head(struct pdf *d)
{
	font(d->cr, true, BODY_PT);
	cairo_move_to(d->cr, MARGIN, d->y);
	cairo_show_text(d->cr, "Description");
	show_right(d->cr, d->x_qty, d->y, "Quantity");
	show_right(d->cr, d->x_unit, d->y, "Unit price");
	show_right(d->cr, d->x_amount, d->y, "Amount");
	draw_rule(d, MARGIN, PAGE_W - MARGIN, d->y + 4);
	d->y += ROW_H + LINE_GAP + 2;
}

/* A page's furniture: the void mark under everything, the footer, and
 * on pages after the first a heading saying whose continuation it is. */
static void
page_start(struct pdf *d)
{
	d->page_no++;
	d->y = MARGIN + 12;
	if (inv_void(d->v))
		draw_void(d);
	draw_footer(d);
	if (d->page_no == 1)
		return;
	font(d->cr, true, 11);
	sb_reset(&d->page);
	sb_puts(&d->page, inv_title(d->v));
	sb_puts(&d->page, " ");
	sb_text(&d->page, d->v->id, false);
	sb_puts(&d->page, " (continued)");
	draw_text(d->cr, &d->page, MARGIN, d->y, PAGE_W - 2 * MARGIN, 1);
	d->y += 2 * ROW_H;
}

/* Starts a new page unless h more points fit on this one. */
static void
need(struct pdf *d, double h, bool table)
{
	if (d->y + h <= BOTTOM)
		return;
	cairo_show_page(d->cr);
	page_start(d);
	if (table)
		draw_table_head(d);
}

static void
draw_title(struct pdf *d)
{
	double x, y, right = PAGE_W - MARGIN;

	font(d->cr, true, 20);
	if (inv_void(d->v)) {
		/* Also upright: the diagonal mark is lost on text extraction. */
		cairo_set_source_rgb(d->cr, 0.8, 0.1, 0.1);
		show_right(d->cr, right, d->y + 8, "VOID");
		cairo_set_source_rgb(d->cr, 0, 0, 0);
		right -= width_of(d->cr, "VOID") + COL_GAP;
	}
	cairo_move_to(d->cr, MARGIN, d->y + 8);
	cairo_show_text(d->cr, inv_title(d->v));
	cairo_show_text(d->cr, " ");
	cairo_get_current_point(d->cr, &x, &y);
	font(d->cr, false, 20);
	sb_reset(&d->tmp);
	sb_text(&d->tmp, d->v->id, false);
	draw_text(d->cr, &d->tmp, x, y, right - x, 1);
	d->y += 40;
}

static void
draw_meta(struct pdf *d)
{
	for (size_t i = 0; i < NELEM(metas); i++) {
		sb_reset(&d->tmp);
		if (!metas[i].value(d->v, &d->tmp))
			continue;
		font(d->cr, true, BODY_PT);
		cairo_move_to(d->cr, MARGIN, d->y);
		cairo_show_text(d->cr, metas[i].label);
		font(d->cr, false, BODY_PT);
		d->y += ROW_H * draw_text(d->cr, &d->tmp, MARGIN + LABEL_W,
		                          d->y, PAGE_W - 2 * MARGIN - LABEL_W,
		                          2);
	}
	d->y += ROW_H;
}

static void
widen(cairo_t *cr, double *w, const char *s)
{
	double x = width_of(cr, s);

	*w = x > *w ? x : *w;
}

/* Number columns as wide as their widest cell, the text the rest.  Only
 * absurd amounts squeeze the text below MIN_TEXT_W, and then overlap
 * beats hiding a figure. */
static void
layout_columns(struct pdf *d)
{
	char qty[QTY_MAX], unit[MONEY_MAX], amount[MONEY_MAX];
	double wq = 0, wu = 0, wa = 0;
	struct inv_line l;

	font(d->cr, true, BODY_PT);
	widen(d->cr, &wq, "Quantity");
	widen(d->cr, &wu, "Unit price");
	widen(d->cr, &wa, "Amount");
	font(d->cr, false, BODY_PT);
	for (size_t i = 0; i < d->v->nlines; i++) {
		inv_line(d->v, i, &l);
		line_cells(d->v, &l, qty, unit, amount);
		widen(d->cr, &wq, qty);
		widen(d->cr, &wu, unit);
		widen(d->cr, &wa, amount);
	}
	d->x_amount = PAGE_W - MARGIN;
	d->x_unit = d->x_amount - wa - COL_GAP;
	d->x_qty = d->x_unit - wu - COL_GAP;
	d->text_w = d->x_qty - wq - COL_GAP - MARGIN;
	if (d->text_w < MIN_TEXT_W)
		d->text_w = MIN_TEXT_W;
}

static void
draw_line(struct pdf *d, size_t i)
{
	char qty[QTY_MAX], unit[MONEY_MAX], amount[MONEY_MAX];
	struct inv_line l;
	struct wrap wr;
	unsigned rows;

	inv_line(d->v, i, &l);
	line_cells(d->v, &l, qty, unit, amount);
	font(d->cr, false, BODY_PT);
	sb_reset(&d->tmp);
	sb_text(&d->tmp, l.text, false);
	if (d->tmp.err || !d->tmp.p)
		return;
	text_wrap(d->cr, d->tmp.p, WRAP_ROWS, d->text_w, &wr);
	rows = wr.n ? wr.n : 1;
	need(d, rows * ROW_H, true);
	font(d->cr, false, BODY_PT);
	draw_wrap(d->cr, d->tmp.p, &wr, MARGIN, d->y);
	show_right(d->cr, d->x_qty, d->y, qty);
	show_right(d->cr, d->x_unit, d->y, unit);
	show_right(d->cr, d->x_amount, d->y, amount);
	d->y += rows * ROW_H + LINE_GAP;
}

static void
draw_sum(struct pdf *d, double label_right, const char *label,
         const char *value)
{
	show_right(d->cr, label_right, d->y, label);
	show_right(d->cr, d->x_amount, d->y, value);
	d->y += ROW_H + LINE_GAP;
}

static void
draw_sums(struct pdf *d)
{
	char total[MONEY_MAX], paid[MONEY_MAX], open[MONEY_MAX];
	double w = 0, right;

	money_str(d->v, d->v->total, total);
	money_str(d->v, d->v->paid, paid);
	money_str(d->v, d->v->open, open);
	sb_reset(&d->tmp);
	sb_status(&d->tmp, d->v, false);
	need(d, 5 * (ROW_H + LINE_GAP), false);
	font(d->cr, true, BODY_PT);
	widen(d->cr, &w, total);
	font(d->cr, false, BODY_PT);
	widen(d->cr, &w, paid);
	widen(d->cr, &w, open);
	if (!d->tmp.err && d->tmp.p)
		widen(d->cr, &w, d->tmp.p);
	right = d->x_amount - w - COL_GAP;
	draw_rule(d, right - 60, d->x_amount, d->y - ROW_H + 2);
	d->y += 4;
	font(d->cr, true, BODY_PT);
	draw_sum(d, right, "Total", total);
	font(d->cr, false, BODY_PT);
	draw_sum(d, right, "Paid", paid);
	draw_sum(d, right, "Open", open);
	if (!d->tmp.err && d->tmp.p)
		draw_sum(d, right, "Status", d->tmp.p);
}

static void
draw_invoice(struct pdf *d)
{
	layout_columns(d);
	page_start(d);
	draw_title(d);
	draw_meta(d);
	draw_table_head(d);
	for (size_t i = 0; i < d->v->nlines; i++)
		draw_line(d, i);
	d->y += ROW_H;
	draw_sums(d);
	cairo_show_page(d->cr);
}

static void
pdf_metadata(cairo_surface_t *s, const struct inv *v, struct sbuf *tmp)
{
	sb_reset(tmp);
	sb_printf(tmp, "%s ", inv_title(v));
	sb_text(tmp, v->id, false);
	if (!tmp->err)
		cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE,
		                               tmp->p);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "Keel");
}

/* Our own write failure says more than cairo's WRITE_ERROR. */
static int
pdf_errno(cairo_status_t st, const struct pdf_out *out, int tmp_err)
{
	if (out->err)
		return out->err;
	if (tmp_err)
		return tmp_err;
	if (st == CAIRO_STATUS_NO_MEMORY)
		return -ENOMEM;
	if (st != CAIRO_STATUS_SUCCESS || out->len == 0)
		return -EIO;
	return 0;
}

int
billing_render_pdf(const struct keel_obj *o, unsigned char **ret,
                   size_t *ret_len)
{
	struct pdf_out out = {0};
	struct pdf d = {0};
	cairo_surface_t *s;
	cairo_status_t st;
	struct inv v;
	int r = inv_read(o, &v);

	if (r < 0)
		return r;
	s = cairo_pdf_surface_create_for_stream(pdf_write, &out, PAGE_W,
	                                        PAGE_H);
	pdf_metadata(s, &v, &d.tmp);
	d.v = &v;
	d.cr = cairo_create(s);
	draw_invoice(&d);
	st = cairo_status(d.cr);
	cairo_destroy(d.cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	r = pdf_errno(st, &out, d.tmp.err ? d.tmp.err : d.page.err);
	sb_release(&d.tmp);
	sb_release(&d.page);
	if (r < 0) {
		free(out.p);
		return r;
	}
	*ret = out.p;
	*ret_len = out.len;
	return 0;
}
