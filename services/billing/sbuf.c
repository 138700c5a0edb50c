/* keel-billing's text buffer (sbuf.h). */
#include "sbuf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPLACEMENT "\xef\xbf\xbd"

bool
sb_room(struct sbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *p;

	if (b->err)
		return false;
	if (more > SIZE_MAX / 4 - b->len) {
		b->err = -ENOMEM;
		return false;
	}
	if (b->len + more < b->cap)
		return true;
	while (cap <= b->len + more)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		b->err = -ENOMEM;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void
sb_putn(struct sbuf *b, const char *s, size_t n)
{
	if (!sb_room(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sb_puts(struct sbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

void
sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !sb_room(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void
sb_release(struct sbuf *b)
{
	free(b->p);
	*b = (struct sbuf){0};
}

/* Length of the well-formed UTF-8 sequence at s, or 0 when s does not
 * start one (overlong forms and surrogates included). */
size_t
sb_utf8_seq(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t c;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff)))
		return 0;
	if (len == 4 && (c < 0x10000 || c > 0x10ffff))
		return 0;
	return len;
}

void
sb_char(struct sbuf *b, unsigned char c, bool html)
{
	static const char *const entity[128] = {
	    ['&'] = "&amp;",   ['<'] = "&lt;",  ['>'] = "&gt;",
	    ['"'] = "&quot;", ['\''] = "&#39;",
	};

	/* A newline or tab in a one-line cell would only confuse. */
	if (c < 0x20 || c == 0x7f)
		c = ' ';
	if (html && entity[c])
		sb_puts(b, entity[c]);
	else
		sb_putn(b, (const char *)&c, 1);
}

/* Appends s as well-formed UTF-8 without control characters (a bad byte
 * becomes U+FFFD, a control character a space), HTML-escaped if html. */
void
sb_text(struct sbuf *b, struct rstr s, bool html)
{
	const unsigned char *p = (const unsigned char *)s.p;
	size_t i = 0;

	while (i < s.n) {
		size_t k = sb_utf8_seq(p + i, s.n - i);

		if (k == 0)
			sb_puts(b, REPLACEMENT);
		else if (k == 1)
			sb_char(b, p[i], html);
		else
			sb_putn(b, s.p + i, k);
		i += k ? k : 1;
	}
}

void
sb_ctext(struct sbuf *b, const char *s, bool html)
{
	sb_text(b, (struct rstr){s, strlen(s)}, html);
}

