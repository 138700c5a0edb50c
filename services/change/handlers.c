/*
 * keel-change: the table of requests it answers (besides sys.* and
 * events.since, which libkeel serves for every daemon).
 */
#include "change.h"

const struct keel_handler change_handlers[] = {
    {"rfc.submit", change_rfc_submit},
    {"rfc.resubmit", change_rfc_resubmit},
    {"rfc.get", change_rfc_get},
    {"rfc.list", change_rfc_list},
    {"rfc.authorize", change_rfc_authorize},
    {"rfc.return", change_rfc_return},
    {"rfc.reject", change_rfc_reject},
    {"rfc.withdraw", change_rfc_withdraw},
    {"rfc.release", change_rfc_release},
    {"rfc.implement", change_rfc_implement},
    {"rfc.close", change_rfc_close},
    {"rfc.priority", change_rfc_priority},
    {"cab.put", change_cab_put},
    {"cab.get", change_cab_get},
    {"cab.vote", change_cab_vote},
    {"change.rule.put", change_rule_put},
    {"change.rule.get", change_rule_get},
    {"ci.put", change_ci_put},
    {"ci.get", change_ci_get},
    {"ci.list", change_ci_list},
    {"ci.history", change_ci_history},
    {"freeze.put", change_freeze_put},
    {"freeze.list", change_freeze_list},
    {NULL, NULL},
};
