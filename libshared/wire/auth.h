/*
 * auth: who sent an envelope, and whether it may (DESIGN.md "Security",
 * docs/security.md).  Identities and their keys come from one file
 * (auth.identities, a credential):
 *
 *   identity monitoring send=request.submit,customer.put read=ticket.*
 *   key      mon-2026a  monitoring  keys/mon-2026a
 *   key      mon-2026b  monitoring  keys/mon-2026b   # rotation: both valid
 *
 * A key line names a file holding the secret (16 to 256 bytes, one
 * trailing newline dropped; a relative path is read beside the identities
 * file, so under LoadCredential= both come from $CREDENTIALS_DIRECTORY,
 * where the files of a directory credential are named keys_<file>: keys/a
 * is also looked for as keys_a).
 * The secret never appears in the file itself, on a command line or in a
 * log.  Patterns: "*" (everything), "ticket.*" (a prefix), or a type.
 *
 * A signed envelope ends with auth = {kid, ts, sig}: the envelope's last
 * entry, sig its last member, 32 bytes of HMAC-SHA256 under the key's
 * secret over every byte of the message before sig's value.  So the
 * signature covers the whole envelope, the key id and the timestamp, and a
 * server checks it before decoding the body.
 */
#ifndef KEEL_AUTH_H
#define KEEL_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_enc;
struct keel_error;

/* A key's signing time may differ from the server's clock by this much
 * (auth.window_ms); a message id is remembered twice as long. */
#define KEEL_AUTH_WINDOW_MS_DEFAULT 300000
#define KEEL_AUTH_SIG_LEN 32

struct keel_auth;
struct keel_identity;

/*
 * Reads the identities file at path.  self names the key this process
 * signs with: a key id, or an identity whose newest (last listed) key is
 * used; NULL or ""
 * or not in the file: this process sends unsigned.  Returns 0 and *ret
 * (free with keel_auth_free), or -EINVAL/-ENOENT/-ENOMEM with err naming
 * the file, the line and what is wrong.
 */
int keel_auth_load(const char *path, const char *self, int64_t window_ms,
                   struct keel_auth **ret, struct keel_error *err);
struct keel_auth *keel_auth_free(struct keel_auth *a);

size_t keel_auth_identities(const struct keel_auth *a);
size_t keel_auth_keys(const struct keel_auth *a);
int64_t keel_auth_window_ms(const struct keel_auth *a);
/* The identity this process signs as, or NULL. */
const struct keel_identity *keel_auth_self(const struct keel_auth *a);
/* The identity with this name, or NULL. */
const struct keel_identity *keel_auth_identity(const struct keel_auth *a,
                                               const char *name);

const char *keel_identity_name(const struct keel_identity *id);
/* Whether the identity may request or publish type (its send= list);
 * events.since is allowed to every identity with a read= list. */
bool keel_identity_may_send(const struct keel_identity *id, const char *type);
/* Whether it may read events of type (events.since, the gateway's feed). */
bool keel_identity_may_read(const struct keel_identity *id, const char *type);
/* Whether this process has a key to sign with. */
bool keel_auth_can_sign(const struct keel_auth *a);

/* One key of the file: to sign as another identity (keel-gateway signs
 * each request as its caller) and to check a caller's secret. */
struct keel_auth_key;
const struct keel_auth_key *keel_auth_self_key(const struct keel_auth *a);
/* The key with this id, or NULL. */
const struct keel_auth_key *keel_auth_key(const struct keel_auth *a,
                                          const char *kid);
/* Whether secret (n bytes) is the key's, compared in constant time. */
bool keel_auth_key_secret_is(const struct keel_auth_key *k, const void *secret,
                             size_t n);
/* HMAC-SHA256 of data under the key's secret. */
void keel_auth_key_hmac(const struct keel_auth_key *k, const void *data,
                        size_t len, uint8_t out[KEEL_AUTH_SIG_LEN]);
/*
 * Ends an envelope whose map header (written at out's offset start)
 * counted one entry more than was written: appends auth = {kid, ts, sig}
 * signed with k.  With k NULL, appends nothing: the caller counts the
 * entry only when it has a key.
 */
void keel_auth_sign_key(const struct keel_auth_key *k, struct keel_enc *out,
                        size_t start, int64_t ts_ms);

/*
 * Checks the signature of buf (a whole message that passed keel_mp_check)
 * before anything in it is decoded: an auth entry last, a known key, a
 * timestamp within the window of now_ms, the HMAC (compared in constant
 * time).  Returns 0 with *ret_id set, or -EACCES with err (unauthorized)
 * saying which of these failed; the message never names the secret.
 */
int keel_auth_verify(const struct keel_auth *a, const void *buf, size_t len,
                     int64_t now_ms, const struct keel_identity **ret_id,
                     struct keel_error *err);

/* HMAC-SHA256 of data under key (OpenSSL). */
void keel_hmac_sha256(const void *key, size_t key_len, const void *data,
                      size_t len, uint8_t out[KEEL_AUTH_SIG_LEN]);

#endif
