/* auth: identities, keys, signing and checking envelopes. */
#include "auth.h"

#include "codec.h"
#include "error.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NAME_MAX_LEN 63
#define SECRET_MIN 16
#define SECRET_MAX 256
#define PATTERNS_MAX 64

struct keel_identity {
	char name[NAME_MAX_LEN + 1];
	char *send, *read; /* the lists, split in place into: */
	char *sends[PATTERNS_MAX], *reads[PATTERNS_MAX];
	size_t nsend, nread;
};

struct keel_auth_key {
	char kid[NAME_MAX_LEN + 1];
	const struct keel_identity *id;
	uint8_t secret[SECRET_MAX];
	size_t len;
};

struct keel_auth {
	struct keel_identity *ids;
	size_t nids, cids;
	struct keel_auth_key *keys;
	size_t nkeys, ckeys;
	const struct keel_auth_key *self;
	int64_t window_ms;
};

void
keel_hmac_sha256(const void *key, size_t key_len, const void *data,
                 size_t len, uint8_t out[KEEL_AUTH_SIG_LEN])
{
	unsigned int n = KEEL_AUTH_SIG_LEN;

	if (!HMAC(EVP_sha256(), key, (int)key_len, data, len, out, &n))
		memset(out, 0, KEEL_AUTH_SIG_LEN); /* never equals a real one */
}

static void
free_identity(struct keel_identity *id)
{
	free(id->send);
	free(id->read);
}

struct keel_auth *
keel_auth_free(struct keel_auth *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < a->nids; i++)
		free_identity(&a->ids[i]);
	if (a->keys)
		OPENSSL_cleanse(a->keys, a->ckeys * sizeof(*a->keys));
	free(a->keys);
	free(a->ids);
	free(a);
	return NULL;
}

static bool
name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > NAME_MAX_LEN)
		return false;
	for (; *s; s++)
		if (!(*s == '-' || *s == '_' || *s == '.' ||
		      (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z')))
			return false;
	return true;
}

/* Splits a comma list in place into pats; "" is an empty list. */
static int
split_patterns(char *list, char **pats, size_t *n)
{
	char *save = NULL;

	*n = 0;
	for (char *t = strtok_r(list, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		size_t len = strlen(t);

		if (*n == PATTERNS_MAX)
			return -1;
		/* "x.*" and "x." both mean the prefix "x." */
		if (len >= 2 && strcmp(t + len - 2, ".*") == 0)
			t[len - 1] = '\0';
		pats[(*n)++] = t;
	}
	return 0;
}

static bool
matches(char *const *pats, size_t n, const char *type)
{
	for (size_t i = 0; i < n; i++) {
		const char *p = pats[i];
		size_t len = strlen(p);

		if (strcmp(p, "*") == 0 || strcmp(p, type) == 0 ||
		    (len > 0 && p[len - 1] == '.' && strncmp(p, type, len) == 0))
			return true;
	}
	return false;
}

bool
keel_identity_may_send(const struct keel_identity *id, const char *type)
{
	/* reading is read='s business: whoever may read some events may
	 * ask for them (events.since answers only those) */
	if (id && id->nread > 0 && strcmp(type, "events.since") == 0)
		return true;
	return id && matches(id->sends, id->nsend, type);
}

bool
keel_identity_may_read(const struct keel_identity *id, const char *type)
{
	return id && matches(id->reads, id->nread, type);
}

const char *
keel_identity_name(const struct keel_identity *id)
{
	return id ? id->name : "";
}

const struct keel_identity *
keel_auth_identity(const struct keel_auth *a, const char *name)
{
	for (size_t i = 0; a && i < a->nids; i++)
		if (strcmp(a->ids[i].name, name) == 0)
			return &a->ids[i];
	return NULL;
}

static const struct keel_auth_key *
find_key(const struct keel_auth *a, const char *kid, size_t n)
{
	for (size_t i = 0; i < a->nkeys; i++)
		if (strlen(a->keys[i].kid) == n &&
		    memcmp(a->keys[i].kid, kid, n) == 0)
			return &a->keys[i];
	return NULL;
}

size_t
keel_auth_identities(const struct keel_auth *a)
{
	return a ? a->nids : 0;
}

size_t
keel_auth_keys(const struct keel_auth *a)
{
	return a ? a->nkeys : 0;
}

int64_t
keel_auth_window_ms(const struct keel_auth *a)
{
	return a ? a->window_ms : KEEL_AUTH_WINDOW_MS_DEFAULT;
}

const struct keel_identity *
keel_auth_self(const struct keel_auth *a)
{
	return a && a->self ? a->self->id : NULL;
}

bool
keel_auth_can_sign(const struct keel_auth *a)
{
	return a && a->self;
}

/* --- the file --- */

struct parse {
	const char *path;
	int line;
	char dir[4096];
	struct keel_error *err;
};

static int
fail(struct parse *p, const char *fmt, const char *what)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, what);
	keel_error_set(p->err, KEEL_E_INVALID_FIELD, "auth.identities",
	               "%.200s:%d: %s", p->path, p->line, msg);
	return -EINVAL;
}

static int
read_secret(struct parse *p, const char *file, struct keel_auth_key *k)
{
	char path[4200];
	struct stat st;
	FILE *f;
	size_t n;

	if (file[0] == '/')
		snprintf(path, sizeof(path), "%s", file);
	else
		snprintf(path, sizeof(path), "%s/%s", p->dir, file);
	if (!(f = fopen(path, "re")) && file[0] != '/') {
		/* systemd's LoadCredential=keys:/etc/keel/secrets/keys names
		 * the files of a directory keys_<file>: keys/a is looked for
		 * as keys_a beside the identities too */
		char *q = path + strlen(p->dir) + 1;

		for (; *q; q++)
			if (*q == '/')
				*q = '_';
		f = fopen(path, "re");
	}
	if (!f)
		return fail(p, "cannot read the secret file %s", file);
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0007)) {
		fclose(f);
		return fail(p,
		            "the secret file %s is readable by everyone "
		            "(chmod o-rwx)",
		            file);
	}
	{
		/* one byte more than a secret and its newline: too long */
		uint8_t buf[SECRET_MAX + 2];

		n = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		if (n > 0 && n <= SECRET_MAX + 1 && buf[n - 1] == '\n')
			n--;
		if (n < SECRET_MIN || n > SECRET_MAX) {
			OPENSSL_cleanse(buf, sizeof(buf));
			return fail(p,
			            "the secret in %s must be 16 to 256 bytes "
			            "(one trailing newline is dropped)",
			            file);
		}
		memcpy(k->secret, buf, n);
		OPENSSL_cleanse(buf, sizeof(buf));
	}
	k->len = n;
	return 0;
}

static int
parse_identity(struct parse *p, struct keel_auth *a, char **tok, int ntok)
{
	struct keel_identity *id;

	if (ntok < 2 || !name_ok(tok[1]))
		return fail(p, "%s: identity NAME [send=...] [read=...], NAME "
		               "of letters, digits, '-', '_' or '.'",
		            "identity");
	if (keel_auth_identity(a, tok[1]))
		return fail(p, "identity %s is declared twice", tok[1]);
	if (a->nids == a->cids) {
		size_t c = a->cids ? 2 * a->cids : 16;
		void *n = realloc(a->ids, c * sizeof(*a->ids));

		if (!n)
			return -ENOMEM;
		a->ids = n;
		a->cids = c;
	}
	id = &a->ids[a->nids++]; /* counted now: freed whatever happens */
	memset(id, 0, sizeof(*id));
	snprintf(id->name, sizeof(id->name), "%s", tok[1]);
	for (int i = 2; i < ntok; i++) {
		bool send = strncmp(tok[i], "send=", 5) == 0;
		bool read = strncmp(tok[i], "read=", 5) == 0;
		char **where = send ? &id->send : &id->read;

		if (!send && !read)
			return fail(p, "'%s': an identity takes send= and "
			               "read= only",
			            tok[i]);
		if (*where)
			return fail(p, "%s given twice", send ? "send=" : "read=");
		if (!(*where = strdup(tok[i] + 5)))
			return -ENOMEM;
	}
	/* a list not given is empty: nothing allowed */
	if ((id->send && split_patterns(id->send, id->sends, &id->nsend) < 0) ||
	    (id->read && split_patterns(id->read, id->reads, &id->nread) < 0))
		return fail(p, "%s: more than 64 patterns", id->name);
	return 0;
}

static int
parse_key(struct parse *p, struct keel_auth *a, char **tok, int ntok)
{
	const struct keel_identity *id;
	struct keel_auth_key *k;
	int r;

	if (ntok != 4 || !name_ok(tok[1]))
		return fail(p, "%s: key KID IDENTITY SECRET-FILE", "key");
	if (find_key(a, tok[1], strlen(tok[1])))
		return fail(p, "key %s is declared twice", tok[1]);
	if (!(id = keel_auth_identity(a, tok[2])))
		return fail(p, "key of identity %s, which is not declared "
		               "above",
		            tok[2]);
	if (a->nkeys == a->ckeys) {
		size_t c = a->ckeys ? 2 * a->ckeys : 16;
		struct keel_auth_key *n = calloc(c, sizeof(*n));

		if (!n)
			return -ENOMEM;
		if (a->keys) {
			memcpy(n, a->keys, a->nkeys * sizeof(*n));
			OPENSSL_cleanse(a->keys, a->ckeys * sizeof(*n));
			free(a->keys);
		}
		a->keys = n;
		a->ckeys = c;
	}
	k = &a->keys[a->nkeys];
	snprintf(k->kid, sizeof(k->kid), "%s", tok[1]);
	if ((r = read_secret(p, tok[3], k)) < 0)
		return r;
	/* identities do not move once keys point at them: every identity
	 * line comes first (checked below) */
	k->id = id;
	a->nkeys++;
	return 0;
}

int
keel_auth_load(const char *path, const char *self, int64_t window_ms,
               struct keel_auth **ret, struct keel_error *err)
{
	struct keel_auth *a = calloc(1, sizeof(*a));
	struct parse p = {.path = path, .err = err};
	char line[4096];
	const char *slash = strrchr(path, '/');
	FILE *f;
	int r = 0;

	*ret = NULL;
	if (!a)
		return -ENOMEM;
	a->window_ms = window_ms > 0 ? window_ms : KEEL_AUTH_WINDOW_MS_DEFAULT;
	if (slash)
		snprintf(p.dir, sizeof(p.dir), "%.*s", (int)(slash - path),
		         path);
	else
		snprintf(p.dir, sizeof(p.dir), ".");
	if (!(f = fopen(path, "re"))) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, "auth.identities",
		               "cannot read the identities file %.200s: %s",
		               path, strerror(errno));
		keel_auth_free(a);
		return -ENOENT;
	}
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char *tok[8], *save = NULL, *hash = strchr(line, '#');
		int ntok = 0;

		p.line++;
		if (hash)
			*hash = '\0';
		for (char *t = strtok_r(line, " \t\r\n", &save); t && ntok < 8;
		     t = strtok_r(NULL, " \t\r\n", &save))
			tok[ntok++] = t;
		if (ntok == 0)
			continue;
		if (strcmp(tok[0], "identity") == 0) {
			if (a->nkeys > 0)
				r = fail(&p, "%s lines come before key lines",
				         "identity");
			else
				r = parse_identity(&p, a, tok, ntok);
		} else if (strcmp(tok[0], "key") == 0)
			r = parse_key(&p, a, tok, ntok);
		else
			r = fail(&p, "'%s': a line is 'identity ...' or "
			             "'key ...'",
			         tok[0]);
	}
	fclose(f);
	if (r == -ENOMEM)
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
	if (r < 0) {
		keel_auth_free(a);
		return r;
	}
	if (self && *self) {
		a->self = find_key(a, self, strlen(self));
		/* an identity signs with its newest key: the last listed */
		for (size_t i = a->nkeys; !a->self && i-- > 0;)
			if (strcmp(a->keys[i].id->name, self) == 0)
				a->self = &a->keys[i];
	}
	*ret = a;
	return 0;
}

/* --- signing and checking --- */

const struct keel_auth_key *
keel_auth_self_key(const struct keel_auth *a)
{
	return a ? a->self : NULL;
}

const struct keel_auth_key *
keel_auth_key(const struct keel_auth *a, const char *kid)
{
	return a ? find_key(a, kid, strlen(kid)) : NULL;
}

bool
keel_auth_key_secret_is(const struct keel_auth_key *k, const void *secret,
                        size_t n)
{
	uint8_t a[KEEL_AUTH_SIG_LEN], b[KEEL_AUTH_SIG_LEN];

	/* the MACs of both under a fixed key: equal length, compared in
	 * constant time whatever n is */
	keel_hmac_sha256("keel-compare", 12, secret, n, a);
	keel_hmac_sha256("keel-compare", 12, k->secret, k->len, b);
	return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

void
keel_auth_key_hmac(const struct keel_auth_key *k, const void *data,
                   size_t len, uint8_t out[KEEL_AUTH_SIG_LEN])
{
	keel_hmac_sha256(k->secret, k->len, data, len, out);
}

void
keel_auth_sign_key(const struct keel_auth_key *k, struct keel_enc *out,
                   size_t start, int64_t ts_ms)
{
	uint8_t mac[KEEL_AUTH_SIG_LEN];
	const uint8_t *data;
	size_t len;

	if (!k)
		return;
	keel_enc_str(out, "auth");
	keel_enc_map(out, 3);
	keel_enc_kv_str(out, "kid", k->kid);
	keel_enc_kv_int(out, "ts", ts_ms);
	keel_enc_str(out, "sig");
	/* bin 8 header, then the MAC of everything up to here */
	keel_enc_raw(out, (const uint8_t[]){0xc4, KEEL_AUTH_SIG_LEN}, 2);
	data = keel_enc_data(out, &len);
	if (keel_enc_error(out) || len < start)
		return;
	keel_hmac_sha256(k->secret, k->len, (const uint8_t *)data + start,
	                 len - start, mac);
	keel_enc_raw(out, mac, sizeof(mac));
}

static int
refuse(struct keel_error *err, const char *why)
{
	keel_error_set(err, KEEL_E_UNAUTHORIZED, "auth", "%s", why);
	return -EACCES;
}

/* Reads a msgpack string key at buf[*pos], advancing past it. */
static bool
key_is(const uint8_t *b, size_t len, size_t *pos, const char *want)
{
	size_t n = strlen(want), end = keel_mp_skip(b, len, *pos);

	if (!end)
		return false;
	/* fixstr only: every key Keel writes is shorter than 32 bytes */
	if (b[*pos] != (0xa0 | n) || end - *pos != n + 1 ||
	    memcmp(b + *pos + 1, want, n) != 0) {
		*pos = end;
		return false;
	}
	*pos = end;
	return true;
}

int
keel_auth_verify(const struct keel_auth *a, const void *buf, size_t len,
                 int64_t now_ms, const struct keel_identity **ret_id,
                 struct keel_error *err)
{
	const uint8_t *b = buf;
	size_t pos = 1, entries, auth_at = 0;
	struct keel_mp_doc *doc = NULL;
	const struct keel_obj *am;
	const struct keel_auth_key *k;
	const char *kid = NULL;
	const void *sig = NULL;
	size_t kidn = 0, sign = 0;
	int64_t ts = 0;
	uint8_t mac[KEEL_AUTH_SIG_LEN];
	int r;

	*ret_id = NULL;
	if (keel_mp_check(buf, len, KEEL_MP_MAX_DEPTH, NULL) < 0)
		return refuse(err, "unsigned: malformed msgpack");
	if (len < 1 + 2 + KEEL_AUTH_SIG_LEN)
		return refuse(err, "unsigned: no auth block");
	if (b[0] >= 0x80 && b[0] <= 0x8f)
		entries = b[0] & 0x0f;
	else if (b[0] == 0xde && len >= 3) {
		entries = (size_t)b[1] << 8 | b[2];
		pos = 3;
	} else
		return refuse(err, "unsigned: the message is not a map");
	/* the last entry's key must be "auth" */
	for (size_t i = 0; i < entries; i++) {
		size_t key_at = pos;

		if (key_is(b, len, &pos, "auth") && i + 1 == entries)
			auth_at = key_at;
		if (!(pos = keel_mp_skip(b, len, pos)))
			return refuse(err, "unsigned: malformed envelope");
	}
	if (!auth_at || pos != len)
		return refuse(err, "unsigned: the envelope's last entry is not "
		                   "auth");
	/* ... and sig, 32 bytes, the last thing in the message */
	if (b[len - KEEL_AUTH_SIG_LEN - 2] != 0xc4 ||
	    b[len - KEEL_AUTH_SIG_LEN - 1] != KEEL_AUTH_SIG_LEN)
		return refuse(err, "unsigned: auth.sig is not 32 bytes at the "
		                   "end of the envelope");
	auth_at += 5; /* past the key "auth" */
	if (keel_mp_decode(b + auth_at, len - auth_at, &doc) < 0)
		return refuse(err, "unsigned: malformed auth block");
	am = keel_mp_doc_root(doc);
	r = keel_obj_kind(am) == KEEL_OBJ_MAP && keel_obj_len(am) == 3 &&
	    keel_obj_streq(keel_obj_key_at(am, 2), "sig") &&
	    keel_obj_str(keel_obj_get(am, "kid"), &kid, &kidn) &&
	    keel_obj_int(keel_obj_get(am, "ts"), &ts) &&
	    keel_obj_bin(keel_obj_get(am, "sig"), &sig, &sign) &&
	    sign == KEEL_AUTH_SIG_LEN;
	if (!r) {
		keel_mp_doc_free(doc);
		return refuse(err, "unsigned: auth is not {kid, ts, sig}");
	}
	if (!(k = find_key(a, kid, kidn))) {
		char name[NAME_MAX_LEN + 1];

		snprintf(name, sizeof(name), "%.*s",
		         (int)(kidn > NAME_MAX_LEN ? NAME_MAX_LEN : kidn), kid);
		keel_mp_doc_free(doc);
		keel_error_set(err, KEEL_E_UNAUTHORIZED, "auth.kid",
		               "unknown key id '%s'", name);
		return -EACCES;
	}
	keel_mp_doc_free(doc);
	if (ts < now_ms - a->window_ms || ts > now_ms + a->window_ms) {
		keel_error_set(err, KEEL_E_UNAUTHORIZED, "auth.ts",
		               "expired: signed at %lld, %lld ms from this "
		               "server's clock (the window is %lld ms)",
		               (long long)ts, (long long)(now_ms - ts),
		               (long long)a->window_ms);
		return -EACCES;
	}
	keel_hmac_sha256(k->secret, k->len, b, len - KEEL_AUTH_SIG_LEN, mac);
	if (CRYPTO_memcmp(mac, b + len - KEEL_AUTH_SIG_LEN, sizeof(mac)) != 0) {
		keel_error_set(err, KEEL_E_UNAUTHORIZED, "auth.sig",
		               "bad signature for key '%s'", k->kid);
		return -EACCES;
	}
	*ret_id = k->id;
	return 0;
}
