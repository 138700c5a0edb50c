/* keel-change: owns RFCs, review-board decisions and configuration items. */
#ifndef KEEL_CHANGE_H
#define KEEL_CHANGE_H

#include "bus.h"

/* Every request keel-change answers besides sys.*, in handlers.c. */
extern const struct keel_handler change_handlers[];

/* The service's Redis Functions library (services/change/lua, joined at
 * build time by cmake/keel_lua.cmake). */
extern const char keel_lua_change[];

#endif
