/* keel-scheduling: owns specialists, certifications, calendars, plans,
 * checklists, execution and acceptance. */
#ifndef KEEL_SCHEDULING_H
#define KEEL_SCHEDULING_H

#include "bus.h"

/* Every request keel-scheduling answers besides sys.*, in handlers.c. */
extern const struct keel_handler scheduling_handlers[];

#endif
