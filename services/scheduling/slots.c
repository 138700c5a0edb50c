/*
 * keel-scheduling slots (DOMAIN.md section 1 step 6), no I/O: the
 * earliest time a specialist can work an activity of a given length,
 * inside their working hours (their zone, weekdays, time off as
 * holidays), touching none of their bookings.  An activity may run over
 * several working days: it occupies the wall-clock span from its start to
 * the moment its working time is done.
 */
#include "scheduling.h"

#include <errno.h>

int
sched_find_slot(const struct keel_calendar *c, const struct sched_span *busy,
                size_t nbusy, int64_t from, int64_t work_ms,
                struct sched_span *ret)
{
	int64_t t = from;

	/* Each round moves past one booking at least: nbusy + 1 rounds. */
	for (size_t round = 0; round <= nbusy; round++) {
		int64_t s, e;
		bool clash = false;

		if (keel_cal_add(c, t, 1, &s) < 0)
			return -ERANGE; /* a calendar with no working time */
		s -= 1;
		if (keel_cal_add(c, s, work_ms, &e) < 0)
			return -ERANGE;
		for (size_t i = 0; i < nbusy; i++)
			if (busy[i].start < e && busy[i].end > s) {
				if (busy[i].end > t)
					t = busy[i].end;
				clash = true;
			}
		if (!clash) {
			ret->start = s;
			ret->end = e;
			return 0;
		}
	}
	return -EAGAIN;
}
