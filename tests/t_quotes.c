/*
 * t_quotes: keel-pricing as a real process: quotes from the built-in
 * book, a new book version, quotes that name an older version and get
 * its figures, and bad input on every request.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <signal.h>
#include <sys/wait.h>

static struct keel_client *cli;
static struct keel_env rep;

static bool
call(const char *type, struct keel_enc *b)
{
	struct keel_error err;
	size_t len = 0;
	const void *p = keel_enc_data(b, &len);

	keel_env_release(&rep);
	if (keel_client_call(cli, type, p, len, NULL, &rep, &err) < 0) {
		diag("%s: %s", type, err.message);
		return false;
	}
	return rep.ok;
}

/* pricebook.put with the body in b (a write: it needs a key). */
static bool
put_book(struct keel_enc *b, const char *key)
{
	struct keel_error err;
	size_t len;
	const void *p = keel_enc_data(b, &len);

	keel_env_release(&rep);
	return keel_client_call(cli, "pricebook.put", p, len, key, &rep,
	                        &err) == 0 &&
	       rep.ok;
}

static long long
num(const char *k)
{
	int64_t v = -1;

	keel_obj_int(keel_obj_get(rep.body, k), &v);
	return v;
}

static void
managed(struct keel_enc *b, int servers, const char *tier, int term,
        int version)
{
	keel_enc_reset(b);
	keel_enc_map(b, 3 + (version > 0));
	keel_enc_kv_int(b, "servers", servers);
	keel_enc_kv_str(b, "tier", tier);
	keel_enc_kv_int(b, "term", term);
	if (version > 0)
		keel_enc_kv_int(b, "version", version);
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[1024];
	struct keel_enc *b = keel_enc_new();
	pid_t pr;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\npricing.rep = ipc://%s/p0.rep\n"
	         "pricing.pub = ipc://%s/p0.pub\npricing.http =\n",
	         redis.sock, dir, dir);
	harness_write("keel.conf", conf);
	pr = harness_daemon("pricing", 0);
	cli = harness_client("pricing", "p0.rep", 5000);

	managed(b, 12, "silver", 24, 0);
	for (int i = 0; i < 200 && !call("quote.managed", b); i++)
		harness_sleep_ms(25);
	ok(rep.ok && num("total") == 18988000 && num("book_version") == 0,
	   "12 Silver for 24 months from the built-in book: 189880.00");
	is_int((long long)keel_obj_len(keel_obj_get(rep.body, "months")), 24,
	       "  month by month");
	is_int(num("first_payment"), 892000,
	       "  first payment (month 1 + setup): 8920.00");

	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_str(b, "server_fees");
	keel_enc_map(b, 1);
	keel_enc_kv_int(b, "silver", 80000);
	put_book(b, "book-1");
	ok(rep.ok && num("version") == 1, "pricebook.put: version 1");
	managed(b, 12, "silver", 24, 0);
	call("quote.managed", b);
	ok(num("book_version") == 1 && num("monthly") == 844800,
	   "  quotes use it: 12 x 800.00 - 12 %% = 8448.00");
	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_int(b, "version", 1);
	ok(call("pricebook.get", b) && num("setup_fee") == 100000,
	   "pricebook.get 1: the rest kept the defaults");
	managed(b, 12, "silver", 24, 1);
	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_int(b, "setup_fee", 50000);
	put_book(b, "book-2");
	ok(rep.ok && num("version") == 2, "a second version");
	managed(b, 12, "silver", 24, 1);
	call("quote.managed", b);
	ok(num("book_version") == 1 && num("setup_fee") == 100000 &&
	       num("monthly") == 844800,
	   "a quote naming version 1 keeps version 1's figures");

	/* Bad input. */
	managed(b, 12, "silver", 18, 0);
	ok(!call("quote.managed", b) &&
	       strcmp(rep.error.field, "body.term") == 0,
	   "an 18-month term is refused");
	managed(b, 12, "platinum", 12, 0);
	ok(!call("quote.managed", b) &&
	       strcmp(rep.error.field, "body.tier") == 0,
	   "a platinum tier is refused");
	managed(b, 0, "gold", 12, 0);
	ok(!call("quote.managed", b) &&
	       strcmp(rep.error.field, "body.servers") == 0,
	   "0 servers is refused");
	managed(b, 3, "gold", 12, 9);
	ok(!call("quote.managed", b) &&
	       strcmp(rep.error.code, "not_found") == 0,
	   "an unknown book version is not_found");
	keel_enc_reset(b);
	keel_enc_map(b, 3);
	keel_enc_kv_int(b, "devices", 10);
	keel_enc_kv_int(b, "software", 50000);
	keel_enc_kv_int(b, "software_bp", 2500);
	ok(!call("quote.costplus", b) &&
	       strcmp(rep.error.field, "body.software_bp") == 0,
	   "a 25 %% software markup is outside 15-20 %%: refused");
	keel_enc_reset(b);
	keel_enc_map(b, 2);
	keel_enc_kv_int(b, "devices", 10);
	keel_enc_kv_int(b, "staff", 100000);
	ok(call("quote.costplus", b) && num("per_device") == 14000,
	   "cost-plus: 1000.00 staff + 40 %% over 10 devices = 140.00");
	keel_enc_reset(b);
	keel_enc_map(b, 2);
	keel_enc_kv_str(b, "connection", "on_site");
	keel_enc_str(b, "activities");
	keel_enc_array(b, 1);
	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "name", "install");
	keel_enc_kv_int(b, "tier", 4);
	keel_enc_kv_int(b, "units", 3);
	ok(!call("quote.engagement", b) &&
	       strcmp(rep.error.field, "body.activities[0].tier") == 0,
	   "an activity of tier 4 is refused, naming it");
	keel_enc_reset(b);
	keel_enc_map(b, 2);
	keel_enc_kv_str(b, "connection", "on_site");
	keel_enc_str(b, "activities");
	keel_enc_array(b, 1);
	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "name", "install");
	keel_enc_kv_int(b, "tier", 2);
	keel_enc_kv_int(b, "units", 3);
	ok(call("quote.engagement", b) && num("total") == 51750,
	   "3 units of tier 2 on site: 450.00 + 15 %% = 517.50");
	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "currency", "euro");
	put_book(b, "book-3");
	ok(!rep.ok && strcmp(rep.error.field, "body.currency") == 0,
	   "a book in 'euro' is refused");

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(cli);
	kill(pr, SIGTERM);
	ok(harness_stopped(pr), "pricing stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
