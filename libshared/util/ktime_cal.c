/* ktime: business calendars from their msgpack form (hours as
 * [{day, open, close}], holidays as ["YYYY-MM-DD"]), as calendar.put and
 * specialist.put keep them. */
#include "ktime.h"

#include "codec.h"

#include <stddef.h>

void
keel_cal_read(const char *hours, size_t hlen, const char *hols, size_t ollen,
              int open_min, int close_min, struct keel_calendar *c,
              int64_t *days, size_t maxdays)
{
	struct keel_mp_doc *doc = NULL;

	for (int d = 0; d < 7; d++) {
		c->open_min[d] = d >= 1 && d <= 5 ? open_min : 0;
		c->close_min[d] = d >= 1 && d <= 5 ? close_min : 0;
	}
	c->holidays = days;
	c->nholidays = 0;
	if (hlen > 0 && keel_mp_decode(hours, hlen, &doc) == 0) {
		const struct keel_obj *a = keel_mp_doc_root(doc);

		for (int d = 0; d < 7 && keel_obj_len(a) > 0; d++)
			c->open_min[d] = c->close_min[d] = 0;
		for (size_t i = 0; i < keel_obj_len(a); i++) {
			const struct keel_obj *h = keel_obj_at(a, i);
			const char *s;
			size_t n;
			int day = -1, o = -1, cl = -1;

			if (keel_obj_str(keel_obj_get(h, "day"), &s, &n))
				day = keel_time_weekday(s, n);
			if (keel_obj_str(keel_obj_get(h, "open"), &s, &n))
				o = keel_time_hhmm(s, n);
			if (keel_obj_str(keel_obj_get(h, "close"), &s, &n))
				cl = keel_time_hhmm(s, n);
			if (day >= 0 && o >= 0 && cl >= 0) {
				c->open_min[day] = o;
				c->close_min[day] = cl;
			}
		}
	}
	keel_mp_doc_free(doc);
	doc = NULL;
	if (ollen > 0 && keel_mp_decode(hols, ollen, &doc) == 0) {
		const struct keel_obj *a = keel_mp_doc_root(doc);

		for (size_t i = 0;
		     i < keel_obj_len(a) && c->nholidays < maxdays; i++) {
			const char *s;
			size_t n;
			int64_t day;

			if (keel_obj_str(keel_obj_at(a, i), &s, &n) &&
			    keel_time_date(s, n, &day))
				days[c->nholidays++] = day;
		}
	}
	keel_mp_doc_free(doc);
	/* calendar.put keeps them sorted; a copy must not rely on it. */
	for (size_t i = 1; i < c->nholidays; i++)
		for (size_t k = i; k > 0 && days[k - 1] > days[k]; k--) {
			int64_t t = days[k];

			days[k] = days[k - 1];
			days[k - 1] = t;
		}
}
