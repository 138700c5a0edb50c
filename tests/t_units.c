/* t_units: ids, money and time, the pure modules. */
#include "ids.h"
#include "ktime.h"
#include "money.h"
#include "tap.h"

#include <errno.h>

static void
test_ids(void)
{
	uint8_t a[16], b[16], p[16];
	char s[KEEL_ID_STRLEN], h[32];
	bool sorted = true;
	int64_t now = keel_time_now_ms();

	keel_id_new(a);
	ok((a[6] >> 4) == 7, "ids are UUID version 7");
	ok((a[8] & 0xc0) == 0x80, "with the RFC 9562 variant");
	ok(keel_id_ms(a) >= now - 5 && keel_id_ms(a) <= now + 1000,
	   "and carry the current millisecond");
	for (int i = 0; i < 100000; i++) {
		keel_id_new(b);
		if (memcmp(a, b, 16) >= 0)
			sorted = false;
		memcpy(a, b, 16);
	}
	ok(sorted, "100000 ids from one process sort in creation order");
	keel_id_format(a, s);
	is_int(strlen(s), 36, "text form has 36 characters");
	is_int(keel_id_parse(s, p), 0, "text form parses");
	ok(memcmp(a, p, 16) == 0, "and round-trips");
	is_int(keel_id_parse("not-an-id", p), -EINVAL, "garbage is refused");
	is_int(keel_id_parse("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4g50", p),
	       -EINVAL, "a non-hex digit is refused");

	keel_id_human(h, sizeof(h), "T", 0, 123, 6);
	is_str(h, "T-000123", "ticket ids are T-000123");
	keel_id_human(h, sizeof(h), "INV", 2026, 7, 4);
	is_str(h, "INV-2026-0007", "invoice ids are INV-2026-0007");
	keel_id_human(h, sizeof(h), "RFC", 0, 1234567, 6);
	is_str(h, "RFC-1234567", "a counter past its width is not cut");
	is_int(keel_id_human(h, 4, "T", 0, 1, 6), -ENOSPC,
	       "a too-small buffer is an error");
}

static void
test_money(void)
{
	int64_t r;
	struct keel_money m = {123456, "EUR"};
	char buf[64];

	keel_money_bp(75000, 400, &r);
	is_int(r, 3000, "4 %% of 750.00 is 30.00");
	keel_money_discount(75000 * 12, 1200, &r);
	is_int(r, 792000, "12 Silver servers less 12 %% = 7920.00");
	keel_money_bp(5, 5000, &r);
	is_int(r, 3, "half a unit rounds away from zero (2.5 -> 3)");
	keel_money_bp(-5, 5000, &r);
	is_int(r, -3, "and for negatives (-2.5 -> -3)");
	keel_money_bp(7, 5000, &r);
	is_int(r, 4, "3.5 -> 4");
	keel_money_muldiv(10, 1, 3, &r);
	is_int(r, 3, "10/3 -> 3");
	keel_money_muldiv(20, 1, 3, &r);
	is_int(r, 7, "20/3 = 6.67 -> 7");
	keel_money_muldiv(100, 150, -10000, &r);
	is_int(r, -2, "a negative divisor: -1.5 -> -2");
	is_int(keel_money_muldiv(INT64_MAX, 2, 1, &r), -ERANGE,
	       "overflow is an error, not a wrap");
	is_int(keel_money_muldiv(INT64_MAX, 3, 3, &r), 0,
	       "an intermediate beyond int64 is exact");
	is_int(r, INT64_MAX, "  and right");
	is_int(keel_money_muldiv(1, 1, 0, &r), -EDOM, "division by zero");
	is_int(keel_money_add(INT64_MAX, 1, &r), -ERANGE, "add overflow");
	is_int(keel_money_mul(INT64_MAX / 2 + 1, 2, &r), -ERANGE,
	       "mul overflow");
	keel_money_format(&m, buf, sizeof(buf));
	is_str(buf, "1234.56 EUR", "formatting");
	m.minor = -5;
	keel_money_format(&m, buf, sizeof(buf));
	is_str(buf, "-0.05 EUR", "negative formatting");
	ok(keel_money_currency_valid("CHF"), "CHF is a currency code");
	ok(!keel_money_currency_valid("chf") &&
	       !keel_money_currency_valid("EURO"),
	   "chf and EURO are not");
}

static void
test_time(void)
{
	char buf[KEEL_TIME_STRLEN];
	int64_t ms;

	keel_time_format(0, buf);
	is_str(buf, "1970-01-01T00:00:00.000Z", "the epoch");
	keel_time_format(1795432509123LL, buf);
	is_str(buf, "2026-11-23T11:15:09.123Z", "a 2026 instant");
	keel_time_format(-1, buf);
	is_str(buf, "1969-12-31T23:59:59.999Z", "one ms before the epoch");
	is_int(keel_time_parse("2026-11-23T11:15:09.123Z", &ms), 0, "parses");
	is_int(ms, 1795432509123LL, "  to the same instant");
	is_int(keel_time_parse("2026-11-23T11:15:09Z", &ms), 0,
	       "seconds without fraction parse");
	is_int(keel_time_parse("2026-11-23 11:15:09Z", &ms), 0,
	       "a space instead of T (RFC 3339 allows it)");
	is_int(keel_time_parse("2026-11-23T12:15:09.123456+01:00", &ms), 0,
	       "an offset, and microseconds");
	is_int(ms, 1795432509123LL, "  the same instant, cut to ms");
	is_int(keel_time_parse("2026-11-23T06:45:09-04:30", &ms), 0,
	       "a negative offset");
	is_int(ms, 1795432509000LL, "  the same instant");
	is_int(keel_time_parse("2026-11-23 11:15:09 UTC", &ms), 0,
	       "what keelctl shows");
	is_int(keel_time_parse("2026-11-23T11:15:09", &ms), -EINVAL,
	       "no zone is refused (ambiguous)");
	is_int(keel_time_parse("2026-11-23T11:15:09+25:00", &ms), -EINVAL,
	       "an offset of 25 h is refused");
	is_int(keel_time_parse("2026-11-23T11:15:09.Z", &ms), -EINVAL,
	       "a point without digits is refused");
	is_int(keel_time_parse("2026-13-01T00:00:00Z", &ms), -EINVAL,
	       "month 13 is refused");
	ok(keel_time_mono_ms() > 0, "monotonic clock runs");
}

int
main(void)
{
	test_ids();
	test_money();
	test_time();
	return done_testing();
}
