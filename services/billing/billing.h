/* keel-billing: owns contracts, invoices, payments and the hour-bank ledger. */
#ifndef KEEL_BILLING_H
#define KEEL_BILLING_H

#include "bus.h"

/* Every request keel-billing answers besides sys.*, in handlers.c. */
extern const struct keel_handler billing_handlers[];

/* The service's Redis Functions library (services/billing/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_billing[];

#endif
