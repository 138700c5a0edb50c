/*
 * keel-ticketing: the table of requests it answers (besides sys.* and
 * events.since, which libkeel serves for every daemon); its Redis
 * functions are lua/, the library keel_ticketing.
 */
#include "ticketing.h"

const struct keel_handler ticketing_handlers[] = {
    {"staff.put", ticketing_staff_put},
    {"staff.get", ticketing_staff_get},
    {"staff.list", ticketing_staff_list},
    {"sla.put", ticketing_sla_put},
    {"sla.get", ticketing_sla_get},
    {"ticket.create", ticketing_ticket_create},
    {"ticket.get", ticketing_ticket_get},
    {"ticket.list", ticketing_ticket_list},
    {"ticket.assign", ticketing_ticket_assign},
    {"ticket.status", ticketing_ticket_status},
    {"ticket.resolve", ticketing_ticket_resolve},
    {"ticket.confirm", ticketing_ticket_confirm},
    {"ticket.reopen", ticketing_ticket_reopen},
    {"ticket.escalate", ticketing_ticket_escalate},
    {"ticket.refer", ticketing_ticket_refer},
    {"ticket.log_time", ticketing_ticket_log_time},
    {"ticket.search", ticketing_ticket_search},
    {"ticket.summary", ticketing_ticket_summary},
    {NULL, NULL},
};
