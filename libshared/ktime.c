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
	int frac = 0, n = 0;
	size_t len = strlen(s);
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 ||
	    n != 19)
		return -EINVAL;
	if (s[n] == '.') {
		int digits = 0;

		for (n++; s[n] >= '0' && s[n] <= '9' && digits < 3; n++) {
			frac = frac * 10 + (s[n] - '0');
			digits++;
		}
		if (digits != 3)
			return -EINVAL;
	}
	if ((size_t)n + 1 != len || s[n] != 'Z')
		return -EINVAL;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
	    tm.tm_sec > 60)
		return -EINVAL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	t = timegm(&tm);
	*ret_ms = (int64_t)t * 1000 + frac;
	return 0;
}
