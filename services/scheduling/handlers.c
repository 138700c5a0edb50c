/*
 * keel-scheduling: the table of requests it answers (besides sys.* and
 * events.since, which libkeel serves for every daemon).
 */
#include "scheduling.h"

const struct keel_handler scheduling_handlers[] = {
    {"specialist.put", scheduling_specialist_put},
    {"specialist.get", scheduling_specialist_list},
    {"specialist.list", scheduling_specialist_list},
    {"plan.propose", scheduling_plan_propose},
    {"plan.coordinate", scheduling_plan_coordinate},
    {"plan.agree", scheduling_plan_agree},
    {"plan.get", scheduling_plan_get},
    {"checklist.get", scheduling_checklist_get},
    {"checklist.tick", scheduling_checklist_tick},
    {"execution.start", scheduling_execution_start},
    {"execution.verify", scheduling_execution_verify},
    {"acceptance.sign", scheduling_acceptance_sign},
    {NULL, NULL},
};
