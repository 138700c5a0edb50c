/* keelctl dead list|replay SERVICE: the events a service's handlers
 * refused (its dead-letter stream), and running one through its handler
 * again once the cause is fixed. */
#include "keelctl.h"

#include "bus.h"
#include "codec.h"
#include "config.h"
#include "envelope.h"
#include "error.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

/* Sends type with body to any instance of svc; 0, 1 (refused: said) or
 * -1 (no answer: said). */
static int
call_service(struct keelctl *ctl, const char *svc, const char *type,
             struct keel_enc *body, struct keel_env *rep)
{
	const char *addrs[16];
	struct keel_client_opts o = {
	    .auth = ctl->auth,
	    .name = "keelctl",
	    .service = svc,
	    .addrs = addrs,
	    .naddrs = keel_config_addrs(ctl->cfg, svc, "rep", addrs, 16),
	    .timeout_ms = ctl->timeout_ms,
	    .max_msg = (size_t)keel_config_int(ctl->cfg, "bus.max_msg_bytes"),
	};
	struct keel_client *cli;
	struct keel_error err;
	size_t len;
	const void *p = keel_enc_data(body, &len);
	int r;

	if (keel_client_new(&o, &cli, &err) < 0) {
		fprintf(stderr, "keelctl: %s: %s\n", svc, err.message);
		return -1;
	}
	r = keel_client_call(cli, type, p, len, NULL, rep, &err);
	keel_client_free(cli);
	if (r < 0) {
		fprintf(stderr, "keelctl: %s: %s\n", svc, err.message);
		return -1;
	}
	if (!rep->ok) {
		fprintf(stderr, "keelctl: %s: %s\n", rep->error.code,
		        rep->error.message);
		return 1;
	}
	return 0;
}

static void
print_json(const struct keel_obj *body)
{
	struct keel_json j;

	keel_json_init(&j, 2);
	keel_json_value(&j, body);
	puts(keel_json_str(&j) ? keel_json_str(&j) : "{}");
	keel_json_release(&j);
}

static int
dead_list(struct keelctl *ctl, const char *svc, const char *after)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	const struct keel_obj *entries;
	int r;

	keel_enc_map(b, after ? 1 : 0);
	if (after)
		keel_enc_kv_str(b, "after", after);
	r = call_service(ctl, svc, "events.dead", b, &rep);
	keel_enc_free(b);
	if (r != 0)
		return r < 0 ? 1 : r;
	if (ctl->json) {
		print_json(rep.body);
		keel_env_release(&rep);
		return 0;
	}
	entries = keel_obj_get(rep.body, "entries");
	printf("%-16s %-11s %-16s %-24s %s\n", "ID", "SOURCE", "SEQ", "TYPE",
	       "WHY");
	for (size_t i = 0; i < keel_obj_len(entries); i++) {
		const struct keel_obj *e = keel_obj_at(entries, i);
		char f[4][200];
		static const char *const names[] = {"id", "source", "seq",
		                                    "type"};
		char why[513] = "";

		for (int k = 0; k < 4; k++) {
			f[k][0] = '\0';
			keel_obj_strcpy(keel_obj_get(e, names[k]), f[k],
			                sizeof(f[k]));
		}
		keel_obj_strcpy(keel_obj_get(e, "why"), why, sizeof(why));
		printf("%-16s %-11s %-16s %-24s %s\n", f[0], f[1], f[2], f[3],
		       why);
	}
	{
		char next[48] = "";

		keel_obj_strcpy(keel_obj_get(rep.body, "next"), next,
		                sizeof(next));
		if (next[0])
			printf("(more: keelctl dead list %s --after %s)\n", svc,
			       next);
	}
	keel_env_release(&rep);
	return 0;
}

static int
dead_replay(struct keelctl *ctl, const char *svc, const char *id)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	bool applied = false;
	char type[65] = "";
	int r;

	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "id", id);
	r = call_service(ctl, svc, "events.replay", b, &rep);
	keel_enc_free(b);
	if (r != 0)
		return r < 0 ? 1 : r;
	if (ctl->json) {
		print_json(rep.body);
	} else {
		keel_obj_bool(keel_obj_get(rep.body, "applied"), &applied);
		keel_obj_strcpy(keel_obj_get(rep.body, "type"), type,
		                sizeof(type));
		printf("%s (%s) %s\n", id, type,
		       applied ? "applied" : "had been applied before");
	}
	keel_env_release(&rep);
	return 0;
}

static int
dead_exec(struct keelctl *ctl, int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "list") == 0 &&
	    keel_service_known(argv[2])) {
		if (argc == 3)
			return dead_list(ctl, argv[2], NULL);
		if (argc == 5 && strcmp(argv[3], "--after") == 0)
			return dead_list(ctl, argv[2], argv[4]);
	}
	if (argc == 4 && strcmp(argv[1], "replay") == 0 &&
	    keel_service_known(argv[2]))
		return dead_replay(ctl, argv[2], argv[3]);
	fprintf(stderr, "usage: keelctl dead list SERVICE [--after ID]\n"
	                "       keelctl dead replay SERVICE ID\n");
	return 2;
}

const struct keelctl_cmd keelctl_cmd_dead = {
    .name = "dead",
    .usage = "dead list|replay SERVICE ...",
    .help = "events SERVICE's handlers refused (its dead-letter stream); "
            "replay one once the cause is fixed",
    .exec = dead_exec,
};
