/*
 * error: the refusal every reply and every library call can carry: a
 * stable lower_snake code, a lower-case message naming the subject, and
 * the field it concerns (a path such as "body.contacts[2].email").
 */
#ifndef KEEL_ERROR_H
#define KEEL_ERROR_H

#include <stdbool.h>

/* The stable codes of DESIGN.md; wire names never change meaning. */
#define KEEL_E_INVALID_FIELD "invalid_field"
#define KEEL_E_MALFORMED "malformed"
#define KEEL_E_TOO_LARGE "too_large"
#define KEEL_E_UNKNOWN_TYPE "unknown_type"
#define KEEL_E_UNSUPPORTED_VERSION "unsupported_version"
#define KEEL_E_NOT_FOUND "not_found"
#define KEEL_E_INVALID_TRANSITION "invalid_transition"
#define KEEL_E_CONFLICT "conflict"
#define KEEL_E_UNAVAILABLE "unavailable"
#define KEEL_E_UNAUTHORIZED "unauthorized"
#define KEEL_E_FORBIDDEN "forbidden"
#define KEEL_E_TIMEOUT "timeout"
#define KEEL_E_INTERNAL "internal"

struct keel_error {
	char code[32];
	char field[128];
	char message[256];
};

/* Sets all three parts; field may be NULL.  Always returns false so that
 * validators can `return keel_error_set(...)`. */
bool keel_error_set(struct keel_error *err, const char *code, const char *field,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void keel_error_clear(struct keel_error *err);

#endif
