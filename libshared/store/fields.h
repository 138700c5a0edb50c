/*
 * fields: an entity's hash read by its declaration (msg.h): the names an
 * HMGET asks for, and its answer encoded as the declared reply, so the
 * list of fields and their types is written once, in msgs/<service>.c.
 */
#ifndef KEEL_STORE_FIELDS_H
#define KEEL_STORE_FIELDS_H

#include <stddef.h>

struct keel_enc;
struct keel_field;
struct keel_reply;

/* The scalar members (string, integer, boolean) of fields, in order, into
 * names (at most max; the names are the declaration's).  Returns how many. */
size_t keel_fields_scalars(const struct keel_field *fields, const char **names,
                           size_t max);

/* Writes each scalar member of fields as a key and its value from r, an
 * array in the order of keel_fields_scalars (an HMGET's answer): integers
 * parsed, booleans "1", a missing value "" or 0.  The caller opened the
 * map.  Returns how many pairs it wrote. */
size_t keel_fields_encode(struct keel_enc *e, const struct keel_field *fields,
                          const struct keel_reply *r);

#endif
