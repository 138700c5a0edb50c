/*
 * tap.h: the Test Anything Protocol, as prove reads it.  A test program
 * calls ok()/is_int()/is_str() and ends with done_testing().
 */
#ifndef KEEL_TAP_H
#define KEEL_TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static inline bool
tap_ok(bool cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok((cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...)                                                 \
	do {                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);       \
		if (!ok(g_ == w_, __VA_ARGS__))                                \
			printf("#   got %lld, want %lld\n", g_, w_);           \
	} while (0)
#define is_str(got, want, ...)                                                 \
	do {                                                                   \
		const char *g_ = (got), *w_ = (want);                          \
		if (!ok(g_ && strcmp(g_, w_) == 0, __VA_ARGS__))               \
			printf("#   got '%s', want '%s'\n",                    \
			       g_ ? g_ : "(null)", w_);                        \
	} while (0)
#define has_str(hay, needle, ...)                                              \
	do {                                                                   \
		const char *h_ = (hay), *n_ = (needle);                        \
		if (!ok(h_ && strstr(h_, n_) != NULL, __VA_ARGS__))            \
			printf("#   '%s' does not contain '%s'\n",             \
			       h_ ? h_ : "(null)", n_);                        \
	} while (0)

static inline void
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static inline void
bail_out(const char *why)
{
	printf("Bail out! %s\n", why);
	fflush(stdout);
	exit(255);
}

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
