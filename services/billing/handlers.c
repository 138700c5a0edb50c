/*
 * keel-billing: the table of requests it answers.  Its domain requests come
 * with their issues; until then it answers sys.health and sys.stats, which
 * libkeel's daemon module serves for every daemon.
 */
#include "billing.h"

const struct keel_handler billing_handlers[] = {
    {NULL, NULL},
};
