/* keel-ticketing: owns SLA policies, support staff, tickets, SLA clocks,
 * escalations and time entries. */
#ifndef KEEL_TICKETING_H
#define KEEL_TICKETING_H

#include "bus.h"

/* Every request keel-ticketing answers besides sys.*, in handlers.c. */
extern const struct keel_handler ticketing_handlers[];

#endif
