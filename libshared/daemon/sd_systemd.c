/* sd: libsystemd's notify, watchdog and journal calls. */
#include "sd.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>

bool
keel_sd_built(void)
{
	return true;
}

void
keel_sd_notify(const char *state)
{
	sd_notify(0, state);
}

uint64_t
keel_sd_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}

bool
keel_sd_journal_stderr(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(2, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

int
keel_sd_journal(int priority, const char *msg, size_t npairs,
                const char *const *keys, const char *const *vals)
{
	struct iovec iov[34];
	char bufs[34][512];
	size_t n = 0;

	snprintf(bufs[n], sizeof(bufs[n]), "MESSAGE=%s", msg);
	n++;
	snprintf(bufs[n], sizeof(bufs[n]), "PRIORITY=%d", priority);
	n++;
	for (size_t i = 0; i < npairs && n < 34; i++, n++) {
		int w = snprintf(bufs[n], sizeof(bufs[n]), "KEEL_");
		for (const char *k = keys[i]; *k && w < 64; k++)
			bufs[n][w++] = isalnum((unsigned char)*k)
			                   ? (char)toupper((unsigned char)*k)
			                   : '_';
		snprintf(bufs[n] + w, sizeof(bufs[n]) - (size_t)w, "=%s",
		         vals[i]);
	}
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = strlen(bufs[i]);
	}
	return sd_journal_sendv(iov, (int)n);
}
