/* keel-pricing: owns price books and quotes (engagement, managed, cost-plus).
 */
#ifndef KEEL_PRICING_H
#define KEEL_PRICING_H

#include "bus.h"

/* Every request keel-pricing answers besides sys.*, in handlers.c. */
extern const struct keel_handler pricing_handlers[];

#endif
