/* t_ktime: zones from the tz database and business-time arithmetic, with
 * hand-computed instants around weekends, holidays and DST changes. */
#include "ktime.h"
#include "harness.h"
#include "tap.h"

#include <errno.h>

#define H (3600 * 1000LL)
#define M (60 * 1000LL)

#define utc harness_utc

int
main(void)
{
	struct keel_tz *zrh, *nyc, *utc_tz;
	struct keel_localtime lt;
	int64_t r, hol[1];
	int y, m, d;

	is_int(keel_time_days_from_civil(1970, 1, 1), 0, "day 0 is 1970-01-01");
	is_int(keel_time_days_from_civil(2000, 3, 1), 11017, "2000-03-01");
	keel_time_civil_from_days(20415, &y, &m, &d);
	ok(y == 2025 && m == 11 && d == 23, "day 20415 is 2025-11-23");
	keel_time_civil_from_days(-1, &y, &m, &d);
	ok(y == 1969 && m == 12 && d == 31, "day -1 is 1969-12-31");

	is_int(keel_tz_load("Europe/Zurich", &zrh), 0, "Europe/Zurich loads");
	is_int(keel_tz_load("America/New_York", &nyc), 0,
	       "America/New_York loads");
	is_int(keel_tz_load("UTC", &utc_tz), 0, "UTC loads");
	is_int(keel_tz_offset(utc_tz, utc(2026, 7, 1, 12, 0)), 0,
	       "  and has no offset");
	utc_tz = keel_tz_free(utc_tz);
	is_int(keel_tz_load("Mars/Olympus", &utc_tz), -ENOENT,
	       "an unknown zone is -ENOENT");
	is_int(keel_tz_load("../etc/passwd", &utc_tz), -EINVAL,
	       "a path is refused");
	is_int(keel_tz_load("", &utc_tz), -EINVAL, "an empty name is refused");

	/* Zurich 2026: CEST from 29 March 01:00 UTC to 25 October 01:00 UTC. */
	is_int(keel_tz_offset(zrh, utc(2026, 3, 29, 0, 59)), 3600,
	       "CET before");
	is_int(keel_tz_offset(zrh, utc(2026, 3, 29, 1, 0)), 7200, "CEST after");
	is_int(keel_tz_offset(zrh, utc(2026, 10, 25, 0, 59)), 7200,
	       "CEST in October");
	is_int(keel_tz_offset(zrh, utc(2026, 10, 25, 1, 0)), 3600, "CET again");
	/* Past the file's table (2037): the POSIX footer rule. */
	is_int(
	    keel_tz_offset(zrh, utc(2040, 3, 25, 0, 59)), 3600,
	    "2040, from the footer rule: CET before the last Sunday of March");
	is_int(keel_tz_offset(zrh, utc(2040, 3, 25, 1, 0)), 7200,
	       "  CEST after");
	is_int(keel_tz_offset(zrh, utc(2040, 10, 28, 1, 0)), 3600,
	       "  CET from the last Sunday of October");
	/* New York 2026: EDT from 8 March 07:00 UTC (02:00 EST). */
	is_int(keel_tz_offset(nyc, utc(2026, 3, 8, 6, 59)), -5 * 3600, "EST");
	is_int(keel_tz_offset(nyc, utc(2026, 3, 8, 7, 0)), -4 * 3600, "EDT");
	is_int(keel_tz_offset(nyc, utc(2045, 11, 5, 5, 59)), -4 * 3600,
	       "2045: EDT until 02:00 on the first Sunday of November");
	is_int(keel_tz_offset(nyc, utc(2045, 11, 5, 6, 0)), -5 * 3600,
	       "  then EST (as date(1) says: 06:00 UTC is 01:00 EST)");

	keel_tz_local(zrh, utc(2026, 11, 27, 15, 0), &lt);
	ok(lt.year == 2026 && lt.month == 11 && lt.day == 27 &&
	       lt.sec_of_day == 16 * 3600 && lt.wday == 5,
	   "15:00 UTC on 2026-11-27 is Friday 16:00 in Zurich");
	is_int(keel_tz_to_utc(zrh, keel_time_days_from_civil(2026, 3, 29),
	                      2 * 3600 + 30 * 60),
	       utc(2026, 3, 29, 1, 30),
	       "02:30 on the spring-forward night does not exist: 03:30 CEST");
	is_int(keel_tz_to_utc(zrh, keel_time_days_from_civil(2026, 10, 25),
	                      2 * 3600 + 30 * 60),
	       utc(2026, 10, 25, 0, 30),
	       "02:30 on the fall-back night happens twice: the first one");
	is_int(keel_tz_to_utc(zrh, keel_time_days_from_civil(2026, 7, 1),
	                      9 * 3600),
	       utc(2026, 7, 1, 7, 0), "09:00 in July is 07:00 UTC");

	/* Mon-Fri 08:00-17:00 in Zurich, Christmas a holiday. */
	{
		struct keel_calendar cal = {.tz = zrh};

		for (int w = 1; w <= 5; w++) {
			cal.open_min[w] = 8 * 60;
			cal.close_min[w] = 17 * 60;
		}
		hol[0] = keel_time_days_from_civil(2026, 12, 25);
		cal.holidays = hol;
		cal.nholidays = 1;

		keel_cal_add(&cal, utc(2026, 11, 27, 15, 0), 2 * H, &r);
		is_int(r, utc(2026, 11, 30, 8, 0),
		       "2 h from Friday 16:00: 1 h Friday, 1 h Monday -> "
		       "Monday 09:00");
		keel_cal_add(&cal, utc(2026, 11, 28, 10, 0), H, &r);
		is_int(r, utc(2026, 11, 30, 8, 0),
		       "1 h from a Saturday counts from Monday's opening");
		keel_cal_add(&cal, utc(2026, 11, 30, 6, 0), 30 * M, &r);
		is_int(r, utc(2026, 11, 30, 7, 30),
		       "before opening the clock starts at 08:00");
		keel_cal_add(&cal, utc(2026, 3, 27, 14, 0), 4 * H, &r);
		is_int(r, utc(2026, 3, 30, 8, 0),
		       "4 h from Friday 15:00 CET over the DST weekend: "
		       "Monday 10:00 CEST");
		keel_cal_add(&cal, utc(2026, 12, 24, 15, 0), 2 * H, &r);
		is_int(r, utc(2026, 12, 28, 8, 0),
		       "2 h from Thursday 24 Dec 16:00 skip Christmas Friday");

		keel_cal_day_close(&cal, utc(2026, 11, 27, 9, 0), 1, &r);
		is_int(r, utc(2026, 11, 30, 16, 0),
		       "next business day after Friday 10:00: Monday's close");
		keel_cal_day_close(&cal, utc(2026, 11, 28, 9, 0), 1, &r);
		is_int(r, utc(2026, 11, 30, 16, 0),
		       "next business day after Saturday: Monday's close");
		keel_cal_day_close(&cal, utc(2026, 11, 27, 9, 0), 2, &r);
		is_int(r, utc(2026, 12, 1, 16, 0),
		       "two business days after Friday: Tuesday's close");
		keel_cal_day_close(&cal, utc(2026, 12, 24, 9, 0), 1, &r);
		is_int(r, utc(2026, 12, 28, 16, 0),
		       "next business day after 24 Dec: Monday 28 (Friday "
		       "is a holiday)");
		keel_cal_day_close(&cal, utc(2026, 3, 27, 9, 0), 1, &r);
		is_int(r, utc(2026, 3, 30, 15, 0),
		       "next business day across DST: Monday 17:00 CEST");

		is_int(keel_cal_between(&cal, utc(2026, 11, 27, 15, 0),
		                        utc(2026, 11, 30, 8, 0)),
		       2 * H, "working time from Friday 16:00 to Monday 09:00");
		is_int(keel_cal_between(&cal, utc(2026, 11, 28, 0, 0),
		                        utc(2026, 11, 29, 23, 0)),
		       0, "none over a weekend");

		for (int w = 0; w < 7; w++)
			cal.open_min[w] = cal.close_min[w] = 0;
		is_int(keel_cal_add(&cal, 0, H, &r), -ERANGE,
		       "a calendar that is never open is an error, not a hang");
	}

	/* 24x7: elapsed time, also across the DST nights. */
	{
		struct keel_calendar all = {.tz = zrh};

		for (int w = 0; w < 7; w++)
			all.close_min[w] = 24 * 60;
		keel_cal_add(&all, utc(2026, 3, 29, 0, 30), H, &r);
		is_int(r, utc(2026, 3, 29, 1, 30),
		       "24x7: 1 h across spring-forward is 1 h");
		keel_cal_add(&all, utc(2026, 10, 24, 23, 30), 3 * H, &r);
		is_int(r, utc(2026, 10, 25, 2, 30),
		       "24x7: 3 h across fall-back is 3 h");
		is_int(keel_cal_between(&all, utc(2026, 10, 24, 12, 0),
		                        utc(2026, 10, 25, 12, 0)),
		       24 * H,
		       "24x7: the 25-hour local day still counts 24 h "
		       "of elapsed time in 24 h");
	}

	keel_tz_free(zrh);
	keel_tz_free(nyc);
	return done_testing();
}
