/*
 * keel-pricing: the table of requests it answers.  Its domain requests come
 * with their issues; until then it answers sys.health and sys.stats, which
 * libkeel's daemon module serves for every daemon.
 */
#include "pricing.h"

const struct keel_handler pricing_handlers[] = {
    {NULL, NULL},
};
