/*
 * json: a small JSON writer into a growing buffer, used for the generated
 * JSON Schemas, keelctl --json and the /metrics-adjacent text outputs.
 * Commas between members are placed by the writer, not the caller.
 */
#ifndef KEEL_JSON_H
#define KEEL_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_obj;

struct keel_json {
	char *buf;
	size_t len, cap;
	int err;
	int indent; /* spaces per level; 0 = compact */
	unsigned depth;
	bool need_comma[64];
	bool after_key;
};

void keel_json_init(struct keel_json *j, int indent);
void keel_json_release(struct keel_json *j);
/* NUL-terminated text, owned by j; NULL after an allocation failure. */
const char *keel_json_str(const struct keel_json *j);

void keel_json_obj_open(struct keel_json *j);
void keel_json_obj_close(struct keel_json *j);
void keel_json_arr_open(struct keel_json *j);
void keel_json_arr_close(struct keel_json *j);
void keel_json_key(struct keel_json *j, const char *k);
void keel_json_string(struct keel_json *j, const char *s);
void keel_json_stringn(struct keel_json *j, const char *s, size_t n);
void keel_json_int(struct keel_json *j, int64_t v);
void keel_json_double(struct keel_json *j, double v);
void keel_json_bool(struct keel_json *j, bool v);
void keel_json_null(struct keel_json *j);
/* A decoded msgpack value as JSON; bin as lower-case hex. */
void keel_json_value(struct keel_json *j, const struct keel_obj *o);

#endif
