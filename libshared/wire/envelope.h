/*
 * envelope: Keel's wire format (DESIGN.md "Wire").  A request or event is
 * one msgpack map {v, id, type, src, ts, corr?, key?, auth?, seq?, body};
 * a reply is {v, id, corr, src, ts, ok, body | error}.  Decoding checks,
 * in this order and before anything is allocated per field: the size cap,
 * the non-allocating walk, the envelope fields, the version, the type
 * (declared in msgs.c) and the body against its declaration.
 */
#ifndef KEEL_ENVELOPE_H
#define KEEL_ENVELOPE_H

#include "error.h"
#include "ids.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEEL_WIRE_VERSION 1

struct keel_obj;
struct keel_enc;
struct keel_mp_doc;
struct keel_msgdecl;

struct keel_env {
	int v;
	bool has_id;
	uint8_t id[KEEL_ID_LEN];
	bool has_corr;
	uint8_t corr[KEEL_ID_LEN];
	char type[65];
	char src[129];
	int64_t ts;
	bool has_key;
	char key[129];
	char seq[42];
	/* replies */
	bool ok;
	struct keel_error error;
	/* borrowed from doc, valid until keel_env_release */
	const struct keel_obj *auth;
	const struct keel_obj *body;
	const struct keel_msgdecl *decl;
	struct keel_mp_doc *doc;
};

/*
 * Decodes a request or an event envelope of at most max_size bytes into
 * env (which the caller releases with keel_env_release whatever this
 * returns).  Returns 0, or -EINVAL with err set; env->has_id tells whether
 * the id could be read, so that a refusal can still name the request.
 */
int keel_env_decode(const void *buf, size_t len, size_t max_size,
                    struct keel_env *env, struct keel_error *err);
/* A request's ts may differ from the server's clock by this much. */
#define KEEL_WIRE_TS_WINDOW_MS (24LL * 3600 * 1000)

/* The same for a request served here: an event type is refused as
 * unknown_type before its body is looked at, and so are an id that is not
 * a UUIDv7 and a ts more than KEEL_WIRE_TS_WINDOW_MS from now. */
int keel_env_decode_request(const void *buf, size_t len, size_t max_size,
                            struct keel_env *env, struct keel_error *err);
/* The same with auth on (auth.h): after the type is known and before the
 * body is validated, a type who may not send is refused with forbidden
 * and -EACCES.  who comes from keel_auth_verify, which ran first. */
struct keel_auth;
struct keel_identity;
int keel_env_decode_request_as(const void *buf, size_t len, size_t max_size,
                               const struct keel_auth *auth,
                               const struct keel_identity *who,
                               struct keel_env *env, struct keel_error *err);
/* Decodes a reply.  env->ok and env->error or env->body are set. */
int keel_env_decode_reply(const void *buf, size_t len, size_t max_size,
                          struct keel_env *env, struct keel_error *err);
void keel_env_release(struct keel_env *env);

/*
 * Appends a request or event envelope to out with a new id (copied to
 * ret_id when not NULL).  body is one encoded msgpack map (NULL = empty
 * map).  corr, key and seq may be NULL.
 */
void keel_env_encode(struct keel_enc *out, const char *type, const char *src,
                     const uint8_t *corr, const char *key, const char *seq,
                     const void *body, size_t body_len, uint8_t *ret_id);
/* The same, signed with signer (auth.h; NULL: unsigned). */
struct keel_auth_key;
void keel_env_encode_by(struct keel_enc *out,
                        const struct keel_auth_key *signer, const char *type,
                        const char *src, const uint8_t *corr, const char *key,
                        const char *seq, const void *body, size_t body_len,
                        uint8_t *ret_id);
/* Appends a reply; body NULL = empty map.  err NULL = ok. */
void keel_env_encode_reply(struct keel_enc *out, const uint8_t *corr,
                           const char *src, const void *body, size_t body_len,
                           const struct keel_error *err);

#endif
