/* ids: UUIDv7 generation and human-facing ids. */
#include "ids.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static pthread_mutex_t id_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t id_last_ms;
static uint16_t id_seq; /* 12 bits: rand_a used as a counter (method 1) */

static void
fill_random(void *p, size_t n)
{
	/* Drawn from the kernel 256 bytes at a time per thread (getrandom
	 * never answers such a request in part): one getrandom per 16 ids
	 * instead of one per id. */
	static __thread uint8_t pool[256];
	static __thread size_t left;
	uint8_t *b = p;

	while (n > 0) {
		size_t take;

		if (left == 0) {
			ssize_t r = getrandom(pool, sizeof(pool), 0);

			if (r < 0) {
				if (errno == EINTR)
					continue;
				/* getrandom cannot fail on Linux >= 3.17 with a
				 * seeded pool; never hand out a predictable
				 * id. */
				abort();
			}
			if ((size_t)r != sizeof(pool))
				continue;
			left = sizeof(pool);
		}
		take = n < left ? n : left;
		memcpy(b, pool + sizeof(pool) - left, take);
		/* used bytes are wiped: none is handed out twice */
		memset(pool + sizeof(pool) - left, 0, take);
		left -= take;
		b += take;
		n -= take;
	}
}

void
keel_id_new(uint8_t id[KEEL_ID_LEN])
{
	struct timespec ts;
	int64_t ms;
	uint16_t seq;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	fill_random(id, KEEL_ID_LEN);

	pthread_mutex_lock(&id_lock);
	if (ms <= id_last_ms) {
		/* Same millisecond, or the clock stepped back: keep order. */
		ms = id_last_ms;
		if (++id_seq > 0x0fff) {
			ms++;
			id_seq = 0;
		}
	} else {
		id_seq = (uint16_t)((id[6] << 4 | id[7] >> 4) & 0x07ff);
	}
	id_last_ms = ms;
	seq = id_seq;
	pthread_mutex_unlock(&id_lock);

	for (int i = 0; i < 6; i++)
		id[i] = (uint8_t)(ms >> (40 - 8 * i));
	id[6] = (uint8_t)(0x70 | (seq >> 8));
	id[7] = (uint8_t)(seq & 0xff);
	id[8] = (uint8_t)(0x80 | (id[8] & 0x3f));
}

int64_t
keel_id_ms(const uint8_t id[KEEL_ID_LEN])
{
	int64_t ms = 0;

	for (int i = 0; i < 6; i++)
		ms = ms << 8 | id[i];
	return ms;
}

void
keel_id_format(const uint8_t id[KEEL_ID_LEN], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	char *p = buf;

	for (int i = 0; i < KEEL_ID_LEN; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*p++ = '-';
		*p++ = hex[id[i] >> 4];
		*p++ = hex[id[i] & 15];
	}
	*p = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
keel_hex_decode(const char *hex, size_t n, uint8_t *out)
{
	if (n % 2)
		return false;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

int
keel_id_parse(const char *s, uint8_t ret_id[KEEL_ID_LEN])
{
	uint8_t id[KEEL_ID_LEN];
	size_t pos = 0;

	if (strlen(s) != 36)
		return -EINVAL;
	for (int i = 0; i < KEEL_ID_LEN; i++) {
		int hi, lo;

		if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
			if (s[pos] != '-')
				return -EINVAL;
			pos++;
		}
		hi = hexval(s[pos]);
		lo = hexval(s[pos + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		id[i] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	memcpy(ret_id, id, KEEL_ID_LEN);
	return 0;
}

int
keel_id_human(char *buf, size_t size, const char *prefix, int year, int64_t n,
              int width)
{
	int r;

	if (year > 0)
		r = snprintf(buf, size, "%s-%04d-%0*lld", prefix, year, width,
		             (long long)n);
	else
		r = snprintf(buf, size, "%s-%0*lld", prefix, width,
		             (long long)n);
	if (r < 0 || (size_t)r >= size)
		return -ENOSPC;
	return r;
}

bool
keel_id_token_valid(const char *id, size_t len)
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
