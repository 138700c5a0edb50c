/* msg: validation and documentation driven by the declarations. */
#include "msg.h"

#include "codec.h"
#include "error.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

const struct keel_msgdecl *
keel_msg_find(const char *type)
{
	for (size_t i = 0; i < keel_msgs_count; i++)
		if (strcmp(keel_msgs[i].type, type) == 0)
			return &keel_msgs[i];
	return NULL;
}

size_t
keel_msg_index(const struct keel_msgdecl *decl)
{
	return (size_t)(decl - keel_msgs);
}

static bool
utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t k;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			k = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			k = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (i + k >= n)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		/* Overlong forms, surrogates and values past U+10FFFF. */
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
		    (k == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

static bool validate_value(const struct keel_field *f, const struct keel_obj *v,
                           const char *path, struct keel_error *err);

static bool
validate_len(const struct keel_field *f, size_t n, const char *path,
             const char *unit, struct keel_error *err)
{
	if (f->min > 0 && (int64_t)n < f->min)
		return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
		                      "%s: shorter than %lld %s", path,
		                      (long long)f->min, unit);
	if (f->max > 0 && (int64_t)n > f->max)
		return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
		                      "%s: longer than %lld %s", path,
		                      (long long)f->max, unit);
	return true;
}

static bool
validate_value(const struct keel_field *f, const struct keel_obj *v,
               const char *path, struct keel_error *err)
{
	static const enum keel_obj_kind want[] = {
	    [KEEL_F_STR] = KEEL_OBJ_STR,   [KEEL_F_INT] = KEEL_OBJ_INT,
	    [KEEL_F_BOOL] = KEEL_OBJ_BOOL, [KEEL_F_BIN] = KEEL_OBJ_BIN,
	    [KEEL_F_MAP] = KEEL_OBJ_MAP,   [KEEL_F_ARRAY] = KEEL_OBJ_ARRAY,
	};
	enum keel_obj_kind got = keel_obj_kind(v);
	const char *s;
	size_t n;
	int64_t i;

	if (f->type == KEEL_F_ANY)
		return true;
	if (got != want[f->type])
		return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
		                      "%s: expected %s, got %s", path,
		                      keel_obj_kind_name(want[f->type]),
		                      keel_obj_kind_name(got));
	switch (f->type) {
	case KEEL_F_STR:
		keel_obj_str(v, &s, &n);
		if (!utf8_valid((const unsigned char *)s, n))
			return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
			                      "%s: not valid UTF-8", path);
		/* C and Redis keys read strings up to a NUL: "load\0zzz"
		 * would be served as "load" (issue 10). */
		if (memchr(s, '\0', n))
			return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
			                      "%s: holds a NUL byte", path);
		if (!validate_len(f, n, path, "bytes", err))
			return false;
		if (f->enums) {
			for (const char *const *e = f->enums; *e; e++)
				if (strlen(*e) == n && memcmp(*e, s, n) == 0)
					return true;
			if (n > 64)
				return keel_error_set(
				    err, KEEL_E_INVALID_FIELD, path,
				    "%s: not one of the allowed values", path);
			return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
			                      "%s: '%.*s' is not one of the "
			                      "allowed values",
			                      path, (int)n, s);
		}
		return true;
	case KEEL_F_INT:
		if (!keel_obj_int(v, &i))
			return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
			                      "%s: integer out of range", path);
		if ((f->min || f->max) && (i < f->min || i > f->max))
			return keel_error_set(
			    err, KEEL_E_INVALID_FIELD, path,
			    "%s: %lld is outside %lld..%lld", path,
			    (long long)i, (long long)f->min, (long long)f->max);
		return true;
	case KEEL_F_BIN: {
		const void *p;

		keel_obj_bin(v, &p, &n);
		return validate_len(f, n, path, "bytes", err);
	}
	case KEEL_F_MAP:
		if (!validate_len(f, keel_obj_len(v), path, "members", err))
			return false;
		return f->fields ? keel_msg_validate(f->fields, v, path, err)
		                 : true;
	case KEEL_F_ARRAY:
		if (!validate_len(f, keel_obj_len(v), path, "elements", err))
			return false;
		for (size_t k = 0; f->items && k < keel_obj_len(v); k++) {
			char sub[128];

			snprintf(sub, sizeof(sub), "%s[%zu]", path, k);
			if (!validate_value(f->items, keel_obj_at(v, k), sub,
			                    err))
				return false;
		}
		return true;
	default:
		return true;
	}
}

bool
keel_msg_validate(const struct keel_field *fields, const struct keel_obj *map,
                  const char *prefix, struct keel_error *err)
{
	if (keel_obj_kind(map) != KEEL_OBJ_MAP)
		return keel_error_set(err, KEEL_E_INVALID_FIELD, prefix,
		                      "%s: expected map, got %s", prefix,
		                      keel_obj_kind_name(keel_obj_kind(map)));
	for (const struct keel_field *f = fields; f && f->type != KEEL_F_END;
	     f++) {
		const struct keel_obj *v = NULL;
		unsigned seen = 0;
		char path[128];

		/* Look the member up ourselves so duplicates are caught. */
		for (size_t k = 0; k < keel_obj_len(map); k++)
			if (keel_obj_streq(keel_obj_key_at(map, k), f->name)) {
				v = keel_obj_val_at(map, k);
				seen++;
			}
		if (prefix && *prefix)
			snprintf(path, sizeof(path), "%s.%s", prefix, f->name);
		else
			snprintf(path, sizeof(path), "%s", f->name);
		if (seen > 1)
			return keel_error_set(err, KEEL_E_INVALID_FIELD, path,
			                      "%s: given more than once", path);
		if (!v) {
			if (f->required)
				return keel_error_set(err, KEEL_E_INVALID_FIELD,
				                      path,
				                      "%s: required field "
				                      "missing",
				                      path);
			continue;
		}
		if (!f->required && keel_obj_kind(v) == KEEL_OBJ_NIL)
			continue;
		if (!validate_value(f, v, path, err))
			return false;
	}
	return true;
}

/* JSON Schema generation. */

static void schema_field(struct keel_json *j, const struct keel_field *f);

static void
schema_object(struct keel_json *j, const struct keel_field *fields,
              const char *doc)
{
	bool any_required = false;

	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_string(j, "object");
	if (doc) {
		keel_json_key(j, "description");
		keel_json_string(j, doc);
	}
	keel_json_key(j, "properties");
	keel_json_obj_open(j);
	for (const struct keel_field *f = fields; f && f->type != KEEL_F_END;
	     f++) {
		keel_json_key(j, f->name);
		schema_field(j, f);
		any_required |= f->required;
	}
	keel_json_obj_close(j);
	if (any_required) {
		keel_json_key(j, "required");
		keel_json_arr_open(j);
		for (const struct keel_field *f = fields; f->type != KEEL_F_END;
		     f++)
			if (f->required)
				keel_json_string(j, f->name);
		keel_json_arr_close(j);
	}
	keel_json_obj_close(j);
}

static void
limits(struct keel_json *j, const struct keel_field *f, const char *lo,
       const char *hi)
{
	if (f->min || f->max) {
		if (f->min || f->type == KEEL_F_INT) {
			keel_json_key(j, lo);
			keel_json_int(j, f->min);
		}
		if (f->max) {
			keel_json_key(j, hi);
			keel_json_int(j, f->max);
		}
	}
}

static void
schema_field(struct keel_json *j, const struct keel_field *f)
{
	if (f->type == KEEL_F_MAP && f->fields) {
		schema_object(j, f->fields, f->doc);
		return;
	}
	keel_json_obj_open(j);
	if (f->doc) {
		keel_json_key(j, "description");
		keel_json_string(j, f->doc);
	}
	switch (f->type) {
	case KEEL_F_STR:
		keel_json_key(j, "type");
		keel_json_string(j, "string");
		limits(j, f, "minLength", "maxLength");
		if (f->enums) {
			keel_json_key(j, "enum");
			keel_json_arr_open(j);
			for (const char *const *e = f->enums; *e; e++)
				keel_json_string(j, *e);
			keel_json_arr_close(j);
		}
		break;
	case KEEL_F_INT:
		keel_json_key(j, "type");
		keel_json_string(j, "integer");
		limits(j, f, "minimum", "maximum");
		break;
	case KEEL_F_BOOL:
		keel_json_key(j, "type");
		keel_json_string(j, "boolean");
		break;
	case KEEL_F_BIN:
		keel_json_key(j, "type");
		keel_json_string(j, "string");
		keel_json_key(j, "x-msgpack");
		keel_json_string(j, "bin");
		limits(j, f, "x-minBytes", "x-maxBytes");
		break;
	case KEEL_F_MAP:
		keel_json_key(j, "type");
		keel_json_string(j, "object");
		limits(j, f, "minProperties", "maxProperties");
		break;
	case KEEL_F_ARRAY:
		keel_json_key(j, "type");
		keel_json_string(j, "array");
		limits(j, f, "minItems", "maxItems");
		if (f->items) {
			keel_json_key(j, "items");
			schema_field(j, f->items);
		}
		break;
	default:
		break;
	}
	keel_json_obj_close(j);
}

const struct keel_field *
keel_msg_field(const struct keel_field *fields, const char *name, size_t n)
{
	for (const struct keel_field *f = fields; f && f->type != KEEL_F_END;
	     f++)
		if (strlen(f->name) == n && strncmp(f->name, name, n) == 0)
			return f;
	return NULL;
}

void
keel_msg_schema(const struct keel_msgdecl *d, struct keel_json *j)
{
	char id[160];

	keel_json_obj_open(j);
	keel_json_key(j, "$schema");
	keel_json_string(j, "https://json-schema.org/draft/2020-12/schema");
	if (!d) {
		keel_json_key(j, "$id");
		keel_json_string(j, "urn:keel:envelope:v1");
		keel_json_key(j, "title");
		keel_json_string(j, "envelope");
		keel_json_key(j, "description");
		keel_json_string(j, "Every Keel message is one msgpack map of "
		                    "this shape; replies use reply_envelope.");
		keel_json_key(j, "type");
		keel_json_string(j, "object");
		keel_json_key(j, "properties");
		keel_json_obj_open(j);
		for (const struct keel_field *f = keel_envelope_fields;
		     f->type != KEEL_F_END; f++) {
			keel_json_key(j, f->name);
			schema_field(j, f);
		}
		keel_json_obj_close(j);
		keel_json_key(j, "required");
		keel_json_arr_open(j);
		for (const struct keel_field *f = keel_envelope_fields;
		     f->type != KEEL_F_END; f++)
			if (f->required)
				keel_json_string(j, f->name);
		keel_json_arr_close(j);
		keel_json_key(j, "$defs");
		keel_json_obj_open(j);
		keel_json_key(j, "reply_envelope");
		schema_object(j, keel_reply_fields, "A reply to a request.");
		keel_json_obj_close(j);
		keel_json_obj_close(j);
		return;
	}
	snprintf(id, sizeof(id), "urn:keel:msg:%s:v%d", d->type, d->version);
	keel_json_key(j, "$id");
	keel_json_string(j, id);
	keel_json_key(j, "title");
	keel_json_string(j, d->type);
	keel_json_key(j, "description");
	keel_json_string(j, d->doc);
	keel_json_key(j, "x-keel-kind");
	keel_json_string(j, d->kind == KEEL_MSG_REQUEST ? "request" : "event");
	keel_json_key(j, "x-keel-version");
	keel_json_int(j, d->version);
	keel_json_key(j, "x-keel-owner");
	keel_json_string(j, d->owner);
	keel_json_key(j, "type");
	keel_json_string(j, "object");
	keel_json_key(j, "properties");
	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_obj_open(j);
	keel_json_key(j, "const");
	keel_json_string(j, d->type);
	keel_json_obj_close(j);
	keel_json_key(j, "body");
	schema_object(j, d->body, NULL);
	keel_json_obj_close(j);
	if (d->kind == KEEL_MSG_REQUEST) {
		keel_json_key(j, "$defs");
		keel_json_obj_open(j);
		keel_json_key(j, "reply_body");
		schema_object(j, d->reply, NULL);
		keel_json_obj_close(j);
	}
	keel_json_obj_close(j);
}

/* An OpenAPI response: {ok, body} with the reply's schema, or the error. */
static void
openapi_response(struct keel_json *j, const char *desc,
                 const struct keel_field *reply)
{
	keel_json_obj_open(j);
	keel_json_key(j, "description");
	keel_json_string(j, desc);
	keel_json_key(j, "content");
	keel_json_obj_open(j);
	keel_json_key(j, "application/json");
	keel_json_obj_open(j);
	keel_json_key(j, "schema");
	if (!reply) {
		keel_json_obj_open(j);
		keel_json_key(j, "$ref");
		keel_json_string(j, "#/components/schemas/error_reply");
		keel_json_obj_close(j);
	} else {
		keel_json_obj_open(j);
		keel_json_key(j, "type");
		keel_json_string(j, "object");
		keel_json_key(j, "properties");
		keel_json_obj_open(j);
		keel_json_key(j, "ok");
		keel_json_obj_open(j);
		keel_json_key(j, "const");
		keel_json_bool(j, true);
		keel_json_obj_close(j);
		keel_json_key(j, "body");
		schema_object(j, reply, NULL);
		keel_json_obj_close(j);
		keel_json_key(j, "required");
		keel_json_arr_open(j);
		keel_json_string(j, "ok");
		keel_json_string(j, "body");
		keel_json_arr_close(j);
		keel_json_obj_close(j);
	}
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
}

/* The HTTP statuses keel-gateway answers each error code with. */
static const struct {
	const char *status, *codes;
} openapi_errors[] = {
    {"400", "invalid_field, malformed, unsupported_version"},
    {"401", "unauthorized"},
    {"403", "forbidden"},
    {"404", "not_found, unknown_type"},
    {"409", "invalid_transition, conflict"},
    {"413", "too_large"},
    {"503", "unavailable"},
    {"504", "timeout"},
};

static void
openapi_security(struct keel_json *j)
{
	keel_json_key(j, "security");
	keel_json_arr_open(j);
	keel_json_obj_open(j);
	keel_json_key(j, "bearer");
	keel_json_arr_open(j);
	keel_json_arr_close(j);
	keel_json_obj_close(j);
	keel_json_obj_open(j);
	keel_json_key(j, "hmac_key");
	keel_json_arr_open(j);
	keel_json_arr_close(j);
	keel_json_key(j, "hmac_timestamp");
	keel_json_arr_open(j);
	keel_json_arr_close(j);
	keel_json_key(j, "hmac_signature");
	keel_json_arr_open(j);
	keel_json_arr_close(j);
	keel_json_obj_close(j);
	keel_json_arr_close(j);
}

static void
openapi_header_scheme(struct keel_json *j, const char *name,
                      const char *header, const char *desc)
{
	keel_json_key(j, name);
	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_string(j, "apiKey");
	keel_json_key(j, "in");
	keel_json_string(j, "header");
	keel_json_key(j, "name");
	keel_json_string(j, header);
	keel_json_key(j, "description");
	keel_json_string(j, desc);
	keel_json_obj_close(j);
}

void
keel_msg_openapi(struct keel_json *j)
{
	keel_json_obj_open(j);
	keel_json_key(j, "openapi");
	keel_json_string(j, "3.1.0");
	keel_json_key(j, "info");
	keel_json_obj_open(j);
	keel_json_key(j, "title");
	keel_json_string(j, "Keel HTTP/JSON gateway");
	keel_json_key(j, "version");
	keel_json_string(j, "1");
	keel_json_key(j, "description");
	keel_json_string(j, "Every Keel request as POST /v1/<type> with its "
	                    "body as JSON (keel-gateway, docs/gateway.md), "
	                    "generated from the same declarations as "
	                    "schemas/. Integers are int64; amounts are minor "
	                    "units; binary fields are lower-case hex.");
	keel_json_obj_close(j);
	keel_json_key(j, "paths");
	keel_json_obj_open(j);
	for (size_t i = 0; i < keel_msgs_count; i++) {
		const struct keel_msgdecl *d = &keel_msgs[i];
		char path[96];

		if (d->kind != KEEL_MSG_REQUEST)
			continue;
		snprintf(path, sizeof(path), "/v1/%s", d->type);
		keel_json_key(j, path);
		keel_json_obj_open(j);
		keel_json_key(j, "post");
		keel_json_obj_open(j);
		keel_json_key(j, "operationId");
		keel_json_string(j, d->type);
		keel_json_key(j, "summary");
		keel_json_string(j, d->doc);
		keel_json_key(j, "x-keel-owner");
		keel_json_string(j, d->owner);
		if (d->idempotent) {
			keel_json_key(j, "parameters");
			keel_json_arr_open(j);
			keel_json_obj_open(j);
			keel_json_key(j, "name");
			keel_json_string(j, "Idempotency-Key");
			keel_json_key(j, "in");
			keel_json_string(j, "header");
			keel_json_key(j, "description");
			keel_json_string(j, "the envelope's idempotency key: the "
			                    "same key again gets the first "
			                    "answer");
			keel_json_key(j, "schema");
			keel_json_obj_open(j);
			keel_json_key(j, "type");
			keel_json_string(j, "string");
			keel_json_key(j, "maxLength");
			keel_json_int(j, 128);
			keel_json_obj_close(j);
			keel_json_obj_close(j);
			keel_json_arr_close(j);
		}
		keel_json_key(j, "requestBody");
		keel_json_obj_open(j);
		keel_json_key(j, "required");
		keel_json_bool(j, true);
		keel_json_key(j, "content");
		keel_json_obj_open(j);
		keel_json_key(j, "application/json");
		keel_json_obj_open(j);
		keel_json_key(j, "schema");
		schema_object(j, d->body, NULL);
		keel_json_obj_close(j);
		keel_json_obj_close(j);
		keel_json_obj_close(j);
		keel_json_key(j, "responses");
		keel_json_obj_open(j);
		keel_json_key(j, "200");
		openapi_response(j, "answered", d->reply);
		for (size_t e = 0;
		     e < sizeof(openapi_errors) / sizeof(openapi_errors[0]);
		     e++) {
			char desc[96];

			snprintf(desc, sizeof(desc), "refused: %s",
			         openapi_errors[e].codes);
			keel_json_key(j, openapi_errors[e].status);
			openapi_response(j, desc, NULL);
		}
		keel_json_obj_close(j);
		openapi_security(j);
		keel_json_obj_close(j);
		keel_json_obj_close(j);
	}
	keel_json_key(j, "/v1/events");
	keel_json_obj_open(j);
	keel_json_key(j, "get");
	keel_json_obj_open(j);
	keel_json_key(j, "operationId");
	keel_json_string(j, "events");
	keel_json_key(j, "summary");
	keel_json_string(j, "A service's events as Server-Sent Events, those "
	                    "the caller may read; each event's id is its "
	                    "stream id: resume with Last-Event-ID or since.");
	keel_json_key(j, "parameters");
	keel_json_arr_open(j);
	keel_json_obj_open(j);
	keel_json_key(j, "name");
	keel_json_string(j, "service");
	keel_json_key(j, "in");
	keel_json_string(j, "query");
	keel_json_key(j, "required");
	keel_json_bool(j, true);
	keel_json_key(j, "schema");
	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_string(j, "string");
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_obj_open(j);
	keel_json_key(j, "name");
	keel_json_string(j, "since");
	keel_json_key(j, "in");
	keel_json_string(j, "query");
	keel_json_key(j, "schema");
	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_string(j, "string");
	keel_json_key(j, "description");
	keel_json_string(j, "a stream id (1700000000000-0); 0-0: from the "
	                    "start; absent: from now");
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_obj_open(j);
	keel_json_key(j, "name");
	keel_json_string(j, "Last-Event-ID");
	keel_json_key(j, "in");
	keel_json_string(j, "header");
	keel_json_key(j, "schema");
	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_string(j, "string");
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_arr_close(j);
	keel_json_key(j, "responses");
	keel_json_obj_open(j);
	keel_json_key(j, "200");
	keel_json_obj_open(j);
	keel_json_key(j, "description");
	keel_json_string(j, "the event stream: id, event (the type) and data "
	                    "(the envelope as JSON) per event");
	keel_json_key(j, "content");
	keel_json_obj_open(j);
	keel_json_key(j, "text/event-stream");
	keel_json_obj_open(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	openapi_security(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_key(j, "components");
	keel_json_obj_open(j);
	keel_json_key(j, "schemas");
	keel_json_obj_open(j);
	keel_json_key(j, "error_reply");
	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_string(j, "object");
	keel_json_key(j, "properties");
	keel_json_obj_open(j);
	keel_json_key(j, "ok");
	keel_json_obj_open(j);
	keel_json_key(j, "const");
	keel_json_bool(j, false);
	keel_json_obj_close(j);
	keel_json_key(j, "error");
	for (const struct keel_field *f = keel_reply_fields;
	     f->type != KEEL_F_END; f++)
		if (strcmp(f->name, "error") == 0)
			schema_field(j, f);
	keel_json_obj_close(j);
	keel_json_key(j, "required");
	keel_json_arr_open(j);
	keel_json_string(j, "ok");
	keel_json_string(j, "error");
	keel_json_arr_close(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_key(j, "securitySchemes");
	keel_json_obj_open(j);
	keel_json_key(j, "bearer");
	keel_json_obj_open(j);
	keel_json_key(j, "type");
	keel_json_string(j, "http");
	keel_json_key(j, "scheme");
	keel_json_string(j, "bearer");
	keel_json_key(j, "description");
	keel_json_string(j, "KEY-ID.SECRET: a key of auth.identities");
	keel_json_obj_close(j);
	openapi_header_scheme(j, "hmac_key", "X-Keel-Key", "the key id");
	openapi_header_scheme(j, "hmac_timestamp", "X-Keel-Timestamp",
	                      "ms since the epoch, within auth.window_ms");
	openapi_header_scheme(j, "hmac_signature", "X-Keel-Signature",
	                      "hex HMAC-SHA256 under the key's secret of "
	                      "TIMESTAMP \\n METHOD \\n TARGET \\n BODY, "
	                      "TARGET the path with its query as sent");
	keel_json_obj_close(j);
	keel_json_obj_close(j);
	keel_json_obj_close(j);
}

static void
md_fields(FILE *f, const struct keel_field *fields, int level)
{
	static const char *const tn[] = {
	    [KEEL_F_STR] = "string",   [KEEL_F_INT] = "integer",
	    [KEEL_F_BOOL] = "boolean", [KEEL_F_BIN] = "binary",
	    [KEEL_F_MAP] = "map",      [KEEL_F_ARRAY] = "array",
	    [KEEL_F_ANY] = "any",
	};

	if (!fields || fields->type == KEEL_F_END) {
		if (level == 0)
			fprintf(f, "- (empty map)\n");
		return;
	}
	for (const struct keel_field *x = fields; x->type != KEEL_F_END; x++) {
		fprintf(f, "%*s- `%s` %s%s", level * 2, "", x->name,
		        tn[x->type], x->required ? ", required" : "");
		if (x->min || x->max)
			fprintf(f, ", %lld..%lld", (long long)x->min,
			        (long long)x->max);
		if (x->enums) {
			fprintf(f, ", one of");
			for (const char *const *e = x->enums; *e; e++)
				fprintf(f, " `%s`", *e);
		}
		if (x->doc)
			fprintf(f, ": %s", x->doc);
		fprintf(f, "\n");
		if (x->fields)
			md_fields(f, x->fields, level + 1);
		if (x->items && x->items->fields)
			md_fields(f, x->items->fields, level + 1);
	}
}

void
keel_msg_markdown(FILE *f)
{
	fprintf(f, "# Keel messages\n\n"
	           "Generated by `keel-schemagen --markdown` from "
	           "`libshared/wire/msgs/`; do not edit. The JSON Schemas are in "
	           "`schemas/`.\n\n"
	           "## Limits\n\n"
	           "Every message from the network is refused, with the field "
	           "named, when:\n\n"
	           "- it is larger than `bus.max_msg_bytes` (`too_large`), or "
	           "nests more than 16 levels, envelope included, anywhere, "
	           "unknown fields too (`malformed`);\n"
	           "- a string field is not UTF-8, or holds a NUL byte "
	           "(`invalid_field`);\n"
	           "- a request's type is an event's (`unknown_type`), before "
	           "its body is read;\n"
	           "- a request's `id` is not a UUIDv7 (version 7, variant 10: "
	           "an all-zero id is refused), or its `ts` is more than a day "
	           "from the server's clock (`invalid_field`).\n\n"
	           "Unknown fields are otherwise ignored.\n");
	for (size_t i = 0; i < keel_msgs_count; i++) {
		const struct keel_msgdecl *d = &keel_msgs[i];

		fprintf(f, "\n## `%s` (%s, v%d, %s)\n\n%s\n\nBody:\n\n",
		        d->type,
		        d->kind == KEEL_MSG_REQUEST ? "request" : "event",
		        d->version, d->owner, d->doc);
		md_fields(f, d->body, 0);
		if (d->kind == KEEL_MSG_REQUEST) {
			fprintf(f, "\nReply body:\n\n");
			md_fields(f, d->reply, 0);
		}
	}
}
