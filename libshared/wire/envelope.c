/* envelope: encode and decode, checks first. */
#include "envelope.h"

#include "auth.h"
#include "codec.h"
#include "ktime.h"
#include "msg.h"

#include <errno.h>
#include <string.h>

static const uint8_t empty_map = 0x80;

/* Size cap, walk, decode, "is a map": shared by requests and replies. */
static int
open_doc(const void *buf, size_t len, size_t max_size, struct keel_env *env,
         struct keel_error *err)
{
	const char *what = NULL;
	int r;

	memset(env, 0, sizeof(*env));
	if (len > max_size) {
		keel_error_set(
		    err, KEEL_E_TOO_LARGE, NULL,
		    "message of %zu bytes exceeds the %zu-byte limit", len,
		    max_size);
		return -EINVAL;
	}
	r = keel_mp_check(buf, len, KEEL_WIRE_MAX_DEPTH, &what);
	if (r < 0) {
		keel_error_set(err, KEEL_E_MALFORMED, NULL,
		               "malformed msgpack: %s", what);
		return -EINVAL;
	}
	r = keel_mp_decode(buf, len, &env->doc);
	if (r < 0) {
		keel_error_set(err, KEEL_E_MALFORMED, NULL,
		               r == -ENOMEM ? "out of memory decoding message"
		                            : "malformed msgpack");
		return r == -ENOMEM ? r : -EINVAL;
	}
	if (keel_obj_kind(keel_mp_doc_root(env->doc)) != KEEL_OBJ_MAP) {
		keel_error_set(err, KEEL_E_MALFORMED, NULL,
		               "message is not a map");
		return -EINVAL;
	}
	return 0;
}

/* Reads the id early so that even a refused message can be answered. */
static void
peek_id(const struct keel_obj *root, struct keel_env *env)
{
	const void *p;
	size_t n;

	if (keel_obj_bin(keel_obj_get(root, "id"), &p, &n) &&
	    n == KEEL_ID_LEN) {
		memcpy(env->id, p, KEEL_ID_LEN);
		env->has_id = true;
	}
}

static void
copy_corr(const struct keel_obj *root, struct keel_env *env)
{
	const void *p;
	size_t n;

	if (keel_obj_bin(keel_obj_get(root, "corr"), &p, &n) &&
	    n == KEEL_ID_LEN) {
		memcpy(env->corr, p, KEEL_ID_LEN);
		env->has_corr = true;
	}
}

static int
check_version(const struct keel_obj *root, struct keel_env *env,
              struct keel_error *err)
{
	int64_t v;

	keel_obj_int(keel_obj_get(root, "v"), &v);
	env->v = (int)v;
	if (v != KEEL_WIRE_VERSION) {
		keel_error_set(err, KEEL_E_UNSUPPORTED_VERSION, "v",
		               "format version %lld is not supported (this "
		               "build speaks %d)",
		               (long long)v, KEEL_WIRE_VERSION);
		return -EINVAL;
	}
	return 0;
}

static int
decode(const void *buf, size_t len, size_t max_size, int kind,
       const struct keel_auth *auth, const struct keel_identity *who,
       struct keel_env *env, struct keel_error *err);

/* What a request's envelope must be beyond its types (docs/messages.md,
 * "Limits"): its id a UUIDv7 (version 7, RFC 4122 variant; all zero is
 * not one), its ts within a day of this server's clock. */
static bool
request_sane(const struct keel_env *env, struct keel_error *err)
{
	int64_t now = keel_time_now_ms();

	if (!env->has_id || (env->id[6] >> 4) != 7 ||
	    (env->id[8] & 0xc0) != 0x80)
		return keel_error_set(err, KEEL_E_INVALID_FIELD, "id",
		                      "id: not a UUIDv7 (version 7, variant "
		                      "10)");
	if (env->ts < now - KEEL_WIRE_TS_WINDOW_MS ||
	    env->ts > now + KEEL_WIRE_TS_WINDOW_MS)
		return keel_error_set(err, KEEL_E_INVALID_FIELD, "ts",
		                      "ts: %lld is more than a day from this "
		                      "server's clock (%lld)",
		                      (long long)env->ts, (long long)now);
	return true;
}

int
keel_env_decode(const void *buf, size_t len, size_t max_size,
                struct keel_env *env, struct keel_error *err)
{
	return decode(buf, len, max_size, -1, NULL, NULL, env, err);
}

int
keel_env_decode_request(const void *buf, size_t len, size_t max_size,
                        struct keel_env *env, struct keel_error *err)
{
	return decode(buf, len, max_size, KEEL_MSG_REQUEST, NULL, NULL, env,
	              err);
}

int
keel_env_decode_request_as(const void *buf, size_t len, size_t max_size,
                           const struct keel_auth *auth,
                           const struct keel_identity *who,
                           struct keel_env *env, struct keel_error *err)
{
	return decode(buf, len, max_size, KEEL_MSG_REQUEST, auth, who, env,
	              err);
}

/* kind: the kind the type must be (-1: any), checked before the body. */
static int
decode(const void *buf, size_t len, size_t max_size, int kind,
       const struct keel_auth *auth, const struct keel_identity *who,
       struct keel_env *env, struct keel_error *err)
{
	const struct keel_obj *root;
	int r = open_doc(buf, len, max_size, env, err);

	if (r < 0)
		return r;
	root = keel_mp_doc_root(env->doc);
	peek_id(root, env);
	if (!keel_msg_validate(keel_envelope_fields, root, "", err))
		return -EINVAL;
	if (check_version(root, env, err) < 0)
		return -EINVAL;
	keel_obj_strcpy(keel_obj_get(root, "type"), env->type,
	                sizeof(env->type));
	keel_obj_strcpy(keel_obj_get(root, "src"), env->src, sizeof(env->src));
	keel_obj_int(keel_obj_get(root, "ts"), &env->ts);
	env->has_key = keel_obj_strcpy(keel_obj_get(root, "key"), env->key,
	                               sizeof(env->key));
	keel_obj_strcpy(keel_obj_get(root, "seq"), env->seq, sizeof(env->seq));
	copy_corr(root, env);
	env->auth = keel_obj_get(root, "auth");
	env->body = keel_obj_get(root, "body");
	env->decl = keel_msg_find(env->type);
	if (!env->decl) {
		keel_error_set(err, KEEL_E_UNKNOWN_TYPE, "type",
		               "unknown message type '%s'", env->type);
		return -EINVAL;
	}
	if (kind == KEEL_MSG_REQUEST && !request_sane(env, err))
		return -EINVAL;
	if (kind >= 0 && (int)env->decl->kind != kind) {
		keel_error_set(err, KEEL_E_UNKNOWN_TYPE, "type",
		               "'%s' is an event, not a request: events are "
		               "published by their owner, not sent to it",
		               env->type);
		return -EINVAL;
	}
	/* who may send it, before its body is looked at */
	if (auth && !keel_identity_may_send(who, env->type)) {
		keel_error_set(err, KEEL_E_FORBIDDEN, "type",
		               "identity %s may not send %s",
		               keel_identity_name(who), env->type);
		return -EACCES;
	}
	if (!keel_msg_validate(env->decl->body, env->body, "body", err))
		return -EINVAL;
	return 0;
}

int
keel_env_decode_reply(const void *buf, size_t len, size_t max_size,
                      struct keel_env *env, struct keel_error *err)
{
	const struct keel_obj *root;
	bool ok = false;
	int r = open_doc(buf, len, max_size, env, err);

	if (r < 0)
		return r;
	root = keel_mp_doc_root(env->doc);
	peek_id(root, env);
	if (!keel_msg_validate(keel_reply_fields, root, "", err))
		return -EINVAL;
	if (check_version(root, env, err) < 0)
		return -EINVAL;
	copy_corr(root, env);
	keel_obj_strcpy(keel_obj_get(root, "src"), env->src, sizeof(env->src));
	keel_obj_int(keel_obj_get(root, "ts"), &env->ts);
	keel_obj_bool(keel_obj_get(root, "ok"), &ok);
	env->ok = ok;
	if (ok) {
		env->body = keel_obj_get(root, "body");
		if (!env->body) {
			keel_error_set(err, KEEL_E_MALFORMED, "body",
			               "body: required when ok is true");
			return -EINVAL;
		}
	} else {
		const struct keel_obj *e = keel_obj_get(root, "error");

		if (!e) {
			keel_error_set(err, KEEL_E_MALFORMED, "error",
			               "error: required when ok is false");
			return -EINVAL;
		}
		keel_obj_strcpy(keel_obj_get(e, "code"), env->error.code,
		                sizeof(env->error.code));
		/* Messages are capped at 255 bytes by the declaration. */
		keel_obj_strcpy(keel_obj_get(e, "message"), env->error.message,
		                sizeof(env->error.message));
		keel_obj_strcpy(keel_obj_get(e, "field"), env->error.field,
		                sizeof(env->error.field));
	}
	return 0;
}

void
keel_env_release(struct keel_env *env)
{
	env->doc = keel_mp_doc_free(env->doc);
	env->body = env->auth = NULL;
}

void
keel_env_encode(struct keel_enc *out, const char *type, const char *src,
                const uint8_t *corr, const char *key, const char *seq,
                const void *body, size_t body_len, uint8_t *ret_id)
{
	keel_env_encode_by(out, NULL, type, src, corr, key, seq, body,
	                   body_len, ret_id);
}

void
keel_env_encode_by(struct keel_enc *out, const struct keel_auth_key *signer,
                   const char *type, const char *src, const uint8_t *corr,
                   const char *key, const char *seq, const void *body,
                   size_t body_len, uint8_t *ret_id)
{
	uint8_t id[KEEL_ID_LEN];
	uint32_t n = 6 + (corr != NULL) + (key != NULL) + (seq != NULL) +
	             (signer != NULL);
	int64_t now = keel_time_now_ms();
	size_t start;

	keel_enc_data(out, &start);
	keel_id_new(id);
	keel_enc_map(out, n);
	keel_enc_kv_int(out, "v", KEEL_WIRE_VERSION);
	keel_enc_str(out, "id");
	keel_enc_bin(out, id, KEEL_ID_LEN);
	keel_enc_kv_str(out, "type", type);
	keel_enc_kv_str(out, "src", src);
	keel_enc_kv_int(out, "ts", now);
	if (corr) {
		keel_enc_str(out, "corr");
		keel_enc_bin(out, corr, KEEL_ID_LEN);
	}
	if (key)
		keel_enc_kv_str(out, "key", key);
	if (seq)
		keel_enc_kv_str(out, "seq", seq);
	keel_enc_str(out, "body");
	if (body)
		keel_enc_raw(out, body, body_len);
	else
		keel_enc_raw(out, &empty_map, 1);
	keel_auth_sign_key(signer, out, start, now); /* last: covers the rest */
	if (ret_id)
		memcpy(ret_id, id, KEEL_ID_LEN);
}

void
keel_env_encode_reply(struct keel_enc *out, const uint8_t *corr,
                      const char *src, const void *body, size_t body_len,
                      const struct keel_error *err)
{
	uint8_t id[KEEL_ID_LEN];

	keel_id_new(id);
	keel_enc_map(out, 6 + (corr != NULL));
	keel_enc_kv_int(out, "v", KEEL_WIRE_VERSION);
	keel_enc_str(out, "id");
	keel_enc_bin(out, id, KEEL_ID_LEN);
	if (corr) {
		keel_enc_str(out, "corr");
		keel_enc_bin(out, corr, KEEL_ID_LEN);
	}
	keel_enc_kv_str(out, "src", src);
	keel_enc_kv_int(out, "ts", keel_time_now_ms());
	keel_enc_kv_bool(out, "ok", err == NULL);
	if (!err) {
		keel_enc_str(out, "body");
		if (body)
			keel_enc_raw(out, body, body_len);
		else
			keel_enc_raw(out, &empty_map, 1);
		return;
	}
	keel_enc_str(out, "error");
	keel_enc_map(out, err->field[0] ? 3 : 2);
	keel_enc_kv_str(out, "code", err->code);
	keel_enc_kv_str(out, "message", err->message);
	if (err->field[0])
		keel_enc_kv_str(out, "field", err->field);
}
