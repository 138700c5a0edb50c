/* t_sla: keel-ticketing's SLA clocks against hand-computed instants
 * (Zurich, Mon-Fri 08:00-17:00, Christmas off; November is CET = UTC+1). */
#include "harness.h"
#include "tap.h"
#include "ticketing.h"

#include <errno.h>

#define H (3600 * 1000LL)
#define M (60 * 1000LL)

#define utc harness_utc

int
main(void)
{
	struct keel_tz *zrh;
	struct keel_calendar biz = {0}, all = {0};
	struct ticketing_sla p;
	int64_t hol[1], r, paused;

	if (keel_tz_load("Europe/Zurich", &zrh) < 0)
		bail_out("Europe/Zurich");
	biz.tz = all.tz = zrh;
	for (int w = 1; w <= 5; w++) {
		biz.open_min[w] = 8 * 60;
		biz.close_min[w] = 17 * 60;
	}
	for (int w = 0; w < 7; w++)
		all.close_min[w] = 24 * 60;
	hol[0] = keel_time_days_from_civil(2026, 12, 25);
	biz.holidays = hol;
	biz.nholidays = 1;
	ticketing_sla_default(&p);

	is_int(ticketing_priority_parse("high"), PRIO_HIGH, "priorities parse");
	ok(ticketing_status_parse("new") == TS_NEW &&
	       ticketing_status_parse("rfc_submitted") == TS_RFC_SUBMITTED &&
	       ticketing_status_parse("closed") == TS_CLOSED &&
	       ticketing_status_names[TS_COUNT] == NULL,
	   "the generated status list is in the order of enum "
	   "ticketing_status");
	ok(ticketing_priority_parse("critical") == PRIO_CRITICAL &&
	       ticketing_priority_parse("low") == PRIO_LOW,
	   "  and the priority list in the order of enum ticketing_priority");
	is_int(ticketing_priority_parse("urgent"), -EINVAL,
	       "an unknown priority is refused");

	ticketing_sla_due(&p.response[PRIO_CRITICAL], &biz, &all,
	                  utc(2026, 11, 28, 10, 0), 0, &r);
	is_int(r, utc(2026, 11, 28, 11, 0),
	       "critical on a Saturday: 1 h around the clock");
	ticketing_sla_due(&p.response[PRIO_HIGH], &biz, &all,
	                  utc(2026, 11, 27, 15, 30), 0, &r);
	is_int(r, utc(2026, 11, 27, 17, 30),
	       "high at Friday 16:30: 2 h around the clock, past closing");
	ticketing_sla_due(&p.response[PRIO_NORMAL], &biz, &all,
	                  utc(2026, 11, 27, 9, 0), 0, &r);
	is_int(r, utc(2026, 11, 30, 16, 0),
	       "normal on Friday 10:00: Monday's close (17:00)");
	ticketing_sla_due(&p.response[PRIO_NORMAL], &biz, &all,
	                  utc(2026, 11, 28, 9, 0), 0, &r);
	is_int(r, utc(2026, 11, 30, 16, 0),
	       "normal on Saturday: Monday's close");
	ticketing_sla_due(&p.response[PRIO_LOW], &biz, &all,
	                  utc(2026, 11, 27, 9, 0), 0, &r);
	is_int(r, utc(2026, 12, 1, 16, 0), "low on Friday: Tuesday's close");
	ticketing_sla_due(&p.response[PRIO_NORMAL], &biz, &all,
	                  utc(2026, 12, 24, 9, 0), 0, &r);
	is_int(r, utc(2026, 12, 28, 16, 0),
	       "normal on 24 December: Christmas Friday does not count");

	/* Pauses move the due time by the coverage time they cover. */
	paused = ticketing_sla_paused(&p.response[PRIO_NORMAL], &biz, &all,
	                              utc(2026, 11, 30, 9, 0),
	                              utc(2026, 11, 30, 11, 0));
	is_int(paused, 2 * H, "a pause of Monday 10:00-12:00 covers 2 h");
	ticketing_sla_due(&p.response[PRIO_NORMAL], &biz, &all,
	                  utc(2026, 11, 30, 8, 0), paused, &r);
	is_int(r, utc(2026, 12, 2, 9, 0),
	       "normal on Monday 09:00 paused 2 h: 17 h + 2 h of business "
	       "time -> Wednesday 10:00");
	paused = ticketing_sla_paused(&p.response[PRIO_NORMAL], &biz, &all,
	                              utc(2026, 11, 28, 9, 0),
	                              utc(2026, 11, 29, 20, 0));
	is_int(paused, 0, "a weekend pause covers no business time");
	paused = ticketing_sla_paused(&p.response[PRIO_CRITICAL], &biz, &all,
	                              utc(2026, 11, 28, 9, 0),
	                              utc(2026, 11, 28, 9, 30));
	ticketing_sla_due(&p.response[PRIO_CRITICAL], &biz, &all,
	                  utc(2026, 11, 28, 9, 0), paused, &r);
	is_int(r, utc(2026, 11, 28, 10, 30),
	       "critical paused 30 min on a Saturday: due 30 min later");

	/* Administrative escalation at 75 % and 100 %. */
	ticketing_sla_threshold(&p.response[PRIO_CRITICAL], &biz, &all,
	                        utc(2026, 11, 27, 10, 0), 0, p.escalate_bp[0],
	                        &r);
	is_int(r, utc(2026, 11, 27, 10, 45), "critical: 75 %% after 45 min");
	ticketing_sla_threshold(&p.response[PRIO_CRITICAL], &biz, &all,
	                        utc(2026, 11, 27, 10, 0), 0, p.escalate_bp[1],
	                        &r);
	is_int(r, utc(2026, 11, 27, 11, 0), "  100 %% at the due time");
	ticketing_sla_threshold(&p.response[PRIO_NORMAL], &biz, &all,
	                        utc(2026, 11, 27, 9, 0), 0, p.escalate_bp[0],
	                        &r);
	is_int(r, utc(2026, 11, 30, 12, 0),
	       "normal from Friday 10:00 (16 business hours): 75 %% = 12 h "
	       "-> Monday 13:00");

	is_int(
	    ticketing_sla_due(&p.resolution[PRIO_HIGH], &biz, &all, 0, 0, &r),
	    -ENOENT, "a best-effort target has no due time");

	/* DST: elapsed targets stay elapsed; business ones keep local hours. */
	ticketing_sla_due(&p.response[PRIO_HIGH], &biz, &all,
	                  utc(2026, 3, 29, 0, 30), 0, &r);
	is_int(r, utc(2026, 3, 29, 2, 30),
	       "high across spring-forward: 2 h of real time");
	ticketing_sla_due(&p.response[PRIO_NORMAL], &biz, &all,
	                  utc(2026, 3, 27, 9, 0), 0, &r);
	is_int(r, utc(2026, 3, 30, 15, 0),
	       "normal from Friday (CET): Monday's close at 17:00 CEST");

	ok(p.pause_statuses ==
	       ((1u << TS_HOLD_RESOLUTION) | (1u << TS_PENDING_FIX)),
	   "hold_resolution and pending_fix pause the clock by default");

	/* docs/ticketing.md's worked example: normal, Friday 16:30 local. */
	ticketing_sla_due(&p.response[PRIO_NORMAL], &biz, &all,
	                  utc(2026, 11, 27, 15, 30), 0, &r);
	is_int(r, utc(2026, 11, 30, 16, 0),
	       "docs example: Friday 16:30 -> Monday 17:00 local");
	ticketing_sla_threshold(&p.response[PRIO_NORMAL], &biz, &all,
	                        utc(2026, 11, 27, 15, 30), 0, p.escalate_bp[0],
	                        &r);
	is_int(r, utc(2026, 11, 30, 13, 37) + 30000,
	       "  75 %% of 9 h 30 min: Monday 14:37:30 local");
	ticketing_sla_due(&p.response[PRIO_CRITICAL], &biz, &all,
	                  utc(2026, 11, 27, 15, 30), 0, &r);
	is_int(r, utc(2026, 11, 27, 16, 30), "  critical: 17:30 local");

	/* Targets as policies write them. */
	{
		static const char *const good[] = {"30m", "2h",   "nbd",
		                                   "2bd", "none", "90m"};
		static const char *const canon[] = {"30m", "2h",   "1bd",
		                                    "2bd", "none", "90m"};
		static const char *const bad[] = {"",  "0m",   "3x",  "2",
		                                  "h", "31bd", "-1h", "1.5h"};
		struct sla_target t;
		char buf[24];
		int right = 0, refused = 0;

		for (size_t i = 0; i < 6; i++) {
			ticketing_sla_spec(good[i], &t);
			ticketing_sla_spec_format(&t, buf, sizeof(buf));
			right += ticketing_sla_spec(good[i], &t) == 0 &&
			         strcmp(buf, canon[i]) == 0;
		}
		is_int(right, 6, "targets 30m 2h nbd 2bd none 90m read back");
		for (size_t i = 0; i < 8; i++)
			refused += ticketing_sla_spec(bad[i], &t) == -EINVAL;
		is_int(refused, 8,
		       "  '', 0m, 3x, 2, h, 31bd, -1h, 1.5h refused");
		ticketing_sla_spec("nbd", &t);
		ok(t.kind == SLA_BUSINESS_DAYS && t.days == 1,
		   "  nbd is one business day");
	}

	/* The plan of a new ticket (ticket.create plans it before its
	 * write): a high one received Monday 2026-11-30 10:00 UTC, default
	 * policy: response 2 h around the clock, resolution best effort,
	 * escalations at 75 % and 100 % of the response target. */
	{
		struct ticketing_plan pl;
		struct ticketing_plan_in in = {
		    .sla = &p,
		    .business = &biz,
		    .priority = PRIO_HIGH,
		    .received = utc(2026, 11, 30, 10, 0),
		    .now = utc(2026, 11, 30, 10, 0),
		};
		int64_t pauses[2] = {utc(2026, 11, 30, 10, 30),
		                     utc(2026, 11, 30, 11, 0)};

		ticketing_sla_plan(&in, &pl);
		is_int(pl.response_due, utc(2026, 11, 30, 12, 0),
		       "plan: a high ticket's response is due 2 h later");
		is_int(pl.resolution_due, 0, "  resolution: best effort");
		is_str(pl.esc_on, "response",
		       "  escalations count against the response");
		is_int(pl.score, 10000000000000LL + utc(2026, 11, 30, 12, 0),
		       "  queued by priority, then that due time");
		ok(pl.ntimers == 3 && strcmp(pl.kinds[0], "response") == 0 &&
		       strcmp(pl.kinds[1], "esc1") == 0 &&
		       pl.at[1] == utc(2026, 11, 30, 11, 30) &&
		       strcmp(pl.kinds[2], "esc2") == 0 &&
		       pl.at[2] == utc(2026, 11, 30, 12, 0),
		   "  timers: the breach, and escalations at 11:30 and 12:00");
		in.pauses = pauses;
		in.npauses = 1;
		ticketing_sla_plan(&in, &pl);
		is_int(pl.response_due, utc(2026, 11, 30, 12, 30),
		       "  30 min paused move it to 12:30");
		in.paused_since = utc(2026, 11, 30, 11, 30);
		in.now = utc(2026, 11, 30, 11, 45);
		ticketing_sla_plan(&in, &pl);
		ok(pl.ntimers == 0 && pl.response_due == utc(2026, 11, 30, 12, 45),
		   "  paused now: no timers, due counted to now (12:45)");
		in.paused_since = 0;
		in.responded = utc(2026, 11, 30, 10, 5);
		ticketing_sla_plan(&in, &pl);
		ok(pl.ntimers == 0 && strcmp(pl.esc_on, "") == 0,
		   "  responded, resolution best effort: nothing to watch");
		is_int(pl.response_due, utc(2026, 11, 30, 12, 0),
		       "  responded at 10:05: the 10:30 pause came after, "
		       "the response was due at 12:00");
		/* issue 18 item 3: a pause after the response does not move
		 * the met target, and neither does a later re-plan. */
		in.paused_since = utc(2026, 11, 30, 13, 0);
		in.now = utc(2026, 11, 30, 15, 0);
		ticketing_sla_plan(&in, &pl);
		is_int(pl.response_due, utc(2026, 11, 30, 12, 0),
		       "  paused after the response: still due 12:00");
		in.response_due_met = utc(2026, 11, 30, 12, 0);
		in.pauses = NULL;
		in.npauses = 0;
		in.responded = utc(2026, 11, 30, 12, 10);
		ticketing_sla_plan(&in, &pl);
		is_int(pl.response_due, utc(2026, 11, 30, 12, 0),
		       "  a met (or missed) response target is final");
	}

	keel_tz_free(zrh);
	return done_testing();
}
