/* t_codec: the pre-decode walk, the envelope, validation by declaration,
 * golden bytes and round trips. */
#include "codec.h"
#include "ktime.h"
#include "ids.h"
#include "envelope.h"
#include "error.h"
#include "json.h"
#include "msg.h"
#include "tap.h"

#include <errno.h>

#ifndef FIXTURES
#define FIXTURES "fixtures"
#endif

static size_t
load_hex(const char *name, uint8_t *out, size_t max)
{
	char path[512], line[512];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", FIXTURES, name);
	f = fopen(path, "r");
	if (!f)
		bail_out("cannot open fixture");
	while (fgets(line, sizeof(line), f)) {
		unsigned v;
		int used;

		if (line[0] == '#')
			continue;
		for (char *p = line;
		     sscanf(p, "%2x%n", &v, &used) == 1 && n < max; p += used)
			out[n++] = (uint8_t)v;
	}
	fclose(f);
	return n;
}

static void
test_walk(void)
{
	static const uint8_t arr32[] = {0xdd, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t map32[] = {0xdf, 0xff, 0xff, 0xff, 0xff};
	static const uint8_t str32[] = {0xdb, 0xff, 0xff, 0xff, 0xff, 'a'};
	static const uint8_t trunc[] = {0x92, 0x01};
	static const uint8_t trail[] = {0x01, 0x02};
	static const uint8_t c1[] = {0xc1};
	static const uint8_t fix16[] = {0x9f, 1, 2, 3};
	static const uint8_t good[] = {0x82, 0xa1, 'a',  0x92, 0x01, 0xcb, 0,
	                               0,    0,    0,    0,    0,    0,    0,
	                               0xa1, 'b',  0xc4, 0x02, 0xff, 0xfe};
	uint8_t deep[40];
	const char *what = NULL;

	is_int(keel_mp_check(arr32, sizeof(arr32), 32, &what), -EMSGSIZE,
	       "5-byte array32 claiming 4G elements is refused before any "
	       "allocation");
	has_str(what, "count larger than the bytes left",
	        "and the rule is named");
	is_int(keel_mp_check(map32, sizeof(map32), 32, NULL), -EMSGSIZE,
	       "map32 claiming 4G pairs is refused");
	is_int(keel_mp_check(str32, sizeof(str32), 32, &what), -EBADMSG,
	       "str32 longer than the buffer is refused");
	is_int(keel_mp_check(trunc, sizeof(trunc), 32, NULL), -EMSGSIZE,
	       "array whose count exceeds the bytes left is refused");
	is_int(keel_mp_check(fix16, sizeof(fix16), 32, NULL), -EMSGSIZE,
	       "fixarray of 15 in 4 bytes is refused");
	is_int(keel_mp_check(trail, sizeof(trail), 32, &what), -EBADMSG,
	       "trailing bytes are refused");
	has_str(what, "trailing", "and named");
	is_int(keel_mp_check(c1, 1, 32, NULL), -EBADMSG,
	       "the never-used byte 0xc1 is refused");
	is_int(keel_mp_check(c1, 0, 32, NULL), -EBADMSG,
	       "an empty buffer is refused");
	is_int(keel_mp_check(good, sizeof(good), 32, NULL), 0,
	       "a well-formed nested map passes");

	for (int i = 0; i < 32; i++)
		deep[i] = 0x91;
	deep[32] = 0x01;
	is_int(keel_mp_check(deep, 33, 32, NULL), 0,
	       "32 levels of nesting pass");
	for (int i = 0; i < 33; i++)
		deep[i] = 0x91;
	deep[33] = 0x01;
	is_int(keel_mp_check(deep, 34, 32, &what), -ELOOP,
	       "33 levels of nesting are refused");
	is_int(keel_mp_check(deep, 34, 64, NULL), -ELOOP,
	       "a limit above 32 is clamped to 32");
}

/* Builds an envelope with one field changed by the caller's callback. */
enum mutation {
	M_NONE,
	M_NO_V,
	M_V2,
	M_ID_STR,
	M_ID_SHORT,
	M_UNKNOWN_TYPE,
	M_EVENT_FIELD_TYPE,
	M_BODY_ARRAY,
	M_NO_BODY,
	M_LONG_TYPE,
	M_BAD_UTF8_SRC,
	M_DUP_TYPE,
	M_NEG_TS,
};

static size_t
build(struct keel_enc *e, enum mutation m)
{
	static const uint8_t id[16] = {1, 2,  3,  4,  5,  6,  7,  8,
	                               9, 10, 11, 12, 13, 14, 15, 16};
	const void *p;
	size_t len;
	int n = 6 + (m == M_DUP_TYPE) - (m == M_NO_V) - (m == M_NO_BODY);

	keel_enc_reset(e);
	keel_enc_map(e, (uint32_t)n);
	if (m != M_NO_V)
		keel_enc_kv_int(e, "v", m == M_V2 ? 2 : 1);
	keel_enc_str(e, "id");
	if (m == M_ID_STR)
		keel_enc_str(e, "0123456789abcdef");
	else
		keel_enc_bin(e, id, m == M_ID_SHORT ? 15 : 16);
	keel_enc_kv_str(e, "type",
	                m == M_UNKNOWN_TYPE ? "no.such"
	                : m == M_LONG_TYPE
	                    ? "x123456789x123456789x123456789x123456789x1234"
	                      "56789x123456789x12345"
	                    : "sys.health");
	if (m == M_DUP_TYPE)
		keel_enc_kv_str(e, "type", "sys.stats");
	keel_enc_str(e, "src");
	if (m == M_BAD_UTF8_SRC)
		keel_enc_strn(e, "te\xc3\x28", 4);
	else
		keel_enc_str(e, "test");
	keel_enc_kv_int(e, "ts", m == M_NEG_TS ? -1 : 42);
	if (m != M_NO_BODY) {
		keel_enc_str(e, "body");
		if (m == M_BODY_ARRAY)
			keel_enc_array(e, 0);
		else
			keel_enc_map(e, 0);
	}
	p = keel_enc_data(e, &len);
	(void)p;
	return len;
}

static void
refuse(struct keel_enc *e, enum mutation m, const char *code, const char *field,
       const char *phrase, const char *what)
{
	struct keel_env env;
	struct keel_error err = {{0}};
	size_t len = build(e, m);
	const void *p = keel_enc_data(e, &len);
	int r = keel_env_decode(p, len, 65536, &env, &err);

	is_int(r, -EINVAL, "refused: %s", what);
	is_str(err.code, code, "  code %s", code);
	if (field)
		is_str(err.field, field, "  field '%s' is named", field);
	has_str(err.message, phrase, "  message says '%s'", phrase);
	keel_env_release(&env);
}

/* Issue 10: a string with a NUL byte was served cut at it, and an event
 * type sent as a request was answered about its body. */
static void
test_nul_and_kinds(void)
{
	struct keel_enc *b = keel_enc_new(), *e = keel_enc_new();
	struct keel_env env;
	struct keel_error err;
	const void *p;
	size_t len;

	keel_enc_map(b, 1);
	keel_enc_str(b, "id");
	keel_enc_strn(b, "load\0zzz", 8);
	p = keel_enc_data(b, &len);
	keel_env_encode(e, "customer.get", "test", NULL, NULL, NULL, p, len,
	                NULL);
	p = keel_enc_data(e, &len);
	keel_error_clear(&err);
	is_int(keel_env_decode_request(p, len, 65536, &env, &err), -EINVAL,
	       "a string field holding a NUL byte is refused");
	is_str(err.field, "body.id", "  naming the field");
	has_str(err.message, "NUL", "  and the NUL byte");
	keel_env_release(&env);

	keel_enc_reset(b);
	keel_enc_map(b, 0);
	p = keel_enc_data(b, &len);
	keel_enc_reset(e);
	keel_env_encode(e, "ticket.created", "test", NULL, NULL, NULL, p, len,
	                NULL);
	p = keel_enc_data(e, &len);
	keel_error_clear(&err);
	is_int(keel_env_decode_request(p, len, 65536, &env, &err), -EINVAL,
	       "an event type sent as a request is refused");
	is_str(err.code, "unknown_type", "  as unknown_type");
	has_str(err.message, "is an event, not a request",
	        "  before its body is looked at");
	keel_env_release(&env);
	keel_enc_free(b);
	keel_enc_free(e);
}

/* A sys.health request with the given id bytes and ts, and (deep > 0) an
 * unknown field nesting deep maps. */
static void
raw_request(struct keel_enc *e, const uint8_t *id, int64_t ts, int deep)
{
	keel_enc_reset(e);
	keel_enc_map(e, 6);
	keel_enc_kv_int(e, "v", 1);
	keel_enc_str(e, "id");
	keel_enc_bin(e, id, 16);
	keel_enc_kv_str(e, "type", "sys.health");
	keel_enc_kv_str(e, "src", "test");
	keel_enc_kv_int(e, "ts", ts);
	keel_enc_str(e, "body");
	keel_enc_map(e, deep > 0);
	if (deep > 0) {
		keel_enc_str(e, "x");
		for (int i = 0; i < deep; i++) {
			keel_enc_map(e, 1);
			keel_enc_str(e, "x");
		}
		keel_enc_int(e, 1);
	}
}

static void
test_request_limits(void)
{
	struct keel_enc *e = keel_enc_new();
	struct keel_env env;
	struct keel_error err;
	uint8_t zero[16] = {0}, good[16];
	const void *p;
	size_t len;
	int64_t now = keel_time_now_ms();

	keel_id_new(good);
	raw_request(e, good, now, 0);
	p = keel_enc_data(e, &len);
	is_int(keel_env_decode_request(p, len, 65536, &env, &err), 0,
	       "limits: a request with a UUIDv7 and ts now is served");
	keel_env_release(&env);
	raw_request(e, zero, now, 0);
	p = keel_enc_data(e, &len);
	ok(keel_env_decode_request(p, len, 65536, &env, &err) == -EINVAL &&
	       strcmp(err.field, "id") == 0,
	   "  an all-zero id is refused, naming id");
	keel_env_release(&env);
	raw_request(e, good, 1LL << 62, 0);
	p = keel_enc_data(e, &len);
	ok(keel_env_decode_request(p, len, 65536, &env, &err) == -EINVAL &&
	       strcmp(err.field, "ts") == 0,
	   "  a ts of 2^62 is refused, naming ts");
	keel_env_release(&env);
	raw_request(e, good, now - 25LL * 3600 * 1000, 0);
	p = keel_enc_data(e, &len);
	ok(keel_env_decode_request(p, len, 65536, &env, &err) == -EINVAL,
	   "  and one 25 hours old");
	keel_env_release(&env);
	raw_request(e, good, now, 26);
	p = keel_enc_data(e, &len);
	ok(keel_env_decode_request(p, len, 65536, &env, &err) == -EINVAL &&
	       strcmp(err.code, "malformed") == 0,
	   "  maps nested 26 deep inside an unknown field are refused");
	keel_env_release(&env);
	raw_request(e, good, now, 8);
	p = keel_enc_data(e, &len);
	is_int(keel_env_decode_request(p, len, 65536, &env, &err), 0,
	       "  8 deep is fine");
	keel_env_release(&env);
	keel_enc_free(e);
}

static void
test_envelope(void)
{
	struct keel_enc *e = keel_enc_new();
	struct keel_env env;
	struct keel_error err;
	uint8_t big[2048];
	size_t len;
	const void *p;

	len = build(e, M_NONE);
	p = keel_enc_data(e, &len);
	is_int(keel_env_decode(p, len, 65536, &env, &err), 0,
	       "a well-formed sys.health request decodes");
	is_str(env.type, "sys.health", "type read");
	is_str(env.src, "test", "src read");
	is_int(env.ts, 42, "ts read");
	ok(env.decl && env.decl->kind == KEEL_MSG_REQUEST,
	   "type resolved to its declaration");
	keel_env_release(&env);

	is_int(keel_env_decode(p, len, len - 1, &env, &err), -EINVAL,
	       "a message over the size cap is refused");
	is_str(err.code, "too_large", "  code too_large");
	keel_env_release(&env);

	refuse(e, M_NO_V, "invalid_field", "v", "required field missing",
	       "missing v");
	refuse(e, M_V2, "unsupported_version", "v", "not supported",
	       "format version 2");
	refuse(e, M_ID_STR, "invalid_field", "id",
	       "expected binary, got string", "id as a string");
	refuse(e, M_ID_SHORT, "invalid_field", "id", "shorter than 16",
	       "15-byte id");
	refuse(e, M_UNKNOWN_TYPE, "unknown_type", "type", "'no.such'",
	       "unknown type");
	refuse(e, M_BODY_ARRAY, "invalid_field", "body",
	       "expected map, got array", "body that is an array");
	refuse(e, M_NO_BODY, "invalid_field", "body", "required field missing",
	       "missing body");
	refuse(e, M_LONG_TYPE, "invalid_field", "type", "longer than 64",
	       "65-byte type");
	refuse(e, M_BAD_UTF8_SRC, "invalid_field", "src", "not valid UTF-8",
	       "src with invalid UTF-8");
	refuse(e, M_DUP_TYPE, "invalid_field", "type", "more than once",
	       "type given twice");
	refuse(e, M_NEG_TS, "invalid_field", "ts", "outside", "negative ts");

	/* A refusal after the id was read can still be answered. */
	build(e, M_UNKNOWN_TYPE);
	p = keel_enc_data(e, &len);
	keel_env_decode(p, len, 65536, &env, &err);
	ok(env.has_id && env.id[0] == 1 && env.id[15] == 16,
	   "the id of a refused request is kept for the reply's corr");
	keel_env_release(&env);

	memset(big, 0x91, sizeof(big));
	is_int(keel_env_decode(big, sizeof(big), 65536, &env, &err), -EINVAL,
	       "2 KiB of nested arrays is refused");
	is_str(err.code, "malformed", "  as malformed");
	keel_env_release(&env);

	big[0] = 0xdd;
	big[1] = big[2] = big[3] = big[4] = 0xff;
	is_int(keel_env_decode(big, 5, 65536, &env, &err), -EINVAL,
	       "the 5-byte 96 GiB array is refused");
	has_str(err.message, "count larger", "  by the walk");
	keel_env_release(&env);

	keel_enc_reset(e);
	keel_enc_array(e, 0);
	p = keel_enc_data(e, &len);
	is_int(keel_env_decode(p, len, 65536, &env, &err), -EINVAL,
	       "a message that is not a map is refused");
	has_str(err.message, "not a map", "  and says so");
	keel_env_release(&env);
	keel_enc_free(e);
}

static const char *const colours[] = {"red", "green", NULL};
static const struct keel_field item_fields[] = {
    {"name", KEEL_F_STR, true, 1, 8},
    {"n", KEEL_F_INT, false, 0, 10},
    {.type = KEEL_F_END},
};
static const struct keel_field item = {"item", KEEL_F_MAP, true,
                                       .fields = item_fields};
static const struct keel_field test_fields[] = {
    {"colour", KEEL_F_STR, true, .enums = colours},
    {"count", KEEL_F_INT, true, 1, 100},
    {"flag", KEEL_F_BOOL, false},
    {"blob", KEEL_F_BIN, false, 2, 4},
    {"items", KEEL_F_ARRAY, false, 0, 3, .items = &item},
    {"any", KEEL_F_ANY, false},
    {.type = KEEL_F_END},
};

static void
check_body(struct keel_enc *e, bool want, const char *field, const char *phrase,
           const char *what)
{
	struct keel_mp_doc *doc;
	struct keel_error err = {{0}};
	size_t len;
	const void *p = keel_enc_data(e, &len);
	bool got;

	if (keel_mp_decode(p, len, &doc) < 0)
		bail_out("decode failed");
	got =
	    keel_msg_validate(test_fields, keel_mp_doc_root(doc), "body", &err);
	ok(got == want, "%s", what);
	if (!want) {
		is_str(err.field, field, "  names %s", field);
		has_str(err.message, phrase, "  says '%s'", phrase);
	}
	keel_mp_doc_free(doc);
}

static void
body(struct keel_enc *e, const char *colour, int64_t count, int nitems,
     const char *item_name, int blob_len)
{
	keel_enc_reset(e);
	keel_enc_map(e, 2 + (nitems >= 0) + (blob_len >= 0));
	keel_enc_kv_str(e, "colour", colour);
	keel_enc_kv_int(e, "count", count);
	if (nitems >= 0) {
		keel_enc_str(e, "items");
		keel_enc_array(e, (uint32_t)nitems);
		for (int i = 0; i < nitems; i++) {
			keel_enc_map(e, 1);
			keel_enc_kv_str(e, "name", i == 1 ? item_name : "ok");
		}
	}
	if (blob_len >= 0) {
		keel_enc_str(e, "blob");
		keel_enc_bin(e, "abcdefgh", (size_t)blob_len);
	}
}

static void
test_validate(void)
{
	struct keel_enc *e = keel_enc_new();

	body(e, "red", 5, 2, "fine", 3);
	check_body(e, true, NULL, NULL,
	           "a body matching its declaration passes");
	body(e, "blue", 5, -1, NULL, -1);
	check_body(e, false, "body.colour", "'blue' is not one of",
	           "a string outside its enum is refused");
	body(e, "red", 0, -1, NULL, -1);
	check_body(e, false, "body.count", "0 is outside 1..100",
	           "an integer below its minimum is refused");
	body(e, "red", 101, -1, NULL, -1);
	check_body(e, false, "body.count", "outside",
	           "an integer above its maximum is refused");
	body(e, "red", 5, 4, "x", -1);
	check_body(e, false, "body.items", "longer than 3 elements",
	           "an array over its element limit is refused");
	body(e, "red", 5, 2, "toolongname", -1);
	check_body(e, false, "body.items[1].name", "longer than 8 bytes",
	           "a nested field is named by its path");
	body(e, "red", 5, 2, "", -1);
	check_body(e, false, "body.items[1].name", "shorter than 1",
	           "an empty required nested string is refused");
	body(e, "red", 5, -1, NULL, 1);
	check_body(e, false, "body.blob", "shorter than 2 bytes",
	           "binary below its length is refused");

	keel_enc_reset(e);
	keel_enc_map(e, 1);
	keel_enc_kv_str(e, "colour", "red");
	check_body(e, false, "body.count", "required field missing",
	           "a missing required field is refused");

	keel_enc_reset(e);
	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "colour", "red");
	keel_enc_kv_str(e, "count", "5");
	keel_enc_kv_int(e, "unknown", 1);
	check_body(e, false, "body.count", "expected integer, got string",
	           "a wrong type is refused with both types named");

	keel_enc_reset(e);
	keel_enc_map(e, 4);
	keel_enc_kv_str(e, "colour", "green");
	keel_enc_kv_int(e, "count", 1);
	keel_enc_kv_int(e, "unknown", 1);
	keel_enc_str(e, "flag");
	keel_enc_nil(e);
	check_body(e, true, NULL, NULL,
	           "unknown fields are ignored and nil optional fields are "
	           "absent");

	keel_enc_reset(e);
	keel_enc_map(e, 2);
	keel_enc_kv_str(e, "colour", "green");
	keel_enc_str(e, "count");
	keel_enc_uint(e, UINT64_MAX);
	check_body(e, false, "body.count", "out of range",
	           "an integer beyond int64 is refused");
	keel_enc_free(e);
}

static void
test_roundtrip(void)
{
	struct keel_enc *e = keel_enc_new(), *b = keel_enc_new();
	uint8_t id[16], corr[16] = {9, 9, 9};
	struct keel_env env, rep;
	struct keel_error err, in;
	const void *p, *bp;
	size_t len, blen;
	int64_t v;

	keel_env_encode(e, "sys.stats", "cli", corr, "key-1", NULL, NULL, 0,
	                id);
	p = keel_enc_data(e, &len);
	is_int(keel_env_decode(p, len, 65536, &env, &err), 0,
	       "an encoded request decodes");
	ok(memcmp(env.id, id, 16) == 0, "id survives the round trip");
	ok(env.has_corr && memcmp(env.corr, corr, 16) == 0, "corr survives");
	ok(env.has_key && strcmp(env.key, "key-1") == 0, "key survives");
	ok(env.ts > 1700000000000LL, "ts is now, in ms");
	keel_env_release(&env);

	keel_enc_map(b, 1);
	keel_enc_kv_int(b, "requests", 7);
	bp = keel_enc_data(b, &blen);
	keel_enc_reset(e);
	keel_env_encode_reply(e, id, "intake-0", bp, blen, NULL);
	p = keel_enc_data(e, &len);
	is_int(keel_env_decode_reply(p, len, 65536, &rep, &err), 0,
	       "an ok reply decodes");
	ok(rep.ok && rep.has_corr && memcmp(rep.corr, id, 16) == 0,
	   "ok reply: ok and corr");
	ok(keel_obj_int(keel_obj_get(rep.body, "requests"), &v) && v == 7,
	   "ok reply: body");
	is_str(rep.src, "intake-0", "ok reply: src names the instance");
	keel_env_release(&rep);

	keel_error_set(&in, "not_found", "body.id", "ticket 'T-1' not found");
	keel_enc_reset(e);
	keel_env_encode_reply(e, id, "intake-0", NULL, 0, &in);
	p = keel_enc_data(e, &len);
	is_int(keel_env_decode_reply(p, len, 65536, &rep, &err), 0,
	       "an error reply decodes");
	ok(!rep.ok, "error reply: ok is false");
	is_str(rep.error.code, "not_found", "error reply: code");
	is_str(rep.error.field, "body.id", "error reply: field");
	is_str(rep.error.message, "ticket 'T-1' not found",
	       "error reply: message");
	keel_env_release(&rep);
	keel_enc_free(e);
	keel_enc_free(b);
}

static void
test_golden(void)
{
	uint8_t buf[512];
	size_t n = load_hex("sys.health.request.hex", buf, sizeof(buf));
	struct keel_env env;
	struct keel_error err;

	is_int(keel_env_decode(buf, n, 65536, &env, &err), 0,
	       "golden sys.health request decodes");
	is_str(env.type, "sys.health", "  its type");
	ok(env.id[0] == 1 && env.id[15] == 16, "  its id");
	is_int(env.ts, 42, "  its ts");
	keel_env_release(&env);

	n = load_hex("error.reply.hex", buf, sizeof(buf));
	is_int(keel_env_decode_reply(buf, n, 65536, &env, &err), 0,
	       "golden error reply decodes");
	is_str(env.error.code, "unknown_type", "  its code");
	is_str(env.error.field, "type", "  its field");
	is_str(env.error.message, "unknown message type 'x'", "  its message");
	keel_env_release(&env);
}

static void
test_json(void)
{
	struct keel_enc *e = keel_enc_new();
	struct keel_mp_doc *doc;
	struct keel_json j;
	const void *p;
	size_t len;

	keel_enc_map(e, 3);
	keel_enc_kv_str(e, "s", "a\"b\n");
	keel_enc_str(e, "l");
	keel_enc_array(e, 2);
	keel_enc_int(e, -1);
	keel_enc_bool(e, true);
	keel_enc_str(e, "b");
	keel_enc_bin(e, "\x01\xff", 2);
	p = keel_enc_data(e, &len);
	keel_mp_decode(p, len, &doc);
	keel_json_init(&j, 0);
	keel_json_value(&j, keel_mp_doc_root(doc));
	is_str(keel_json_str(&j),
	       "{\"s\":\"a\\\"b\\u000a\",\"l\":[-1,true],\"b\":\"01ff\"}",
	       "msgpack renders as JSON with escapes and hex bins");
	keel_json_release(&j);
	keel_mp_doc_free(doc);
	keel_enc_free(e);

	keel_json_init(&j, 0);
	keel_msg_schema(keel_msg_find("sys.health"), &j);
	has_str(keel_json_str(&j), "\"reply_body\"",
	        "the schema of a request carries its reply body");
	has_str(keel_json_str(&j), "\"required\":[\"name\"",
	        "and lists required fields");
	keel_json_release(&j);
}

int
main(void)
{
	test_walk();
	test_envelope();
	test_nul_and_kinds();
	test_request_limits();
	test_validate();
	test_roundtrip();
	test_golden();
	test_json();
	return done_testing();
}
