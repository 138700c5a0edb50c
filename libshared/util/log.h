/*
 * log: one entry per event.  Under systemd (stderr is the journal) an
 * entry goes to the journal with structured KEEL_* fields; otherwise it is
 * one logfmt line on stderr:
 *   ts=2026-11-23T11:05:09.123Z level=info svc=intake msg="listening" addr=...
 * Levels are syslog priorities.  Thread-safe; one write per line.
 */
#ifndef KEEL_LOG_H
#define KEEL_LOG_H

#include <stdbool.h>

enum keel_log_level {
	KEEL_LOG_ERR = 3,
	KEEL_LOG_WARNING = 4,
	KEEL_LOG_NOTICE = 5,
	KEEL_LOG_INFO = 6,
	KEEL_LOG_DEBUG = 7,
};

void keel_log_init(const char *ident, int level);
void keel_log_set_level(int level);
int keel_log_get_level(void);
/* "error", "warning", "notice", "info", "debug" -> level, or -EINVAL. */
int keel_log_level_parse(const char *s);
const char *keel_log_level_name(int level);

/*
 * Logs msg with key/value string pairs, ended by NULL:
 *   keel_log(KEEL_LOG_INFO, "listening", "addr", url, NULL);
 */
void keel_log(int level, const char *msg, ...) __attribute__((sentinel));

#endif
