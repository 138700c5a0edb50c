/* keel-ticketing: owns SLA policies, support staff, tickets, SLA clocks,
 * escalations and time entries. */
#ifndef KEEL_TICKETING_H
#define KEEL_TICKETING_H

#include "bus.h"
#include "consumer.h"
#include "ktime.h"

#include <stdint.h>

struct keel_store;

/* Every request keel-ticketing answers besides sys.*, in handlers.c. */
extern const struct keel_handler ticketing_handlers[];
/* Registers keel-ticketing's scripts, in staff.c. */
int ticketing_init(struct keel_store *store);
/* staff.c: support staff requests. */
void ticketing_staff_put(struct keel_req *req);
void ticketing_staff_get(struct keel_req *req);
void ticketing_staff_list(struct keel_req *req);
/* Other daemons' events it keeps, in customers.c. */
extern const struct keel_subscription ticketing_subscriptions[];

/* sla.c: SLA clocks, pure. */
enum ticketing_priority { PRIO_CRITICAL, PRIO_HIGH, PRIO_NORMAL, PRIO_LOW };
extern const char *const ticketing_priority_names[];
/* "critical" ... "low" -> enum, or -EINVAL. */
int ticketing_priority_parse(const char *s);

enum ticketing_status {
	TS_NEW,
	TS_OPEN,
	TS_HOLD_RESEARCH,
	TS_HOLD_RESOLUTION,
	TS_PENDING_FIX,
	TS_RFC_SUBMITTED,
	TS_CLOSED,
};

struct sla_target {
	enum { SLA_NONE, SLA_DURATION, SLA_BUSINESS_DAYS } kind;
	int64_t ms;          /* SLA_DURATION */
	int days;            /* SLA_BUSINESS_DAYS: 1 = next business day */
	bool business_hours; /* coverage: business calendar, else 24x7 */
};

struct ticketing_sla {
	struct sla_target response[4], resolution[4]; /* by priority */
	int escalate_bp[4]; /* thresholds, basis points of the target */
	int nescalations;
	unsigned pause_statuses; /* bit per enum ticketing_status */
};

/* DOMAIN.md section 3 defaults: critical 1 h and high 2 h (24x7), normal
 * next business day, low 2 business days; resolution best effort;
 * escalation at 75 % and 100 %; pauses in hold_resolution and
 * pending_fix. */
void ticketing_sla_default(struct ticketing_sla *p);
/* When target t of a request received at `received` is due, after
 * paused_ms of coverage time spent paused.  -ENOENT for SLA_NONE. */
int ticketing_sla_due(const struct sla_target *t,
                      const struct keel_calendar *business,
                      const struct keel_calendar *always, int64_t received,
                      int64_t paused_ms, int64_t *ret);
/* When bp basis points of target t have elapsed (escalation). */
int ticketing_sla_threshold(const struct sla_target *t,
                            const struct keel_calendar *business,
                            const struct keel_calendar *always,
                            int64_t received, int64_t paused_ms, int bp,
                            int64_t *ret);
/* Coverage time of a pause from..to, to add to paused_ms. */
int64_t ticketing_sla_paused(const struct sla_target *t,
                             const struct keel_calendar *business,
                             const struct keel_calendar *always, int64_t from,
                             int64_t to);

#endif
