/*
 * keelctl's human view of a reply: one "label  value" line per member, a
 * nested map indented under its label, a list of maps as a real table.
 * Values are shown as a person reads them: instants (*_ms) in local time
 * to the second with the zone, amounts (fields declared .money, and the
 * known amount names) in currency units with the currency, basis points
 * (*_bp) as percentages, yes/no, lists joined with commas.  Labels drop
 * the _ms suffix.  --json shows the reply itself, minor units and
 * milliseconds as they are on the wire.
 */
#include "keelctl.h"

#include "codec.h"
#include "json.h"
#include "ktime.h"
#include "money.h"
#include "msg.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Amounts in replies whose declarations predate .money. */
static const char *const money_names[] = {
    "per_server", "list_fee",      "discount",       "addons",
    "monthly",    "setup_fee",     "credits",        "total",
    "subtotal",   "onsite_premium", "per_device",    "first_payment",
    "paid",       "open",          "amount",         "unallocated",
    "cancel_fee", "device_fee",    "credit",         "fee",
    "budget",     "cost",          "price",          "net",
    "tax",        "balance",       "unit_rate",      NULL};

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

const char *
keelctl_when(int64_t ms, char *buf, size_t size)
{
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	if (ms <= 0)
		return "-";
	if (!localtime_r(&t, &tm) ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		snprintf(buf, size, "%" PRId64, ms);
	return buf;
}

void
keelctl_label(const char *key, char *buf, size_t size)
{
	size_t n = strlen(key);

	if (strcmp(key, "ts") == 0) {
		snprintf(buf, size, "when");
		return;
	}
	if (ends_with(key, "_ms"))
		n -= 3;
	snprintf(buf, size, "%.*s", (int)n, key);
}

static bool
is_money(const char *key, const struct keel_field *f)
{
	if (f && f->money)
		return true;
	for (int i = 0; money_names[i]; i++)
		if (strcmp(key, money_names[i]) == 0)
			return true;
	return false;
}

size_t
keelctl_utf8_cut(const char *s, size_t n)
{
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Display width of s: its UTF-8 characters. */
static size_t
width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xC0) != 0x80;
	return w;
}

void
keelctl_value(const char *key, const struct keel_field *f,
              const struct keel_obj *v, const char *currency, char *buf,
              size_t size)
{
	int64_t n;
	bool b;
	const char *s;
	size_t len;

	buf[0] = '\0';
	if (!v || keel_obj_kind(v) == KEEL_OBJ_NIL) {
		snprintf(buf, size, "-");
	} else if (keel_obj_str(v, &s, &len)) {
		/* longer than buf: cut at a character, and said with "..." */
		bool cut = len >= size;

		if (cut)
			len = keelctl_utf8_cut(s, size > 4 ? size - 4 : 0);
		snprintf(buf, size, "%.*s%s", (int)len, s,
		         cut ? "..." : len ? "" : "-");
	} else if (keel_obj_bool(v, &b)) {
		snprintf(buf, size, "%s", b ? "yes" : "no");
	} else if (keel_obj_int(v, &n)) {
		bool instant = ends_with(key, "_ms") || strcmp(key, "ts") == 0;

		if (instant && n > 0)
			keelctl_when(n, buf, size);
		else if (instant)
			snprintf(buf, size, "-");
		else if (currency && currency[0] && is_money(key, f)) {
			struct keel_money m = {.minor = n};

			snprintf(m.currency, sizeof(m.currency), "%s", currency);
			keel_money_format(&m, buf, size);
		} else if (ends_with(key, "_bp") || strcmp(key, "bp") == 0)
			snprintf(buf, size, "%" PRId64 ".%02d %%", n / 100,
			         (int)((n < 0 ? -n : n) % 100));
		else
			snprintf(buf, size, "%" PRId64, n);
	} else if (keel_obj_kind(v) == KEEL_OBJ_ARRAY &&
	           (keel_obj_len(v) == 0 ||
	            keel_obj_kind(keel_obj_at(v, 0)) != KEEL_OBJ_MAP)) {
		/* scalars: joined, each shown as its item */
		size_t used = 0;

		if (keel_obj_len(v) == 0)
			snprintf(buf, size, "-");
		for (size_t i = 0; i < keel_obj_len(v) && used + 1 < size; i++) {
			char one[256];

			keelctl_value(key, f ? f->items : NULL, keel_obj_at(v, i),
			              currency, one, sizeof(one));
			used += (size_t)snprintf(buf + used, size - used, "%s%s",
			                         i ? ", " : "", one);
		}
	} else {
		struct keel_json j;

		keel_json_init(&j, 0);
		keel_json_value(&j, v);
		snprintf(buf, size, "%s", keel_json_str(&j) ? keel_json_str(&j)
		                                            : "");
		keel_json_release(&j);
	}
}

static bool
is_table(const struct keel_obj *v)
{
	return keel_obj_kind(v) == KEEL_OBJ_ARRAY && keel_obj_len(v) > 0 &&
	       keel_obj_kind(keel_obj_at(v, 0)) == KEEL_OBJ_MAP;
}

static const char *
currency_of(const struct keel_obj *o, const char *outer, char *buf,
            size_t size)
{
	if (keel_obj_strcpy(keel_obj_get(o, "currency"), buf, size))
		return buf;
	return outer;
}

#define MAX_COLS 16
#define CELL 48

void
keelctl_table(const struct keel_obj *rows, const struct keel_field *fields,
              const char *indent, const char *currency)
{
	const char *cols[MAX_COLS];
	char keys[MAX_COLS][64];
	size_t w[MAX_COLS], ncols = 0, nrows = keel_obj_len(rows);

	/* Columns in the declaration's order, those a row has; then any
	 * other member, in the order met. */
	for (const struct keel_field *f = fields;
	     f && f->type != KEEL_F_END && ncols < MAX_COLS; f++) {
		bool present = false;

		for (size_t r = 0; r < nrows && !present; r++)
			present = keel_obj_get(keel_obj_at(rows, r), f->name);
		if (!present)
			continue;
		snprintf(keys[ncols], sizeof(keys[0]), "%s", f->name);
		cols[ncols] = keys[ncols];
		ncols++;
	}
	for (size_t r = 0; r < nrows; r++) {
		const struct keel_obj *row = keel_obj_at(rows, r);

		for (size_t i = 0; i < keel_obj_len(row) && ncols < MAX_COLS;
		     i++) {
			char k[64];
			bool seen = false;

			keel_obj_strcpy(keel_obj_key_at(row, i), k, sizeof(k));
			for (size_t c = 0; c < ncols; c++)
				seen |= strcmp(keys[c], k) == 0;
			if (seen)
				continue;
			snprintf(keys[ncols], sizeof(keys[0]), "%s", k);
			cols[ncols] = keys[ncols];
			ncols++;
		}
	}
	for (size_t c = 0; c < ncols; c++) {
		char label[64];

		keelctl_label(cols[c], label, sizeof(label));
		w[c] = width(label);
		for (size_t r = 0; r < nrows; r++) {
			const struct keel_obj *row = keel_obj_at(rows, r);
			char cell[CELL + 4], cur[8];

			keelctl_value(cols[c], keel_msg_field(fields, cols[c], strlen(cols[c])),
			              keel_obj_get(row, cols[c]),
			              currency_of(row, currency, cur, sizeof(cur)),
			              cell, sizeof(cell));
			if (width(cell) > w[c])
				w[c] = width(cell);
		}
	}
	printf("%s", indent);
	for (size_t c = 0; c < ncols; c++) {
		char label[64];

		keelctl_label(cols[c], label, sizeof(label));
		for (char *p = label; *p; p++)
			if (*p >= 'a' && *p <= 'z')
				*p = (char)(*p - 'a' + 'A');
			else if (*p == '_')
				*p = ' ';
		printf("%s%-*s", c ? "  " : "",
		       c + 1 < ncols ? (int)w[c] : 0, label);
	}
	printf("\n");
	for (size_t r = 0; r < nrows; r++) {
		const struct keel_obj *row = keel_obj_at(rows, r);
		char cur[8];

		printf("%s", indent);
		for (size_t c = 0; c < ncols; c++) {
			char cell[CELL + 4];
			size_t cw;

			keelctl_value(cols[c], keel_msg_field(fields, cols[c], strlen(cols[c])),
			              keel_obj_get(row, cols[c]),
			              currency_of(row, currency, cur, sizeof(cur)),
			              cell, sizeof(cell));
			cw = width(cell);
			printf("%s%s", c ? "  " : "", cell);
			for (size_t p = cw; c + 1 < ncols && p < w[c]; p++)
				putchar(' ');
		}
		printf("\n");
	}
}

void
keelctl_show(const struct keel_obj *o, const struct keel_field *fields,
             const char *indent, const char *currency,
             const char *const *skip)
{
	char cur[8];

	size_t n = keel_obj_len(o), order[256], nord = 0;

	/* Members in the declaration's order, then any other in the order
	 * they came (a Lua table's order is its hash's). */
	for (const struct keel_field *f = fields;
	     f && f->type != KEEL_F_END && nord < 256; f++)
		for (size_t i = 0; i < n; i++) {
			char k[64];

			keel_obj_strcpy(keel_obj_key_at(o, i), k, sizeof(k));
			if (strcmp(k, f->name) == 0)
				order[nord++] = i;
		}
	for (size_t i = 0; i < n && nord < 256; i++) {
		char k[64];

		keel_obj_strcpy(keel_obj_key_at(o, i), k, sizeof(k));
		if (!keel_msg_field(fields, k, strlen(k)))
			order[nord++] = i;
	}
	currency = currency_of(o, currency, cur, sizeof(cur));
	for (size_t x = 0; x < nord; x++) {
		size_t i = order[x];
		char k[64], label[64], sub[32], val[4096];
		const struct keel_obj *v = keel_obj_val_at(o, i);
		const struct keel_field *f;
		bool skipped = false;

		keel_obj_strcpy(keel_obj_key_at(o, i), k, sizeof(k));
		for (int s = 0; skip && skip[s]; s++)
			skipped |= strcmp(skip[s], k) == 0;
		if (skipped)
			continue;
		f = keel_msg_field(fields, k, strlen(k));
		keelctl_label(k, label, sizeof(label));
		snprintf(sub, sizeof(sub), "%s  ", indent);
		if (is_table(v)) {
			printf("%s%s:\n", indent, label);
			keelctl_table(v, f ? (f->items ? f->items->fields : NULL)
			                   : NULL,
			              sub, currency);
		} else if (keel_obj_kind(v) == KEEL_OBJ_MAP &&
		           keel_obj_len(v) > 0) {
			printf("%s%s:\n", indent, label);
			keelctl_show(v, f ? f->fields : NULL, sub, currency, NULL);
		} else {
			keelctl_value(k, f, v, currency, val, sizeof(val));
			printf("%s%-18s %s\n", indent, label, val);
		}
	}
}
