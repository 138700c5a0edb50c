/*
 * keel-billing's growing text buffer with a sticky error (as keel_enc
 * has), and text made safe for a document: well-formed UTF-8 without
 * control characters, HTML-escaped when asked.  The invoice (render.c)
 * and the monthly report (report.c) write with it.
 */
#ifndef KEEL_BILLING_SBUF_H
#define KEEL_BILLING_SBUF_H

#include <stdbool.h>
#include <stddef.h>

/* The text so far (p NUL-terminated once anything was put), and -ENOMEM
 * once an append failed: every later append is then a no-op. */
struct sbuf {
	char *p;
	size_t len, cap;
	int err;
};

/* A string borrowed from a decoded map: not NUL-terminated. */
struct rstr {
	const char *p;
	size_t n;
};

/* Room for more bytes and a NUL; false, with the error kept, if none. */
bool sb_room(struct sbuf *b, size_t more);
void sb_putn(struct sbuf *b, const char *s, size_t n);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Empties b but keeps its memory for the next text. */
void sb_reset(struct sbuf *b);
void sb_release(struct sbuf *b);
/* Length of the well-formed UTF-8 sequence at s, or 0 when s does not
 * start one (overlong forms and surrogates included). */
size_t sb_utf8_seq(const unsigned char *s, size_t n);
/* One byte below 0x80: a control character becomes a space; escaped
 * when html. */
void sb_char(struct sbuf *b, unsigned char c, bool html);
/* Appends s as well-formed UTF-8 without control characters (a bad byte
 * becomes U+FFFD, a control character a space), HTML-escaped if html. */
void sb_text(struct sbuf *b, struct rstr s, bool html);
void sb_ctext(struct sbuf *b, const char *s, bool html);

#endif
