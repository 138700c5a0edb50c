/*
 * ktime_tz: zones from the system's tz database (TZif files under
 * /usr/share/zoneinfo), read once per zone and never through the
 * process-wide TZ; local <-> UTC conversion; business calendars.
 *
 * TZif v2+ is read from its 64-bit section; instants after the last
 * transition follow the footer's POSIX rule ("CET-1CEST,M3.5.0,M10.5.0/3").
 */
#include "ktime.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TZ_MAX_BYTES (1 << 20)

struct tz_type {
	int32_t utoff; /* seconds east of UTC */
	bool isdst;
};

struct tz_rule { /* Mm.w.d/time */
	int month, week, wday, secs;
};

struct keel_tz {
	char name[65];
	int64_t *trans; /* transition instants, s */
	uint8_t *idx;   /* type after each transition */
	size_t ntrans;
	struct tz_type types[256];
	size_t ntypes;
	bool has_rule, rule_dst;
	int32_t std_off, dst_off; /* from the footer */
	struct tz_rule start, end;
};

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
int64_t
keel_time_days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
keel_time_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* 0 = Sunday. */
static int
weekday(int64_t days)
{
	int64_t w = (days + 4) % 7;

	return (int)(w < 0 ? w + 7 : w);
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

static int64_t
be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

static int32_t
be32(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	                 (uint32_t)p[2] << 8 | p[3]);
}

/* POSIX TZ parsing, enough for the footers tzdata writes. */
static const char *
tz_name(const char *p)
{
	if (*p == '<') {
		while (*p && *p != '>')
			p++;
		return *p ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p;
}

/* [+-]hh[:mm[:ss]] -> seconds; NULL on error. */
static const char *
tz_secs(const char *p, int32_t *ret)
{
	int sign = 1, h = 0, m = 0, s = 0;

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		h = h * 10 + (*p++ - '0');
	if (*p == ':') {
		p++;
		while (*p >= '0' && *p <= '9')
			m = m * 10 + (*p++ - '0');
		if (*p == ':') {
			p++;
			while (*p >= '0' && *p <= '9')
				s = s * 10 + (*p++ - '0');
		}
	}
	*ret = sign * (h * 3600 + m * 60 + s);
	return p;
}

static const char *
tz_rule(const char *p, struct tz_rule *r)
{
	if (*p != 'M')
		return NULL; /* Jn and n forms: not written by tzdata */
	if (sscanf(p, "M%d.%d.%d", &r->month, &r->week, &r->wday) != 3 ||
	    r->month < 1 || r->month > 12 || r->week < 1 || r->week > 5 ||
	    r->wday < 0 || r->wday > 6)
		return NULL;
	p++;
	while ((*p >= '0' && *p <= '9') || *p == '.')
		p++;
	r->secs = 7200;
	if (*p == '/') {
		int32_t s;

		if (!(p = tz_secs(p + 1, &s)))
			return NULL;
		r->secs = s;
	}
	return p;
}

static bool
parse_footer(struct keel_tz *tz, const char *s)
{
	const char *p = tz_name(s);
	int32_t off;

	if (!p || p == s || !(p = tz_secs(p, &off)))
		return false;
	tz->std_off = -off; /* POSIX counts west as positive */
	if (*p == '\0')
		return true; /* no DST: the last type already says it */
	s = p;
	if (!(p = tz_name(p)) || p == s)
		return false;
	tz->dst_off = tz->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if (!(p = tz_secs(p, &off)))
			return false;
		tz->dst_off = -off;
	}
	if (*p != ',' || !(p = tz_rule(p + 1, &tz->start)) || *p != ',' ||
	    !(p = tz_rule(p + 1, &tz->end)) || *p != '\0')
		return false;
	tz->has_rule = true;
	return true;
}

int
keel_tz_load(const char *name, struct keel_tz **ret)
{
	char path[160];
	uint8_t *buf = NULL, *p, *end;
	struct keel_tz *tz = NULL;
	size_t len = 0;
	FILE *f;
	int r = -EINVAL;

	if (!name[0] || strlen(name) > 64 || name[0] == '/' ||
	    strstr(name, ".."))
		return -EINVAL;
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' ||
		      *c == '+' || *c == '/'))
			return -EINVAL;
	snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
	f = fopen(path, "rb");
	if (!f)
		return -ENOENT;
	buf = malloc(TZ_MAX_BYTES);
	if (buf)
		len = fread(buf, 1, TZ_MAX_BYTES, f);
	fclose(f);
	if (!buf)
		return -ENOMEM;
	tz = calloc(1, sizeof(*tz));
	if (!tz) {
		r = -ENOMEM;
		goto out;
	}
	snprintf(tz->name, sizeof(tz->name), "%s", name);
	end = buf + len;
	/* Header: magic, version, 15 unused, six counts. */
	if (len < 44 || memcmp(buf, "TZif", 4) != 0 || buf[4] < '2')
		goto out;
	{
		int32_t isutc = be32(buf + 20), isstd = be32(buf + 24),
		        leap = be32(buf + 28), timecnt = be32(buf + 32),
		        typecnt = be32(buf + 36), charcnt = be32(buf + 40);
		size_t v1 = 44 + (size_t)timecnt * 5 + (size_t)typecnt * 6 +
		            (size_t)charcnt + (size_t)leap * 8 + (size_t)isstd +
		            (size_t)isutc;

		if (timecnt < 0 || typecnt < 0 || charcnt < 0 || leap < 0 ||
		    isstd < 0 || isutc < 0 || v1 + 44 > len)
			goto out;
		p = buf + v1;
	}
	if (memcmp(p, "TZif", 4) != 0)
		goto out;
	{
		int32_t isutc = be32(p + 20), isstd = be32(p + 24),
		        leap = be32(p + 28), timecnt = be32(p + 32),
		        typecnt = be32(p + 36), charcnt = be32(p + 40);
		size_t need;

		if (timecnt < 0 || typecnt < 1 || typecnt > 256 ||
		    charcnt < 0 || leap < 0 || isstd < 0 || isutc < 0)
			goto out;
		p += 44;
		need = (size_t)timecnt * 9 + (size_t)typecnt * 6 +
		       (size_t)charcnt + (size_t)leap * 12 + (size_t)isstd +
		       (size_t)isutc;
		if ((size_t)(end - p) < need)
			goto out;
		tz->ntrans = (size_t)timecnt;
		tz->trans = calloc(tz->ntrans + 1, sizeof(*tz->trans));
		tz->idx = calloc(tz->ntrans + 1, 1);
		if (!tz->trans || !tz->idx) {
			r = -ENOMEM;
			goto out;
		}
		for (size_t i = 0; i < tz->ntrans; i++)
			tz->trans[i] = be64(p + 8 * i);
		p += 8 * tz->ntrans;
		for (size_t i = 0; i < tz->ntrans; i++)
			if ((tz->idx[i] = p[i]) >= typecnt)
				goto out;
		p += tz->ntrans;
		tz->ntypes = (size_t)typecnt;
		for (size_t i = 0; i < tz->ntypes; i++, p += 6) {
			tz->types[i].utoff = be32(p);
			tz->types[i].isdst = p[4] != 0;
		}
		p += (size_t)charcnt + (size_t)leap * 12 + (size_t)isstd +
		     (size_t)isutc;
	}
	/* Footer: "\n<POSIX TZ>\n". */
	if (p < end && *p == '\n') {
		uint8_t *nl = memchr(p + 1, '\n', (size_t)(end - p - 1));
		char footer[128];

		if (nl && (size_t)(nl - p - 1) < sizeof(footer)) {
			memcpy(footer, p + 1, (size_t)(nl - p - 1));
			footer[nl - p - 1] = '\0';
			if (footer[0] && !parse_footer(tz, footer))
				tz->has_rule = false;
		}
	}
	r = 0;
	*ret = tz;
	tz = NULL;
out:
	keel_tz_free(tz);
	free(buf);
	return r;
}

struct keel_tz *
keel_tz_free(struct keel_tz *tz)
{
	if (tz) {
		free(tz->trans);
		free(tz->idx);
		free(tz);
	}
	return NULL;
}

/* The process-wide zone cache: a zone is read from tzdata once, then
 * shared by every thread for the life of the process.  Bounded by the
 * zone database itself (about 600 names); past ZONE_CACHE_MAX names a
 * lookup fails rather than growing. */
#define ZONE_CACHE_MAX 1024

static struct {
	pthread_mutex_t lock;
	struct keel_tz *zones[ZONE_CACHE_MAX];
	size_t n;
} zone_cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

int
keel_tz_get(const char *name, const struct keel_tz **ret)
{
	struct keel_tz *tz = NULL;
	int r = 0;

	pthread_mutex_lock(&zone_cache.lock);
	for (size_t i = 0; i < zone_cache.n; i++)
		if (strcmp(zone_cache.zones[i]->name, name) == 0) {
			*ret = zone_cache.zones[i];
			goto out;
		}
	if (zone_cache.n == ZONE_CACHE_MAX) {
		r = -ENOSPC;
		goto out;
	}
	r = keel_tz_load(name, &tz);
	if (r == 0) {
		zone_cache.zones[zone_cache.n++] = tz;
		*ret = tz;
	}
out:
	pthread_mutex_unlock(&zone_cache.lock);
	return r;
}

const char *
keel_tz_name(const struct keel_tz *tz)
{
	return tz->name;
}

/* The UTC instant (s) of a rule's transition in year y, given the offset
 * in force before it. */
static int64_t
rule_instant(const struct tz_rule *r, int y, int32_t before)
{
	int64_t first = keel_time_days_from_civil(y, r->month, 1);
	int dim = (int)(keel_time_days_from_civil(
	                    r->month == 12 ? y + 1 : y,
	                    r->month == 12 ? 1 : r->month + 1, 1) -
	                first);
	int day = (r->wday - weekday(first) + 7) % 7 + 1 + 7 * (r->week - 1);

	while (day > dim)
		day -= 7;
	return (first + day - 1) * 86400 + r->secs - before;
}

static int32_t
rule_offset(const struct keel_tz *tz, int64_t t)
{
	int y, m, d;
	int64_t s, e;

	keel_time_civil_from_days(floor_div(t + tz->std_off, 86400), &y, &m,
	                          &d);
	s = rule_instant(&tz->start, y, tz->std_off);
	e = rule_instant(&tz->end, y, tz->dst_off);
	if (s < e)
		return t >= s && t < e ? tz->dst_off : tz->std_off;
	return t >= e && t < s ? tz->std_off : tz->dst_off;
}

int32_t
keel_tz_offset(const struct keel_tz *tz, int64_t utc_ms)
{
	int64_t t = floor_div(utc_ms, 1000);
	size_t lo = 0, hi = tz->ntrans;

	if (tz->ntrans == 0 || t < tz->trans[0]) {
		if (tz->ntrans == 0 && tz->has_rule)
			return rule_offset(tz, t);
		for (size_t i = 0; i < tz->ntypes; i++)
			if (!tz->types[i].isdst)
				return tz->types[i].utoff;
		return tz->types[0].utoff;
	}
	if (t >= tz->trans[tz->ntrans - 1] && tz->has_rule)
		return rule_offset(tz, t);
	while (hi - lo > 1) { /* last transition <= t */
		size_t mid = (lo + hi) / 2;

		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return tz->types[tz->idx[lo]].utoff;
}

void
keel_tz_local(const struct keel_tz *tz, int64_t utc_ms,
              struct keel_localtime *ret)
{
	int64_t local = floor_div(utc_ms, 1000) + keel_tz_offset(tz, utc_ms);
	int64_t days = floor_div(local, 86400), secs = local - days * 86400;

	keel_time_civil_from_days(days, &ret->year, &ret->month, &ret->day);
	ret->days = days;
	ret->wday = weekday(days);
	ret->sec_of_day = (int)secs;
}

int64_t
keel_tz_to_utc(const struct keel_tz *tz, int64_t days, int sec_of_day)
{
	int64_t local = days * 86400 + sec_of_day;
	/* Try the offsets around; the earliest instant that maps back to
	 * this local time wins (the first of an overlap).  In a gap none
	 * does: take the later offset, moving the time forward. */
	int32_t o1 = keel_tz_offset(tz, (local - 86400) * 1000);
	int32_t o2 = keel_tz_offset(tz, (local + 86400) * 1000);
	int64_t c1 = local - o1, c2 = local - o2;
	bool ok1 = keel_tz_offset(tz, c1 * 1000) == o1;
	bool ok2 = keel_tz_offset(tz, c2 * 1000) == o2;

	if (ok1 && ok2)
		return (c1 < c2 ? c1 : c2) * 1000;
	if (ok1)
		return c1 * 1000;
	if (ok2)
		return c2 * 1000;
	/* A gap: the instant the clock jumps over this time, plus the
	 * distance into the gap. */
	return (local - (o1 < o2 ? o1 : o2)) * 1000;
}

static bool
is_holiday(const struct keel_calendar *c, int64_t days)
{
	size_t lo = 0, hi = c->nholidays;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (c->holidays[mid] == days)
			return true;
		if (c->holidays[mid] < days)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The business window of a local day in UTC ms; false when closed. */
static bool
window(const struct keel_calendar *c, int64_t days, int64_t *open,
       int64_t *close)
{
	int w = weekday(days);

	if (c->close_min[w] <= c->open_min[w] || is_holiday(c, days))
		return false;
	*open = keel_tz_to_utc(c->tz, days, c->open_min[w] * 60);
	*close = keel_tz_to_utc(c->tz, days, c->close_min[w] * 60);
	return *close > *open;
}

#define CAL_MAX_DAYS 3700 /* ten years of closed days is a bad calendar */

int
keel_cal_add(const struct keel_calendar *c, int64_t start, int64_t duration,
             int64_t *ret)
{
	struct keel_localtime lt;
	int64_t left = duration, open, close;

	keel_tz_local(c->tz, start, &lt);
	for (int64_t d = lt.days - 1; d < lt.days + CAL_MAX_DAYS; d++) {
		if (!window(c, d, &open, &close) || close <= start)
			continue;
		if (open < start)
			open = start;
		if (close - open >= left) {
			*ret = open + left;
			return 0;
		}
		left -= close - open;
	}
	return -ERANGE;
}

int64_t
keel_cal_between(const struct keel_calendar *c, int64_t a, int64_t b)
{
	struct keel_localtime la, lb;
	int64_t sum = 0, open, close;

	if (b <= a)
		return 0;
	keel_tz_local(c->tz, a, &la);
	keel_tz_local(c->tz, b, &lb);
	for (int64_t d = la.days - 1; d <= lb.days + 1; d++) {
		if (!window(c, d, &open, &close))
			continue;
		if (open < a)
			open = a;
		if (close > b)
			close = b;
		if (close > open)
			sum += close - open;
	}
	return sum;
}

int
keel_cal_day_close(const struct keel_calendar *c, int64_t received, int n,
                   int64_t *ret)
{
	struct keel_localtime lt;
	int64_t open, close;

	keel_tz_local(c->tz, received, &lt);
	for (int64_t d = lt.days + 1; d < lt.days + CAL_MAX_DAYS; d++) {
		if (!window(c, d, &open, &close))
			continue;
		if (--n <= 0) {
			*ret = close;
			return 0;
		}
	}
	return -ERANGE;
}
