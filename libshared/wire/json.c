/* json: the writer. */
#include "json.h"

#include "codec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
keel_json_init(struct keel_json *j, int indent)
{
	memset(j, 0, sizeof(*j));
	j->indent = indent;
}

void
keel_json_release(struct keel_json *j)
{
	free(j->buf);
	j->buf = NULL;
	j->len = j->cap = 0;
}

const char *
keel_json_str(const struct keel_json *j)
{
	return j->err ? NULL : (j->buf ? j->buf : "");
}

static void
put(struct keel_json *j, const char *s, size_t n)
{
	if (j->err)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		char *b;

		while (cap < j->len + n + 1)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (!b) {
			j->err = -ENOMEM;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void
puts_(struct keel_json *j, const char *s)
{
	put(j, s, strlen(s));
}

static void
newline(struct keel_json *j)
{
	if (j->indent == 0)
		return;
	put(j, "\n", 1);
	for (unsigned i = 0; i < j->depth * (unsigned)j->indent; i++)
		put(j, " ", 1);
}

/* Called before every value or key: comma and indentation. */
static void
pre(struct keel_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (j->need_comma[j->depth])
			put(j, ",", 1);
		j->need_comma[j->depth] = true;
		newline(j);
	}
}

static void
open_(struct keel_json *j, const char *c)
{
	pre(j);
	puts_(j, c);
	if (j->depth + 1 < sizeof(j->need_comma)) {
		j->depth++;
		j->need_comma[j->depth] = false;
	} else {
		j->err = -E2BIG;
	}
}

static void
close_(struct keel_json *j, const char *c)
{
	bool had = j->need_comma[j->depth];

	j->depth--;
	if (had)
		newline(j);
	puts_(j, c);
}

void
keel_json_obj_open(struct keel_json *j)
{
	open_(j, "{");
}
void
keel_json_obj_close(struct keel_json *j)
{
	close_(j, "}");
}
void
keel_json_arr_open(struct keel_json *j)
{
	open_(j, "[");
}
void
keel_json_arr_close(struct keel_json *j)
{
	close_(j, "]");
}

static void
quoted(struct keel_json *j, const char *s, size_t n)
{
	put(j, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(j, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(j, esc, 6);
		} else {
			put(j, (const char *)&s[i], 1);
		}
	}
	put(j, "\"", 1);
}

void
keel_json_key(struct keel_json *j, const char *k)
{
	pre(j);
	quoted(j, k, strlen(k));
	put(j, j->indent ? ": " : ":", j->indent ? 2 : 1);
	j->after_key = true;
}

void
keel_json_stringn(struct keel_json *j, const char *s, size_t n)
{
	pre(j);
	quoted(j, s, n);
}

void
keel_json_string(struct keel_json *j, const char *s)
{
	keel_json_stringn(j, s, strlen(s));
}

void
keel_json_int(struct keel_json *j, int64_t v)
{
	char b[32];

	pre(j);
	snprintf(b, sizeof(b), "%" PRId64, v);
	puts_(j, b);
}

void
keel_json_double(struct keel_json *j, double v)
{
	char b[64];

	pre(j);
	snprintf(b, sizeof(b), "%.17g", v);
	puts_(j, b);
}

void
keel_json_bool(struct keel_json *j, bool v)
{
	pre(j);
	puts_(j, v ? "true" : "false");
}

void
keel_json_null(struct keel_json *j)
{
	pre(j);
	puts_(j, "null");
}

void
keel_json_value(struct keel_json *j, const struct keel_obj *o)
{
	const char *s;
	const void *p;
	size_t n;
	int64_t i;
	bool b;
	double d;

	switch (keel_obj_kind(o)) {
	case KEEL_OBJ_BOOL:
		keel_obj_bool(o, &b);
		keel_json_bool(j, b);
		break;
	case KEEL_OBJ_INT:
		if (keel_obj_int(o, &i))
			keel_json_int(j, i);
		else
			keel_json_double(j, 18446744073709551615.0);
		break;
	case KEEL_OBJ_FLOAT:
		keel_obj_float(o, &d);
		keel_json_double(j, d);
		break;
	case KEEL_OBJ_STR:
		keel_obj_str(o, &s, &n);
		keel_json_stringn(j, s, n);
		break;
	case KEEL_OBJ_BIN: {
		static const char hex[] = "0123456789abcdef";
		const unsigned char *u;

		keel_obj_bin(o, &p, &n);
		u = p;
		pre(j);
		put(j, "\"", 1);
		for (size_t k = 0; k < n; k++) {
			char h[2] = {hex[u[k] >> 4], hex[u[k] & 15]};
			put(j, h, 2);
		}
		put(j, "\"", 1);
		break;
	}
	case KEEL_OBJ_ARRAY:
		keel_json_arr_open(j);
		for (size_t k = 0; k < keel_obj_len(o); k++)
			keel_json_value(j, keel_obj_at(o, k));
		keel_json_arr_close(j);
		break;
	case KEEL_OBJ_MAP:
		keel_json_obj_open(j);
		for (size_t k = 0; k < keel_obj_len(o); k++) {
			const struct keel_obj *key = keel_obj_key_at(o, k);
			char kb[256];

			if (!keel_obj_strcpy(key, kb, sizeof(kb)))
				snprintf(kb, sizeof(kb), "#%zu", k);
			keel_json_key(j, kb);
			keel_json_value(j, keel_obj_val_at(o, k));
		}
		keel_json_obj_close(j);
		break;
	default:
		keel_json_null(j);
		break;
	}
}
