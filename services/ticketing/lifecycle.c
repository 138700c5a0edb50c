/*
 * keel-ticketing lifecycle (DOMAIN.md section 3), no I/O: from which
 * statuses each change may start.  The write scripts check the ticket's
 * status against these sets atomically in Redis, so two instances can
 * never both apply a change the lifecycle does not allow.
 *
 *   new -> open (work begins; the first response)
 *   open <-> hold_research, hold_resolution, pending_fix
 *   hold_research -> pending_fix, hold_resolution
 *   pending_fix, rfc_submitted -> hold_resolution, open
 *   resolve: any working status -> hold_resolution (resolved)
 *   confirm: hold_resolution (resolved) -> closed
 *   reopen: hold_resolution (resolved) -> open, same technician
 *   escalate: new, open, hold_research (-> rfc_submitted for a process
 *             change)
 *   refer: new, open, hold_research -> hold_resolution
 */
#include "ticketing.h"


#include "names.h"

#include <stdio.h>
#include <string.h>

#define B(s) (1u << (s))

/* In the order of enum ticketing_status (t_sla checks it). */
const char *const ticketing_status_names[] = KEEL_ENUM_TICKET_LIST_STATUS;

int
ticketing_status_parse(const char *s)
{
	int i = keel_enum_parse(ticketing_status_names, s);

	return i < 0 ? -1 : i;
}

unsigned
ticketing_allowed_from(enum ticketing_op op, enum ticketing_status to)
{
	static const unsigned status_to[TS_COUNT] = {
	    [TS_OPEN] = B(TS_NEW) | B(TS_HOLD_RESEARCH) |
	                B(TS_HOLD_RESOLUTION) | B(TS_PENDING_FIX) |
	                B(TS_RFC_SUBMITTED),
	    [TS_HOLD_RESEARCH] = B(TS_OPEN),
	    [TS_HOLD_RESOLUTION] = B(TS_OPEN) | B(TS_HOLD_RESEARCH) |
	                           B(TS_PENDING_FIX) | B(TS_RFC_SUBMITTED),
	    [TS_PENDING_FIX] = B(TS_OPEN) | B(TS_HOLD_RESEARCH),
	};
	const unsigned working = B(TS_OPEN) | B(TS_HOLD_RESEARCH) |
	                         B(TS_HOLD_RESOLUTION) | B(TS_PENDING_FIX) |
	                         B(TS_RFC_SUBMITTED);

	switch (op) {
	case OP_STATUS:
		return to < TS_COUNT ? status_to[to] : 0;
	case OP_RESOLVE:
		return working;
	case OP_CONFIRM:
	case OP_REOPEN:
		return B(TS_HOLD_RESOLUTION);
	case OP_ESCALATE:
	case OP_REFER:
		return B(TS_NEW) | B(TS_OPEN) | B(TS_HOLD_RESEARCH);
	case OP_ASSIGN:
	case OP_LOG_TIME:
		return working | B(TS_NEW);
	}
	return 0;
}

void
ticketing_status_list(unsigned set, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	used += (size_t)snprintf(buf, size, " ");
	for (int s = 0; s < TS_COUNT && used < size; s++)
		if (set & B(s))
			used += (size_t)snprintf(buf + used, size - used, "%s ",
			                         ticketing_status_names[s]);
}
