/* keel-notify: owns notification rules, deliveries and acknowledgements. */
#ifndef KEEL_NOTIFY_H
#define KEEL_NOTIFY_H

#include "bus.h"

/* Every request keel-notify answers besides sys.*, in handlers.c. */
extern const struct keel_handler notify_handlers[];

/* The service's Redis Functions library (services/notify/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_notify[];

#endif
