/* keel-intake: owns customers, contacts, calendars, eligible products,
 * assessments, proposals and support-request intake. */
#ifndef KEEL_INTAKE_H
#define KEEL_INTAKE_H

#include "bus.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_store;

/* Every request keel-intake answers besides sys.*, in handlers.c. */
extern const struct keel_handler intake_handlers[];
/* Registers intake's write scripts. */
int intake_init(struct keel_store *store);

/* calendars.c: pure rules */
/* "HH:MM" -> minutes after midnight (24:00 allowed), or -1. */
int intake_hhmm(const char *s, size_t n);
/* "sun".."sat" -> 0..6, or -1. */
int intake_weekday(const char *s, size_t n);
/* "YYYY-MM-DD" that is a real date -> days since 1970-01-01. */
bool intake_date(const char *s, size_t n, int64_t *ret_days);

#endif
