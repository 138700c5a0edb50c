/* t_staff: keel-ticketing's support staff as a real process: writes,
 * refusals, role indexes (also when a role changes) and cursor paging. */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <signal.h>
#include <sys/wait.h>

static struct keel_client *cli;

static int
call(const char *type, struct keel_enc *b, struct keel_env *rep)
{
	struct keel_error err;
	size_t len = 0;
	const void *p = keel_enc_data(b, &len);
	int r = keel_client_call(cli, type, p, len, NULL, rep, &err);

	if (r < 0)
		diag("%s: %s", type, err.message);
	return r;
}

static void
member(struct keel_enc *b, const char *id, const char *name, const char *role,
       int level)
{
	keel_enc_reset(b);
	keel_enc_map(b, 2 + (id != NULL) + (level > 0));
	if (id)
		keel_enc_kv_str(b, "id", id);
	keel_enc_kv_str(b, "name", name);
	keel_enc_kv_str(b, "role", role);
	if (level > 0)
		keel_enc_kv_int(b, "level", level);
}

/* Lists role ("" = all) page by page with limit; returns the ids joined. */
static void
list_all(struct keel_enc *b, const char *role, int limit, char *out,
         size_t size, int *pages)
{
	char after[40] = "";

	out[0] = '\0';
	*pages = 0;
	for (;;) {
		struct keel_env rep;
		const struct keel_obj *st;

		keel_enc_reset(b);
		keel_enc_map(b, 2 + (role[0] != 0));
		if (role[0])
			keel_enc_kv_str(b, "role", role);
		keel_enc_kv_str(b, "after", after);
		keel_enc_kv_int(b, "limit", limit);
		if (call("staff.list", b, &rep) < 0 || !rep.ok) {
			keel_env_release(&rep);
			return;
		}
		(*pages)++;
		st = keel_obj_get(rep.body, "staff");
		for (size_t i = 0; i < keel_obj_len(st); i++) {
			char id[40];

			keel_obj_strcpy(keel_obj_get(keel_obj_at(st, i), "id"),
			                id, sizeof(id));
			snprintf(out + strlen(out), size - strlen(out), "%s%s",
			         out[0] ? "," : "", id);
		}
		keel_obj_strcpy(keel_obj_get(rep.body, "next"), after,
		                sizeof(after));
		keel_env_release(&rep);
		if (!after[0] || *pages > 20)
			return;
	}
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	char conf[1024], ids[512], s[64];
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep;
	int64_t v = 0;
	int pages;
	pid_t tk;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\nticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n",
	         redis.sock, dir, dir);
	harness_write("keel.conf", conf);
	tk = harness_daemon("ticketing", 0);
	cli = harness_client("ticketing", "t0.rep", 5000);

	member(b, NULL, "Ana Tech", "technician", 2);
	for (int i = 0; i < 200; i++) {
		if (call("staff.put", b, &rep) == 0 && rep.ok)
			break;
		keel_env_release(&rep);
		harness_sleep_ms(25);
	}
	ok(rep.ok, "a technician is added");
	keel_obj_strcpy(keel_obj_get(rep.body, "id"), s, sizeof(s));
	is_str(s, "S-000001", "  with an assigned id");
	keel_env_release(&rep);

	member(b, "bob", "Bob Tech", "technician", 3);
	call("staff.put", b, &rep);
	keel_env_release(&rep);
	member(b, "mia", "Mia Manager", "service_manager", 0);
	call("staff.put", b, &rep);
	keel_env_release(&rep);
	member(b, "eve", "Eve Exec", "executive", 0);
	call("staff.put", b, &rep);
	keel_env_release(&rep);

	member(b, "x", "No Level", "technician", 0);
	call("staff.put", b, &rep);
	ok(!rep.ok && strcmp(rep.error.field, "body.level") == 0,
	   "a technician without a skill level is refused");
	keel_env_release(&rep);
	member(b, "x", "Too High", "technician", 4);
	call("staff.put", b, &rep);
	ok(!rep.ok && strcmp(rep.error.field, "body.level") == 0,
	   "level 4 is refused");
	keel_env_release(&rep);
	member(b, "x", "Boss", "overlord", 0);
	call("staff.put", b, &rep);
	ok(!rep.ok && strcmp(rep.error.field, "body.role") == 0,
	   "an unknown role is refused");
	keel_env_release(&rep);
	member(b, "x y", "Spaces", "executive", 0);
	call("staff.put", b, &rep);
	ok(!rep.ok && strcmp(rep.error.field, "body.id") == 0,
	   "an id with a space is refused");
	keel_env_release(&rep);

	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "id", "bob");
	call("staff.get", b, &rep);
	keel_obj_int(keel_obj_get(rep.body, "level"), &v);
	ok(rep.ok && v == 3, "staff.get returns bob, level 3");
	keel_env_release(&rep);
	keel_enc_reset(b);
	keel_enc_map(b, 1);
	keel_enc_kv_str(b, "id", "nobody");
	call("staff.get", b, &rep);
	ok(!rep.ok && strcmp(rep.error.code, "not_found") == 0,
	   "an unknown member is not_found");
	keel_env_release(&rep);

	list_all(b, "", 2, ids, sizeof(ids), &pages);
	is_str(ids, "S-000001,bob,eve,mia",
	       "staff.list pages through all, by id");
	is_int(pages, 2, "  2 per page: 2 pages");
	list_all(b, "technician", 50, ids, sizeof(ids), &pages);
	is_str(ids, "S-000001,bob", "listing technicians");

	member(b, "bob", "Bob Manager", "service_manager", 0);
	call("staff.put", b, &rep);
	keel_obj_int(keel_obj_get(rep.body, "version"), &v);
	ok(rep.ok && v == 2, "bob becomes a service manager (version 2)");
	keel_env_release(&rep);
	list_all(b, "technician", 50, ids, sizeof(ids), &pages);
	is_str(ids, "S-000001", "  and leaves the technicians");
	list_all(b, "service_manager", 50, ids, sizeof(ids), &pages);
	is_str(ids, "bob,mia", "  for the service managers");
	is_int(harness_redis_int(&redis, "XLEN keel:{ticketing}:events"), 5,
	       "5 staff events in ticketing's stream (4 created, 1 updated)");

	keel_enc_free(b);
	keel_client_free(cli);
	kill(tk, SIGTERM);
	ok(harness_stopped(tk), "ticketing stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
