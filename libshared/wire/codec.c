/*
 * codec: msgpack-c behind Keel's own names.  msgpack-c 4.0 trusts the
 * element counts of array and map headers, so nothing reaches
 * msgpack_unpack_next that keel_mp_check has not walked first.
 */
#include "codec.h"

#include <errno.h>
#include <msgpack.h>
#include <stdlib.h>
#include <string.h>

/* Strings and bins of msgpack-c's tree point into the buffer it decoded,
 * so the doc keeps its own copy of the bytes after the struct. */
struct keel_mp_doc {
	msgpack_unpacked up;
	size_t len;
	char buf[];
};

struct keel_enc {
	msgpack_sbuffer sb;
	msgpack_packer pk;
	int err;
};

static inline const msgpack_object *
mo(const struct keel_obj *o)
{
	return (const msgpack_object *)o;
}

static inline const struct keel_obj *
ko(const msgpack_object *o)
{
	return (const struct keel_obj *)o;
}

static uint64_t
be(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Reads the header at p[0..left).  Sets *skip to the bytes the element
 * occupies besides its children, *children to the number of child elements
 * (maps count keys and values).  Returns 0 or -EBADMSG.
 */
static int
mp_header(const uint8_t *p, size_t left, size_t *skip, uint64_t *children)
{
	uint8_t b = p[0];
	unsigned lenbytes = 0;
	uint64_t payload = 0;

	*children = 0;
	if (b <= 0x7f || b >= 0xe0 || (b >= 0xc0 && b <= 0xc3 && b != 0xc1)) {
		*skip = 1;
		return 0;
	}
	if (b >= 0x80 && b <= 0x8f) {
		*skip = 1;
		*children = 2u * (b & 0x0f);
		return 0;
	}
	if (b >= 0x90 && b <= 0x9f) {
		*skip = 1;
		*children = b & 0x0f;
		return 0;
	}
	if (b >= 0xa0 && b <= 0xbf) {
		payload = b & 0x1f;
		goto fixed;
	}
	switch (b) {
	case 0xc4:
	case 0xd9:
		lenbytes = 1;
		break;
	case 0xc5:
	case 0xda:
		lenbytes = 2;
		break;
	case 0xc6:
	case 0xdb:
		lenbytes = 4;
		break;
	case 0xc7:
		lenbytes = 1;
		payload = 1;
		break; /* ext: + type byte */
	case 0xc8:
		lenbytes = 2;
		payload = 1;
		break;
	case 0xc9:
		lenbytes = 4;
		payload = 1;
		break;
	case 0xca:
		payload = 4;
		goto fixed;
	case 0xcb:
		payload = 8;
		goto fixed;
	case 0xcc:
	case 0xd0:
		payload = 1;
		goto fixed;
	case 0xcd:
	case 0xd1:
		payload = 2;
		goto fixed;
	case 0xce:
	case 0xd2:
		payload = 4;
		goto fixed;
	case 0xcf:
	case 0xd3:
		payload = 8;
		goto fixed;
	case 0xd4:
		payload = 2;
		goto fixed;
	case 0xd5:
		payload = 3;
		goto fixed;
	case 0xd6:
		payload = 5;
		goto fixed;
	case 0xd7:
		payload = 9;
		goto fixed;
	case 0xd8:
		payload = 17;
		goto fixed;
	case 0xdc:
	case 0xde:
		if (left < 3)
			return -EBADMSG;
		*skip = 3;
		*children = be(p + 1, 2) * (b == 0xde ? 2 : 1);
		return 0;
	case 0xdd:
	case 0xdf:
		if (left < 5)
			return -EBADMSG;
		*skip = 5;
		*children = be(p + 1, 4) * (b == 0xdf ? 2 : 1);
		return 0;
	default: /* 0xc1 is never used */
		return -EBADMSG;
	}
	if (left < 1 + (size_t)lenbytes)
		return -EBADMSG;
	payload += be(p + 1, lenbytes);
	*skip = 1 + lenbytes;
	if (payload > left - *skip)
		return -EBADMSG;
	*skip += payload;
	return 0;
fixed:
	if (payload > left - 1)
		return -EBADMSG;
	*skip = 1 + payload;
	return 0;
}

size_t
keel_mp_skip(const void *buf, size_t len, size_t pos)
{
	const uint8_t *p = buf;
	uint64_t left = 1;

	while (left > 0) {
		size_t skip;
		uint64_t children;

		if (pos >= len ||
		    mp_header(p + pos, len - pos, &skip, &children) < 0)
			return 0;
		pos += skip;
		left += children - 1;
	}
	return pos;
}

int
keel_mp_check(const void *buf, size_t len, unsigned max_depth,
              const char **ret_what)
{
	const uint8_t *p = buf;
	uint64_t stack[KEEL_MP_MAX_DEPTH + 2];
	unsigned depth = 0;
	size_t pos = 0;
	const char *what = NULL;
	int r = 0;

	if (max_depth > KEEL_MP_MAX_DEPTH)
		max_depth = KEEL_MP_MAX_DEPTH;
	stack[0] = 1;
	while (depth > 0 || stack[0] > 0) {
		size_t skip;
		uint64_t children;

		if (stack[depth] == 0) {
			depth--;
			continue;
		}
		stack[depth]--;
		if (pos >= len) {
			what = "message ends inside a value";
			r = -EBADMSG;
			goto out;
		}
		if (mp_header(p + pos, len - pos, &skip, &children) < 0) {
			what = p[pos] == 0xc1 ? "invalid type byte 0xc1"
			                      : "value longer than the message";
			r = -EBADMSG;
			goto out;
		}
		pos += skip;
		if (children == 0)
			continue;
		/* Every element takes at least one byte. */
		if (children > len - pos) {
			what = "element count larger than the bytes left";
			r = -EMSGSIZE;
			goto out;
		}
		if (depth + 1 > max_depth) {
			what = "nesting deeper than the limit";
			r = -ELOOP;
			goto out;
		}
		stack[++depth] = children;
	}
	if (pos != len) {
		what = "trailing bytes after the message";
		r = -EBADMSG;
	}
out:
	if (ret_what)
		*ret_what = what;
	return r;
}

int
keel_mp_decode(const void *buf, size_t len, struct keel_mp_doc **ret_doc)
{
	struct keel_mp_doc *doc;
	size_t off = 0;

	doc = malloc(sizeof(*doc) + len);
	if (!doc)
		return -ENOMEM;
	doc->len = len;
	memcpy(doc->buf, buf, len);
	msgpack_unpacked_init(&doc->up);
	switch (msgpack_unpack_next(&doc->up, doc->buf, len, &off)) {
	case MSGPACK_UNPACK_SUCCESS:
		*ret_doc = doc;
		return 0;
	case MSGPACK_UNPACK_NOMEM_ERROR:
		keel_mp_doc_free(doc);
		return -ENOMEM;
	default:
		keel_mp_doc_free(doc);
		return -EBADMSG;
	}
}

const struct keel_obj *
keel_mp_doc_root(const struct keel_mp_doc *doc)
{
	return ko(&doc->up.data);
}

struct keel_mp_doc *
keel_mp_doc_free(struct keel_mp_doc *doc)
{
	if (doc) {
		msgpack_unpacked_destroy(&doc->up);
		free(doc);
	}
	return NULL;
}

enum keel_obj_kind
keel_obj_kind(const struct keel_obj *o)
{
	switch (mo(o)->type) {
	case MSGPACK_OBJECT_BOOLEAN:
		return KEEL_OBJ_BOOL;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return KEEL_OBJ_INT;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return KEEL_OBJ_FLOAT;
	case MSGPACK_OBJECT_STR:
		return KEEL_OBJ_STR;
	case MSGPACK_OBJECT_BIN:
		return KEEL_OBJ_BIN;
	case MSGPACK_OBJECT_ARRAY:
		return KEEL_OBJ_ARRAY;
	case MSGPACK_OBJECT_MAP:
		return KEEL_OBJ_MAP;
	case MSGPACK_OBJECT_EXT:
		return KEEL_OBJ_EXT;
	default:
		return KEEL_OBJ_NIL;
	}
}

const char *
keel_obj_kind_name(enum keel_obj_kind kind)
{
	static const char *const names[] = {
	    [KEEL_OBJ_NIL] = "nil",       [KEEL_OBJ_BOOL] = "boolean",
	    [KEEL_OBJ_INT] = "integer",   [KEEL_OBJ_FLOAT] = "float",
	    [KEEL_OBJ_STR] = "string",    [KEEL_OBJ_BIN] = "binary",
	    [KEEL_OBJ_ARRAY] = "array",   [KEEL_OBJ_MAP] = "map",
	    [KEEL_OBJ_EXT] = "extension",
	};
	return names[kind];
}

bool
keel_obj_streq(const struct keel_obj *o, const char *s)
{
	size_t n = strlen(s);

	return o && mo(o)->type == MSGPACK_OBJECT_STR &&
	       mo(o)->via.str.size == n &&
	       memcmp(mo(o)->via.str.ptr, s, n) == 0;
}

const struct keel_obj *
keel_obj_get(const struct keel_obj *map, const char *key)
{
	const msgpack_object *m = mo(map);

	if (!map || m->type != MSGPACK_OBJECT_MAP)
		return NULL;
	for (uint32_t i = 0; i < m->via.map.size; i++)
		if (keel_obj_streq(ko(&m->via.map.ptr[i].key), key))
			return ko(&m->via.map.ptr[i].val);
	return NULL;
}

bool
keel_obj_int(const struct keel_obj *o, int64_t *ret)
{
	if (!o)
		return false;
	if (mo(o)->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
		*ret = mo(o)->via.i64;
		return true;
	}
	if (mo(o)->type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
	    mo(o)->via.u64 <= INT64_MAX) {
		*ret = (int64_t)mo(o)->via.u64;
		return true;
	}
	return false;
}

bool
keel_obj_bool(const struct keel_obj *o, bool *ret)
{
	if (!o || mo(o)->type != MSGPACK_OBJECT_BOOLEAN)
		return false;
	*ret = mo(o)->via.boolean;
	return true;
}

bool
keel_obj_float(const struct keel_obj *o, double *ret)
{
	if (!o || (mo(o)->type != MSGPACK_OBJECT_FLOAT32 &&
	           mo(o)->type != MSGPACK_OBJECT_FLOAT64))
		return false;
	*ret = mo(o)->via.f64;
	return true;
}

bool
keel_obj_str(const struct keel_obj *o, const char **ret, size_t *ret_len)
{
	if (!o || mo(o)->type != MSGPACK_OBJECT_STR)
		return false;
	*ret = mo(o)->via.str.ptr;
	*ret_len = mo(o)->via.str.size;
	return true;
}

bool
keel_obj_strcpy(const struct keel_obj *o, char *buf, size_t size)
{
	const char *s;
	size_t n;

	if (!keel_obj_str(o, &s, &n) || n >= size)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

bool
keel_obj_bin(const struct keel_obj *o, const void **ret, size_t *ret_len)
{
	if (!o || mo(o)->type != MSGPACK_OBJECT_BIN)
		return false;
	*ret = mo(o)->via.bin.ptr;
	*ret_len = mo(o)->via.bin.size;
	return true;
}

size_t
keel_obj_len(const struct keel_obj *o)
{
	if (!o)
		return 0;
	if (mo(o)->type == MSGPACK_OBJECT_ARRAY)
		return mo(o)->via.array.size;
	if (mo(o)->type == MSGPACK_OBJECT_MAP)
		return mo(o)->via.map.size;
	return 0;
}

const struct keel_obj *
keel_obj_at(const struct keel_obj *a, size_t i)
{
	if (!a || mo(a)->type != MSGPACK_OBJECT_ARRAY ||
	    i >= mo(a)->via.array.size)
		return NULL;
	return ko(&mo(a)->via.array.ptr[i]);
}

const struct keel_obj *
keel_obj_key_at(const struct keel_obj *m, size_t i)
{
	if (!m || mo(m)->type != MSGPACK_OBJECT_MAP || i >= mo(m)->via.map.size)
		return NULL;
	return ko(&mo(m)->via.map.ptr[i].key);
}

const struct keel_obj *
keel_obj_val_at(const struct keel_obj *m, size_t i)
{
	if (!m || mo(m)->type != MSGPACK_OBJECT_MAP || i >= mo(m)->via.map.size)
		return NULL;
	return ko(&mo(m)->via.map.ptr[i].val);
}

struct keel_enc *
keel_enc_new(void)
{
	struct keel_enc *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	msgpack_sbuffer_init(&e->sb);
	msgpack_packer_init(&e->pk, &e->sb, msgpack_sbuffer_write);
	return e;
}

struct keel_enc *
keel_enc_free(struct keel_enc *e)
{
	if (e) {
		msgpack_sbuffer_destroy(&e->sb);
		free(e);
	}
	return NULL;
}

void
keel_enc_reset(struct keel_enc *e)
{
	msgpack_sbuffer_clear(&e->sb);
	e->err = 0;
}

int
keel_enc_error(const struct keel_enc *e)
{
	return e->err;
}

const void *
keel_enc_data(const struct keel_enc *e, size_t *ret_len)
{
	*ret_len = e->sb.size;
	return e->sb.data;
}

/* msgpack_sbuffer_write returns -1 only when realloc fails. */
#define PK(e, call)                                                            \
	do {                                                                   \
		if ((e)->err == 0 && (call) != 0)                              \
			(e)->err = -ENOMEM;                                    \
	} while (0)

void
keel_enc_map(struct keel_enc *e, uint32_t n)
{
	PK(e, msgpack_pack_map(&e->pk, n));
}
void
keel_enc_array(struct keel_enc *e, uint32_t n)
{
	PK(e, msgpack_pack_array(&e->pk, n));
}
void
keel_enc_nil(struct keel_enc *e)
{
	PK(e, msgpack_pack_nil(&e->pk));
}
void
keel_enc_int(struct keel_enc *e, int64_t i)
{
	PK(e, msgpack_pack_int64(&e->pk, i));
}
void
keel_enc_uint(struct keel_enc *e, uint64_t u)
{
	PK(e, msgpack_pack_uint64(&e->pk, u));
}
void
keel_enc_float(struct keel_enc *e, double d)
{
	PK(e, msgpack_pack_double(&e->pk, d));
}

void
keel_enc_bool(struct keel_enc *e, bool b)
{
	PK(e, b ? msgpack_pack_true(&e->pk) : msgpack_pack_false(&e->pk));
}

void
keel_enc_strn(struct keel_enc *e, const char *s, size_t n)
{
	PK(e, msgpack_pack_str(&e->pk, n));
	PK(e, msgpack_pack_str_body(&e->pk, s, n));
}

void
keel_enc_str(struct keel_enc *e, const char *s)
{
	keel_enc_strn(e, s, strlen(s));
}

void
keel_enc_bin(struct keel_enc *e, const void *p, size_t n)
{
	PK(e, msgpack_pack_bin(&e->pk, n));
	PK(e, msgpack_pack_bin_body(&e->pk, p, n));
}

void
keel_enc_obj(struct keel_enc *e, const struct keel_obj *o)
{
	PK(e, msgpack_pack_object(&e->pk, *mo(o)));
}

void
keel_enc_raw(struct keel_enc *e, const void *p, size_t n)
{
	PK(e, msgpack_sbuffer_write(&e->sb, p, n));
}

void
keel_enc_kv_str(struct keel_enc *e, const char *k, const char *v)
{
	keel_enc_str(e, k);
	keel_enc_str(e, v);
}

void
keel_enc_kv_int(struct keel_enc *e, const char *k, int64_t v)
{
	keel_enc_str(e, k);
	keel_enc_int(e, v);
}

void
keel_enc_kv_bool(struct keel_enc *e, const char *k, bool v)
{
	keel_enc_str(e, k);
	keel_enc_bool(e, v);
}

bool
keel_enc_kv_copy(struct keel_enc *e, const struct keel_obj *o, const char *k)
{
	const char *s = "";
	size_t n = 0;
	bool have = keel_obj_str(keel_obj_get(o, k), &s, &n);

	keel_enc_str(e, k);
	keel_enc_strn(e, s, n);
	return have;
}
