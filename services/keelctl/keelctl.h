/* keelctl: the command-line client.  One file per command, each exporting
 * one struct keelctl_cmd collected in main.c's table. */
#ifndef KEELCTL_H
#define KEELCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_config;

struct keel_auth;

struct keelctl {
	struct keel_config *cfg;
	struct keel_auth *auth; /* signs requests; NULL: unsigned */
	bool json;
	int timeout_ms;
	int wait_ms; /* health: retry until all are up or this passes */
};

struct keelctl_cmd {
	const char *name;
	const char *usage;
	const char *help;
	/* argv[0] is the command name; returns the exit status */
	int (*exec)(struct keelctl *ctl, int argc, char **argv);
};

extern const struct keelctl_cmd keelctl_cmd_health;
extern const struct keelctl_cmd keelctl_cmd_stats;
extern const struct keelctl_cmd keelctl_cmd_dead;
extern const struct keelctl_cmd keelctl_cmd_watch;
extern const struct keelctl_cmd keelctl_cmd_customer;
extern const struct keelctl_cmd keelctl_cmd_calendar;
extern const struct keelctl_cmd keelctl_cmd_sla;
extern const struct keelctl_cmd keelctl_cmd_pricebook;
extern const struct keelctl_cmd keelctl_cmd_quote;
extern const struct keelctl_cmd keelctl_cmd_product;
extern const struct keelctl_cmd keelctl_cmd_assessment;
extern const struct keelctl_cmd keelctl_cmd_proposal;
extern const struct keelctl_cmd keelctl_cmd_specialist;
extern const struct keelctl_cmd keelctl_cmd_plan;
extern const struct keelctl_cmd keelctl_cmd_checklist;
extern const struct keelctl_cmd keelctl_cmd_execution;
extern const struct keelctl_cmd keelctl_cmd_acceptance;
extern const struct keelctl_cmd keelctl_cmd_engagement;
extern const struct keelctl_cmd keelctl_cmd_request;
extern const struct keelctl_cmd keelctl_cmd_staff;
extern const struct keelctl_cmd keelctl_cmd_ticket;
extern const struct keelctl_cmd keelctl_cmd_contract;
extern const struct keelctl_cmd keelctl_cmd_invoice;
extern const struct keelctl_cmd keelctl_cmd_payment;
extern const struct keelctl_cmd keelctl_cmd_hours;
extern const struct keelctl_cmd keelctl_cmd_rfc;
extern const struct keelctl_cmd keelctl_cmd_cab;
extern const struct keelctl_cmd keelctl_cmd_ci;
extern const struct keelctl_cmd keelctl_cmd_freeze;
extern const struct keelctl_cmd keelctl_cmd_notify;
extern const struct keelctl_cmd keelctl_cmd_report;

struct keel_enc;
struct keel_env;
struct keel_msgdecl;
/* call.c: builds the body of decl from --field options (and the fields in
 * positional, taken in order from plain arguments); 0 or -1 after saying
 * why on stderr. */
int keelctl_body(const struct keel_msgdecl *decl, const char *const *positional,
                 int argc, char **argv, struct keel_enc *e);
/* Sends type to its owning service: 0 (ok), 1 (refused: said on stderr
 * as "keelctl: code: message") or -1 (no answer: said on stderr). */
int keelctl_call(struct keelctl *ctl, const char *type, struct keel_enc *body,
                 struct keel_env *rep);
/* The same, to service svc (for the requests every daemon answers). */
int keelctl_call_to(struct keelctl *ctl, const char *svc, const char *type,
                    struct keel_enc *body, struct keel_env *rep);

/* cmd_ticket.c: domain verb i (group "ticket", name "create", its request
 * type and the usage after "keelctl GROUP VERB"); false past the last. */
bool keelctl_verb_at(size_t i, const char **group, const char **name,
                     const char **type, const char **usage);
/* gen.c: bash completion and the keelctl(1) page, from the command table,
 * the verbs and the message declarations. */
void keelctl_gen_completion(const struct keelctl_cmd *const *cmds, size_t n);
void keelctl_gen_man(const struct keelctl_cmd *const *cmds, size_t n,
                     const char *version);

/* view.c: replies as people read them (see there). */
struct keel_field;
struct keel_obj;
/* ms in local time to the second with the zone ("2026-11-30 16:30:00
 * CET"), or "-" for 0. */
const char *keelctl_when(int64_t ms, char *buf, size_t size);
/* Where to cut s to at most n bytes without splitting a UTF-8 sequence. */
size_t keelctl_utf8_cut(const char *s, size_t n);
/* key without its _ms suffix. */
void keelctl_label(const char *key, char *buf, size_t size);
/* One value as text; f (may be NULL) its declaration. */
void keelctl_value(const char *key, const struct keel_field *f,
                   const struct keel_obj *v, const char *currency, char *buf,
                   size_t size);
/* A list of maps as a table, each line after indent. */
void keelctl_table(const struct keel_obj *rows,
                   const struct keel_field *fields, const char *indent,
                   const char *currency);
/* A map, one "label  value" line per member (but those in skip, a
 * NULL-ended list, or NULL): nested maps indented, lists of maps as
 * tables.  fields: its declaration (may be NULL). */
void keelctl_show(const struct keel_obj *o, const struct keel_field *fields,
                  const char *indent, const char *currency,
                  const char *const *skip);

#endif
