/*
 * ktime: instants are int64 milliseconds since the epoch, UTC, everywhere
 * inside Keel.  Zones come from the system's tz database (ktime_tz.c),
 * never from the process-wide TZ (daemons are threaded); business
 * calendars count working time in a zone, across weekends, holidays and
 * DST changes.
 */
#ifndef KEEL_KTIME_H
#define KEEL_KTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Wall clock, ms since the epoch (UTC). */
int64_t keel_time_now_ms(void);
/* Monotonic clock in ms and in ns, for durations and deadlines. */
int64_t keel_time_mono_ms(void);
int64_t keel_time_mono_ns(void);
struct timespec;
/* The CLOCK_REALTIME instant ms from now, for pthread_cond_timedwait. */
void keel_time_deadline(int64_t ms, struct timespec *ret);
/* RFC 3339 UTC with milliseconds: "2026-11-23T11:05:09.123Z". */
#define KEEL_TIME_STRLEN 64
void keel_time_format(int64_t ms, char buf[KEEL_TIME_STRLEN]);
/* Parses RFC 3339: "2026-11-23T11:05:09Z", with any fraction of a second
 * (cut to ms), "t" or " " for "T", "z", an offset "+01:00", or " UTC" as
 * keelctl shows it; 0 or -EINVAL. */
int keel_time_parse(const char *s, int64_t *ret_ms);

/* Civil dates <-> days since 1970-01-01 (proleptic Gregorian). */
int64_t keel_time_days_from_civil(int year, int month, int day);
void keel_time_civil_from_days(int64_t days, int *year, int *month, int *day);

/* "HH:MM" -> minutes after midnight (24:00 allowed), or -1. */
int keel_time_hhmm(const char *s, size_t n);
/* "sun".."sat" -> 0..6, or -1. */
int keel_time_weekday(const char *s, size_t n);
/* "YYYY-MM-DD" that is a real date -> days since 1970-01-01. */
bool keel_time_date(const char *s, size_t n, int64_t *ret_days);

/* For "when it happened" fields: 0 becomes now; a time up to a minute
 * ahead (clock skew) becomes now.  0, or -ERANGE when it is further ahead
 * or more than max_back_ms ago. */
int keel_time_past(int64_t *ms, int64_t now, int64_t max_back_ms);

/* A zone of the tz database, e.g. "Europe/Zurich". */
struct keel_tz;

struct keel_localtime {
	int year, month, day;
	int wday;       /* 0 = Sunday */
	int sec_of_day; /* 0..86399 */
	int64_t days;   /* the local date as days since 1970-01-01 */
};

/* Loads a zone from /usr/share/zoneinfo: 0, -EINVAL (bad name or file),
 * -ENOENT (no such zone), -ENOMEM.  Free with keel_tz_free. */
int keel_tz_load(const char *name, struct keel_tz **ret_tz);
struct keel_tz *keel_tz_free(struct keel_tz *tz);
/* The zone name from the process-wide cache (read from tzdata once,
 * shared by every thread, never freed): 0, -EINVAL, -ENOENT, -ENOMEM, or
 * -ENOSPC past 1024 distinct names. */
int keel_tz_get(const char *name, const struct keel_tz **ret_tz);
const char *keel_tz_name(const struct keel_tz *tz);
/* Seconds east of UTC in force at the instant. */
int32_t keel_tz_offset(const struct keel_tz *tz, int64_t utc_ms);
void keel_tz_local(const struct keel_tz *tz, int64_t utc_ms,
                   struct keel_localtime *ret);
/* The instant of a local date and time.  A time that happens twice (DST
 * ends) is its first instant; a time that does not exist (DST starts) is
 * moved forward by the gap. */
int64_t keel_tz_to_utc(const struct keel_tz *tz, int64_t days, int sec_of_day);

/* Working hours per weekday (0 = Sunday) in minutes after local midnight;
 * a day whose close is not after its open is closed.  Holidays are local
 * dates (days since 1970-01-01), sorted.  24x7 is every day 0..1440. */
struct keel_calendar {
	const struct keel_tz *tz;
	int open_min[7], close_min[7];
	const int64_t *holidays;
	size_t nholidays;
};

/* The instant when duration ms of working time have passed from start
 * (counting from the next opening when start is outside hours). */
int keel_cal_add(const struct keel_calendar *c, int64_t start, int64_t duration,
                 int64_t *ret);
/* Working time between two instants, ms (0 when b <= a). */
int64_t keel_cal_between(const struct keel_calendar *c, int64_t a, int64_t b);
/* Fills c's hours and holidays (c->tz is the caller's) from their msgpack
 * form: hours [{day: "mon", open: "08:00", close: "17:00"}...] and holidays
 * ["YYYY-MM-DD"...] (sorted into days, at most maxdays); Monday to Friday
 * open_min..close_min when hours is empty or unreadable. */
void keel_cal_read(const char *hours, size_t hlen, const char *hols,
                   size_t hols_len, int open_min, int close_min,
                   struct keel_calendar *c, int64_t *days, size_t maxdays);
/* Close of business of the n-th business day after the local date of
 * received (n = 1: "next business day"). */
int keel_cal_day_close(const struct keel_calendar *c, int64_t received, int n,
                       int64_t *ret);

#endif
