/*
 * keel-change's dates, no I/O: a patch's test-and-approve deadline from
 * its urgency (DOMAIN.md section 4) on the customer's business calendar,
 * and a freeze window's local times.
 */
#include "change.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The same local time n months after ms (the month's last day when it is
 * shorter), in zone tz. */
static int64_t
months_later(const struct keel_tz *tz, int64_t ms, int n)
{
	static const int len[] = {31, 28, 31, 30, 31, 30,
	                          31, 31, 30, 31, 30, 31};
	struct keel_localtime lt;
	int y, m, d, t, last;

	keel_tz_local(tz, ms, &lt);
	keel_time_civil_from_days(lt.days, &y, &m, &d);
	t = (m - 1) + n;
	y += t / 12;
	m = t % 12 + 1;
	last = len[m - 1] +
	       (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	if (d > last)
		d = last;
	return keel_tz_to_utc(tz, keel_time_days_from_civil(y, m, d),
	                      lt.sec_of_day);
}

int
change_patch_deadline(const struct keel_calendar *c, int64_t submitted_ms,
                      const char *u, int64_t *ret)
{
	if (strcmp(u, "critical") == 0)
		return keel_cal_day_close(c, submitted_ms, 3, ret);
	if (strcmp(u, "important") == 0)
		return keel_cal_day_close(c, submitted_ms, 10, ret);
	if (strcmp(u, "moderate") == 0 || strcmp(u, "low") == 0)
		*ret = months_later(c->tz, submitted_ms, 3);
	else if (strcmp(u, "service_release") == 0)
		*ret = months_later(c->tz, submitted_ms, 6);
	else if (strcmp(u, "major") == 0)
		*ret = months_later(c->tz, submitted_ms, 12);
	else
		return -EINVAL;
	return 0;
}

int
change_local_time(const struct keel_tz *tz, const char *s, int64_t *ret)
{
	int64_t days;
	int hhmm;

	if (strlen(s) != 16 || s[10] != 'T' ||
	    !keel_time_date(s, 10, &days) ||
	    (hhmm = keel_time_hhmm(s + 11, 5)) < 0 || hhmm >= 24 * 60)
		return -EINVAL;
	*ret = keel_tz_to_utc(tz, days, hhmm * 60);
	return 0;
}
