/*
 * keel-ticketing support staff: technicians (skill level 1-3), service
 * managers and executives.  staff.put is a write (lua/staff.lua: hash,
 * the id index, one index per role, staff.created/updated); staff.get and
 * staff.list read in one round trip each.
 */
#include "ticketing.h"

#include "codec.h"
#include "error.h"
#include "events.h"
#include "ids.h"
#include "fields.h"
#include "msg.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
ticketing_staff_put(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	char id[KEEL_LEN_STAFF_PUT_ID] = "", name[KEEL_LEN_STAFF_PUT_NAME],
	     role[32], level[8] = "0", email[KEEL_LEN_STAFF_PUT_EMAIL] = "",
	     phone[41] = "";
	int64_t lv = 0;

	if (keel_obj_strcpy(keel_obj_get(body, "id"), id, sizeof(id)) &&
	    !keel_id_token_valid(id, strlen(id))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.id",
		              "body.id: only letters, digits, '.', '_' and "
		              "'-' are allowed");
		return;
	}
	keel_obj_strcpy(keel_obj_get(body, "name"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(body, "role"), role, sizeof(role));
	keel_obj_int(keel_obj_get(body, "level"), &lv);
	if (strcmp(role, "technician") == 0 && lv == 0) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.level",
		              "body.level: a technician needs a skill level "
		              "1..3");
		return;
	}
	if (strcmp(role, "technician") != 0)
		lv = 0; /* levels rank technicians only */
	snprintf(level, sizeof(level), "%lld", (long long)lv);
	keel_obj_strcpy(keel_obj_get(body, "email"), email, sizeof(email));
	keel_obj_strcpy(keel_obj_get(body, "phone"), phone, sizeof(phone));
	{
		static const char *const names[] = {"id",    "name",  "role",
		                                    "level", "email", "phone"};
		const char *vals[] = {id, name, role, level, email, phone};
		struct keel_enc *e = keel_enc_new();
		const void *p;
		size_t len;

		if (!e) {
			keel_req_fail(req, KEEL_E_INTERNAL, NULL,
			              "out of memory");
			return;
		}
		keel_enc_map(e, 6);
		for (int i = 0; i < 6; i++)
			keel_enc_kv_str(e, names[i], vals[i]);
		p = keel_enc_data(e, &len);
		keel_write(req,
		           &(struct keel_write){
		               .fn = "ticketing_staff_put",
		               .event_prefix = "staff.",
		               .nkeys = 2,
		               .keys = (const char *[]){"keel:{ticketing}:seq:"
		                                        "staff",
		                                        "keel:{ticketing}:staff"},
		               .req = p,
		               .req_len = len,
		           });
		keel_enc_free(e);
	}
}

/* A member as staff.get declares it (its hash's fields, in the order of
 * keel_fields_scalars). */
static const struct keel_field *
member_decl(void)
{
	static const struct keel_field *fields;

	if (!fields)
		fields = keel_msg_find("staff.get")->reply;
	return fields;
}

/* One member from an HMGET of its declared fields; false when it is
 * missing. */
static bool
encode_member(struct keel_enc *e, const struct keel_reply *f)
{
	if (keel_reply_type(keel_reply_at(f, 0)) != KEEL_R_STR)
		return false;
	keel_enc_map(e, (uint32_t)keel_reply_len(f));
	keel_fields_encode(e, member_decl(), f);
	return true;
}

static void
staff_get_reply(struct keel_req *req, const struct keel_reply *r,
                const struct keel_error *err)
{
	char id[33];

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (!encode_member(keel_req_reply(req), r)) {
		keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id,
		                sizeof(id));
		keel_req_fail(req, KEEL_E_NOT_FOUND, "body.id",
		              "staff member '%s' not found", id);
		return;
	}
	keel_req_ok(req);
}

void
ticketing_staff_get(struct keel_req *req)
{
	const char *argv[16];
	char id[33], key[80];
	size_t n;

	keel_obj_strcpy(keel_obj_get(keel_req_body(req), "id"), id, sizeof(id));
	snprintf(key, sizeof(key), "keel:{ticketing}:staff:%s", id);
	argv[0] = "HMGET";
	argv[1] = key;
	n = keel_fields_scalars(member_decl(), argv + 2, 14);
	keel_req_redis(req, 2 + (int)n, argv, NULL, staff_get_reply);
}

static void
staff_list_reply(struct keel_req *req, const struct keel_reply *r,
                 const struct keel_error *err)
{
	struct keel_enc *e = keel_req_reply(req);
	const struct keel_reply *members;
	const char *next;
	size_t n, good = 0;

	if (!r) {
		keel_req_fail_err(req, err);
		return;
	}
	if (keel_reply_type(r) != KEEL_R_ARRAY || keel_reply_len(r) != 2) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "listing staff: %s",
		              keel_reply_str(r, NULL) ? keel_reply_str(r, NULL)
		                                      : "bad reply");
		return;
	}
	next = keel_reply_str(keel_reply_at(r, 0), NULL);
	members = keel_reply_at(r, 1);
	n = keel_reply_len(members);
	for (size_t i = 0; i < n; i++)
		good += keel_reply_type(keel_reply_at(keel_reply_at(members, i),
		                                      0)) == KEEL_R_STR;
	keel_enc_map(e, 2);
	keel_enc_str(e, "staff");
	keel_enc_array(e, (uint32_t)good);
	for (size_t i = 0; i < n; i++)
		encode_member(e, keel_reply_at(members, i));
	keel_enc_kv_str(e, "next", next ? next : "");
	keel_req_ok(req);
}

void
ticketing_staff_list(struct keel_req *req)
{
	const struct keel_obj *body = keel_req_body(req);
	char role[32] = "", after[33] = "", key[80];
	int64_t lim = 50;
	struct keel_enc *e;
	const void *p;
	size_t len;

	keel_obj_strcpy(keel_obj_get(body, "after"), after, sizeof(after));
	keel_obj_int(keel_obj_get(body, "limit"), &lim);
	if (after[0] && !keel_id_token_valid(after, strlen(after))) {
		keel_req_fail(req, KEEL_E_INVALID_FIELD, "body.after",
		              "body.after: not a cursor from staff.list");
		return;
	}
	if (keel_obj_strcpy(keel_obj_get(body, "role"), role, sizeof(role)))
		snprintf(key, sizeof(key), "keel:{ticketing}:staff-by-role:%s",
		         role);
	else
		snprintf(key, sizeof(key), "keel:{ticketing}:staff");
	e = keel_enc_new();
	if (!e) {
		keel_req_fail(req, KEEL_E_INTERNAL, NULL, "out of memory");
		return;
	}
	keel_enc_map(e, 2);
	keel_enc_kv_str(e, "after", after);
	keel_enc_kv_int(e, "limit", lim);
	p = keel_enc_data(e, &len);
	keel_req_read(req, "ticketing_staff_list", 1, (const char *[]){key}, p,
	              len, staff_list_reply);
	keel_enc_free(e);
}
