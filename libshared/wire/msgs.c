/*
 * msgs: THE list of Keel message types.  Each type is declared once, in
 * the file of the service that answers or emits it (msgs/<service>.c;
 * what several share is in msgs/msgs_common.h); this file joins them into
 * the one table that validation, keelctl, schemas/ and docs/messages.md
 * read.  Wire names never change meaning and are never reused; a changed
 * body bumps the type's version.
 */
#include "msgs/msgs_common.h"

#include <stdlib.h>
#include <string.h>

const struct keel_field keel_envelope_fields[] = {
    {"v", KEEL_F_INT, true, 1, 65535, .doc = "format version, 1"},
    {"id", KEEL_F_BIN, true, 16, 16, .doc = "UUIDv7, 16 raw bytes"},
    {"type", KEEL_F_STR, true, 1, 64, .doc = "message type"},
    {"src", KEEL_F_STR, true, 1, 128,
     .doc = "sending service instance or client name"},
    {"ts", KEEL_F_INT, true, 0, INT64_MAX, .doc = "ms since epoch, UTC"},
    {"corr", KEEL_F_BIN, false, 16, 16,
     .doc = "id of the message this one answers or follows"},
    {"key", KEEL_F_STR, false, 1, 128, .doc = "idempotency key"},
    {"auth", KEEL_F_MAP, false, 0, 16, .doc = "signature block"},
    {"seq", KEEL_F_STR, false, 3, 41,
     .doc = "events: Redis stream id in the owner's stream"},
    {"body", KEEL_F_MAP, true, 0, 4096, .doc = "the message's fields"},
    END,
};

const struct keel_field keel_reply_fields[] = {
    {"v", KEEL_F_INT, true, 1, 65535, .doc = "format version, 1"},
    {"id", KEEL_F_BIN, true, 16, 16, .doc = "UUIDv7 of the reply"},
    {"corr", KEEL_F_BIN, false, 16, 16,
     .doc = "id of the request (absent when it could not be read)"},
    {"src", KEEL_F_STR, false, 1, 128, .doc = "answering instance"},
    {"ts", KEEL_F_INT, false, 0, INT64_MAX, .doc = "ms since epoch"},
    {"ok", KEEL_F_BOOL, true},
    {"body", KEEL_F_MAP, false, 0, 4096, .doc = "present when ok"},
    {"error", KEEL_F_MAP, false, .fields = error_fields,
     .doc = "present when not ok"},
    END,
};

extern const struct keel_msgdecl keel_msgs_sys[];
extern const size_t keel_msgs_sys_count;
extern const struct keel_msgdecl keel_msgs_intake[];
extern const size_t keel_msgs_intake_count;
extern const struct keel_msgdecl keel_msgs_ticketing[];
extern const size_t keel_msgs_ticketing_count;
extern const struct keel_msgdecl keel_msgs_pricing[];
extern const size_t keel_msgs_pricing_count;
extern const struct keel_msgdecl keel_msgs_scheduling[];
extern const size_t keel_msgs_scheduling_count;
extern const struct keel_msgdecl keel_msgs_notify[];
extern const size_t keel_msgs_notify_count;
extern const struct keel_msgdecl keel_msgs_change[];
extern const size_t keel_msgs_change_count;
extern const struct keel_msgdecl keel_msgs_billing[];
extern const size_t keel_msgs_billing_count;

/* Every service's declarations in one table, in this order (a type's
 * index is its place here): joined before main, so the table reads
 * as one array everywhere. */
#define KEEL_MSGS_MAX 512

static struct keel_msgdecl all[KEEL_MSGS_MAX];
const struct keel_msgdecl *const keel_msgs = all;
size_t keel_msgs_count;

static void
join(const struct keel_msgdecl *part, size_t n)
{
	if (keel_msgs_count + n > KEEL_MSGS_MAX)
		abort(); /* a programming error: raise KEEL_MSGS_MAX */
	memcpy(all + keel_msgs_count, part, n * sizeof(*part));
	keel_msgs_count += n;
}

__attribute__((constructor)) static void
join_all(void)
{
	join(keel_msgs_sys, keel_msgs_sys_count);
	join(keel_msgs_intake, keel_msgs_intake_count);
	join(keel_msgs_ticketing, keel_msgs_ticketing_count);
	join(keel_msgs_pricing, keel_msgs_pricing_count);
	join(keel_msgs_scheduling, keel_msgs_scheduling_count);
	join(keel_msgs_change, keel_msgs_change_count);
	join(keel_msgs_notify, keel_msgs_notify_count);
	join(keel_msgs_billing, keel_msgs_billing_count);
}
