/* keel-intake customers: the rules of customer master data (no I/O). */
#include "intake.h"

#include <string.h>

bool
intake_customer_id_valid(const char *id, size_t len)
{
	if (len == 0 || len > 32)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

bool
intake_timezone_name_valid(const char *tz)
{
	size_t len = strlen(tz);

	/* IANA names: Area/Location, letters, digits, '_', '-', '+', '/'. */
	if (len == 0 || len > 64 || tz[0] == '/' || strstr(tz, ".."))
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = tz[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '+' || c == '/'))
			return false;
	}
	return true;
}
