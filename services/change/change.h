/* keel-change: requests for change (RFCs) with administrative
 * authorization and a review board, configuration items, patch deadlines
 * and freeze windows (DOMAIN.md section 4).  C holds the lifecycle and the
 * deadline rules (pure, lifecycle.c and deadline.c); the Functions
 * library (lua/) keeps RFCs, votes, CIs and windows atomically. */
#ifndef KEEL_CHANGE_H
#define KEEL_CHANGE_H

#include "bus.h"
#include "consumer.h"
#include "ktime.h"

#include <stddef.h>
#include <stdint.h>

struct keel_daemon;

/* Every request keel-change answers besides sys.*, in handlers.c. */
extern const struct keel_handler change_handlers[];
extern const struct keel_subscription change_subscriptions[];

/* lifecycle.c: the RFC lifecycle, no I/O.
 *
 *   submitted --authorize--> approved | cab_review (high impact)
 *   submitted --return--> returned --resubmit--> submitted
 *   submitted --reject--> rejected
 *   cab_review --the board's decision--> approved | rejected
 *   approved --release--> released --implement--> implemented
 *   implemented --close--> closed (with its outcome)
 *   submitted, returned, cab_review, approved --withdraw--> withdrawn
 */
enum change_status {
	CS_SUBMITTED,
	CS_RETURNED,
	CS_CAB_REVIEW,
	CS_APPROVED,
	CS_REJECTED,
	CS_RELEASED,
	CS_IMPLEMENTED,
	CS_CLOSED,
	CS_WITHDRAWN,
	CS_COUNT
};

enum change_op {
	CO_RESUBMIT,
	CO_AUTHORIZE,
	CO_RETURN,
	CO_REJECT,
	CO_WITHDRAW,
	CO_RELEASE,
	CO_IMPLEMENT,
	CO_CLOSE,
	CO_PRIORITY,
	CO_VOTE,
	CO_COUNT
};

extern const char *const change_status_names[CS_COUNT];
extern const char *const change_op_names[CO_COUNT];
/* The statuses op may start from, a bit set (1 << status). */
unsigned change_allowed_from(enum change_op op);
/* Where op leads (authorize: approved; the board's decision is Lua's). */
enum change_status change_op_to(enum change_op op);
/* " submitted returned " for a bit set: what the functions check. */
void change_status_list(unsigned set, char *buf, size_t size);
int change_status_parse(const char *s);

/* deadline.c: a patch's test-and-approve deadline from its urgency:
 * critical 3 and important 10 business days (close of business of the
 * n-th business day after the submission's local date), moderate and low
 * 3 months, a service release 6 months, a major revision 1 year (the same
 * local time that many months later, on the month's last day when
 * shorter).  0, or -EINVAL for an unknown urgency. */
int change_patch_deadline(const struct keel_calendar *c, int64_t submitted_ms,
                          const char *urgency, int64_t *ret);
/* A local "YYYY-MM-DDTHH:MM" in zone tz as an instant; 0 or -EINVAL. */
int change_local_time(const struct keel_tz *tz, const char *s,
                      int64_t *ret);

/* rfcs.c */
void change_rfc_submit(struct keel_req *req);
void change_rfc_resubmit(struct keel_req *req);
void change_rfc_get(struct keel_req *req);
void change_rfc_list(struct keel_req *req);
void change_rfc_authorize(struct keel_req *req);
void change_rfc_return(struct keel_req *req);
void change_rfc_reject(struct keel_req *req);
void change_rfc_withdraw(struct keel_req *req);
void change_rfc_release(struct keel_req *req);
void change_rfc_implement(struct keel_req *req);
void change_rfc_close(struct keel_req *req);
void change_rfc_priority(struct keel_req *req);
void change_cab_put(struct keel_req *req);
void change_cab_get(struct keel_req *req);
void change_cab_vote(struct keel_req *req);
void change_rule_put(struct keel_req *req);
void change_rule_get(struct keel_req *req);
void change_ci_put(struct keel_req *req);
void change_ci_get(struct keel_req *req);
void change_ci_list(struct keel_req *req);
void change_ci_history(struct keel_req *req);
void change_freeze_put(struct keel_req *req);
void change_freeze_list(struct keel_req *req);
/* Overdue patch RFCs, on the daemon's tick. */
int64_t change_tick(struct keel_daemon *d);

/* The service's Redis Functions library (services/change/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_change[];

#endif
