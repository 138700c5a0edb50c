/*
 * keel-change's pure rules (services/change/lifecycle.c, deadline.c), with
 * the expected values written by hand from DOMAIN.md section 4:
 *  - every step from every status: allowed or refused, and where it leads;
 *  - patch deadlines on a Zurich calendar, Monday to Friday 08:00-17:00:
 *    critical from Friday 2027-03-05 10:00: Mon, Tue, Wed -> Wednesday
 *    2027-03-10 17:00 CET (16:00Z); with Monday 8 March a holiday ->
 *    Thursday 2027-03-11 16:00Z; important from Friday 2027-03-19 10:00:
 *    ten business days -> Friday 2027-04-02 17:00, CEST after the clocks
 *    changed on 28 March (15:00Z); moderate from 2027-01-31 10:00 CET ->
 *    2027-04-30 10:00 CEST (08:00Z, the month's last day); major from
 *    2028-02-29 09:00 -> 2029-02-28 09:00 CET (08:00Z); service release
 *    from 2027-01-15 12:00 -> 2027-07-15 12:00 CEST (10:00Z);
 *  - a freeze window's local "2027-12-20T18:00" in Zurich is 17:00Z.
 */
#include "change.h"
#include "harness.h"
#include "tap.h"

#include <string.h>

int
main(void)
{
	/* allowed[op]: the statuses, by hand, as names */
	static const char *const allowed[CO_COUNT] = {
	    [CO_RESUBMIT] = " returned ",
	    [CO_AUTHORIZE] = " submitted ",
	    [CO_RETURN] = " submitted ",
	    [CO_REJECT] = " submitted ",
	    [CO_WITHDRAW] = " submitted returned cab_review approved ",
	    [CO_RELEASE] = " approved ",
	    [CO_IMPLEMENT] = " released ",
	    [CO_CLOSE] = " implemented ",
	    [CO_PRIORITY] = " submitted returned cab_review approved ",
	    [CO_VOTE] = " cab_review ",
	};
	static const char *const to[CO_COUNT] = {
	    [CO_RESUBMIT] = "submitted", [CO_AUTHORIZE] = "approved",
	    [CO_RETURN] = "returned",    [CO_REJECT] = "rejected",
	    [CO_WITHDRAW] = "withdrawn", [CO_RELEASE] = "released",
	    [CO_IMPLEMENT] = "implemented", [CO_CLOSE] = "closed",
	    [CO_PRIORITY] = "submitted", [CO_VOTE] = "approved",
	};
	const struct keel_tz *zurich;
	struct keel_calendar c = {0};
	int64_t hol[1], got;

	for (int op = 0; op < CO_COUNT; op++) {
		char list[160];

		for (int s = 0; s < CS_COUNT; s++) {
			char name[20];
			bool want, have;

			snprintf(name, sizeof(name), " %s ",
			         change_status_names[s]);
			want = strstr(allowed[op], name) != NULL;
			have = (change_allowed_from(op) >> s) & 1;
			ok(want == have, "%s from %s: %s", change_op_names[op],
			   change_status_names[s], want ? "allowed" : "refused");
		}
		change_status_list(change_allowed_from(op), list, sizeof(list));
		is_str(list, allowed[op], "%s: the list Lua checks",
		       change_op_names[op]);
		if (op != CO_PRIORITY)
			is_str(change_status_names[change_op_to(op)], to[op],
			       "%s leads to %s", change_op_names[op], to[op]);
	}
	is_int(change_status_parse("cab_review"), CS_CAB_REVIEW, "parse");
	is_int(change_status_parse("open"), -1, "not an RFC status");

	if (keel_tz_get("Europe/Zurich", &zurich) < 0)
		bail_out("tzdata");
	c.tz = zurich;
	for (int d = 1; d <= 5; d++) {
		c.open_min[d] = 8 * 60;
		c.close_min[d] = 17 * 60;
	}
	ok(change_patch_deadline(&c, harness_utc(2027, 3, 5, 9, 0), "critical",
	                         &got) == 0 &&
	       got == harness_utc(2027, 3, 10, 16, 0),
	   "critical over a weekend: Wednesday 17:00 CET");
	hol[0] = keel_time_days_from_civil(2027, 3, 8);
	c.holidays = hol;
	c.nholidays = 1;
	ok(change_patch_deadline(&c, harness_utc(2027, 3, 5, 9, 0), "critical",
	                         &got) == 0 &&
	       got == harness_utc(2027, 3, 11, 16, 0),
	   "critical with Monday a holiday: Thursday");
	c.nholidays = 0;
	ok(change_patch_deadline(&c, harness_utc(2027, 3, 19, 9, 0),
	                         "important", &got) == 0 &&
	       got == harness_utc(2027, 4, 2, 15, 0),
	   "important across the change to summer time: Friday 17:00 CEST");
	ok(change_patch_deadline(&c, harness_utc(2027, 1, 31, 9, 0), "moderate",
	                         &got) == 0 &&
	       got == harness_utc(2027, 4, 30, 8, 0),
	   "moderate: 3 months, the month's last day, 10:00 CEST");
	ok(change_patch_deadline(&c, harness_utc(2027, 1, 31, 9, 0), "low",
	                         &got) == 0 &&
	       got == harness_utc(2027, 4, 30, 8, 0),
	   "low: as moderate");
	ok(change_patch_deadline(&c, harness_utc(2027, 1, 15, 11, 0),
	                         "service_release", &got) == 0 &&
	       got == harness_utc(2027, 7, 15, 10, 0),
	   "service release: 6 months");
	ok(change_patch_deadline(&c, harness_utc(2028, 2, 29, 8, 0), "major",
	                         &got) == 0 &&
	       got == harness_utc(2029, 2, 28, 8, 0),
	   "major: a year, from 29 February to 28 February");
	ok(change_patch_deadline(&c, 0, "someday", &got) < 0,
	   "an unknown urgency is refused");

	ok(change_local_time(zurich, "2027-12-20T18:00", &got) == 0 &&
	       got == harness_utc(2027, 12, 20, 17, 0),
	   "freeze window times are the customer's local times");
	ok(change_local_time(zurich, "2027-12-20 18:00", &got) < 0,
	   "a space instead of T is refused");
	ok(change_local_time(zurich, "2027-12-20T24:00", &got) < 0,
	   "24:00 is refused");
	ok(change_local_time(zurich, "2027-02-30T10:00", &got) < 0,
	   "30 February is refused");
	return done_testing();
}
