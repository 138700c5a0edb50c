/*
 * sd: the systemd edge.  sd_systemd.c is built when libsystemd is found,
 * sd_none.c (no-ops) otherwise, so callers never need #ifdef.
 */
#ifndef KEEL_SD_H
#define KEEL_SD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when built with libsystemd. */
bool keel_sd_built(void);
/* Sends a state string ("READY=1", "STATUS=...") to NOTIFY_SOCKET, if set. */
void keel_sd_notify(const char *state);
/* The watchdog interval systemd asked for, in µs; 0 when none. */
uint64_t keel_sd_watchdog_usec(void);
/* True when stderr is connected to the journal (JOURNAL_STREAM). */
bool keel_sd_journal_stderr(void);
/* Sends one journal entry: MESSAGE, PRIORITY and KEEL_<KEY>=value pairs. */
int keel_sd_journal(int priority, const char *msg, size_t npairs,
                    const char *const *keys, const char *const *vals);

#endif
