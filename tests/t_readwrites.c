/*
 * t_readwrites: read-your-writes across daemons.  keel-intake, keel-ticketing
 * and keel-change as real processes with a real Redis: 1 000 times a new
 * customer is put on keel-intake and, with no pause, a ticket is created for
 * it on keel-ticketing (every tenth time an RFC on keel-change and a
 * ticket.summary too).  Each must be served: the daemon that has not yet
 * applied keel-intake's customer.created waits for its consumer
 * (keel_req_catch_up) instead of answering not_found.  A customer nobody
 * put is still refused with not_found.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static struct keel_enc *b;
static struct keel_env rep;

static const char *
code(void)
{
	return rep.error.code;
}

int
main(void)
{
	static const char *const svcs[] = {"intake", "ticketing", "change"};
	struct harness_redis redis = {0};
	struct keel_client *clis[3];
	pid_t pids[3];
	int created = 0, rfcs = 0, summaries = 0, tries = 1000;
	char first_fail[256] = "";

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	if (!harness_services(&redis, svcs, 3, pids, clis))
		bail_out("services did not start");
	b = keel_enc_new();

	for (int i = 0; i < tries; i++) {
		char id[33];

		snprintf(id, sizeof(id), "rw%04d", i);
		if (!harness_customer_put(clis[0], id, "Read Write",
		                          "Europe/Berlin"))
			bail_out("customer.put");
		harness_body(b, "customer", 's', id, "contact", 's', "Ann",
		             "channel", 's', "phone", "symptoms", 's',
		             "mail is down", NULL);
		if (harness_call(clis[1], "ticket.create", b, &rep))
			created++;
		else if (!first_fail[0])
			snprintf(first_fail, sizeof(first_fail),
			         "ticket.create %s: %s", id, code());
		if (i % 10)
			continue;
		harness_body(b, "customer", 's', id, "month", 's', "2026-11",
		             NULL);
		summaries += harness_call(clis[1], "ticket.summary", b, &rep);
		snprintf(id, sizeof(id), "rx%04d", i);
		if (!harness_customer_put(clis[0], id, "Read Write",
		                          "Europe/Berlin"))
			bail_out("customer.put");
		harness_body(b, "customer", 's', id, "problem", 's',
		             "the gateway drops attachments", "result", 's',
		             "they pass", "affected", 's', "all staff", "how",
		             's', "raise the limit", "backout", 's',
		             "restore it", "impact", 's', "low", "cost", 'i',
		             1000LL, "budget", 'i', 100000LL, "by", 's',
		             "Olga Originator", NULL);
		if (harness_call(clis[2], "rfc.submit", b, &rep))
			rfcs++;
		else if (!first_fail[0])
			snprintf(first_fail, sizeof(first_fail),
			         "rfc.submit %s: %s", id, code());
	}
	is_int(created, tries, "%d tickets for customers put just before",
	       tries);
	is_int(summaries, tries / 10, "%d summaries at once", tries / 10);
	is_int(rfcs, tries / 10, "%d RFCs at once", tries / 10);
	if (first_fail[0])
		diag("first refusal: %s", first_fail);

	harness_body(b, "customer", 's', "nobody", "contact", 's', "Ann",
	             "channel", 's', "phone", "symptoms", 's', "x", NULL);
	ok(!harness_call(clis[1], "ticket.create", b, &rep),
	   "a customer nobody put is refused");
	is_str(code(), KEEL_E_NOT_FOUND, "  not_found");
	harness_body(b, "customer", 's', "nobody", NULL);
	ok(!harness_call(clis[2], "freeze.list", b, &rep),
	   "keel-change refuses it too");
	is_str(code(), KEEL_E_NOT_FOUND, "  not_found");

	for (int i = 0; i < 3; i++)
		keel_client_free(clis[i]);
	keel_env_release(&rep);
	keel_enc_free(b);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
