/*
 * t_auth: identities, signed envelopes and their refusals (docs/
 * security.md).  First the identities file and the signature on their own,
 * then the seven daemons as real processes with a real Redis, each
 * refusal on the wire with its code: unsigned, badly signed, unknown key,
 * expired, replayed (a captured request sent again), and every request
 * type sent by an identity that may not send it.  Also: both keys of a
 * rotation accepted, the retired one refused after a restart; events.since
 * limited to what an identity may read; the counters in sys.stats and
 * keelctl; the refusals' log lines rate-limited and free of secrets; a
 * daemon listening beyond loopback without identities refuses to start.
 */
#include "auth.h"
#include "bus.h"
#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "harness.h"
#include "ids.h"
#include "ktime.h"
#include "msg.h"
#include "tap.h"

#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>
#include <nng/protocol/reqrep0/req.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const svcs[] = {"intake",  "pricing", "scheduling",
                                   "ticketing", "change", "billing",
                                   "notify"};
#define NSVC (sizeof(svcs) / sizeof(svcs[0]))

/* Distinctive secrets, so that a log line holding one is found. */
#define SECRET(n) "s3cret-" n "-0123456789abcdef"

static void
secret_file(const char *name, const char *secret, int mode)
{
	char rel[128];
	const char *path;

	snprintf(rel, sizeof(rel), "%s/keys", harness_tmpdir());
	mkdir(rel, 0700);
	snprintf(rel, sizeof(rel), "keys/%s", name);
	path = harness_write(rel, secret);
	chmod(path, (mode_t)mode);
}

/* Writes an identities file; its path stays valid for 32 more calls. */
static const char *
identities(const char *name, const char *text)
{
	static char paths[32][600];
	static int next;
	char *path = paths[next++ % 32];

	snprintf(path, sizeof(paths[0]), "%s", harness_write(name, text));
	return path;
}

static struct keel_auth *
load(const char *path, const char *self)
{
	struct keel_auth *a = NULL;
	struct keel_error err;

	if (keel_auth_load(path, self, 0, &a, &err) < 0) {
		diag("%s", err.message);
		return NULL;
	}
	return a;
}

static const char *
load_error(const char *text)
{
	static struct keel_error err;
	struct keel_auth *a = NULL;

	keel_error_clear(&err);
	if (keel_auth_load(identities("bad.identities", text), NULL, 0, &a,
	                   &err) == 0) {
		keel_auth_free(a);
		return "(loaded)";
	}
	return err.message;
}

/* An envelope of type signed by a with ts (both the envelope's and the
 * signature's), into e. */
static void
signed_env(struct keel_enc *e, const struct keel_auth *a, const char *type,
           const char *key, const void *body, size_t blen, int64_t ts)
{
	uint8_t id[KEEL_ID_LEN];

	keel_id_new(id);
	keel_enc_reset(e);
	keel_enc_map(e, 6 + (key != NULL) + keel_auth_can_sign(a));
	keel_enc_kv_int(e, "v", KEEL_WIRE_VERSION);
	keel_enc_str(e, "id");
	keel_enc_bin(e, id, KEEL_ID_LEN);
	keel_enc_kv_str(e, "type", type);
	keel_enc_kv_str(e, "src", "t_auth");
	keel_enc_kv_int(e, "ts", ts);
	if (key)
		keel_enc_kv_str(e, "key", key);
	keel_enc_str(e, "body");
	if (body)
		keel_enc_raw(e, body, blen);
	else
		keel_enc_map(e, 0);
	keel_auth_sign_key(keel_auth_self_key(a), e, 0, ts);
}

/* request.submit of a monitoring alert over its threshold */
static void
alert_request(struct keel_enc *body, const char *symptoms)
{
	struct keel_enc *alert = keel_enc_new();
	const void *p;
	size_t n;

	harness_body(alert, "metric", 's', "cpu_pct", "value", 'i', 95LL,
	             "minutes", 'i', 10LL, NULL);
	p = keel_enc_data(alert, &n);
	harness_body(body, "customer", 's', "C-AUTH", "contact", 's',
	             "nagios", "channel", 's', "monitoring", "symptoms", 's',
	             symptoms, "alert", 'r', p, n, NULL);
	keel_enc_free(alert);
}

static void
unit_tests(void)
{
	const char *path;
	struct keel_auth *a, *b;
	const struct keel_identity *who = NULL;
	struct keel_enc *e = keel_enc_new();
	struct keel_error err;
	const void *p;
	size_t n;
	uint8_t *copy;
	int64_t now = keel_time_now_ms();

	secret_file("u-a", SECRET("ua") "\n", 0600);
	secret_file("u-b", SECRET("ub"), 0600);
	secret_file("u-open", SECRET("open"), 0644);
	secret_file("u-short", "short", 0600);
	{
		char longs[302];

		memset(longs, 'x', 300);
		longs[300] = '\n';
		longs[301] = '\0';
		secret_file("u-long", longs, 0600);
		longs[256] = '\n';
		longs[257] = '\0';
		secret_file("u-256", longs, 0600);
	}
	path = identities("unit.identities",
	                  "# comment\n"
	                  "identity mon send=request.submit,ticket.* "
	                  "read=ticket.\n"
	                  "identity ops send=* read=*\n"
	                  "key u-a mon keys/u-a   # the old key\n"
	                  "key u-b mon keys/u-b\n");
	a = load(path, "u-a");
	ok(a && keel_auth_identities(a) == 2 && keel_auth_keys(a) == 2,
	   "an identities file with two identities and two keys loads");
	if (!a)
		bail_out("cannot go on without identities");
	ok(keel_auth_can_sign(a) &&
	       strcmp(keel_identity_name(keel_auth_self(a)), "mon") == 0,
	   "self by key id: signs as mon");
	b = load(path, "mon");
	ok(b && keel_auth_can_sign(b), "self by identity: its newest key");
	keel_enc_reset(e);
	keel_env_encode_by(e, keel_auth_self_key(b), "sys.health", "t", NULL, NULL, NULL, NULL,
	                       0, NULL);
	p = keel_enc_data(e, &n);
	ok(memmem(p, n, "u-b", 3) != NULL,
	   "... the last listed (u-b), the one a rotation added");
	keel_auth_free(b);
	b = load(path, "nobody");
	ok(b && !keel_auth_can_sign(b), "self not in the file: unsigned");
	keel_auth_free(b);

	{
		const struct keel_identity *mon = keel_auth_identity(a, "mon");

		ok(keel_identity_may_send(mon, "request.submit") &&
		       keel_identity_may_send(mon, "ticket.create") &&
		       !keel_identity_may_send(mon, "customer.put") &&
		       !keel_identity_may_send(mon, "request.submitx") &&
		       !keel_identity_may_send(mon, "ticketx"),
		   "send patterns: a type, a prefix (ticket.*), nothing else");
		ok(keel_identity_may_read(mon, "ticket.created") &&
		       !keel_identity_may_read(mon, "request.received"),
		   "read patterns");
		ok(keel_identity_may_send(keel_auth_identity(a, "ops"),
		                          "price_book.put"),
		   "* allows everything");
	}

	has_str(load_error("key k1 mon keys/u-a\n"), "not declared above",
	        "a key of an undeclared identity is refused");
	has_str(load_error("identity m\nkey k keys/u-a\n"), ":2:",
	        "errors name the line");
	has_str(load_error("identity m\nkey k m keys/u-open\n"),
	        "readable by everyone",
	        "a secret file others can read is refused");
	has_str(load_error("identity m\nkey k m keys/u-short\n"),
	        "16 to 256 bytes", "a short secret is refused");
	has_str(load_error("identity m\nkey k m keys/u-long\n"),
	        "16 to 256 bytes", "a 300-byte secret is refused");
	is_str(load_error("identity m\nkey k m keys/u-256\n"), "(loaded)",
	       "a 256-byte secret with its newline is taken");
	has_str(load_error("identity m send=a send=b\n"), "given twice",
	        "send= twice");
	has_str(load_error("identity m\nkey k m keys/none\n"),
	        "cannot read the secret file", "a missing secret file");
	has_str(load_error("identity m\nidentity m\n"), "declared twice",
	        "an identity declared twice");
	has_str(load_error("identity m bogus=1\n"), "send= and read=",
	        "an unknown identity option");
	has_str(load_error("user m\n"), "'user'", "an unknown line");
	has_str(load_error("identity m\nkey k m keys/u-a\nidentity n\n"),
	        "before key lines", "identity lines come first");
	{
		const char *m =
		    load_error("identity m\nkey k m keys/u-open\n");

		ok(!strstr(m, SECRET("open")), "no secret in an error");
	}

	/* sign and verify */
	keel_enc_reset(e);
	keel_env_encode_by(e, keel_auth_self_key(a), "sys.health", "t", NULL, "k1", NULL,
	                       NULL, 0, NULL);
	p = keel_enc_data(e, &n);
	is_int(keel_auth_verify(a, p, n, now, &who, &err), 0,
	       "a signed envelope verifies");
	ok(who && strcmp(keel_identity_name(who), "mon") == 0,
	   "... as its identity");
	{
		struct keel_env env;

		ok(keel_env_decode_request(p, n, 65536, &env, &err) == 0,
		   "a signed envelope is still a valid envelope: %s",
		   err.message);
		keel_env_release(&env);
	}
	copy = malloc(n);
	for (size_t i = 0; i < n; i += 7) {
		memcpy(copy, p, n);
		copy[i] ^= 0x01;
		if (keel_auth_verify(a, copy, n, now, &who, &err) == 0) {
			ok(false, "a flipped bit at %zu verifies", i);
			break;
		}
		if (i + 7 >= n)
			ok(true, "a flipped bit anywhere (every 7th byte of "
			         "%zu) is refused",
			   n);
	}
	memcpy(copy, p, n);
	copy[n - 1] ^= 0x80;
	keel_auth_verify(a, copy, n, now, &who, &err);
	is_str(err.code, KEEL_E_UNAUTHORIZED, "a bad signature: unauthorized");
	has_str(err.message, "bad signature for key 'u-a'",
	        "... naming the key");
	free(copy);
	keel_auth_verify(a, p, n, now + 301000, &who, &err);
	has_str(err.message, "expired", "signed 301 s ago: expired");
	is_int(keel_auth_verify(a, p, n, now - 299000, &who, &err), 0,
	       "signed 299 s ahead of this clock: within the window");

	keel_env_encode(e, "request.submit", "t", NULL, NULL, NULL, NULL, 0,
	                NULL);
	keel_enc_reset(e);
	keel_env_encode(e, "request.submit", "t", NULL, NULL, NULL, NULL, 0,
	                NULL);
	p = keel_enc_data(e, &n);
	keel_auth_verify(a, p, n, now, &who, &err);
	has_str(err.message, "unsigned", "an unsigned envelope: unsigned");

	b = load(path, "u-b");
	keel_enc_reset(e);
	keel_env_encode_by(e, keel_auth_self_key(b), "request.submit", "t", NULL, "k1", NULL,
	                       NULL, 0, NULL);
	p = keel_enc_data(e, &n);
	is_int(keel_auth_verify(a, p, n, now, &who, &err), 0,
	       "rotation: the second key of the identity verifies too");
	keel_auth_free(b);

	/* a key id that is not known, and the same key id with another
	 * secret (a forged key) */
	secret_file("u-forged", SECRET("forged"), 0600);
	b = load(identities("forged.identities",
	                    "identity mon send=*\nkey u-a mon keys/u-forged\n"
	                    "key u-x mon keys/u-forged\n"),
	         "u-x");
	keel_enc_reset(e);
	keel_env_encode_by(e, keel_auth_self_key(b), "request.submit", "t", NULL, "k1", NULL,
	                       NULL, 0, NULL);
	p = keel_enc_data(e, &n);
	keel_auth_verify(a, p, n, now, &who, &err);
	has_str(err.message, "unknown key id 'u-x'", "an unknown key id");
	keel_auth_free(b);
	b = load(identities("forged.identities",
	                    "identity mon send=*\nkey u-a mon keys/u-forged\n"),
	         "u-a");
	keel_enc_reset(e);
	keel_env_encode_by(e, keel_auth_self_key(b), "request.submit", "t", NULL, "k1", NULL,
	                       NULL, 0, NULL);
	p = keel_enc_data(e, &n);
	keel_auth_verify(a, p, n, now, &who, &err);
	has_str(err.message, "bad signature",
	        "a known key id with another secret: bad signature");
	keel_auth_free(b);

	/* auth not last: an entry after it is not covered */
	keel_enc_reset(e);
	signed_env(e, a, "request.submit", NULL, NULL, 0, now);
	{
		const uint8_t *q = keel_enc_data(e, &n);
		struct keel_enc *f = keel_enc_new();
		const void *fp;
		size_t fn;

		/* the same map with one more entry at the end */
		keel_enc_raw(f, (const uint8_t[]){(uint8_t)(q[0] + 1)}, 1);
		keel_enc_raw(f, q + 1, n - 1);
		keel_enc_kv_str(f, "key", "smuggled");
		fp = keel_enc_data(f, &fn);
		keel_auth_verify(a, fp, fn, now, &who, &err);
		has_str(err.message, "last entry is not auth",
		        "an entry after auth is refused");
		keel_enc_free(f);
	}
	keel_auth_verify(a, "\x81\xa1v\x01", 4, now, &who, &err);
	is_str(err.code, KEEL_E_UNAUTHORIZED, "a tiny map: unauthorized");
	keel_auth_verify(a, "\xdf\xff\xff\xff\xff", 5, now, &who, &err);
	has_str(err.message, "malformed", "a lying map header: malformed");
	keel_auth_free(a);
	keel_enc_free(e);
}

/* --- on the wire --- */

static struct keel_client *
client_as(const struct keel_auth *a, const char *svc)
{
	harness_sign_as(a);
	{
		char sock[64];
		struct keel_client *c;

		snprintf(sock, sizeof(sock), "%s.rep", svc);
		c = harness_client(svc, sock, 5000);
		harness_sign_as(NULL);
		return c;
	}
}

/* Sends raw bytes to svc and decodes the reply into rep. */
static bool
raw_call(const char *svc, const void *buf, size_t len, struct keel_env *rep)
{
	char url[400];
	nng_socket s;
	nng_msg *m = NULL;
	struct keel_error err;
	bool got = false;

	keel_env_release(rep);
	snprintf(url, sizeof(url), "ipc://%s/%s.rep", harness_tmpdir(), svc);
	if (nng_req0_open(&s) != 0)
		return false;
	nng_socket_set_ms(s, NNG_OPT_RECVTIMEO, 5000);
	nng_socket_set_ms(s, NNG_OPT_REQ_RESENDTIME, NNG_DURATION_INFINITE);
	if (nng_dial(s, url, NULL, 0) == 0 && nng_msg_alloc(&m, len) == 0) {
		memcpy(nng_msg_body(m), buf, len);
		if (nng_sendmsg(s, m, 0) != 0)
			nng_msg_free(m);
		else if (nng_recvmsg(s, &m, 0) == 0) {
			got = keel_env_decode_reply(nng_msg_body(m),
			                            nng_msg_len(m), 1 << 20,
			                            rep, &err) == 0;
			nng_msg_free(m);
		}
	}
	nng_close(s);
	return got;
}

static const char *
code_of(const struct keel_env *rep)
{
	return rep->ok ? "ok" : rep->error.code;
}

static int64_t
stat_of(struct keel_client *c, const char *name)
{
	struct keel_env rep;
	struct keel_enc *e = keel_enc_new();
	int64_t v = -1;

	memset(&rep, 0, sizeof(rep));
	keel_enc_map(e, 0);
	if (harness_call(c, "sys.stats", e, &rep))
		keel_obj_int(keel_obj_get(rep.body, name), &v);
	keel_env_release(&rep);
	keel_enc_free(e);
	return v;
}

static int
count_lines(const char *path, const char *what)
{
	char *s = harness_slurp(path), *p = s;
	int n = 0;

	while (p && (p = strstr(p, what))) {
		n++;
		p += strlen(what);
	}
	free(s);
	return n;
}

static void
every_request_forbidden(struct keel_client **nobody)
{
	struct keel_enc *e = keel_enc_new();
	struct keel_env rep;
	int tried = 0, refused = 0;

	memset(&rep, 0, sizeof(rep));
	for (size_t i = 0; i < keel_msgs_count; i++) {
		const struct keel_msgdecl *d = &keel_msgs[i];
		size_t s = 0;

		if (d->kind != KEEL_MSG_REQUEST ||
		    strcmp(d->type, "sys.health") == 0)
			continue;
		for (; s < NSVC && strcmp(svcs[s], d->owner) != 0; s++)
			;
		if (s == NSVC)
			s = 0; /* "*": sys.*, asked of intake */
		keel_enc_reset(e);
		harness_fill(e, d->body);
		harness_call(nobody[s], d->type, e, &rep);
		tried++;
		if (!rep.ok && strcmp(rep.error.code, KEEL_E_FORBIDDEN) == 0)
			refused++;
		else
			diag("%s to %s: %s %s", d->type, svcs[s], code_of(&rep),
			     rep.ok ? "" : rep.error.message);
	}
	ok(tried > 60 && refused == tried,
	   "every request type (%d) sent by an identity without it: "
	   "forbidden (%d)",
	   tried, refused);
	keel_enc_reset(e);
	harness_fill(e, keel_msg_find("sys.health")->body);
	harness_call(nobody[0], "sys.health", e, &rep);
	ok(rep.ok, "... and the one type it has (sys.health) is served");
	keel_env_release(&rep);
	keel_enc_free(e);
}

/* Publishes "<type>\0<envelope>" on pub. */
static void
publish(nng_socket pub, const char *type, const void *env, size_t len)
{
	nng_msg *m;

	if (nng_msg_alloc(&m, strlen(type) + 1 + len) != 0)
		return;
	memcpy(nng_msg_body(m), type, strlen(type) + 1);
	memcpy((char *)nng_msg_body(m) + strlen(type) + 1, env, len);
	if (nng_sendmsg(pub, m, 0) != 0)
		nng_msg_free(m);
}

/* intake.ingest: an outside system that only publishes.  Its signed
 * request.submit becomes a request (the first publications may go before
 * the subscription is made: published again with the same idempotency key
 * until it is served); an unsigned one, one it may not send, and a replay
 * are refused and counted as on the request path. */
static void
ingest_tests(struct keel_client *ops_cli, const struct keel_auth *mon,
             const struct keel_auth *ops)
{
	char url[400];
	nng_socket pub;
	struct keel_enc *e = keel_enc_new(), *body = keel_enc_new();
	const void *p, *b;
	size_t n, bn;
	int64_t unauth0, forb0;
	bool served = false;

	snprintf(url, sizeof(url), "ipc://%s/outside.pub", harness_tmpdir());
	if (nng_pub0_open(&pub) != 0 || nng_listen(pub, url, NULL, 0) != 0)
		bail_out("cannot listen as an outside publisher");
	unauth0 = stat_of(ops_cli, "unauthorized");
	forb0 = stat_of(ops_cli, "forbidden");
	alert_request(body, "published: db2 CPU high");
	b = keel_enc_data(body, &bn);
	for (int i = 0; i < 100 && !served; i++) {
		signed_env(e, mon, "request.submit", "pub-1", b, bn,
		           keel_time_now_ms());
		p = keel_enc_data(e, &n);
		publish(pub, "request.submit", p, n);
		harness_sleep_ms(50);
		{
			struct keel_env rep;
			struct keel_enc *q = keel_enc_new();

			memset(&rep, 0, sizeof(rep));
			harness_body(q, "since", 's', "0-0", "limit", 'i',
			             1000LL, NULL);
			if (harness_call(ops_cli, "events.since", q, &rep)) {
				const struct keel_obj *ev =
				    keel_obj_get(rep.body, "events");

				for (size_t k = 0; k < keel_obj_len(ev); k++) {
					const struct keel_obj *bd = keel_obj_get(
					    keel_obj_at(ev, k), "body");

					served |= keel_obj_streq(
					    keel_obj_get(bd, "symptoms"),
					    "published: db2 CPU high");
				}
			}
			keel_env_release(&rep);
			keel_enc_free(q);
		}
	}
	ok(served, "a signed request.submit published by monitoring "
	           "(intake.ingest) became a request");

	/* unsigned */
	keel_enc_reset(e);
	keel_env_encode(e, "request.submit", "outside", NULL, "pub-2", NULL,
	                b, bn, NULL);
	p = keel_enc_data(e, &n);
	publish(pub, "request.submit", p, n);
	/* one monitoring may not send */
	harness_body(body, "id", 's', "C-PUB", "name", 's', "Pub Ltd",
	             "timezone", 's', "UTC", NULL);
	b = keel_enc_data(body, &bn);
	signed_env(e, mon, "customer.put", "pub-3", b, bn, keel_time_now_ms());
	p = keel_enc_data(e, &n);
	publish(pub, "customer.put", p, n);
	/* the operator's, published twice: the second is a replay */
	harness_body(body, "id", 's', "C-PUB2", "name", 's', "Pub Two",
	             "timezone", 's', "UTC", NULL);
	b = keel_enc_data(body, &bn);
	signed_env(e, ops, "customer.put", "pub-4", b, bn, keel_time_now_ms());
	p = keel_enc_data(e, &n);
	publish(pub, "customer.put", p, n);
	publish(pub, "customer.put", p, n);
	for (int i = 0; i < 100 && (stat_of(ops_cli, "unauthorized") <
	                                unauth0 + 2 ||
	                            stat_of(ops_cli, "forbidden") < forb0 + 1);
	     i++)
		harness_sleep_ms(50);
	ok(stat_of(ops_cli, "unauthorized") >= unauth0 + 2,
	   "published unsigned, and replayed: refused and counted "
	   "(unauthorized %lld -> %lld)",
	   (long long)unauth0, (long long)stat_of(ops_cli, "unauthorized"));
	ok(stat_of(ops_cli, "forbidden") >= forb0 + 1,
	   "published customer.put by monitoring: forbidden and counted");
	{
		struct keel_env rep;

		memset(&rep, 0, sizeof(rep));
		harness_body(body, "id", 's', "C-PUB", NULL);
		harness_call(ops_cli, "customer.get", body, &rep);
		is_str(code_of(&rep), KEEL_E_NOT_FOUND,
		       "... and the customer it named was not made");
		harness_body(body, "id", 's', "C-PUB2", NULL);
		ok(harness_call(ops_cli, "customer.get", body, &rep),
		   "the operator's published customer.put was served once");
		keel_env_release(&rep);
	}
	nng_close(pub);
	keel_enc_free(e);
	keel_enc_free(body);
}

static void
start_refusal(void)
{
	char bin[512], out[600], errp[600];
	char *argv[] = {bin, "-n", NULL};
	char cfg[700];
	char *env_open[] = {cfg, "KEEL_INTAKE_REP=tcp://0.0.0.0:7410",
	                    "KEEL_AUTH_IDENTITIES=", NULL};
	char idp[700];
	char *env_keys[] = {cfg, "KEEL_INTAKE_REP=tcp://0.0.0.0:7410", idp,
	                    NULL};
	char *err;
	int st;

	harness_bin("keel-intake", bin, sizeof(bin));
	snprintf(cfg, sizeof(cfg), "KEEL_CONFIG=%s/keel.conf",
	         harness_tmpdir());
	snprintf(idp, sizeof(idp), "KEEL_AUTH_IDENTITIES=%s/keel.identities",
	         harness_tmpdir());
	snprintf(out, sizeof(out), "%s/n.out", harness_tmpdir());
	snprintf(errp, sizeof(errp), "%s/n.err", harness_tmpdir());
	st = harness_wait(harness_spawn_split(argv, env_open, out, errp),
	                  10000);
	err = harness_slurp(errp);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 1,
	   "a request address on 0.0.0.0 without identities: refuses to "
	   "start (-n checks the same)");
	has_str(err, "reachable from other hosts", "... saying why");
	free(err);
	st = harness_wait(harness_spawn_split(argv, env_keys, out, errp),
	                  30000);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "... and with identities it would start");
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		err = harness_slurp(errp);
		diag("status %d: %s", st, err ? err : "");
		free(err);
	}
}

int
main(void)
{
	struct harness_redis r = {0};
	pid_t pids[NSVC];
	struct keel_client *clis[NSVC], *nobody[NSVC];
	struct keel_auth *ops, *mon_a, *mon_b, *none, *reader, *forged;
	struct keel_enc *e = keel_enc_new(), *body = keel_enc_new();
	struct keel_env rep;
	char conf[1024], log[600];
	const char *idpath;
	struct keel_client *c;

	memset(&rep, 0, sizeof(rep));
	unit_tests();

	/* the deployment: a key per daemon, an operator, a monitoring
	 * system mid-rotation, a reader, an identity with one type */
	{
		char text[4096];
		size_t used = 0;

		used += (size_t)snprintf(
		    text + used, sizeof(text) - used,
		    "identity keelctl send=* read=*\n"
		    "identity monitoring send=request.submit read=request.\n"
		    "identity reader send=events.since read=customer.\n"
		    "identity nobody send=sys.health\n");
		for (size_t i = 0; i < NSVC; i++)
			used += (size_t)snprintf(text + used,
			                         sizeof(text) - used,
			                         "identity %s send=sys. read=*\n",
			                         svcs[i]);
		used += (size_t)snprintf(
		    text + used, sizeof(text) - used,
		    "key ops-1 keelctl keys/ops-1\n"
		    "key mon-a monitoring keys/mon-a\n"
		    "key mon-b monitoring keys/mon-b\n"
		    "key reader-1 reader keys/reader-1\n"
		    "key nobody-1 nobody keys/nobody-1\n");
		for (size_t i = 0; i < NSVC; i++) {
			char name[64];

			snprintf(name, sizeof(name), "%s-1", svcs[i]);
			secret_file(name, SECRET("daemon"), 0600);
			used += (size_t)snprintf(text + used,
			                         sizeof(text) - used,
			                         "key %s %s keys/%s\n", name,
			                         svcs[i], name);
		}
		secret_file("ops-1", SECRET("ops"), 0600);
		secret_file("mon-a", SECRET("mona"), 0600);
		secret_file("mon-b", SECRET("monb"), 0600);
		secret_file("reader-1", SECRET("reader"), 0600);
		secret_file("nobody-1", SECRET("nobody"), 0600);
		secret_file("forged", SECRET("forged"), 0600);
		idpath = identities("keel.identities", text);
		identities("forged.identities",
		           "identity keelctl send=*\n"
		           "key ops-1 keelctl keys/forged\n");
	}
	ops = load(idpath, "ops-1");
	mon_a = load(idpath, "mon-a");
	mon_b = load(idpath, "mon-b");
	none = load(idpath, "nobody-1");
	reader = load(idpath, "reader-1");
	{
		char fp[600];

		snprintf(fp, sizeof(fp), "%s/forged.identities",
		         harness_tmpdir());
		forged = load(fp, "ops-1");
	}
	if (!ops || !mon_a || !mon_b || !none || !reader || !forged)
		bail_out("identities");

	if (harness_redis_start(&r) < 0)
		bail_out("redis-server did not start");
	snprintf(conf, sizeof(conf),
	         "auth.identities = %s\nauth.key_id = ops-1\n"
	         "intake.ingest = ipc://%s/outside.pub\n",
	         idpath, harness_tmpdir());
	harness_conf_extra(conf);
	harness_sign_as(ops);
	if (!harness_services(&r, svcs, NSVC, pids, clis))
		bail_out("the daemons did not start with identities");
	harness_sign_as(NULL);
	ok(true, "seven daemons start with identities, answering signed "
	         "sys.health");

	/* the operator */
	harness_body(body, "id", 's', "C-AUTH", "name", 's', "Auth Ltd",
	             "timezone", 's', "Europe/Berlin", NULL);
	ok(harness_call(clis[0], "customer.put", body, &rep),
	   "the operator's signed customer.put is served");

	/* unsigned */
	c = harness_client("intake", "intake.rep", 5000);
	harness_call(c, "customer.put", body, &rep);
	is_str(code_of(&rep), KEEL_E_UNAUTHORIZED, "unsigned: unauthorized");
	has_str(rep.error.message, "unsigned", "... saying unsigned");
	keel_client_free(c);

	/* badly signed: a known key id, another secret */
	c = client_as(forged, "intake");
	harness_call(c, "customer.put", body, &rep);
	is_str(code_of(&rep), KEEL_E_UNAUTHORIZED, "badly signed: unauthorized");
	has_str(rep.error.message, "bad signature", "... bad signature");
	keel_client_free(c);

	/* expired, on the wire */
	{
		const void *p;
		size_t n;
		const void *b = keel_enc_data(body, &n);

		signed_env(e, ops, "customer.put", "late-1", b, n,
		           keel_time_now_ms() - 600000);
		p = keel_enc_data(e, &n);
		raw_call("intake", p, n, &rep);
		is_str(code_of(&rep), KEEL_E_UNAUTHORIZED,
		       "signed 10 minutes ago: unauthorized");
		has_str(rep.error.message, "expired", "... expired");
		keel_env_release(&rep);

		/* a captured valid request, replayed */
		b = keel_enc_data(body, &n);
		signed_env(e, ops, "customer.put", "cap-1", b, n,
		           keel_time_now_ms());
		p = keel_enc_data(e, &n);
		ok(raw_call("intake", p, n, &rep) && rep.ok,
		   "a signed request sent as raw bytes is served");
		keel_env_release(&rep);
		raw_call("intake", p, n, &rep);
		is_str(code_of(&rep), KEEL_E_UNAUTHORIZED,
		       "the same bytes again (a replay): unauthorized");
		has_str(rep.error.message, "replayed", "... replayed");
		keel_env_release(&rep);
		raw_call("ticketing", p, n, &rep);
		ok(!rep.ok, "... and sent to another daemon: refused too (%s)",
		   code_of(&rep));
		keel_env_release(&rep);
	}

	/* a monitoring system mid-rotation */
	alert_request(body, "db1 CPU high");
	c = client_as(mon_a, "intake");
	if (!harness_call(c, "request.submit", body, &rep))
		diag("%s: %s", code_of(&rep), rep.error.message);
	ok(rep.ok, "monitoring's old key (mon-a): request.submit served");
	harness_call(c, "customer.put", body, &rep);
	is_str(code_of(&rep), KEEL_E_FORBIDDEN,
	       "monitoring sending customer.put: forbidden");
	has_str(rep.error.message, "identity monitoring may not send "
	                           "customer.put",
	        "... naming the identity and the type");
	keel_client_free(c);
	c = client_as(mon_b, "intake");
	ok(harness_call(c, "request.submit", body, &rep),
	   "monitoring's new key (mon-b): served too");
	keel_client_free(c);

	/* every request type, by an identity that lacks it */
	for (size_t i = 0; i < NSVC; i++)
		nobody[i] = client_as(none, svcs[i]);
	every_request_forbidden(nobody);
	for (size_t i = 0; i < NSVC; i++)
		keel_client_free(nobody[i]);

	/* events.since: only what an identity may read */
	{
		struct keel_env all, mine;
		size_t nall = 0, nmine = 0;
		bool only_customers = true;
		const struct keel_obj *ev;

		memset(&all, 0, sizeof(all));
		memset(&mine, 0, sizeof(mine));
		harness_body(body, "since", 's', "0-0", "limit", 'i', 100LL,
		             NULL);
		ok(harness_call(clis[0], "events.since", body, &all),
		   "the operator reads intake's events");
		nall = keel_obj_len(keel_obj_get(all.body, "events"));
		c = client_as(reader, "intake");
		ok(harness_call(c, "events.since", body, &mine),
		   "the reader (read=customer.) reads them too");
		ev = keel_obj_get(mine.body, "events");
		nmine = keel_obj_len(ev);
		for (size_t i = 0; i < nmine; i++) {
			const struct keel_obj *env = keel_obj_at(ev, i);
			const struct keel_obj *t = keel_obj_get(env, "type");

			only_customers &= t && keel_obj_kind(t) ==
			                           KEEL_OBJ_STR;
			if (t) {
				char type[65];

				keel_obj_strcpy(t, type, sizeof(type));
				only_customers &=
				    strncmp(type, "customer.", 9) == 0;
			}
		}
		ok(nall > nmine && nmine >= 1 && only_customers,
		   "... but only customer.* events (%zu of %zu)", nmine, nall);
		keel_env_release(&all);
		keel_env_release(&mine);
		keel_client_free(c);
	}

	/* counted */
	ok(stat_of(clis[0], "unauthorized") >= 4,
	   "sys.stats counts the unauthorized (%lld)",
	   (long long)stat_of(clis[0], "unauthorized"));
	ok(stat_of(clis[0], "forbidden") >= 2, "... and the forbidden (%lld)",
	   (long long)stat_of(clis[0], "forbidden"));
	{
		char *out = NULL;
		int st = harness_keelctl(&out, (char *[]){"stats", "intake",
		                                          NULL});

		ok(st == 0 && out && strstr(out, "unauthorized") &&
		       strstr(out, "forbidden"),
		   "keelctl, as the operator, shows them (stats intake)");
		free(out);
		setenv("KEEL_AUTH_KEY_ID", "nobody-1", 1);
		st = harness_keelctl(&out, (char *[]){"customer", "show",
		                                      "C-AUTH", NULL});
		ok(st != 0, "keelctl as an identity without customer.get: "
		            "refused (status %d)",
		   st);
		unsetenv("KEEL_AUTH_KEY_ID");
		free(out);
	}

	/* the log: refusals rate-limited, no secret */
	snprintf(log, sizeof(log), "%s/intake0.log", harness_tmpdir());
	{
		int before = count_lines(log, "request refused by auth");

		c = harness_client("intake", "intake.rep", 5000);
		harness_body(body, "id", 's', "C-X", "name", 's', "X",
		             "timezone", 's', "UTC", NULL);
		for (int i = 0; i < 200; i++)
			harness_call(c, "customer.put", body, &rep);
		keel_client_free(c);
		ok(count_lines(log, "request refused by auth") - before <= 1,
		   "200 unsigned requests in a burst: at most one more log "
		   "line (%d before)",
		   before);
		ok(count_lines(log, "s3cret-") == 0,
		   "no secret in intake's log");
	}

	/* rotation done: mon-a retired, intake restarted */
	{
		char *text = harness_slurp(idpath);
		char *line = strstr(text, "key mon-a");
		char *end = strchr(line, '\n');

		memmove(line, end + 1, strlen(end + 1) + 1);
		harness_write("keel.identities", text);
		free(text);
		kill(pids[0], SIGTERM);
		ok(harness_stopped(pids[0]), "intake stops");
		pids[0] = harness_daemon("intake", 0);
		for (int t = 0; t < 200 && !harness_healthy(clis[0]); t++)
			harness_sleep_ms(25);
		alert_request(body, "db1 CPU high again");
		c = client_as(mon_a, "intake");
		harness_call(c, "request.submit", body, &rep);
		is_str(code_of(&rep), KEEL_E_UNAUTHORIZED,
		       "the retired key after a restart: unauthorized");
		has_str(rep.error.message, "unknown key id 'mon-a'",
		        "... unknown key id");
		keel_client_free(c);
		c = client_as(mon_b, "intake");
		ok(harness_call(c, "request.submit", body, &rep),
		   "the new key: served");
		keel_client_free(c);
	}

	ingest_tests(clis[0], mon_b, ops);
	start_refusal();

	keel_env_release(&rep);
	for (size_t i = 0; i < NSVC; i++) {
		keel_client_free(clis[i]);
		kill(pids[i], SIGTERM);
	}
	for (size_t i = 0; i < NSVC; i++)
		ok(harness_stopped(pids[i]), "%s stops cleanly", svcs[i]);
	harness_redis_stop(&r);
	keel_auth_free(ops);
	keel_auth_free(mon_a);
	keel_auth_free(mon_b);
	keel_auth_free(none);
	keel_auth_free(reader);
	keel_auth_free(forged);
	keel_enc_free(e);
	keel_enc_free(body);
	harness_cleanup();
	return done_testing();
}
