/* keel-scheduling: owns specialists, certifications, calendars, plans,
 * checklists, execution and acceptance. */
#ifndef KEEL_SCHEDULING_H
#define KEEL_SCHEDULING_H

#include "bus.h"

#include "consumer.h"
#include "ktime.h"

#include <stddef.h>
#include <stdint.h>

struct keel_enc;
struct keel_obj;

/* Every request keel-scheduling answers besides sys.*, in handlers.c. */
extern const struct keel_handler scheduling_handlers[];

/* slots.c: the earliest slot, no I/O. */
struct sched_span {
	int64_t start, end; /* ms, UTC, end exclusive */
};
/* The earliest start at or after from at which work_ms of working time
 * in calendar c fit without touching any busy span; 0, -ERANGE (no
 * working time at all) or -EAGAIN. */
int sched_find_slot(const struct keel_calendar *c,
                    const struct sched_span *busy, size_t nbusy, int64_t from,
                    int64_t work_ms, struct sched_span *ret);

/* plans.c: specialists, engagements and plans (their functions are in
 * lua/specialists.lua and lua/plans.lua). */
void scheduling_specialist_put(struct keel_req *req);
void scheduling_specialist_list(struct keel_req *req);
void scheduling_plan_propose(struct keel_req *req);
void scheduling_plan_coordinate(struct keel_req *req);
void scheduling_plan_agree(struct keel_req *req);
void scheduling_plan_get(struct keel_req *req);
/* Answers with what the read function fn (KEYS[1] the engagement,
 * req.engagement) returns for body.engagement: a packed map, or '' for
 * not_found. */
void scheduling_read_engagement(struct keel_req *req, const char *fn);
/* Starts e as a write's request, a map of n fields: engagement (of body
 * b), op and by; the caller appends the other n - 3. */
void scheduling_step_req(struct keel_enc *e, const struct keel_obj *b,
                         const char *op, const char *by, uint32_t n);

/* execution.c: checklist, execution, acceptance (lua/execution.lua).
 * sched_checklist: the checklist for a proposal.accepted body, "\n"-joined
 * (pure). */
void sched_checklist(const struct keel_obj *accepted, char *buf, size_t size);
void scheduling_checklist_get(struct keel_req *req);
void scheduling_checklist_tick(struct keel_req *req);
void scheduling_execution_start(struct keel_req *req);
void scheduling_execution_verify(struct keel_req *req);
void scheduling_acceptance_sign(struct keel_req *req);
extern const struct keel_subscription scheduling_subscriptions[];

/* The service's Redis Functions library (services/scheduling/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_scheduling[];

#endif
