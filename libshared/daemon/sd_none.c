/* sd: built without libsystemd; every call is a no-op. */
#include "sd.h"

#include <errno.h>

bool
keel_sd_built(void)
{
	return false;
}
void
keel_sd_notify(const char *state)
{
	(void)state;
}
uint64_t
keel_sd_watchdog_usec(void)
{
	return 0;
}
bool
keel_sd_journal_stderr(void)
{
	return false;
}

int
keel_sd_journal(int priority, const char *msg, size_t npairs,
                const char *const *keys, const char *const *vals)
{
	return -ENOSYS;
}
