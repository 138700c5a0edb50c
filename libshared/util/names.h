/*
 * names: the two small things every service did by hand - an enum's wire
 * name to its index, and an array of strings joined into one (for a Redis
 * field or a function's request) with the separator refused inside items.
 */
#ifndef KEEL_NAMES_H
#define KEEL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

struct keel_obj;

/* The index of s in names (NULL-ended), or -EINVAL. */
int keel_enum_parse(const char *const *names, const char *s);

/* The strings of array a joined by sep into buf ("" for none or no
 * array); false when an item is not a string, holds sep, or the result
 * does not fit. */
bool keel_join(const struct keel_obj *a, char sep, char *buf, size_t size);

#endif
