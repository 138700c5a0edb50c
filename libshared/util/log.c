/* log: logfmt to stderr or structured entries to the journal. */
#include "log.h"

#include "ktime.h"
#include "sd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_PAIRS 16

static atomic_int log_level = KEEL_LOG_INFO;
static char log_ident[64] = "keel";
static bool log_journal;

static const char *const level_names[] = {
    [KEEL_LOG_ERR] = "error",     [KEEL_LOG_WARNING] = "warning",
    [KEEL_LOG_NOTICE] = "notice", [KEEL_LOG_INFO] = "info",
    [KEEL_LOG_DEBUG] = "debug",
};

void
keel_log_init(const char *ident, int level)
{
	snprintf(log_ident, sizeof(log_ident), "%s", ident);
	atomic_store(&log_level, level);
	log_journal = keel_sd_journal_stderr();
}

void
keel_log_set_level(int level)
{
	atomic_store(&log_level, level);
}

int
keel_log_get_level(void)
{
	return atomic_load(&log_level);
}

int
keel_log_level_parse(const char *s)
{
	for (int i = KEEL_LOG_ERR; i <= KEEL_LOG_DEBUG; i++)
		if (strcmp(s, level_names[i]) == 0)
			return i;
	return -EINVAL;
}

const char *
keel_log_level_name(int level)
{
	if (level < KEEL_LOG_ERR || level > KEEL_LOG_DEBUG)
		return "unknown";
	return level_names[level];
}

static size_t
append(char *buf, size_t pos, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (pos + 1 >= size)
		return pos;
	if (n > size - pos - 1)
		n = size - pos - 1;
	memcpy(buf + pos, s, n);
	return pos + n;
}

/* logfmt: quote values holding spaces, quotes, '=' or control bytes. */
static size_t
append_value(char *buf, size_t pos, size_t size, const char *v)
{
	bool quote = *v == '\0';

	for (const char *p = v; *p; p++)
		if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\' ||
		    (unsigned char)*p < 0x20)
			quote = true;
	if (!quote)
		return append(buf, pos, size, v);
	pos = append(buf, pos, size, "\"");
	for (const char *p = v; *p && pos + 4 < size; p++) {
		if (*p == '"' || *p == '\\') {
			buf[pos++] = '\\';
			buf[pos++] = *p;
		} else if (*p == '\n') {
			buf[pos++] = '\\';
			buf[pos++] = 'n';
		} else if ((unsigned char)*p < 0x20) {
			buf[pos++] = '?';
		} else {
			buf[pos++] = *p;
		}
	}
	return append(buf, pos, size, "\"");
}

void
keel_log(int level, const char *msg, ...)
{
	const char *keys[MAX_PAIRS], *vals[MAX_PAIRS];
	size_t n = 0, pos = 0;
	char line[2048], ts[KEEL_TIME_STRLEN];
	va_list ap;

	if (level > atomic_load(&log_level))
		return;
	va_start(ap, msg);
	while (n < MAX_PAIRS) {
		const char *k = va_arg(ap, const char *);

		if (!k)
			break;
		keys[n] = k;
		vals[n] = va_arg(ap, const char *);
		if (!vals[n])
			vals[n] = "";
		n++;
	}
	va_end(ap);

	if (log_journal && keel_sd_journal(level, msg, n, keys, vals) >= 0)
		return;
	keel_time_format(keel_time_now_ms(), ts);
	pos = append(line, pos, sizeof(line), "ts=");
	pos = append(line, pos, sizeof(line), ts);
	pos = append(line, pos, sizeof(line), " level=");
	pos = append(line, pos, sizeof(line), keel_log_level_name(level));
	pos = append(line, pos, sizeof(line), " svc=");
	pos = append_value(line, pos, sizeof(line), log_ident);
	pos = append(line, pos, sizeof(line), " msg=");
	pos = append_value(line, pos, sizeof(line), msg);
	for (size_t i = 0; i < n; i++) {
		pos = append(line, pos, sizeof(line), " ");
		pos = append(line, pos, sizeof(line), keys[i]);
		pos = append(line, pos, sizeof(line), "=");
		pos = append_value(line, pos, sizeof(line), vals[i]);
	}
	line[pos++] = '\n';
	(void)!write(2, line, pos);
}
