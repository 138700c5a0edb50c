/* keel-intake: owns customers, contacts, calendars, eligible products,
 * assessments, proposals and support-request intake. */
#ifndef KEEL_INTAKE_H
#define KEEL_INTAKE_H

#include "bus.h"

/* Every request keel-intake answers besides sys.*, in handlers.c. */
extern const struct keel_handler intake_handlers[];

#endif
