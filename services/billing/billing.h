/* keel-billing: owns contracts, invoices, payments and the hour-bank ledger. */
#ifndef KEEL_BILLING_H
#define KEEL_BILLING_H

#include "bus.h"

/* Every request keel-billing answers besides sys.*, in handlers.c. */
extern const struct keel_handler billing_handlers[];

#endif
