/* keel-intake: owns customers, contacts, calendars, eligible products,
 * assessments, proposals and support-request intake. */
#ifndef KEEL_INTAKE_H
#define KEEL_INTAKE_H

#include "bus.h"
#include "consumer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Every request keel-intake answers besides sys.*, in handlers.c. */
extern const struct keel_handler intake_handlers[];

/* requests.c: support requests in. */
void intake_request_submit(struct keel_req *req);

/* assessments.c: the eligible-products list and assessments. */
void intake_product_put(struct keel_req *req);
void intake_product_list(struct keel_req *req);
void intake_assessment_submit(struct keel_req *req);
void intake_assessment_evaluate(struct keel_req *req);
void intake_assessment_get(struct keel_req *req);

/* proposals.c: proposals and their versions; keel-pricing's quotes come
 * back through intake_subscriptions. */
void intake_proposal_draft(struct keel_req *req);
void intake_proposal_review(struct keel_req *req);
void intake_proposal_send(struct keel_req *req);
void intake_proposal_accept(struct keel_req *req);
void intake_proposal_reject(struct keel_req *req);
void intake_proposal_revise(struct keel_req *req);
void intake_proposal_get(struct keel_req *req);
struct keel_env;
struct keel_effect;
enum keel_event_verdict intake_on_priced(const struct keel_env *ev,
                                          struct keel_effect *eff);
extern const struct keel_subscription intake_subscriptions[];
struct keel_enc;
/* A stored packed map as it is, or an empty map when it is unreadable. */
void intake_enc_packed(struct keel_enc *e, const char *p, size_t len);

/* The service's Redis Functions library (services/intake/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_intake[];

#endif
