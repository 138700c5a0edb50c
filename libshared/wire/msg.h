/*
 * msg: what a message may contain.  Every message type is declared once,
 * in msgs.c, as a table of fields (name, type, required, limits); the
 * validator, the JSON Schemas in schemas/ and docs/messages.md are all
 * derived from those tables (keel-schemagen writes them, a test compares).
 */
#ifndef KEEL_MSG_H
#define KEEL_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct keel_obj;
struct keel_error;
struct keel_json;

enum keel_ftype {
	KEEL_F_END = 0, /* terminates a field list */
	KEEL_F_STR,     /* UTF-8 string; min/max are byte lengths */
	KEEL_F_INT,     /* int64; min/max are values */
	KEEL_F_BOOL,
	KEEL_F_BIN,   /* raw bytes; min/max are lengths */
	KEEL_F_MAP,   /* nested fields, or any map when fields is NULL */
	KEEL_F_ARRAY, /* of items; min/max are element counts */
	KEEL_F_ANY,   /* any value (checked by the handler) */
};

struct keel_field {
	const char *name;
	enum keel_ftype type;
	bool required;
	int64_t min, max;                /* 0,0 = no limit */
	const char *const *enums;        /* STR: allowed values, NULL-ended */
	const struct keel_field *fields; /* MAP: members, KEEL_F_END-ended */
	const struct keel_field *items;  /* ARRAY: element description */
	const char *doc;
	/* INT: an amount in minor units; keelctl reads and shows it in
	 * currency units with two decimals ("1000.00"). */
	bool money;
};

enum keel_msg_kind {
	KEEL_MSG_REQUEST, /* req/rep; reply body described by .reply */
	KEEL_MSG_EVENT,   /* pub/sub and the owner's stream */
};

struct keel_msgdecl {
	const char *type; /* wire name, e.g. "sys.health" */
	enum keel_msg_kind kind;
	int version; /* bumped whenever the body changes */
	/* Changes state: needs an idempotency key (clients add one). */
	bool idempotent;
	const char *owner; /* answering or publishing service, "*" = all */
	const char *doc;
	const struct keel_field *body;
	const struct keel_field *reply;
};

/* The one list of message types, in msgs.c. */
/* Every declared type, in one table (joined before main from
 * msgs/<service>.c); a type's index is its place here. */
extern const struct keel_msgdecl *const keel_msgs;
extern size_t keel_msgs_count;
/* The envelope's own fields (v, id, type, ...), in msgs.c. */
extern const struct keel_field keel_envelope_fields[];
extern const struct keel_field keel_reply_fields[];

/* The field named name (n bytes) of a field list, or NULL. */
const struct keel_field *keel_msg_field(const struct keel_field *fields,
                                        const char *name, size_t n);

/* The declaration of a wire type, or NULL. */
const struct keel_msgdecl *keel_msg_find(const char *type);
/* Index of decl in keel_msgs (for per-type counters). */
size_t keel_msg_index(const struct keel_msgdecl *decl);

/*
 * Checks a map against a field list.  prefix names the map in error paths
 * ("body").  Unknown members are ignored.  Returns true, or false with err
 * set to invalid_field naming the field and the rule.
 */
bool keel_msg_validate(const struct keel_field *fields,
                       const struct keel_obj *map, const char *prefix,
                       struct keel_error *err);

/* Writes the JSON Schema of one message type (or of the envelope when
 * decl is NULL) into j. */
void keel_msg_schema(const struct keel_msgdecl *decl, struct keel_json *j);
/* The OpenAPI 3.1 document of keel-gateway (schemas/openapi.json): every
 * request as POST /v1/<type>, /v1/events, the error replies. */
void keel_msg_openapi(struct keel_json *j);
/* Writes the Markdown list of every message type to f. */
void keel_msg_markdown(FILE *f);

#endif
