/* error: filling a keel_error. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool
keel_error_set(struct keel_error *err, const char *code, const char *field,
               const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return false;
	snprintf(err->code, sizeof(err->code), "%s", code);
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return false;
}

void
keel_error_clear(struct keel_error *err)
{
	memset(err, 0, sizeof(*err));
}
