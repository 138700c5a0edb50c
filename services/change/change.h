/* keel-change: owns RFCs, review-board decisions and configuration items. */
#ifndef KEEL_CHANGE_H
#define KEEL_CHANGE_H

#include "bus.h"

/* Every request keel-change answers besides sys.*, in handlers.c. */
extern const struct keel_handler change_handlers[];

#endif
