/* t_pubsub: events over real nng PUB/SUB sockets: "<type>\0<envelope>"
 * framing, prefix subscriptions, refusal of bad events, a dialer that
 * starts before its publisher, and a burst within the buffers. */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "metrics.h"
#include "tap.h"

#include <errno.h>
#include <nng/nng.h>
#include <nng/protocol/pubsub0/pub.h>

static void
publish(struct keel_pub *pub, const char *type, int64_t n)
{
	struct keel_enc *b = keel_enc_new(), *e = keel_enc_new();
	const void *bp, *p;
	size_t blen, len;

	keel_enc_map(b, 1);
	keel_enc_kv_int(b, "requests", n);
	bp = keel_enc_data(b, &blen);
	keel_env_encode(e, type, "t_pubsub", NULL, NULL, "1-0", bp, blen, NULL);
	p = keel_enc_data(e, &len);
	keel_pub_send(pub, type, p, len);
	keel_enc_free(b);
	keel_enc_free(e);
}

int
main(void)
{
	char url[300];
	const char *addrs[1] = {url};
	struct keel_pub *pub;
	struct keel_sub *all, *health;
	struct keel_error err;
	struct keel_env env;
	nng_socket raw;
	int got = 0, r;

	keel_metrics_init("test");
	snprintf(url, sizeof(url), "ipc://%s/pub.sock", harness_tmpdir());

	/* Subscribers dial first: start order must not matter. */
	is_int(keel_sub_new(addrs, 1, 65536, 8192, &all, &err), 0,
	       "a subscriber dials before its publisher exists");
	keel_sub_new(addrs, 1, 65536, 8192, &health, &err);
	keel_sub_subscribe(all, "");
	keel_sub_subscribe(health, "sys.health");
	is_int(keel_pub_new(url, 8192, &pub, &err), 0, "the publisher listens");
	for (int i = 0;
	     i < 500 && (keel_sub_peers(all) < 1 || keel_sub_peers(health) < 1);
	     i++)
		harness_sleep_ms(10);
	ok(keel_sub_peers(all) == 1 && keel_sub_peers(health) == 1,
	   "both dialers connect once it listens");
	/* A SUB sees its pipe before the PUB has added its end: until a
	 * probe reaches both, an event may still miss one (seen under load
	 * in CI).  Probe, then drain. */
	{
		bool seen_all = false, seen_health = false;

		for (int i = 0; i < 500 && !(seen_all && seen_health); i++) {
			publish(pub, "sys.health", 0);
			if (!seen_all &&
			    keel_sub_recv(all, 10, &env, &err) == 0)
				seen_all = true;
			keel_env_release(&env);
			if (!seen_health &&
			    keel_sub_recv(health, 10, &env, &err) == 0)
				seen_health = true;
			keel_env_release(&env);
		}
		while (keel_sub_recv(all, 100, &env, &err) == 0)
			keel_env_release(&env);
		keel_env_release(&env);
		while (keel_sub_recv(health, 100, &env, &err) == 0)
			keel_env_release(&env);
		keel_env_release(&env);
	}

	publish(pub, "sys.stats", 1);
	publish(pub, "sys.health", 2);
	publish(pub, "sys.echo", 3);
	for (int i = 0; i < 3; i++) {
		if (keel_sub_recv(all, 2000, &env, &err) == 0)
			got++;
		keel_env_release(&env);
	}
	is_int(got, 3, "the catch-all subscriber gets every event");
	r = keel_sub_recv(health, 2000, &env, &err);
	ok(r == 0 && strcmp(env.type, "sys.health") == 0,
	   "the prefix subscriber gets sys.health");
	is_str(env.seq, "1-0", "  with its stream id in seq");
	keel_env_release(&env);
	is_int(keel_sub_recv(health, 200, &env, &err), -ETIMEDOUT,
	       "  and nothing else");

	/* Bad events from outside: refused with a reason, the next is read. */
	nng_pub0_open(&raw);
	snprintf(url + strlen(url), sizeof(url) - strlen(url), "2");
	nng_listen(raw, url, NULL, 0);
	keel_sub_free(all);
	keel_sub_new(addrs, 1, 65536, 8192, &all, &err);
	keel_sub_subscribe(all, "");
	for (int i = 0; i < 500 && keel_sub_peers(all) < 1; i++)
		harness_sleep_ms(10);
	nng_send(raw, "sys.echo\0\xdd\xff\xff\xff\xff", 14, 0);
	r = keel_sub_recv(all, 2000, &env, &err);
	is_int(r, -EINVAL, "an event whose envelope is malformed is refused");
	has_str(err.message, "count larger", "  by the pre-decode walk");
	keel_env_release(&env);
	nng_send(raw, "no-nul-anywhere", 15, 0);
	r = keel_sub_recv(all, 2000, &env, &err);
	is_int(r, -EINVAL, "an event without a type prefix is refused");
	keel_env_release(&env);
	{
		struct keel_enc *e = keel_enc_new();
		const void *p;
		size_t len;
		char buf[512];

		keel_env_encode(e, "sys.stats", "x", NULL, NULL, NULL, NULL, 0,
		                NULL);
		p = keel_enc_data(e, &len);
		memcpy(buf, "sys.health", 11);
		memcpy(buf + 11, p, len);
		nng_send(raw, buf, 11 + len, 0);
		r = keel_sub_recv(all, 2000, &env, &err);
		is_int(r, -EINVAL,
		       "a prefix that lies about the type is refused");
		has_str(err.message, "differs from its type", "  and named");
		keel_env_release(&env);
		keel_enc_free(e);
	}
	nng_close(raw);

	/* A burst inside the buffers arrives whole (pub/sub is best effort
	 * beyond them; the stream is the truth, see DESIGN.md). */
	got = 0;
	for (int i = 0; i < 2000; i++)
		publish(pub, "sys.health", i);
	for (int i = 0; i < 2000; i++) {
		if (keel_sub_recv(health, 2000, &env, &err) == 0)
			got++;
		keel_env_release(&env);
	}
	is_int(got, 2000,
	       "a burst of 2000 events within the buffers arrives whole");
	ok(keel_metrics_get(KEEL_M_EVENTS_PUBLISHED) >= 2003,
	   "published events are counted");

	keel_sub_free(all);
	keel_sub_free(health);
	keel_pub_free(pub);
	harness_cleanup();
	nng_fini();
	return done_testing();
}
