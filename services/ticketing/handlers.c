/*
 * keel-ticketing: the table of requests it answers (besides sys.* and
 * events.since, which libkeel serves for every daemon).
 */
#include "ticketing.h"

const struct keel_handler ticketing_handlers[] = {
    {"staff.put", ticketing_staff_put},
    {"staff.get", ticketing_staff_get},
    {"staff.list", ticketing_staff_list},
    {NULL, NULL},
};
