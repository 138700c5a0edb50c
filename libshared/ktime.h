/*
 * ktime: instants are int64 milliseconds since the epoch, UTC, everywhere
 * inside Keel.  Business-time arithmetic (calendars, zones) will live here
 * too, reading the system zone database without touching TZ.
 */
#ifndef KEEL_KTIME_H
#define KEEL_KTIME_H

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
/* Parses the form above (the "Z" form only); 0 or -EINVAL. */
int keel_time_parse(const char *s, int64_t *ret_ms);

#endif
