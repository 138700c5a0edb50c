/*
 * keel-billing invoice documents, no I/O: one invoice map (as billing
 * stores and sends it) drawn as a self-contained HTML page and as an A4
 * PDF.  Both read the same members and show the same things, so a
 * customer sees one invoice whichever format they fetch.
 */
#ifndef KEEL_BILLING_RENDER_H
#define KEEL_BILLING_RENDER_H

#include <stddef.h>

struct keel_obj;

/*
 * The invoice as one HTML page: UTF-8, inline CSS, nothing fetched from
 * the network, every text HTML-escaped.  Returns 0, -EINVAL (inv is not
 * an invoice map) or -ENOMEM.  On success the caller owns *ret (malloc'd,
 * NUL-terminated; *ret_len excludes the NUL) and frees it with free();
 * on failure *ret and *ret_len are untouched.  inv is only borrowed.
 */
int billing_render_html(const struct keel_obj *inv, char **ret,
                        size_t *ret_len);

/*
 * The invoice as an A4 PDF of one or more pages, drawn with cairo.
 * Returns 0, -EINVAL (not an invoice map), -ENOMEM, or -EIO when cairo
 * fails for another reason.  On success the caller owns *ret (malloc'd,
 * *ret_len bytes) and frees it with free(); on failure *ret and *ret_len
 * are untouched.  inv is only borrowed.
 */
int billing_render_pdf(const struct keel_obj *inv, unsigned char **ret,
                       size_t *ret_len);

/*
 * The monthly customer report (report.monthly's figures, as
 * lua/reports.lua makes them) as one self-contained HTML page: inline CSS,
 * the charts drawn as inline SVG, no script and nothing fetched, every
 * text HTML-escaped; laid out for the screen and for print (A4), so that
 * a browser's print to PDF gives the same report.  Returns 0, -EINVAL
 * (fig is not the figures map) or -ENOMEM; ownership as above.
 */
int billing_report_html(const struct keel_obj *fig, char **ret,
                        size_t *ret_len);

#endif
