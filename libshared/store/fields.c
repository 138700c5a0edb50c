/*
 * fields: an entity's hash read by its declaration.  The scalar members of
 * a declared reply (strings, integers, booleans), in order, are what an
 * HMGET asks for, and the HMGET's answer is encoded back by the same
 * list: one list of names and types, the declaration's.
 */
#include "fields.h"

#include "codec.h"
#include "msg.h"
#include "store.h"

#include <stdlib.h>

static bool
scalar(const struct keel_field *f)
{
	return f->type == KEEL_F_STR || f->type == KEEL_F_INT ||
	       f->type == KEEL_F_BOOL;
}

size_t
keel_fields_scalars(const struct keel_field *fields, const char **names,
                    size_t max)
{
	size_t n = 0;

	for (const struct keel_field *f = fields; f && f->type; f++)
		if (scalar(f) && n < max)
			names[n++] = f->name;
	return n;
}

size_t
keel_fields_encode(struct keel_enc *e, const struct keel_field *fields,
                   const struct keel_reply *r)
{
	size_t i = 0;

	for (const struct keel_field *f = fields; f && f->type; f++) {
		size_t len;
		const char *v;

		if (!scalar(f))
			continue;
		v = keel_reply_str_at(r, i++, &len);
		keel_enc_str(e, f->name);
		if (f->type == KEEL_F_INT)
			keel_enc_int(e, strtoll(v, NULL, 10));
		else if (f->type == KEEL_F_BOOL)
			keel_enc_bool(e, len == 1 && v[0] == '1');
		else
			keel_enc_strn(e, v, len);
	}
	return i;
}
