/*
 * t_billing: keel-billing as real processes (two instances), a real
 * Redis, keelctl for what users type.  Figures worked out by hand from
 * DOMAIN.md section 2 before the code:
 *  - term credits: 1 Bronze server (500.00 a month), 24 months from
 *    2027-01-01: month 24 (2028-12-01) is 500.00 - 1200.00 = -700.00;
 *    36 months: months 30 (2029-06-01) and 36 (2029-12-01), no other;
 *  - proration and damages: 12 Silver (7920.00 a month, 12 months) from
 *    2027-01-01, amended on 2027-01-16 to 10 Silver (7500.00 less 8 % =
 *    6900.00): 16 of January's 31 days at -1020.00 = -526.45; damages of
 *    2 months of the 1020.00 of device fees removed = 2040.00; month 2 is
 *    6900.00 - 526.45 + 2040.00 = 8413.55;
 *  - late fee: 1 Bronze, setup 1000.00: the first invoice of 1500.00 is
 *    due 2027-01-31; on 2027-03-17, 45 days later, 1500.00 x 1.5 % x 45 /
 *    30 = 33.75, on the next invoice (month 2: 533.75);
 *  - cancellation on 2027-03-10 of the 12-month Bronze contract, month 3:
 *    2 months of 500.00 = 1000.00, plus the SLA's cancellation fee 250.00;
 *  - a billing run on two instances at once, one of them killed with
 *    SIGKILL: every contract month invoiced once, numbers without gaps.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static struct keel_client *b0, *b1;
static struct keel_enc *b;
static struct keel_env rep;

static const char *
rstr(const struct keel_obj *o, const char *k)
{
	static char buf[8][256];
	static int i;
	char *s = buf[i++ % 8];

	s[0] = '\0';
	keel_obj_strcpy(keel_obj_get(o, k), s, 256);
	return s;
}

static long long
rnum(const struct keel_obj *o, const char *k)
{
	int64_t v = -1;

	keel_obj_int(keel_obj_get(o, k), &v);
	return v;
}

/* keelctl with args; true when it exited 0.  *out holds stdout. */
static bool
ctl(char **out, char *const args[])
{
	return harness_keelctl(out, args) == 0;
}

static bool
call(struct keel_client *c, const char *type)
{
	return harness_call(c, type, b, &rep);
}

/* The invoice of contract id's month k, through invoice.list. */
static bool
month_invoice(const char *id, long long k, char *inv, long long *total)
{
	const struct keel_obj *rows;

	harness_body(b, "contract", 's', id, NULL);
	if (!call(b0, "invoice.list"))
		return false;
	rows = keel_obj_get(rep.body, "invoices");
	for (size_t i = 0; i < keel_obj_len(rows); i++) {
		const struct keel_obj *r = keel_obj_at(rows, i);

		if (rnum(r, "month") == k) {
			snprintf(inv, 33, "%s", rstr(r, "id"));
			*total = rnum(r, "total");
			return true;
		}
	}
	return false;
}

static bool
create(const char *id, const char *tier, const char *count, const char *term,
       const char *setup)
{
	char dev[64], *out = NULL;
	bool r;

	snprintf(dev, sizeof(dev), "tier=%s,count=%s", tier, count);
	r = ctl(&out, (char *[]){"contract", "create", "--id", (char *)id,
	                         "--customer", "acme", "--timezone", "UTC",
	                         "--term", (char *)term, "--devices", dev,
	                         "--setup-fee", (char *)setup, "--cancel-fee",
	                         "250.00", NULL});
	free(out);
	return r;
}

static char first[33]; /* the invoice the last activation issued */

static bool
activate_paid(const char *id, const char *date, bool pay)
{
	char *out = NULL, *inv = first;
	bool r = ctl(&out, (char *[]){"contract", "activate", (char *)id,
	                              "--date", (char *)date, NULL});
	const char *at = out ? strstr(out, "INV-") : NULL;

	inv[0] = '\0';
	if (at)
		snprintf(inv, sizeof(first), "%.13s", at);
	free(out);
	if (!r || !pay)
		return r;
	harness_body(b, "id", 's', inv, NULL);
	if (!call(b0, "invoice.get"))
		return false;
	harness_body(b, "customer", 's', "acme", "amount", 'i',
	             rnum(rep.body, "total"), "date", 's', date, "invoice", 's',
	             inv, NULL);
	return call(b0, "payment.record");
}

/* contract.activate on 2027-01-01 and the first invoice paid, through
 * b0. */
static bool
activate_direct(const char *id)
{
	char inv[33];

	harness_body(b, "id", 's', id, "date", 's', "2027-01-01", NULL);
	if (!call(b0, "contract.activate"))
		return false;
	snprintf(inv, sizeof(inv), "%s", rstr(rep.body, "invoice"));
	harness_body(b, "id", 's', inv, NULL);
	if (!call(b0, "invoice.get"))
		return false;
	harness_body(b, "customer", 's', "acme", "amount", 'i',
	             rnum(rep.body, "total"), "date", 's', "2027-01-01",
	             "invoice", 's', inv, NULL);
	return call(b0, "payment.record");
}

/* invoice.run until it says no more, through c; false on a refusal. */
static bool
run_all(struct keel_client *c, const char *date, const char *contract)
{
	bool more = true;

	for (int i = 0; more && i < 1000; i++) {
		if (contract)
			harness_body(b, "date", 's', date, "contract", 's',
			             contract, NULL);
		else
			harness_body(b, "date", 's', date, NULL);
		if (!call(c, "invoice.run"))
			return false;
		more = false;
		keel_obj_bool(keel_obj_get(rep.body, "more"), &more);
	}
	return !more;
}

struct racer {
	struct keel_client *c;
	int runs;
};

static void *
race(void *arg)
{
	struct racer *r = arg;
	struct keel_enc *e = keel_enc_new();
	struct keel_env x = {0};
	bool more = true;

	for (int i = 0; more && i < 1000; i++) {
		harness_body(e, "date", 's', "2029-01-01", NULL);
		if (!harness_call(r->c, "invoice.run", e, &x))
			break;
		more = false;
		keel_obj_bool(keel_obj_get(x.body, "more"), &more);
		r->runs++;
	}
	keel_env_release(&x);
	keel_enc_free(e);
	return NULL;
}

/* Keys other than idempotency records. */
static long long
data_keys(struct harness_redis *r)
{
	return harness_redis_int(
	    r, "EVAL \"local n = 0 for _, k in ipairs(redis.call('KEYS', "
	       "'*')) do if not string.find(k, ':idem:', 1, true) then n = "
	       "n + 1 end end return n\" 0");
}

/* Refusal of type with the map in b: the code and the field named. */
static void
refused(const char *type, const char *code, const char *field,
        const char *why)
{
	bool r = call(b0, type);

	ok(!r && strcmp(rep.error.code, code) == 0 &&
	       strcmp(rep.error.field, field) == 0,
	   "%s refused: %s (%s %s: %s)", type, why, rep.error.code,
	   rep.error.field, rep.error.message);
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[2048], inv[33], *out = NULL;
	long long total = 0;
	pid_t p0, p1;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "billing.rep = ipc://%s/b0.rep, ipc://%s/b1.rep\n"
	         "billing.pub = ipc://%s/b0.pub, ipc://%s/b1.pub\n"
	         "billing.http =\nbilling.run_ms = 0\nbilling.run_batch = 7\n",
	         redis.sock, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	p0 = harness_daemon("billing", 0);
	p1 = harness_daemon("billing", 1);
	b0 = harness_client("billing", "b0.rep", 10000);
	b1 = harness_client("billing", "b1.rep", 10000);
	b = keel_enc_new();
	for (int t = 0; t < 200 && !harness_healthy(b0); t++)
		harness_sleep_ms(25);
	for (int t = 0; t < 200 && !harness_healthy(b1); t++)
		harness_sleep_ms(25);

	/* term credits */
	ok(create("T24", "bronze", "1", "24", "0.00") &&
	       create("T36", "bronze", "1", "36", "0.00"),
	   "contracts of 24 and 36 months (keelctl, money in units)");
	ok(activate_paid("T24", "2027-01-01", true) &&
	       activate_paid("T36", "2027-01-01", true),
	   "activated on 2027-01-01 and the first invoices paid");
	ok(run_all(b0, "2029-12-01", "T24") && run_all(b0, "2029-12-01", "T36"),
	   "billing runs up to 2029-12-01");
	ok(month_invoice("T24", 24, inv, &total) && total == -70000,
	   "T24 month 24: 500.00 - 1200.00 = -700.00 (%lld)", total);
	ok(month_invoice("T24", 23, inv, &total) && total == 50000,
	   "T24 month 23: no credit");
	ok(month_invoice("T36", 30, inv, &total) && total == -70000,
	   "T36 month 30: the credit");
	ok(month_invoice("T36", 36, inv, &total) && total == -70000,
	   "T36 month 36: the credit again");
	ok(month_invoice("T36", 24, inv, &total) && total == 50000,
	   "T36 month 24: no credit");
	ok(month_invoice("T24", 36, inv, &total) && total == 50000,
	   "T24 runs on after its term, month by month, without credits");

	/* proration and damages */
	ok(create("P12", "silver", "12", "12", "0.00") &&
	       activate_paid("P12", "2027-01-01", true),
	   "12 Silver from 2027-01-01");
	ok(ctl(&out, (char *[]){"contract", "amend", "P12", "--date",
	                        "2027-01-16", "--devices",
	                        "tier=silver,count=10", "--reason",
	                        "two servers retired", NULL}) &&
	       strstr(out, "6900.00 EUR"),
	   "amended to 10 Silver on 2027-01-16: 6900.00 a month");
	free(out);
	ok(run_all(b0, "2027-02-01", "P12") &&
	       month_invoice("P12", 2, inv, &total) && total == 841355,
	   "month 2: 6900.00 - 526.45 proration + 2040.00 damages = 8413.55 "
	   "(%lld)",
	   total);
	ok(ctl(&out, (char *[]){"invoice", "show", inv, NULL}) &&
	       strstr(out, "16 of 31 days") && strstr(out, "-526.45 EUR") &&
	       strstr(out, "2040.00 EUR") && strstr(out, "8413.55 EUR"),
	   "keelctl invoice show: the lines with their reasons");
	free(out);

	/* late fee over 45 days */
	ok(create("L1", "bronze", "1", "12", "1000.00") &&
	       activate_paid("L1", "2027-01-01", false),
	   "1 Bronze with setup 1000.00, first invoice unpaid");
	ok(run_all(b0, "2027-03-17", "L1"), "a run on 2027-03-17");
	harness_body(b, "contract", 's', "L1", NULL);
	call(b0, "invoice.list");
	ok(strcmp(rstr(keel_obj_at(keel_obj_get(rep.body, "invoices"), 0),
	               "status"),
	          "overdue") == 0 &&
	       keel_obj_len(keel_obj_get(rep.body, "invoices")) == 1,
	   "  the first invoice is overdue; no monthly invoice before it is "
	   "paid");
	ok(ctl(&out, (char *[]){"payment", "record", "acme", "1500.00",
	                        "--date", "2027-03-17", "--invoice", first,
	                        NULL}),
	   "paid on 2027-03-17");
	free(out);
	ok(run_all(b0, "2027-03-17", "L1") &&
	       month_invoice("L1", 2, inv, &total) && total == 53375,
	   "month 2: 500.00 + 33.75 late fee (%lld, %s)", total, inv);
	ok(month_invoice("L1", 3, inv, &total) && total == 50000,
	   "month 3: 500.00, no more late fee");

	/* cancellation */
	ok(ctl(&out, (char *[]){"contract", "cancel", "L1", "--date",
	                        "2027-03-10", "--reason", "moving away",
	                        NULL}) &&
	       strstr(out, "cancelled"),
	   "L1 cancelled on 2027-03-10");
	{
		const char *at = strstr(out, "INV-");

		snprintf(inv, sizeof(inv), "%.13s", at ? at : "");
	}
	free(out);
	harness_body(b, "id", 's', inv, NULL);
	ok(call(b0, "invoice.get") && rnum(rep.body, "total") == 125000 &&
	       strcmp(rstr(rep.body, "kind"), "cancellation") == 0,
	   "cancellation invoice: 2 x 500.00 damages + 250.00 fee = 1250.00");
	ok(run_all(b0, "2027-08-01", "L1") &&
	       !month_invoice("L1", 4, inv, &total),
	   "no monthly invoice after the cancellation");

	/* void and credit note; the document */
	ok(month_invoice("L1", 3, inv, &total), "L1 month 3: %s", inv);
	{
		char cn[33] = "";
		const char *at;

		ok(ctl(&out, (char *[]){"invoice", "void", inv, "--reason",
		                        "cancelled before the month", NULL}) &&
		       (at = strstr(out, "CN-")) != NULL,
		   "voided with a credit note");
		snprintf(cn, sizeof(cn), "%.12s", out && (at = strstr(out, "CN-")) ? at : "");
		free(out);
		harness_body(b, "id", 's', cn, NULL);
	}
	ok(call(b0, "invoice.get") && rnum(rep.body, "total") == -50000,
	   "the credit note is -500.00");
	harness_body(b, "id", 's', inv, NULL);
	ok(call(b0, "invoice.get") &&
	       strcmp(rstr(rep.body, "status"), "void") == 0,
	   "the invoice is kept, void");
	{
		char pdf[512], txt[512], prefix[512], png[512], *text, *img;
		int rc;

		snprintf(pdf, sizeof(pdf), "%s/p12.pdf", dir);
		snprintf(txt, sizeof(txt), "%s/p12.txt", dir);
		snprintf(prefix, sizeof(prefix), "%s/page", dir);
		snprintf(png, sizeof(png), "%s/page-1.png", dir);
		month_invoice("P12", 2, inv, &total);
		ok(ctl(&out, (char *[]){"invoice", "pdf", inv, "-o", pdf,
		                        NULL}),
		   "keelctl invoice pdf %s -o p12.pdf", inv);
		free(out);
		rc = harness_wait(harness_spawn((char *[]){"/usr/bin/pdftotext",
		                                           pdf, txt, NULL},
		                                NULL, NULL),
		                  10000);
		text = harness_slurp(txt);
		ok(rc == 0 && text && strstr(text, "8413.55 EUR") &&
		       strstr(text, inv),
		   "pdftotext finds the total and the number");
		free(text);
		rc = harness_wait(
		    harness_spawn((char *[]){"/usr/bin/pdftoppm", "-png", "-r",
		                             "40", "-f", "1", "-l", "1", pdf,
		                             prefix, NULL},
		                  NULL, NULL),
		    10000);
		img = harness_slurp(png);
		ok(rc == 0 && img && memcmp(img, "\x89PNG", 4) == 0,
		   "pdftoppm draws page 1 as a PNG");
		free(img);
	}

	/* two instances race one run; one is killed mid-way */
	{
		pthread_t t0, t1;
		struct racer r0 = {.c = b0}, r1 = {.c = b1};
		char n[16];
		long long months = 0;
		int gaps = 0;

		int made = 0;

		for (int i = 0; i < 30; i++) {
			snprintf(n, sizeof(n), "R%02d", i);
			/* through one client, not 60 keelctl processes */
			if (i % 2)
				harness_body(b, "id", 's', n, "customer", 's',
				             "acme", "timezone", 's', "UTC", "term",
				             'i', 24LL, "setup_fee", 'i', 0LL,
				             "devices", 'r',
				             "\x91\x82\xa4tier\xa4gold\xa5" "count\x03",
				             (size_t)19, NULL);
			else
				harness_body(b, "id", 's', n, "customer", 's',
				             "acme", "timezone", 's', "UTC", "term",
				             'i', 24LL, "setup_fee", 'i', 0LL,
				             "devices", 'r',
				             "\x91\x82\xa4tier\xa6" "bronze\xa5"
				             "count\x03",
				             (size_t)21, NULL);
			if (!call(b0, "contract.create"))
				diag("%s: contract create failed (%s)", n,
				     rep.error.message);
			else if (!activate_direct(n))
				diag("%s: activation or payment failed (%s: %s)",
				     n, rep.error.code, rep.error.message);
			else
				made++;
		}
		is_int(made, 30, "30 contracts made, active and paid");
		pthread_create(&t0, NULL, race, &r0);
		pthread_create(&t1, NULL, race, &r1);
		harness_sleep_ms(150);
		kill(p1, SIGKILL);
		harness_wait(p1, 10000);
		pthread_join(t0, NULL);
		pthread_join(t1, NULL);
		ok(r0.runs > 0, "both instances ran (%d, %d before the kill)",
		   r0.runs, r1.runs);
		ok(run_all(b0, "2029-01-01", NULL),
		   "the run finished on the survivor");
		for (int i = 0; i < 30; i++) {
			snprintf(n, sizeof(n), "R%02d", i);
			harness_body(b, "contract", 's', n, NULL);
			call(b0, "invoice.list");
			months += (long long)keel_obj_len(
			    keel_obj_get(rep.body, "invoices"));
			for (size_t k = 0;
			     k < keel_obj_len(keel_obj_get(rep.body, "invoices"));
			     k++)
				gaps += rnum(keel_obj_at(keel_obj_get(rep.body,
				                                      "invoices"),
				                         k),
				             "month") != (long long)k + 1;
		}
		is_int(months, 30 * 25, "30 contracts x 25 months, each once");
		is_int(gaps, 0, "months 1..25 in order, none twice");
		{
			/* every INV number of each year from 1 to its counter */
			int missing = 0;

			for (int y = 2027; y <= 2029; y++) {
				long long last = harness_redis_int(
				    &redis, "GET keel:{billing}:seq:INV:%d", y);

				for (long long k = 1; k <= last; k++)
					missing += harness_redis_int(
					               &redis,
					               "EXISTS keel:{billing}:"
					               "invoice:INV-%d-%04lld",
					               y, k) != 1;
			}
			is_int(missing, 0, "INV numbers without gaps per year");
		}
	}

	/* bad input: the field named, nothing written */
	{
		long long keys = data_keys(&redis);

		harness_body(b, "customer", 's', "acme", "term", 'i', 24LL,
		             NULL);
		refused("contract.create", KEEL_E_INVALID_FIELD, "body.devices",
		        "no lines");
		harness_body(b, "customer", 's', "acme", "term", 'i', 6LL,
		             NULL);
		refused("contract.create", KEEL_E_INVALID_FIELD, "body.term",
		        "a term under 12 months");
		harness_body(b, "customer", 's', "acme", "term", 'i', 24LL,
		             "currency", 's', "eur", "package", 'r',
		             "\x82\xa5users\x05\xa3" "fee\xcd\x03\xe8", (size_t)15,
		             NULL);
		refused("contract.create", KEEL_E_INVALID_FIELD, "body.currency",
		        "a currency that is no code");
		harness_body(b, "customer", 's', "acme", "term", 'i', 24LL,
		             "timezone", 's', "Mars/Olympus", "package", 'r',
		             "\x82\xa5users\x05\xa3" "fee\xcd\x03\xe8", (size_t)15,
		             NULL);
		refused("contract.create", KEEL_E_INVALID_FIELD, "body.timezone",
		        "an unknown time zone");
		harness_body(b, "id", 's', "T24", "date", 's', "2027-02-30",
		             NULL);
		refused("contract.activate", KEEL_E_INVALID_FIELD, "body.date", "a date "
		        "that does not exist");
		harness_body(b, "id", 's', "NOPE", "date", 's', "2027-02-01",
		             NULL);
		refused("contract.activate", KEEL_E_NOT_FOUND, "body.id",
		        "an unknown contract");
		harness_body(b, "id", 's', "T24", "date", 's', "2027-02-01",
		             NULL);
		refused("contract.activate", KEEL_E_INVALID_TRANSITION,
		        "body.id", "activated twice");
		harness_body(b, "id", 's', "P12", "date", 's', "2027-01-02",
		             "package", 'r',
		             "\x82\xa5users\x05\xa3" "fee\xcd\x03\xe8", (size_t)15,
		             NULL);
		refused("contract.amend", KEEL_E_INVALID_FIELD, "body.date",
		        "an amendment dated before the last version");
		harness_body(b, "customer", 's', "other", "amount", 'i', 100LL,
		             "date", 's', "2027-01-01", "invoice", 's',
		             "INV-2027-0001", NULL);
		refused("payment.record", KEEL_E_NOT_FOUND, "body.invoice",
		        "another customer's invoice");
		harness_body(b, "customer", 's', "acme", "amount", 'i', 0LL,
		             "date", 's', "2027-01-01", NULL);
		refused("payment.record", KEEL_E_INVALID_FIELD, "body.amount",
		        "a payment of 0.00");
		harness_body(b, "id", 's', "INV-2027-0001", "reason", 's',
		             "oops", NULL);
		refused("invoice.void", KEEL_E_INVALID_TRANSITION, "body.id",
		        "a paid invoice");
		harness_body(b, "id", 's', "INV-1999-0001", NULL);
		refused("invoice.get", KEEL_E_NOT_FOUND, "body.id",
		        "an unknown invoice");
		harness_body(b, "date", 's', "tomorrow", NULL);
		refused("invoice.run", KEEL_E_INVALID_FIELD, "body.date", "a run date "
		        "that is no date");
		is_int(data_keys(&redis), keys,
		       "nothing written by any refusal (idempotency records "
		       "aside)");
	}

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(b0);
	keel_client_free(b1);
	kill(p0, SIGTERM);
	ok(harness_stopped(p0), "billing stops cleanly");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
