/* keel-intake: owns customers, contacts, calendars, eligible products,
 * assessments, proposals and support-request intake. */
#ifndef KEEL_INTAKE_H
#define KEEL_INTAKE_H

#include "bus.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_store;

/* Every request keel-intake answers besides sys.*, in handlers.c. */
extern const struct keel_handler intake_handlers[];
/* Registers intake's write scripts. */
int intake_init(struct keel_store *store);

/* requests.c: support requests in. */
int intake_requests_init(struct keel_store *store);
void intake_request_submit(struct keel_req *req);

#endif
