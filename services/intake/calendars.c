/* keel-intake calendars: reading working hours and holidays (no I/O). */
#include "intake.h"

#include "ktime.h"

#include <string.h>

int
intake_hhmm(const char *s, size_t n)
{
	int h, m;

	if (n != 5 || s[2] != ':')
		return -1;
	for (size_t i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

int
intake_weekday(const char *s, size_t n)
{
	static const char *const names[] = {"sun", "mon", "tue", "wed",
	                                    "thu", "fri", "sat"};

	for (int i = 0; i < 7; i++)
		if (n == 3 && memcmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

bool
intake_date(const char *s, size_t n, int64_t *ret_days)
{
	int y = 0, m, d, y2, m2, d2;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	for (int i = 0; i < 4; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*ret_days = keel_time_days_from_civil(y, m, d);
	/* 2026-02-30 would roll over into March: not a date. */
	keel_time_civil_from_days(*ret_days, &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d;
}
