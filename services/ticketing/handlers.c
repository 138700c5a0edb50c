/*
 * keel-ticketing: the table of requests it answers.  Its domain requests come
 * with their issues; until then it answers sys.health and sys.stats, which
 * libkeel's daemon module serves for every daemon.
 */
#include "ticketing.h"

const struct keel_handler ticketing_handlers[] = {
    {NULL, NULL},
};
