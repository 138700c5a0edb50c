/*
 * money: exact amounts as int64 minor units with an ISO 4217 code, rates
 * in basis points (1 bp = 0.01 %).  One rounding rule, in one place:
 * results that fall between two minor units are rounded half away from
 * zero (commercial rounding), after the exact product is formed in 128
 * bits.  Overflow is an error, never a wrap.
 */
#ifndef KEEL_MONEY_H
#define KEEL_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_money {
	int64_t minor;
	char currency[4];
};

/* amount * num / den, rounded by the rule above; 0, -ERANGE or -EDOM. */
int keel_money_muldiv(int64_t amount, int64_t num, int64_t den, int64_t *ret);
/* amount * bp / 10000 (the share of amount at rate bp). */
int keel_money_bp(int64_t amount, int64_t bp, int64_t *ret);
/* amount less a discount of bp. */
int keel_money_discount(int64_t amount, int64_t bp, int64_t *ret);
int keel_money_add(int64_t a, int64_t b, int64_t *ret);
int keel_money_mul(int64_t a, int64_t n, int64_t *ret);
/* Formats minor units with the currency's exponent (2): "-12.34 EUR". */
int keel_money_format(const struct keel_money *m, char *buf, size_t size);
/* Reads an amount in currency units with at most two decimals ("1000",
 * "1000.5", "-12.34") as minor units: 0, or -EINVAL (not such an amount)
 * or -ERANGE. */
int keel_money_parse(const char *s, int64_t *ret);
/* A currency code: three upper-case ASCII letters. */
bool keel_money_currency_valid(const char *code);

#endif
