/*
 * t_slots: keel-scheduling's slot finder, pure: working hours in the
 * specialist's zone, weekends, time off, work that runs over several
 * days, and bookings to step around.
 */
#include "harness.h"
#include "scheduling.h"
#include "tap.h"

#include <errno.h>

/* A Zurich local time in late 2026 (CET, UTC+1). */
static int64_t
zrh(int month, int day, int hour, int minute)
{
	return harness_utc(2026, month, day, hour, minute) - 3600000;
}

int
main(void)
{
	struct keel_tz *tz;
	struct keel_calendar c = {0};
	int64_t off[1];
	struct sched_span slot, busy[3];
	const int64_t h = 3600000;

	if (keel_tz_load("Europe/Zurich", &tz) < 0)
		bail_out("Europe/Zurich");
	c.tz = tz;
	keel_cal_read("", 0, "", 0, 8 * 60, 17 * 60, &c, off, 1);

	sched_find_slot(&c, NULL, 0, zrh(11, 27, 15, 0), 4 * h, &slot);
	ok(slot.start == zrh(11, 27, 15, 0) && slot.end == zrh(11, 30, 10, 0),
	   "4 h from Friday 15:00: Friday's 2 h, then Monday until 10:00");
	sched_find_slot(&c, NULL, 0, zrh(11, 28, 11, 0), 2 * h, &slot);
	ok(slot.start == zrh(11, 30, 8, 0) && slot.end == zrh(11, 30, 10, 0),
	   "from Saturday: Monday 08:00-10:00");
	off[0] = keel_time_days_from_civil(2026, 11, 30);
	c.holidays = off;
	c.nholidays = 1;
	sched_find_slot(&c, NULL, 0, zrh(11, 27, 15, 0), 4 * h, &slot);
	ok(slot.end == zrh(12, 1, 10, 0), "Monday off: it ends Tuesday 10:00");
	c.nholidays = 0;
	busy[0] = (struct sched_span){zrh(11, 27, 14, 0), zrh(11, 27, 16, 0)};
	sched_find_slot(&c, busy, 1, zrh(11, 27, 13, 0), 4 * h, &slot);
	ok(slot.start == zrh(11, 27, 16, 0) && slot.end == zrh(11, 30, 11, 0),
	   "a booking 14-16 on Friday: from 16:00, ends Monday 11:00");
	busy[1] = (struct sched_span){zrh(11, 30, 9, 0), zrh(11, 30, 12, 0)};
	busy[2] = (struct sched_span){zrh(11, 30, 13, 0), zrh(11, 30, 14, 0)};
	sched_find_slot(&c, busy, 3, zrh(11, 27, 13, 0), 1 * h, &slot);
	ok(slot.start == zrh(11, 27, 13, 0) && slot.end == zrh(11, 27, 14, 0),
	   "one hour fits Friday 13-14, before the booking");
	sched_find_slot(&c, busy, 3, zrh(11, 27, 13, 0), 2 * h, &slot);
	ok(slot.start == zrh(11, 27, 16, 0) && slot.end == zrh(11, 30, 9, 0),
	   "two hours: Friday 16-17 and Monday 08-09, up to the next booking");
	sched_find_slot(&c, busy, 3, zrh(11, 27, 13, 0), 3 * h, &slot);
	ok(slot.start == zrh(11, 30, 14, 0) && slot.end == zrh(11, 30, 17, 0),
	   "three hours step past all three: Monday 14:00-17:00");
	for (int d = 0; d < 7; d++)
		c.open_min[d] = c.close_min[d] = 0;
	is_int(sched_find_slot(&c, NULL, 0, zrh(11, 27, 13, 0), h, &slot),
	       -ERANGE, "a calendar with no working hours has no slot");
	keel_tz_free(tz);
	return done_testing();
}
