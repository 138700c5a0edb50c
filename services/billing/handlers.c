/*
 * keel-billing: the table of requests it answers (besides sys.* and
 * events.since, which libkeel serves for every daemon).
 */
#include "billing.h"

const struct keel_handler billing_handlers[] = {
    {"contract.create", billing_contract_create},
    {"contract.get", billing_contract_get},
    {"contract.list", billing_contract_list},
    {"contract.amend", billing_contract_amend},
    {"contract.activate", billing_contract_activate},
    {"contract.cancel", billing_contract_cancel},
    {"invoice.run", billing_invoice_run},
    {"invoice.get", billing_invoice_get},
    {"invoice.list", billing_invoice_list},
    {"invoice.void", billing_invoice_void},
    {"invoice.render", billing_invoice_render},
    {"report.monthly", billing_report_monthly},
    {"payment.record", billing_payment_record},
    {"hours.balance", billing_hours_balance},
    {NULL, NULL},
};
