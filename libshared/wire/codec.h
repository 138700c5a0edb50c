/*
 * codec: the only door to msgpack.  Received bytes pass keel_mp_check (a
 * walk that allocates nothing and refuses counts larger than the bytes
 * left, nesting deeper than the limit and trailing bytes) before
 * keel_mp_decode builds a tree; the rest of Keel reads that tree through
 * the keel_obj accessors and writes messages with keel_enc.
 */
#ifndef KEEL_CODEC_H
#define KEEL_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEEL_MP_MAX_DEPTH 32
/* What a message from the network may nest, envelope included: the
 * deepest declared body needs 7 levels. */
#define KEEL_WIRE_MAX_DEPTH 16

enum keel_obj_kind {
	KEEL_OBJ_NIL,
	KEEL_OBJ_BOOL,
	KEEL_OBJ_INT,
	KEEL_OBJ_FLOAT,
	KEEL_OBJ_STR,
	KEEL_OBJ_BIN,
	KEEL_OBJ_ARRAY,
	KEEL_OBJ_MAP,
	KEEL_OBJ_EXT,
};

/* A decoded msgpack value; borrowed from the keel_mp_doc that holds it. */
struct keel_obj;

/* A decoded buffer: owns every keel_obj reachable from its root. */
struct keel_mp_doc;

/*
 * Walks one msgpack object in buf without allocating.  Returns 0, or
 * -EBADMSG (malformed or trailing bytes), -EMSGSIZE (a count larger than
 * the bytes left), -ELOOP (deeper than max_depth).  ret_what, when not NULL,
 * points to a static phrase naming the rule that failed.
 */
int keel_mp_check(const void *buf, size_t len, unsigned max_depth,
                  const char **ret_what);

/* The offset just past the object that starts at pos in buf (which must
 * have passed keel_mp_check), or 0 when it does not end inside len. */
size_t keel_mp_skip(const void *buf, size_t len, size_t pos);

/*
 * Decodes buf (which must have passed keel_mp_check) into a doc that
 * keeps its own copy of the bytes, so buf may go right after.  On success
 * the caller owns *ret_doc and frees it with keel_mp_doc_free.
 */
int keel_mp_decode(const void *buf, size_t len, struct keel_mp_doc **ret_doc);
const struct keel_obj *keel_mp_doc_root(const struct keel_mp_doc *doc);
struct keel_mp_doc *keel_mp_doc_free(struct keel_mp_doc *doc);

enum keel_obj_kind keel_obj_kind(const struct keel_obj *o);
const char *keel_obj_kind_name(enum keel_obj_kind kind);
/* Map lookup by string key; NULL when o is not a map or lacks the key. */
const struct keel_obj *keel_obj_get(const struct keel_obj *map,
                                    const char *key);
bool keel_obj_int(const struct keel_obj *o, int64_t *ret);
bool keel_obj_bool(const struct keel_obj *o, bool *ret);
bool keel_obj_float(const struct keel_obj *o, double *ret);
bool keel_obj_str(const struct keel_obj *o, const char **ret, size_t *ret_len);
bool keel_obj_bin(const struct keel_obj *o, const void **ret, size_t *ret_len);
/* Copies a string into buf (NUL-terminated); false if absent or too long. */
bool keel_obj_strcpy(const struct keel_obj *o, char *buf, size_t size);
/* Element count of an array or map, 0 for anything else. */
size_t keel_obj_len(const struct keel_obj *o);
const struct keel_obj *keel_obj_at(const struct keel_obj *array, size_t i);
const struct keel_obj *keel_obj_key_at(const struct keel_obj *map, size_t i);
const struct keel_obj *keel_obj_val_at(const struct keel_obj *map, size_t i);
/* True when two string objects / a string object and a C string are equal. */
bool keel_obj_streq(const struct keel_obj *o, const char *s);

/* A growing msgpack writer.  Calls after an allocation failure are no-ops
 * and keel_enc_error reports it once at the end. */
struct keel_enc;

struct keel_enc *keel_enc_new(void);
struct keel_enc *keel_enc_free(struct keel_enc *e);
void keel_enc_reset(struct keel_enc *e);
int keel_enc_error(const struct keel_enc *e);
const void *keel_enc_data(const struct keel_enc *e, size_t *ret_len);

void keel_enc_map(struct keel_enc *e, uint32_t n);
void keel_enc_array(struct keel_enc *e, uint32_t n);
void keel_enc_nil(struct keel_enc *e);
void keel_enc_bool(struct keel_enc *e, bool b);
void keel_enc_int(struct keel_enc *e, int64_t i);
void keel_enc_uint(struct keel_enc *e, uint64_t u);
void keel_enc_float(struct keel_enc *e, double d);
void keel_enc_str(struct keel_enc *e, const char *s);
void keel_enc_strn(struct keel_enc *e, const char *s, size_t n);
void keel_enc_bin(struct keel_enc *e, const void *p, size_t n);
/* Appends a decoded object as it is. */
void keel_enc_obj(struct keel_enc *e, const struct keel_obj *o);
/* Appends bytes that already are one encoded msgpack object. */
void keel_enc_raw(struct keel_enc *e, const void *p, size_t n);

/* Key/value shorthands for building maps. */
void keel_enc_kv_str(struct keel_enc *e, const char *k, const char *v);
void keel_enc_kv_int(struct keel_enc *e, const char *k, int64_t v);
void keel_enc_kv_bool(struct keel_enc *e, const char *k, bool v);
/* k and the string member k of map o ("" when o has none); false when it
 * had none. */
bool keel_enc_kv_copy(struct keel_enc *e, const struct keel_obj *o,
                      const char *k);

#endif
