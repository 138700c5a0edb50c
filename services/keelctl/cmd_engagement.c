/*
 * keelctl engagement show ID: one engagement's whole story, from the
 * assessment (keel-intake) through the proposal versions and their
 * quotes (priced by keel-pricing) to the plan, checklist, execution and
 * acceptance (keel-scheduling).  ID is the proposal's id.
 */
#include "keelctl.h"

#include "codec.h"
#include "envelope.h"
#include "json.h"
#include "ktime.h"
#include "msg.h"

#include <stdio.h>
#include <string.h>

static void
line(const char *label, const struct keel_obj *o, const char *key)
{
	struct keel_json j;
	const struct keel_obj *v = keel_obj_get(o, key);
	char s[512];

	if (!v)
		return;
	if (keel_obj_strcpy(v, s, sizeof(s))) {
		printf("  %-22s %s\n", label, s);
		return;
	}
	if (keel_obj_kind(v) == KEEL_OBJ_MAP) {
		printf("  %s:\n", label);
		keelctl_show(v, NULL, "    ", NULL, NULL);
		return;
	}
	keel_json_init(&j, 0);
	keel_json_value(&j, v);
	printf("  %-22s %s\n", label,
	       keel_json_str(&j) ? keel_json_str(&j) : "");
	keel_json_release(&j);
}

/* A reply's body as member k, null when there is none. */
static void
json_part(struct keel_json *j, const char *k, const struct keel_env *rep)
{
	keel_json_key(j, k);
	if (rep->ok && rep->body)
		keel_json_value(j, rep->body);
	else
		keel_json_null(j);
}

static bool
ask(struct keelctl *ctl, const char *type, const char *k, const char *v,
    struct keel_env *rep)
{
	struct keel_enc *e = keel_enc_new();
	int r;

	keel_enc_map(e, 1);
	keel_enc_kv_str(e, k, v);
	r = keelctl_call(ctl, type, e, rep);
	keel_enc_free(e);
	return r == 0;
}

static int
engagement_exec(struct keelctl *ctl, int argc, char **argv)
{
	struct keel_env p = {0}, a = {0}, plan = {0}, cl = {0};
	char assessment[33] = "";
	int status = 0;

	if (argc != 3 || strcmp(argv[1], "show") != 0) {
		fprintf(stderr, "usage: keelctl engagement show PROPOSAL-ID\n");
		return 2;
	}
	if (!ask(ctl, "proposal.get", "id", argv[2], &p)) {
		keel_env_release(&p);
		return 1;
	}
	keel_obj_strcpy(keel_obj_get(p.body, "assessment"), assessment,
	                sizeof(assessment));
	if (ctl->json) {
		struct keel_json j;

		ask(ctl, "assessment.get", "id", assessment, &a);
		ask(ctl, "plan.get", "engagement", argv[2], &plan);
		ask(ctl, "checklist.get", "engagement", argv[2], &cl);
		keel_json_init(&j, 2);
		keel_json_obj_open(&j);
		json_part(&j, "assessment", &a);
		json_part(&j, "proposal", &p);
		json_part(&j, "plan", &plan);
		json_part(&j, "checklist", &cl);
		keel_json_obj_close(&j);
		printf("%s\n", keel_json_str(&j) ? keel_json_str(&j) : "{}");
		keel_json_release(&j);
		goto out;
	}
	printf("assessment %s (keel-intake)\n", assessment);
	if (ask(ctl, "assessment.get", "id", assessment, &a)) {
		line("status", a.body, "status");
		line("evaluated by", a.body, "evaluated_by");
		line("request", a.body, "assessment");
	}
	printf("proposal %s (keel-intake, priced by keel-pricing)\n", argv[2]);
	line("version", p.body, "version");
	line("status", p.body, "status");
	line("seats", p.body, "seats");
	line("HQ review", p.body, "reviewed_by");
	line("content", p.body, "content");
	if (keel_obj_get(p.body, "quote")) {
		printf("  quote:\n");
		keelctl_show(keel_obj_get(p.body, "quote"), NULL, "    ", NULL,
		             NULL);
	}
	line("decided by", p.body, "decided_by");
	printf("plan (keel-scheduling)\n");
	if (ask(ctl, "plan.get", "engagement", argv[2], &plan)) {
		const struct keel_obj *items = keel_obj_get(plan.body, "items");

		line("status", plan.body, "status");
		line("coordinated by", plan.body, "coordinated_by");
		line("agreed by", plan.body, "agreed_by");
		const struct keel_msgdecl *d = keel_msg_find("plan.get");
		const struct keel_field *f = d ? d->reply : NULL;

		while (f && f->type != KEEL_F_END && strcmp(f->name, "items"))
			f++;
		if (keel_obj_len(items))
			keelctl_table(items,
			              f && f->type == KEEL_F_ARRAY && f->items
			                  ? f->items->fields
			                  : NULL,
			              "  ", NULL);
	} else
		status = 1;
	printf("checklist (keel-scheduling)\n");
	if (ask(ctl, "checklist.get", "engagement", argv[2], &cl)) {
		const struct keel_obj *items = keel_obj_get(cl.body, "items");

		for (size_t i = 0; i < keel_obj_len(items); i++) {
			const struct keel_obj *it = keel_obj_at(items, i);
			char item[301] = "", by[201] = "", at[KEEL_TIME_STRLEN];
			int64_t ms = 0;

			keel_obj_strcpy(keel_obj_get(it, "item"), item,
			                sizeof(item));
			keel_obj_strcpy(keel_obj_get(it, "ticked_by"), by,
			                sizeof(by));
			keel_obj_int(keel_obj_get(it, "ticked_ms"), &ms);
			printf("  [%c] %zu. %s", by[0] ? 'x' : ' ', i + 1, item);
			if (by[0])
				printf(" - %s, %s", by,
				       keelctl_when(ms, at, sizeof(at)));
			printf("\n");
		}
	}
	{
		const struct keel_obj *x = keel_obj_get(plan.body, "execution");
		const struct keel_obj *ac = keel_obj_get(plan.body, "acceptance");
		const struct keel_obj *checks = keel_obj_get(x, "checks");
		char by[201] = "", at[KEEL_TIME_STRLEN], date[16] = "";

		printf("execution (keel-scheduling)\n");
		for (int k = 0; k < 2; k++) {
			int64_t ms = 0;

			by[0] = '\0';
			keel_obj_strcpy(keel_obj_get(x, k ? "verified_by"
			                                  : "started_by"),
			                by, sizeof(by));
			keel_obj_int(keel_obj_get(x, k ? "verified_ms"
			                               : "started_ms"),
			             &ms);
			if (by[0])
				printf("  %-22s %s, %s\n",
				       k ? "verified by" : "started by", by,
				       keelctl_when(ms, at, sizeof(at)));
			else
				printf("  %-22s -\n",
				       k ? "verified by" : "started by");
		}
		for (size_t i = 0; i < keel_obj_len(checks); i++) {
			char c[301] = "";

			keel_obj_strcpy(keel_obj_at(checks, i), c, sizeof(c));
			printf("  %-22s %s\n", i ? "" : "checks", c);
		}
		printf("acceptance (keel-scheduling)\n");
		by[0] = '\0';
		keel_obj_strcpy(keel_obj_get(ac, "signed_by"), by, sizeof(by));
		keel_obj_strcpy(keel_obj_get(ac, "date"), date, sizeof(date));
		printf("  %-22s %s\n", "signed by", by[0] ? by : "-");
		printf("  %-22s %s\n", "date", date[0] ? date : "-");
	}
out:
	keel_env_release(&p);
	keel_env_release(&a);
	keel_env_release(&plan);
	keel_env_release(&cl);
	return status;
}

const struct keelctl_cmd keelctl_cmd_engagement = {
    .name = "engagement",
    .usage = "engagement show PROPOSAL-ID",
    .help = "one engagement from assessment to acceptance",
    .exec = engagement_exec,
};
