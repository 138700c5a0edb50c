/*
 * keel-ticketing SLA clocks (DOMAIN.md section 3), no I/O: when a target
 * is due and when its escalation thresholds pass, in the customer's
 * calendar.
 *
 *  - a duration target counts only time inside its coverage (24x7 or the
 *    business calendar); a request received outside coverage starts
 *    counting when coverage opens;
 *  - a business-day target is due at the close of business of the Nth
 *    business day after the local date of receipt;
 *  - paused time moves the due time by the coverage time it covered;
 *  - an escalation threshold (basis points of the target) passes when
 *    that share of the target's coverage time has elapsed.
 */
#include "ticketing.h"

#include <errno.h>
#include <string.h>

const char *const ticketing_priority_names[] = {"critical", "high", "normal",
                                                "low", NULL};

int
ticketing_priority_parse(const char *s)
{
	for (int i = 0; ticketing_priority_names[i]; i++)
		if (strcmp(s, ticketing_priority_names[i]) == 0)
			return i;
	return -EINVAL;
}

void
ticketing_sla_default(struct ticketing_sla *p)
{
	static const struct sla_target response[4] = {
	    [PRIO_CRITICAL] = {SLA_DURATION, 3600000, 0, false},
	    [PRIO_HIGH] = {SLA_DURATION, 7200000, 0, false},
	    [PRIO_NORMAL] = {SLA_BUSINESS_DAYS, 0, 1, true},
	    [PRIO_LOW] = {SLA_BUSINESS_DAYS, 0, 2, true},
	};

	memset(p, 0, sizeof(*p));
	memcpy(p->response, response, sizeof(response));
	for (int i = 0; i < 4; i++)
		p->resolution[i].kind = SLA_NONE; /* best effort */
	p->escalate_bp[0] = 7500;                 /* service manager */
	p->escalate_bp[1] = 10000;                /* executive */
	p->nescalations = 2;
	p->pause_statuses = (1u << TS_HOLD_RESOLUTION) | (1u << TS_PENDING_FIX);
}

static const struct keel_calendar *
coverage(const struct sla_target *t, const struct keel_calendar *business,
         const struct keel_calendar *always)
{
	return t->business_hours ? business : always;
}

/* The target's length in coverage time from received (business days are
 * measured up to their due time). */
static int
target_span(const struct sla_target *t, const struct keel_calendar *cov,
            int64_t received, int64_t *ret)
{
	int64_t due;
	int r;

	switch (t->kind) {
	case SLA_DURATION:
		*ret = t->ms;
		return 0;
	case SLA_BUSINESS_DAYS:
		r = keel_cal_day_close(cov, received, t->days, &due);
		if (r < 0)
			return r;
		/* From when coverage first opens, as for durations. */
		*ret = keel_cal_between(cov, received, due);
		return 0;
	default:
		return -ENOENT;
	}
}

int
ticketing_sla_due(const struct sla_target *t,
                  const struct keel_calendar *business,
                  const struct keel_calendar *always, int64_t received,
                  int64_t paused_ms, int64_t *ret)
{
	const struct keel_calendar *cov = coverage(t, business, always);
	int64_t span;
	int r = target_span(t, cov, received, &span);

	if (r < 0)
		return r;
	if (span + paused_ms < 0)
		return -ERANGE;
	return keel_cal_add(cov, received, span + paused_ms, ret);
}

int
ticketing_sla_threshold(const struct sla_target *t,
                        const struct keel_calendar *business,
                        const struct keel_calendar *always, int64_t received,
                        int64_t paused_ms, int bp, int64_t *ret)
{
	const struct keel_calendar *cov = coverage(t, business, always);
	int64_t span, part;
	int r = target_span(t, cov, received, &span);

	if (r < 0)
		return r;
	/* Exact share of the span, rounded up: never escalate early. */
	part = (int64_t)(((__int128)span * bp + 9999) / 10000);
	return keel_cal_add(cov, received, part + paused_ms, ret);
}

int64_t
ticketing_sla_paused(const struct sla_target *t,
                     const struct keel_calendar *business,
                     const struct keel_calendar *always, int64_t from,
                     int64_t to)
{
	return keel_cal_between(coverage(t, business, always), from, to);
}
