/* keel-ticketing: owns SLA policies, support staff, tickets, SLA clocks,
 * escalations and time entries. */
#ifndef KEEL_TICKETING_H
#define KEEL_TICKETING_H

#include "bus.h"
#include "consumer.h"

/* Every request keel-ticketing answers besides sys.*, in handlers.c. */
extern const struct keel_handler ticketing_handlers[];
/* Other daemons' events it keeps, in customers.c. */
extern const struct keel_subscription ticketing_subscriptions[];

#endif
