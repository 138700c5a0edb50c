/* t_calendar: customer business calendars in keel-intake (validation,
 * normalization, idempotent writes) and keel-ticketing's copy of them,
 * kept from calendar.updated through its consumer group. */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <signal.h>
#include <sys/wait.h>

static struct harness_redis redis;
static struct keel_client *cli;

struct day {
	const char *day, *open, *close;
};

/* calendar.put with the given hours and holidays (NULL-ended lists). */
static void
put(const char *customer, const struct day *days, const char *const *hol,
    const char *key, struct keel_env *rep)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_error err;
	size_t nd = 0, nh = 0, len;
	const void *p;

	while (days[nd].day)
		nd++;
	while (hol && hol[nh])
		nh++;
	keel_enc_map(b, hol ? 3 : 2);
	keel_enc_kv_str(b, "customer", customer);
	keel_enc_str(b, "hours");
	keel_enc_array(b, (uint32_t)nd);
	for (size_t i = 0; i < nd; i++) {
		keel_enc_map(b, 3);
		keel_enc_kv_str(b, "day", days[i].day);
		keel_enc_kv_str(b, "open", days[i].open);
		keel_enc_kv_str(b, "close", days[i].close);
	}
	if (hol) {
		keel_enc_str(b, "holidays");
		keel_enc_array(b, (uint32_t)nh);
		for (size_t i = 0; i < nh; i++)
			keel_enc_str(b, hol[i]);
	}
	p = keel_enc_data(b, &len);
	if (keel_client_call(cli, "calendar.put", p, len, key, rep, &err) < 0)
		diag("calendar.put: %s", err.message);
	keel_enc_free(b);
}

static void
refused(const struct day *days, const char *const *hol, const char *field,
        const char *phrase, const char *what)
{
	struct keel_env rep;

	put("acme", days, hol, NULL, &rep);
	ok(!rep.ok, "%s is refused", what);
	is_str(rep.error.field, field, "  naming %s", field);
	has_str(rep.error.message, phrase, "  saying '%s'", phrase);
	keel_env_release(&rep);
}

int
main(void)
{
	const char *dir = harness_tmpdir();
	static const struct day office[] = {{"fri", "08:00", "17:00"},
	                                    {"mon", "08:00", "17:00"},
	                                    {NULL, NULL, NULL}};
	static const char *const hol[] = {"2026-12-25", "2026-01-01",
	                                  "2026-12-25", NULL};
	char conf[2048], s[64];
	struct keel_error err;
	struct keel_env rep, rep2;
	struct keel_enc *q = keel_enc_new();
	const void *p;
	size_t len;
	pid_t in, tk;
	bool got = false;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/intake.rep\n"
	         "intake.pub = ipc://%s/intake.pub\nintake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "events.sweep_ms = 100\n",
	         redis.sock, dir, dir, dir, dir);
	harness_write("keel.conf", conf);
	in = harness_daemon("intake", 0);
	tk = harness_daemon("ticketing", 0);
	cli = harness_client("intake", "intake.rep", 5000);
	for (int i = 0; i < 200 && !got; i++) {
		got = harness_customer_put(cli, "acme", "Acme AG",
		                           "Europe/Zurich");
		if (!got)
			harness_sleep_ms(25);
	}
	ok(got, "customer acme exists");

	put("nobody", office, NULL, NULL, &rep);
	ok(!rep.ok && strcmp(rep.error.code, "not_found") == 0,
	   "a calendar for an unknown customer is refused: not_found");
	keel_env_release(&rep);
	refused((const struct day[]){{"mon", "08:00", "17:00"},
	                             {"mon", "09:00", "12:00"},
	                             {NULL, NULL, NULL}},
	        NULL, "body.hours", "more than once", "a day given twice");
	refused(
	    (const struct day[]){{"mon", "08:00", "25:00"}, {NULL, NULL, NULL}},
	    NULL, "body.hours", "open before close", "25:00");
	refused(
	    (const struct day[]){{"mon", "17:00", "08:00"}, {NULL, NULL, NULL}},
	    NULL, "body.hours", "open before close", "closing before opening");
	refused((const struct day[]){{"funday", "08:00", "17:00"},
	                             {NULL, NULL, NULL}},
	        NULL, "body.hours[0].day", "not one of", "an unknown weekday");
	refused(office, (const char *const[]){"2026-02-30", NULL},
	        "body.holidays", "not a date", "30 February");

	put("acme", office, hol, "cal-1", &rep);
	ok(rep.ok, "a valid calendar is stored");
	put("acme", office, hol, "cal-1", &rep2);
	ok(rep2.ok && keel_obj_len(rep2.body) == keel_obj_len(rep.body),
	   "  a resend with its key returns the same outcome");
	keel_env_release(&rep);
	keel_env_release(&rep2);

	keel_enc_map(q, 1);
	keel_enc_kv_str(q, "customer", "acme");
	p = keel_enc_data(q, &len);
	keel_client_call(cli, "calendar.get", p, len, NULL, &rep, &err);
	ok(rep.ok, "calendar.get reads it back");
	keel_obj_strcpy(
	    keel_obj_get(keel_obj_at(keel_obj_get(rep.body, "hours"), 0),
	                 "day"),
	    s, sizeof(s));
	is_str(s, "mon", "  hours Monday first");
	is_int(keel_obj_len(keel_obj_get(rep.body, "holidays")), 2,
	       "  holidays without the repeat");
	keel_obj_strcpy(keel_obj_at(keel_obj_get(rep.body, "holidays"), 0), s,
	                sizeof(s));
	is_str(s, "2026-01-01", "  and sorted");
	keel_obj_strcpy(keel_obj_get(rep.body, "timezone"), s, sizeof(s));
	is_str(s, "Europe/Zurich", "  in the customer's time zone");
	keel_env_release(&rep);

	{
		long long v = 0;

		for (int i = 0; i < 200 && v < 1; i++) {
			v = harness_redis_int(
			    &redis,
			    "HGET keel:{ticketing}:calendar:acme version");
			if (v < 1)
				harness_sleep_ms(25);
		}
		is_int(v, 1,
		       "keel-ticketing keeps a copy from calendar.updated");
	}
	/* issue 18 item 1: an open ticket follows its customer's calendar.
	 * A normal ticket's first response is due at the close of a business
	 * day (17:00 in Zurich); the new calendar closes at 12:00, and the
	 * ticket, created before the change, is planned again: 5 h earlier
	 * (docs/ticketing.md, "When the rules change"). */
	{
		struct keel_client *tkc =
		    harness_client("ticketing", "t0.rep", 5000);
		struct keel_enc *t = keel_enc_new();
		char id[33] = "";
		int64_t before = 0, after = 0;

		keel_enc_map(t, 5);
		keel_enc_kv_str(t, "customer", "acme");
		keel_enc_kv_str(t, "contact", "Carla");
		keel_enc_kv_str(t, "channel", "phone");
		keel_enc_kv_str(t, "priority", "normal");
		keel_enc_kv_str(t, "symptoms", "the VPN drops every hour");
		p = keel_enc_data(t, &len);
		if (keel_client_call(tkc, "ticket.create", p, len, NULL, &rep,
		                     &err) == 0 &&
		    rep.ok)
			keel_obj_strcpy(keel_obj_get(rep.body, "id"), id,
			                sizeof(id));
		keel_env_release(&rep);
		ok(id[0], "a normal ticket %s before the change", id);
		keel_enc_reset(t);
		keel_enc_map(t, 1);
		keel_enc_kv_str(t, "id", id);
		p = keel_enc_data(t, &len);
		keel_client_call(tkc, "ticket.get", p, len, NULL, &rep, &err);
		keel_obj_int(keel_obj_get(rep.body, "response_due_ms"),
		             &before);
		keel_env_release(&rep);
		put("acme",
		    (const struct day[]){{"fri", "08:00", "12:00"},
		                         {"mon", "08:00", "12:00"},
		                         {NULL, NULL, NULL}},
		    NULL, NULL, &rep);
		keel_env_release(&rep);
		for (int i = 0; i < 200 && (after == 0 || after == before);
		     i++) {
			keel_client_call(tkc, "ticket.get", p, len, NULL, &rep,
			                 &err);
			keel_obj_int(keel_obj_get(rep.body, "response_due_ms"),
			             &after);
			keel_env_release(&rep);
			if (after == before)
				harness_sleep_ms(25);
		}
		is_int(before - after, 5 * 3600000LL,
		       "  planned again with the new hours: due 5 h earlier");
		keel_enc_free(t);
		keel_client_free(tkc);
	}
	{
		long long v = 0;

		for (int i = 0; i < 200 && v < 2; i++) {
			v = harness_redis_int(
			    &redis,
			    "HGET keel:{ticketing}:calendar:acme version");
			if (v < 2)
				harness_sleep_ms(25);
		}
		is_int(v, 2, "  and follows a change (no holidays now)");
	}

	keel_enc_free(q);
	keel_client_free(cli);
	kill(tk, SIGTERM);
	kill(in, SIGTERM);
	ok(harness_stopped(tk), "ticketing stops");
	ok(harness_stopped(in), "intake stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
