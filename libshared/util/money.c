/* money: exact arithmetic and the one rounding rule. */
#include "money.h"

#include <errno.h>
#include <stdio.h>

int
keel_money_muldiv(int64_t amount, int64_t num, int64_t den, int64_t *ret)
{
	__int128 p, q, r;

	if (den == 0)
		return -EDOM;
	p = (__int128)amount * num;
	if (den < 0) {
		p = -p;
		den = -den;
	}
	q = p / den;
	r = p % den;
	/* Half away from zero: |r| * 2 >= den moves q away from zero. */
	if (r < 0)
		r = -r;
	if (r * 2 >= den)
		q += p < 0 ? -1 : 1;
	if (q > INT64_MAX || q < INT64_MIN)
		return -ERANGE;
	*ret = (int64_t)q;
	return 0;
}

int
keel_money_bp(int64_t amount, int64_t bp, int64_t *ret)
{
	return keel_money_muldiv(amount, bp, 10000, ret);
}

int
keel_money_discount(int64_t amount, int64_t bp, int64_t *ret)
{
	int64_t off;
	int r = keel_money_bp(amount, bp, &off);

	if (r < 0)
		return r;
	return keel_money_add(amount, -off, ret);
}

int
keel_money_add(int64_t a, int64_t b, int64_t *ret)
{
	int64_t s;

	if (__builtin_add_overflow(a, b, &s))
		return -ERANGE;
	*ret = s;
	return 0;
}

int
keel_money_mul(int64_t a, int64_t n, int64_t *ret)
{
	int64_t s;

	if (__builtin_mul_overflow(a, n, &s))
		return -ERANGE;
	*ret = s;
	return 0;
}

int
keel_money_parse(const char *s, int64_t *ret)
{
	bool neg = *s == '-';
	int64_t units = 0, cents = 0;
	int digits = 0, decimals = -1;

	if (neg || *s == '+')
		s++;
	for (; *s; s++) {
		if (*s == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (decimals >= 0) {
			if (++decimals > 2)
				return -EINVAL;
			cents = cents * 10 + (*s - '0');
			continue;
		}
		if (units > (INT64_MAX / 4 - 9) / 10)
			return -ERANGE;
		units = units * 10 + (*s - '0');
		digits++;
	}
	if (digits == 0)
		return -EINVAL;
	if (decimals == 1)
		cents *= 10;
	*ret = (units * 100 + cents) * (neg ? -1 : 1);
	return 0;
}

bool
keel_money_currency_valid(const char *c)
{
	for (int i = 0; i < 3; i++)
		if (c[i] < 'A' || c[i] > 'Z')
			return false;
	return c[3] == '\0';
}

int
keel_money_format(const struct keel_money *m, char *buf, size_t size)
{
	uint64_t a = m->minor < 0 ? -(uint64_t)m->minor : (uint64_t)m->minor;
	int r = snprintf(buf, size, "%s%llu.%02llu %s", m->minor < 0 ? "-" : "",
	                 (unsigned long long)(a / 100),
	                 (unsigned long long)(a % 100), m->currency);

	return r < 0 || (size_t)r >= size ? -ENOSPC : r;
}
