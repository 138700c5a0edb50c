/*
 * t_render: keel-billing's invoice documents read back the way a
 * customer's tools read them: the PDF through poppler (pdftotext,
 * pdftoppm, pdfinfo), the HTML as text.  Proves that the figures and
 * texts land in the document, that many lines flow onto more pages and
 * a long text is cut visibly, that no text reaches the HTML unescaped,
 * and that a map that is not an invoice is refused.
 */
#include "codec.h"
#include "harness.h"
#include "render.h"
#include "tap.h"

#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
	const char *text;
	long long qty, unit, amount;
};

struct invoice {
	const char *id, *kind, *status;
	const struct line *lines;
	size_t nlines;
	long long total, paid;
};

/* The invoice as billing stores it, decoded as a handler would see it;
 * NULL (with a diagnostic) when the bytes do not decode. */
static struct keel_mp_doc *
invoice_doc(const struct invoice *inv)
{
	struct keel_enc *e = keel_enc_new();
	struct keel_mp_doc *doc = NULL;
	const void *p;
	size_t len;

	keel_enc_map(e, 16);
	keel_enc_kv_str(e, "id", inv->id);
	keel_enc_kv_str(e, "kind", inv->kind);
	keel_enc_kv_str(e, "contract", "CT-2027-0003");
	keel_enc_kv_str(e, "customer", "cust-acme");
	keel_enc_kv_str(e, "customer_name", "ACME Widgets & Sons");
	keel_enc_kv_str(e, "currency", "EUR");
	keel_enc_kv_int(e, "month", 3);
	keel_enc_kv_str(e, "period_from", "2027-03-01");
	keel_enc_kv_str(e, "period_to", "2027-03-31");
	keel_enc_kv_str(e, "issued", "2027-03-01");
	keel_enc_kv_str(e, "due", "2027-03-31");
	keel_enc_kv_str(e, "status", inv->status);
	keel_enc_kv_int(e, "total", inv->total);
	keel_enc_kv_int(e, "paid", inv->paid);
	keel_enc_kv_int(e, "open", inv->total - inv->paid);
	keel_enc_str(e, "lines");
	keel_enc_array(e, (uint32_t)inv->nlines);
	for (size_t i = 0; i < inv->nlines; i++) {
		keel_enc_map(e, 4);
		keel_enc_kv_str(e, "text", inv->lines[i].text);
		keel_enc_kv_int(e, "qty", inv->lines[i].qty);
		keel_enc_kv_int(e, "unit", inv->lines[i].unit);
		keel_enc_kv_int(e, "amount", inv->lines[i].amount);
	}
	p = keel_enc_data(e, &len);
	if (keel_enc_error(e) || keel_mp_check(p, len, 16, NULL) ||
	    keel_mp_decode(p, len, &doc))
		diag("invoice %s does not encode", inv->id);
	keel_enc_free(e);
	return doc;
}

static const char *
tmp_path(const char *name)
{
	static char buf[8][512]; /* a few alive at once */
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", harness_tmpdir(), name);
	return p;
}

static bool
write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	bool done;

	if (!f)
		return false;
	done = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && done;
}

/* Runs argv (a full path first) with its stdout in the file out and
 * returns that output (malloc'd), or NULL when it did not exit 0. */
static char *
run(char *const argv[], const char *out)
{
	pid_t pid;

	remove(out);
	pid = harness_spawn_split(argv, NULL, out, NULL);
	if (pid < 0 || !harness_stopped(pid)) {
		diag("%s failed", argv[0]);
		return NULL;
	}
	return harness_slurp(out);
}

/* The invoice rendered as PDF into the temp dir as name; its text as
 * pdftotext reads it (malloc'd) or NULL. */
static char *
pdf_text(const struct invoice *inv, const char *name, int *ret)
{
	struct keel_mp_doc *doc = invoice_doc(inv);
	unsigned char *pdf = NULL;
	const char *path, *txt;
	char tname[64];
	size_t len = 0;

	*ret = billing_render_pdf(keel_mp_doc_root(doc), &pdf, &len);
	keel_mp_doc_free(doc);
	snprintf(tname, sizeof(tname), "%s.txt", name);
	path = tmp_path(name);
	txt = tmp_path(tname);
	if (*ret < 0 || !write_file(path, pdf, len)) {
		free(pdf);
		return NULL;
	}
	free(pdf);
	return run((char *const[]){"/usr/bin/pdftotext", (char *)path, "-",
	                           NULL},
	           txt);
}

static char *
html_of(const struct invoice *inv, int *ret)
{
	struct keel_mp_doc *doc = invoice_doc(inv);
	char *html = NULL;
	size_t len = 0;

	*ret = billing_render_html(keel_mp_doc_root(doc), &html, &len);
	keel_mp_doc_free(doc);
	if (*ret == 0 && strlen(html) != len)
		diag("html length %zu, but %zu bytes to the NUL", len,
		     strlen(html));
	return html;
}

static const struct line acme_lines[] = {
    {"Managed services, Silver tier", 5, 75000, 375000},
    {"Quantity discount 4 %", 0, 0, -15000},
    {"Emergency support hours", 4, 20500, 82000},
};

static const struct invoice acme = {
    "INV-2027-0001", "periodic", "partially_paid", acme_lines, 3,
    442000,          100000,
};

static void
pdf_shows_the_invoice(void)
{
	char *txt;
	int r;

	txt = pdf_text(&acme, "acme.pdf", &r);
	is_int(r, 0, "a three-line invoice renders as PDF");
	has_str(txt, "4420.00 EUR", "  pdftotext reads the total");
	has_str(txt, "INV-2027-0001", "  and the invoice id");
	has_str(txt, "Managed services, Silver tier", "  and a line text");
	has_str(txt, "-150.00 EUR", "  and a negative amount");
	has_str(txt, "ACME Widgets & Sons", "  and the customer's name");
	has_str(txt, "Partially paid", "  and the status");
	has_str(txt, "3420.00 EUR", "  and what is still open");
	free(txt);
}

static void
pdf_draws_a_page(void)
{
	static const char sig[8] = "\x89PNG\r\n\x1a\n";
	char *argv[] = {"/usr/bin/pdftoppm",
	                "-png",
	                "-r",
	                "50",
	                "-f",
	                "1",
	                "-l",
	                "1",
	                (char *)tmp_path("acme.pdf"),
	                (char *)tmp_path("acme"),
	                NULL};
	char head[8] = {0};
	glob_t g = {0};
	FILE *f = NULL;
	long size = 0;

	free(run(argv, tmp_path("pdftoppm.out")));
	if (glob(tmp_path("acme-*.png"), 0, NULL, &g) == 0 && g.gl_pathc)
		f = fopen(g.gl_pathv[0], "rb");
	if (f && fread(head, 1, sizeof(head), f) == sizeof(head) &&
	    fseek(f, 0, SEEK_END) == 0)
		size = ftell(f);
	if (f)
		fclose(f);
	globfree(&g);
	ok(size > 100 && memcmp(head, sig, sizeof(sig)) == 0,
	   "pdftoppm draws page 1 as a PNG (%ld bytes)", size);
}

static void
many_lines_flow_onto_more_pages(void)
{
	struct line lines[120];
	char text[120][32], *txt, *info;
	struct invoice inv = acme;
	long pages = 0;
	int r, found = 0;

	for (int i = 0; i < 120; i++) {
		snprintf(text[i], sizeof(text[i]), "Line item %d", i + 1);
		lines[i] = (struct line){text[i], 1, 1000, 1000};
	}
	inv.id = "INV-2027-0120";
	inv.lines = lines;
	inv.nlines = 120;
	inv.total = 120000;
	inv.paid = 0;
	txt = pdf_text(&inv, "long.pdf", &r);
	is_int(r, 0, "a 120-line invoice renders as PDF");
	info = run((char *const[]){"/usr/bin/pdfinfo",
	                           (char *)tmp_path("long.pdf"), NULL},
	           tmp_path("long.info"));
	if (info && strstr(info, "Pages:"))
		pages = strtol(strstr(info, "Pages:") + 6, NULL, 10);
	ok(pages > 1, "  on more than one page (%ld)", pages);
	for (int i = 0; i < 120; i++) {
		char want[sizeof(text[0]) + 1];

		snprintf(want, sizeof(want), "%.31s\n", text[i]);
		if (txt && strstr(txt, want))
			found++;
	}
	is_int(found, 120, "  with every one of its lines");
	has_str(txt, "1200.00 EUR", "  and the total after them");
	free(info);
	free(txt);
}

static void
long_texts_are_cut_visibly(void)
{
	static char words[2000], word[600];
	struct line lines[2] = {{words, 1, 100, 100}, {word, 1, 100, 100}};
	struct invoice inv = acme;
	char *txt, *html;
	int r;

	words[0] = '\0';
	for (int i = 0; i < 150; i++)
		strcat(words, "servicing ");
	strcat(words, "THE-END");
	memset(word, 'W', sizeof(word) - 1);
	word[0] = 'B';
	inv.lines = lines;
	inv.nlines = 2;
	txt = pdf_text(&inv, "cut.pdf", &r);
	is_int(r, 0, "an invoice with 1500-byte line texts renders");
	has_str(txt, "servicing servicing", "  the text starts as written");
	has_str(txt, "\xe2\x80\xa6", "  and what did not fit ends in an "
	                             "ellipsis");
	ok(txt && !strstr(txt, "THE-END"), "  past four rows it is cut");
	has_str(txt, "BWWWW", "  a word wider than the column is broken");
	html = html_of(&inv, &r);
	has_str(html, "THE-END", "  the HTML keeps the whole text");
	free(html);
	free(txt);
}

static void
void_and_credit_notes_say_so(void)
{
	struct invoice inv = acme;
	char *txt, *html;
	int r;

	inv.status = "void";
	txt = pdf_text(&inv, "void.pdf", &r);
	has_str(txt, "VOID", "a void invoice's PDF carries the VOID mark");
	html = html_of(&inv, &r);
	has_str(html, ">VOID<", "  and its HTML too");
	free(html);
	free(txt);
	inv = acme;
	inv.id = "CN-2027-0001";
	inv.kind = "credit_note";
	inv.total = -442000;
	inv.paid = 0;
	txt = pdf_text(&inv, "cn.pdf", &r);
	has_str(txt, "Credit note", "a credit note is titled so");
	has_str(txt, "-4420.00 EUR", "  with its negative total");
	html = html_of(&inv, &r);
	has_str(html, "<title>Credit note CN-2027-0001</title>",
	        "  in the HTML too");
	free(html);
	free(txt);
}

static void
html_escapes_every_text(void)
{
	static const struct line lines[] = {
	    {"<script>alert(\"x\")&'</script>", 1, 442000, 442000},
	};
	struct invoice inv = acme;
	char *html;
	int r;

	inv.lines = lines;
	inv.nlines = 1;
	html = html_of(&inv, &r);
	is_int(r, 0, "an invoice renders as HTML");
	has_str(html,
	        "&lt;script&gt;alert(&quot;x&quot;)&amp;&#39;&lt;/script&gt;",
	        "  a line text appears escaped");
	ok(html && !strstr(html, "<script") && !strstr(html, "alert(\"x"),
	   "  and nowhere unescaped");
	has_str(html, "ACME Widgets &amp; Sons", "  the customer's name too");
	has_str(html, "4420.00 EUR", "  the total appears");
	ok(html && !strstr(html, "src=") && !strstr(html, "href=") &&
	       !strstr(html, "url("),
	   "  nothing is fetched from elsewhere");
	free(html);
}

static void
bad_utf8_still_renders(void)
{
	static const struct line lines[] = {
	    {"broken \xff\xfe byte", 1, 100, 100},
	};
	struct invoice inv = acme;
	char *txt, *html;
	int r;

	inv.lines = lines;
	inv.nlines = 1;
	txt = pdf_text(&inv, "utf8.pdf", &r);
	is_int(r, 0, "a text that is not UTF-8 does not break the PDF");
	has_str(txt, "broken", "  the rest of it is shown");
	html = html_of(&inv, &r);
	has_str(html, "broken \xef\xbf\xbd\xef\xbf\xbd byte",
	        "  the HTML shows U+FFFD for each bad byte");
	free(html);
	free(txt);
}

static void
not_an_invoice_is_refused(void)
{
	struct keel_enc *e = keel_enc_new();
	struct keel_mp_doc *doc = NULL;
	unsigned char *pdf = NULL;
	char *html = NULL;
	size_t len = 7;
	const void *p;
	size_t n;

	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "id", "INV-2027-0002");
	keel_enc_kv_str(e, "currency", "EUR");
	keel_enc_kv_int(e, "paid", 0);
	p = keel_enc_data(e, &n);
	keel_mp_decode(p, n, &doc);
	is_int(billing_render_pdf(keel_mp_doc_root(doc), &pdf, &len), -EINVAL,
	       "a map without lines and total is no invoice for the PDF");
	is_int(billing_render_html(keel_mp_doc_root(doc), &html, &len),
	       -EINVAL, "  nor for the HTML");
	ok(!pdf && !html && len == 7, "  and the outputs are untouched");
	keel_mp_doc_free(doc);
	keel_enc_reset(e);
	keel_enc_str(e, "INV-2027-0002");
	p = keel_enc_data(e, &n);
	keel_mp_decode(p, n, &doc);
	is_int(billing_render_pdf(keel_mp_doc_root(doc), &pdf, &len), -EINVAL,
	       "a string is no invoice");
	is_int(billing_render_html(NULL, &html, &len), -EINVAL,
	       "  nor is nothing");
	keel_mp_doc_free(doc);
	keel_enc_free(e);
}

int
main(void)
{
	pdf_shows_the_invoice();
	pdf_draws_a_page();
	many_lines_flow_onto_more_pages();
	long_texts_are_cut_visibly();
	void_and_credit_notes_say_so();
	html_escapes_every_text();
	bad_utf8_still_renders();
	not_an_invoice_is_refused();
	harness_cleanup();
	return done_testing();
}
