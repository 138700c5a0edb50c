/*
 * keel-change's RFC lifecycle (DOMAIN.md section 4), no I/O: from which
 * statuses each step may start and where it leads (the diagram is in
 * change.h).  The functions in lua/ check an RFC's status against these
 * sets atomically in Redis, as keel-ticketing's do for tickets.
 */
#include "change.h"

#include <stdio.h>
#include <string.h>

#define B(s) (1u << (s))

const char *const change_status_names[CS_COUNT] = {
    "submitted", "returned",    "cab_review", "approved", "rejected",
    "released",  "implemented", "closed",     "withdrawn"};

const char *const change_op_names[CO_COUNT] = {
    "resubmit", "authorize", "return",    "reject",   "withdraw",
    "release",  "implement", "close",     "priority", "vote"};

unsigned
change_allowed_from(enum change_op op)
{
	static const unsigned from[CO_COUNT] = {
	    [CO_RESUBMIT] = B(CS_RETURNED),
	    [CO_AUTHORIZE] = B(CS_SUBMITTED),
	    [CO_RETURN] = B(CS_SUBMITTED),
	    [CO_REJECT] = B(CS_SUBMITTED),
	    /* the originator, at any point before release */
	    [CO_WITHDRAW] = B(CS_SUBMITTED) | B(CS_RETURNED) |
	                    B(CS_CAB_REVIEW) | B(CS_APPROVED),
	    [CO_RELEASE] = B(CS_APPROVED),
	    [CO_IMPLEMENT] = B(CS_RELEASED),
	    [CO_CLOSE] = B(CS_IMPLEMENTED),
	    [CO_PRIORITY] = B(CS_SUBMITTED) | B(CS_RETURNED) |
	                    B(CS_CAB_REVIEW) | B(CS_APPROVED),
	    [CO_VOTE] = B(CS_CAB_REVIEW),
	};

	return op < CO_COUNT ? from[op] : 0;
}

enum change_status
change_op_to(enum change_op op)
{
	static const enum change_status to[CO_COUNT] = {
	    [CO_RESUBMIT] = CS_SUBMITTED, [CO_AUTHORIZE] = CS_APPROVED,
	    [CO_RETURN] = CS_RETURNED,    [CO_REJECT] = CS_REJECTED,
	    [CO_WITHDRAW] = CS_WITHDRAWN, [CO_RELEASE] = CS_RELEASED,
	    [CO_IMPLEMENT] = CS_IMPLEMENTED, [CO_CLOSE] = CS_CLOSED,
	    [CO_PRIORITY] = CS_SUBMITTED, [CO_VOTE] = CS_APPROVED,
	};

	return op < CO_COUNT ? to[op] : CS_SUBMITTED;
}

void
change_status_list(unsigned set, char *buf, size_t size)
{
	size_t used = (size_t)snprintf(buf, size, " ");

	for (int s = 0; s < CS_COUNT && used < size; s++)
		if (set & B(s))
			used += (size_t)snprintf(buf + used, size - used,
			                         "%s ", change_status_names[s]);
}

int
change_status_parse(const char *s)
{
	for (int i = 0; i < CS_COUNT; i++)
		if (strcmp(s, change_status_names[i]) == 0)
			return i;
	return -1;
}
