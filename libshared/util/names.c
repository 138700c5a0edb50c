/* names: enum names and joined lists. */
#include "names.h"

#include "codec.h"

#include <errno.h>
#include <string.h>

int
keel_enum_parse(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -EINVAL;
}

bool
keel_join(const struct keel_obj *a, char sep, char *buf, size_t size)
{
	size_t used = 0;

	if (size == 0)
		return false;
	buf[0] = '\0';
	for (size_t i = 0; i < keel_obj_len(a); i++) {
		const char *s;
		size_t n;

		if (!keel_obj_str(keel_obj_at(a, i), &s, &n) ||
		    memchr(s, sep, n) || used + (i > 0) + n + 1 > size)
			return false;
		if (i > 0)
			buf[used++] = sep;
		memcpy(buf + used, s, n);
		used += n;
		buf[used] = '\0';
	}
	return true;
}
