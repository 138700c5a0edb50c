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

#include "codec.h"
#include "names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const ticketing_priority_names[] =
    KEEL_ENUM_TICKET_CREATE_PRIORITY;

int
ticketing_priority_parse(const char *s)
{
	return keel_enum_parse(ticketing_priority_names, s);
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

int
ticketing_sla_spec(const char *s, struct sla_target *t)
{
	char *end;
	long n;

	t->ms = 0;
	t->days = 0;
	if (strcmp(s, "none") == 0) {
		t->kind = SLA_NONE;
		return 0;
	}
	if (strcmp(s, "nbd") == 0) {
		t->kind = SLA_BUSINESS_DAYS;
		t->days = 1;
		return 0;
	}
	if (*s < '1' || *s > '9')
		return -EINVAL;
	n = strtol(s, &end, 10);
	if (strcmp(end, "m") == 0 && n <= 100000) {
		t->kind = SLA_DURATION;
		t->ms = (int64_t)n * 60000;
	} else if (strcmp(end, "h") == 0 && n <= 10000) {
		t->kind = SLA_DURATION;
		t->ms = (int64_t)n * 3600000;
	} else if (strcmp(end, "bd") == 0 && n <= 30) {
		t->kind = SLA_BUSINESS_DAYS;
		t->days = (int)n;
	} else
		return -EINVAL;
	return 0;
}

void
ticketing_sla_spec_format(const struct sla_target *t, char *buf, size_t size)
{
	if (t->kind == SLA_NONE)
		snprintf(buf, size, "none");
	else if (t->kind == SLA_BUSINESS_DAYS)
		snprintf(buf, size, "%dbd", t->days);
	else if (t->ms % 3600000 == 0)
		snprintf(buf, size, "%lldh", (long long)(t->ms / 3600000));
	else
		snprintf(buf, size, "%lldm", (long long)(t->ms / 60000));
}

int
ticketing_sla_from(const struct keel_obj *o, struct ticketing_sla *p)
{
	const struct keel_obj *targets = keel_obj_get(o, "targets");
	const struct keel_obj *pause = keel_obj_get(o, "pause");
	const struct keel_obj *esc = keel_obj_get(o, "escalate_pct");

	ticketing_sla_default(p);
	for (size_t i = 0; i < keel_obj_len(targets); i++) {
		const struct keel_obj *t = keel_obj_at(targets, i);
		char prio[16] = "", spec[24] = "", cov[16] = "";
		int k;

		keel_obj_strcpy(keel_obj_get(t, "priority"), prio,
		                sizeof(prio));
		if ((k = ticketing_priority_parse(prio)) < 0)
			return -EINVAL;
		if (keel_obj_strcpy(keel_obj_get(t, "response"), spec,
		                    sizeof(spec)) &&
		    ticketing_sla_spec(spec, &p->response[k]) < 0)
			return -EINVAL;
		if (keel_obj_strcpy(keel_obj_get(t, "resolution"), spec,
		                    sizeof(spec)) &&
		    ticketing_sla_spec(spec, &p->resolution[k]) < 0)
			return -EINVAL;
		if (keel_obj_strcpy(keel_obj_get(t, "coverage"), cov,
		                    sizeof(cov)))
			p->response[k].business_hours =
			    p->resolution[k].business_hours =
			        strcmp(cov, "business") == 0;
		else
			/* DOMAIN.md: 24x7 for critical and high. */
			p->resolution[k].business_hours =
			    p->response[k].business_hours;
	}
	if (pause) {
		p->pause_statuses = 0;
		for (size_t i = 0; i < keel_obj_len(pause); i++) {
			char st[32] = "";
			int s;

			keel_obj_strcpy(keel_obj_at(pause, i), st, sizeof(st));
			if ((s = ticketing_status_parse(st)) < 0)
				return -EINVAL;
			p->pause_statuses |= 1u << s;
		}
	}
	if (esc) {
		p->nescalations = 0;
		for (size_t i = 0; i < keel_obj_len(esc) && i < 4; i++) {
			int64_t pct = 0;

			if (!keel_obj_int(keel_obj_at(esc, i), &pct) ||
			    pct < 1 || pct > 1000)
				return -EINVAL;
			p->escalate_bp[p->nescalations++] = (int)(pct * 100);
		}
	}
	return 0;
}

static void
plan_timer(struct ticketing_plan *p, const char *kind, int64_t at)
{
	if (p->ntimers >= TICKETING_PLAN_TIMERS)
		return;
	snprintf(p->kinds[p->ntimers], sizeof(p->kinds[0]), "%s", kind);
	p->at[p->ntimers++] = at;
}

void
ticketing_sla_plan(const struct ticketing_plan_in *in,
                   struct ticketing_plan *out)
{
	const struct ticketing_sla *sla = in->sla;
	const struct keel_calendar *business = in->business;
	struct keel_calendar always = {0};
	const struct sla_target *esc_target = NULL;
	int64_t esc_paused = 0;
	bool paused = in->paused_since > 0;
	int prio = in->priority;

	memset(out, 0, sizeof(*out));
	out->esc_on = "";
	keel_tz_get("UTC", &always.tz);
	for (int d = 0; d < 7; d++)
		always.close_min[d] = 1440;
	/* Each target counts its own coverage of the pauses. */
	for (int k = 0; k < 2; k++) {
		const struct sla_target *t =
		    k == 0 ? &sla->response[prio] : &sla->resolution[prio];
		int64_t pm = 0, due = 0;

		/* The response target counts only pauses before the
		 * response: it stops there. */
		int64_t end = k == 0 && in->responded > 0 ? in->responded
		                                          : INT64_MAX;

		for (size_t i = 0; i < in->npauses; i++)
			if (in->pauses[2 * i] < end)
				pm += ticketing_sla_paused(
				    t, business, &always, in->pauses[2 * i],
				    in->pauses[2 * i + 1] < end
				        ? in->pauses[2 * i + 1]
				        : end);
		if (paused && in->paused_since < end)
			pm += ticketing_sla_paused(
			    t, business, &always, in->paused_since,
			    in->now < end ? in->now : end);
		if (k == 0 && in->responded > 0 && in->response_due_met > 0)
			due = in->response_due_met;
		else if (ticketing_sla_due(t, business, &always, in->received,
		                           pm, &due) < 0)
			due = 0;
		if (k == 0)
			out->response_due = due;
		else
			out->resolution_due = due;
		if (k == 1 && due > 0) {
			esc_target = t;
			esc_paused = pm;
			out->esc_on = "resolution";
		} else if (k == 0 && due > 0 && in->responded == 0) {
			esc_target = t;
			esc_paused = pm;
			out->esc_on = "response";
		}
	}
	{
		int64_t next = in->responded == 0 && out->response_due > 0
		                   ? out->response_due
		                   : out->resolution_due;

		out->score = (int64_t)prio * 10000000000000LL +
		             (next > 0 ? next : 9999999999999LL);
	}
	if (paused || in->closed)
		return;
	if (in->responded == 0 && out->response_due > 0 &&
	    !in->response_breached)
		plan_timer(out, "response", out->response_due);
	if (out->resolution_due > 0 && !in->resolution_breached)
		plan_timer(out, "resolution", out->resolution_due);
	for (int i = in->escalation; esc_target && i < sla->nescalations; i++) {
		char kind[16];
		int64_t at;

		if (ticketing_sla_threshold(esc_target, business, &always,
		                            in->received, esc_paused,
		                            sla->escalate_bp[i], &at) < 0)
			continue;
		snprintf(kind, sizeof(kind), "esc%d", i + 1);
		plan_timer(out, kind, at);
	}
}
