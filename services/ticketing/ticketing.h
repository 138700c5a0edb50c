/* keel-ticketing: owns SLA policies, support staff, tickets, SLA clocks,
 * escalations and time entries. */
#ifndef KEEL_TICKETING_H
#define KEEL_TICKETING_H

#include "bus.h"
#include "consumer.h"
#include "keel_fields.h"
#include "ktime.h"

#include <stdint.h>

struct keel_enc;
struct keel_store;

/* Every request keel-ticketing answers besides sys.*, in handlers.c. */
extern const struct keel_handler ticketing_handlers[];
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
	TS_COUNT,
};

/* lifecycle.c: which statuses a change may start from (pure). */
extern const char *const ticketing_status_names[];
/* "open" -> TS_OPEN, or -1. */
int ticketing_status_parse(const char *s);

enum ticketing_op {
	OP_STATUS, /* ticket.status to a working status */
	OP_RESOLVE,
	OP_CONFIRM,
	OP_REOPEN,
	OP_ESCALATE,
	OP_REFER,
	OP_ASSIGN,
	OP_LOG_TIME,
};

/* The statuses op may start from (bit per enum ticketing_status); `to`
 * matters for OP_STATUS only.  0: never. */
unsigned ticketing_allowed_from(enum ticketing_op op, enum ticketing_status to);
/* " open new " - the set as the scripts read it. */
void ticketing_status_list(unsigned set, char *buf, size_t size);

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

/* What the SLA clock plans for a ticket: its due times and the timers
 * that fire on them (breaches, escalations), from the ticket's state. */
struct ticketing_plan_in {
	const struct ticketing_sla *sla; /* the ticket's policy */
	const struct keel_calendar *business;
	int priority; /* enum ticketing_priority */
	bool closed;
	int64_t received, responded, paused_since, now; /* 0: not yet */
	int escalation; /* administrative levels fired already */
	bool response_breached, resolution_breached;
	const int64_t *pauses; /* from, to pairs of the pauses that ended */
	size_t npauses;
	/* Once responded, the response due time as it stood: a met (or
	 * missed) target is final, whatever pauses or rules come later. */
	int64_t response_due_met;
};

#define TICKETING_PLAN_TIMERS 8

struct ticketing_plan {
	int64_t response_due, resolution_due; /* 0: none */
	int64_t score; /* in the queue: priority * 1e13 + the next due */
	const char *esc_on; /* "response", "resolution" or "" */
	int ntimers;
	char kinds[TICKETING_PLAN_TIMERS][16]; /* response, resolution, escN */
	int64_t at[TICKETING_PLAN_TIMERS];
};

/* Pure: the plan of one ticket (no timers while paused or closed). */
void ticketing_sla_plan(const struct ticketing_plan_in *in,
                        struct ticketing_plan *out);

/* "30m", "2h", "nbd", "2bd" or "none" -> a target (coverage untouched);
 * 0 or -EINVAL. */
int ticketing_sla_spec(const char *s, struct sla_target *t);
/* The inverse: "2h", "90m", "1bd", "none". */
void ticketing_sla_spec_format(const struct sla_target *t, char *buf,
                               size_t size);
struct keel_obj;
/* A policy as sla.put takes it (targets, pause, escalate_pct) over the
 * defaults; 0 or -EINVAL. */
int ticketing_sla_from(const struct keel_obj *o, struct ticketing_sla *p);

/* policies.c: sla.put and sla.get. */
void ticketing_sla_put(struct keel_req *req);
void ticketing_sla_get(struct keel_req *req);
/* A stored policy (msgpack as sla.put keeps it) or, when blob is empty or
 * unreadable, the defaults (then -EINVAL). */
int ticketing_sla_load(const char *blob, size_t len, struct ticketing_sla *p);

/* context.c: what planning a new ticket needs of its customer, cached
 * with the versions it was read at (ticketing_create checks them). */
struct ticketing_ctx {
	char customer[33];
	char customer_v[24], calendar_v[24], policy_v[24]; /* as in Redis */
	char policy[33];                                   /* its id */
	struct ticketing_sla sla;
	struct keel_calendar business; /* holidays point into days */
	int64_t days[400];
};

/* A copy of the cached context of customer; false when there is none. */
bool ticketing_ctx_get(const char *customer, struct ticketing_ctx *ret);
/* Keeps a copy (replacing what was there). */
void ticketing_ctx_put(const struct ticketing_ctx *c);
struct keel_reply;
/* From ticketing_sla_context's reply: 0, -ENOENT (no such customer) or
 * -EINVAL. */
int ticketing_ctx_read(const char *customer, const struct keel_reply *r,
                       struct ticketing_ctx *ret);
/* The versions, as ticketing_create checks them. */
void ticketing_ctx_encode(struct keel_enc *e, const struct ticketing_ctx *c);

/* tickets.c: the ticket requests, and the scripts they share with the
 * request.received effect and the clock. */
void ticketing_ticket_create(struct keel_req *req);
void ticketing_ticket_assign(struct keel_req *req);
void ticketing_ticket_status(struct keel_req *req);
void ticketing_ticket_resolve(struct keel_req *req);
void ticketing_ticket_confirm(struct keel_req *req);
void ticketing_ticket_reopen(struct keel_req *req);
void ticketing_ticket_escalate(struct keel_req *req);
void ticketing_ticket_refer(struct keel_req *req);
void ticketing_ticket_log_time(struct keel_req *req);
/* The request.received effect (customers.c routes it). */
enum keel_event_verdict ticketing_on_request(const struct keel_env *ev,
                                          struct keel_effect *eff);
/* rfc.* of keel-change: the ticket follows its RFC (customers.c routes
 * it). */
enum keel_event_verdict ticketing_on_rfc(const struct keel_env *ev,
                                         struct keel_effect *eff);

/* A support request's fields, as request.submit, request.received and
 * ticket.create carry them. */
struct ticketing_request {
	char customer[KEEL_LEN_TICKET_CREATE_CUSTOMER];
	char contact[KEEL_LEN_TICKET_CREATE_CONTACT];
	char channel[16], priority[16];
	char devices[2200]; /* "a,b,c": up to 16 names of 128 */
	char service[KEEL_LEN_TICKET_CREATE_SERVICE];
	char symptoms[KEEL_LEN_TICKET_CREATE_SYMPTOMS];
	char steps[KEEL_LEN_TICKET_CREATE_STEPS];
	char changes[KEEL_LEN_TICKET_CREATE_CHANGES];
	char metric[48]; /* "cpu_pct=95" */
	int64_t received_ms;            /* 0: now */
	int level;
};

struct keel_error;
bool ticketing_request_fields(const struct keel_obj *body,
                              struct ticketing_request *r,
                              struct keel_error *err);
/* received 0 becomes now; refused when ahead of now (more than a minute)
 * or more than 30 days back. */
bool ticketing_received_ok(int64_t *received, int64_t now,
                           struct keel_error *err);
/* " hold_resolution pending_fix " for the scripts. */
void ticketing_pause_list(const struct ticketing_sla *p, char *buf,
                          size_t size);

/* queries.c: ticket.get, ticket.list, ticket.search, ticket.summary. */
void ticketing_ticket_get(struct keel_req *req);
void ticketing_ticket_list(struct keel_req *req);
void ticketing_ticket_search(struct keel_req *req);
void ticketing_ticket_summary(struct keel_req *req);

/* clock.c: SLA due times and timers (escalations, breaches), run on every
 * instance; each timer fires once, on whichever instance sees it first. */
struct keel_daemon;
/* The clock's tick: ms until it wants to run again, or -1. */
int64_t ticketing_tick(struct keel_daemon *d);
struct keel_enc;
/* A plan as the functions take it (ticketing_sla_apply, and ticket.create's
 * plan without id and version): response_due, resolution_due, score,
 * esc_on, timers [[kind, at]...]. */
void ticketing_plan_encode(struct keel_enc *e, const char *id,
                           const char *version, const struct ticketing_plan *p);

/* The service's Redis Functions library (services/ticketing/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_ticketing[];

#endif
