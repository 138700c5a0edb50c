/*
 * keel-ticketing's SLA context: what planning a new ticket needs of its
 * customer (the SLA policy in force and the business calendar), kept in
 * memory so that ticket.create is one write.  The cache is only a guess:
 * each entry carries the versions it was read at (the customer copy, its
 * calendar, its policy), ticketing_create checks them in the same atomic
 * step as the write, and a mismatch (another instance applied a
 * calendar.updated or an sla.put) makes the handler read Redis again.  So
 * several instances never plan from stale rules.
 */
#include "ticketing.h"

#include "codec.h"
#include "store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTX_SLOTS 1024 /* customers kept; more evict by hash slot */

static struct {
	pthread_mutex_t lock;
	struct ticketing_ctx *slot[CTX_SLOTS];
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t
slot_of(const char *customer)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const unsigned char *p = (const unsigned char *)customer; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h % CTX_SLOTS;
}

bool
ticketing_ctx_get(const char *customer, struct ticketing_ctx *ret)
{
	size_t i = slot_of(customer);
	bool hit = false;

	pthread_mutex_lock(&cache.lock);
	if (cache.slot[i] && strcmp(cache.slot[i]->customer, customer) == 0) {
		*ret = *cache.slot[i];
		ret->business.holidays = ret->days;
		hit = true;
	}
	pthread_mutex_unlock(&cache.lock);
	return hit;
}

void
ticketing_ctx_put(const struct ticketing_ctx *c)
{
	size_t i = slot_of(c->customer);
	struct ticketing_ctx *copy = malloc(sizeof(*copy)), *old;

	if (!copy)
		return; /* only a cache */
	*copy = *c;
	copy->business.holidays = copy->days;
	pthread_mutex_lock(&cache.lock);
	old = cache.slot[i];
	cache.slot[i] = copy;
	pthread_mutex_unlock(&cache.lock);
	free(old);
}

int
ticketing_ctx_read(const char *customer, const struct keel_reply *r,
                   struct ticketing_ctx *ret)
{
	const char *p;
	size_t len, hl, ol;
	const char *hours, *hols;

	if (keel_reply_len(r) < 1 || keel_reply_int(keel_reply_at(r, 0)) != 1)
		return -ENOENT;
	if (keel_reply_len(r) != 9)
		return -EINVAL;
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->customer, sizeof(ret->customer), "%s", customer);
	snprintf(ret->customer_v, sizeof(ret->customer_v), "%s",
	         keel_reply_str_at(r, 1, NULL));
	snprintf(ret->policy, sizeof(ret->policy), "%s",
	         keel_reply_str_at(r, 2, NULL));
	snprintf(ret->policy_v, sizeof(ret->policy_v), "%s",
	         keel_reply_str_at(r, 3, NULL));
	p = keel_reply_str_at(r, 4, &len);
	ticketing_sla_load(p, len, &ret->sla);
	snprintf(ret->calendar_v, sizeof(ret->calendar_v), "%s",
	         keel_reply_str_at(r, 5, NULL));
	if (keel_tz_get(keel_reply_str_at(r, 6, NULL), &ret->business.tz) < 0 &&
	    keel_tz_get("UTC", &ret->business.tz) < 0)
		return -EINVAL;
	hours = keel_reply_str_at(r, 7, &hl);
	hols = keel_reply_str_at(r, 8, &ol);
	keel_cal_read(hours, hl, hols, ol, 9 * 60, 17 * 60, &ret->business,
	              ret->days, sizeof(ret->days) / sizeof(ret->days[0]));
	return 0;
}

void
ticketing_ctx_encode(struct keel_enc *e, const struct ticketing_ctx *c)
{
	keel_enc_map(e, 4);
	keel_enc_kv_str(e, "customer", c->customer_v);
	keel_enc_kv_str(e, "policy", c->policy);
	keel_enc_kv_str(e, "policy_v", c->policy_v);
	keel_enc_kv_str(e, "calendar_v", c->calendar_v);
}
