/* ktime: UTC milliseconds, formatting and parsing without TZ. */
#include "ktime.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t
keel_time_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
keel_time_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
keel_time_mono_ms(void)
{
	return keel_time_mono_ns() / 1000000;
}

void
keel_time_deadline(int64_t ms, struct timespec *ret)
{
	clock_gettime(CLOCK_REALTIME, ret);
	ret->tv_sec += (time_t)(ms / 1000);
	ret->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ret->tv_nsec >= 1000000000) {
		ret->tv_sec++;
		ret->tv_nsec -= 1000000000;
	}
}

void
keel_time_format(int64_t ms, char buf[KEEL_TIME_STRLEN])
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	int frac = (int)(ms - (int64_t)s * 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(buf, KEEL_TIME_STRLEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	         tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	         tm.tm_min, tm.tm_sec, frac);
}

int
keel_time_parse(const char *s, int64_t *ret_ms)
{
	struct tm tm;
	int frac = 0, n = 0, off = 0;
	size_t len = strlen(s);
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	           &n) != 3 ||
	    n != 10 ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    sscanf(s + 11, "%2d:%2d:%2d%n", &tm.tm_hour, &tm.tm_min,
	           &tm.tm_sec, &n) != 3 ||
	    n != 8)
		return -EINVAL;
	n = 19;
	if (s[n] == '.') {
		int digits = 0;

		for (n++; s[n] >= '0' && s[n] <= '9'; n++, digits++)
			if (digits < 3)
				frac = frac * 10 + (s[n] - '0');
		if (digits == 0)
			return -EINVAL;
		for (; digits < 3; digits++)
			frac *= 10;
	}
	if ((s[n] == 'Z' || s[n] == 'z') && (size_t)n + 1 == len)
		off = 0;
	else if (strcmp(s + n, " UTC") == 0)
		off = 0;
	else if ((s[n] == '+' || s[n] == '-') && (size_t)n + 6 == len &&
	         s[n + 3] == ':' && s[n + 1] >= '0' && s[n + 1] <= '2' &&
	         s[n + 2] >= '0' && s[n + 2] <= '9' && s[n + 4] >= '0' &&
	         s[n + 4] <= '5' && s[n + 5] >= '0' && s[n + 5] <= '9') {
		off = ((s[n + 1] - '0') * 10 + (s[n + 2] - '0')) * 60 +
		      (s[n + 4] - '0') * 10 + (s[n + 5] - '0');
		if (off > 23 * 60 + 59)
			return -EINVAL;
		if (s[n] == '-')
			off = -off;
	} else
		return -EINVAL;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	*ret_ms = ((int64_t)t - (int64_t)off * 60) * 1000 + frac;
	return 0;
}

int
keel_time_hhmm(const char *s, size_t n)
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
keel_time_weekday(const char *s, size_t n)
{
	static const char *const names[] = {"sun", "mon", "tue", "wed",
	                                    "thu", "fri", "sat"};

	for (int i = 0; i < 7; i++)
		if (n == 3 && memcmp(s, names[i], 3) == 0)
			return i;
	return -1;
}

bool
keel_time_date(const char *s, size_t n, int64_t *ret_days)
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

int
keel_time_past(int64_t *ms, int64_t now, int64_t max_back_ms)
{
	if (*ms == 0 || (*ms > now && *ms <= now + 60000))
		*ms = now;
	return *ms > now || *ms < now - max_back_ms ? -ERANGE : 0;
}
