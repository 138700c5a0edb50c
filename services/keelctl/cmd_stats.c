/* keelctl stats: the counters of every instance of one service. */
#include "keelctl.h"

#include "bus.h"
#include "codec.h"
#include "config.h"
#include "error.h"
#include "json.h"

#include <stdio.h>
#include <string.h>

static int
stats_exec(struct keelctl *ctl, int argc, char **argv)
{
	const char *rep[16];
	size_t nrep;
	int status = 0;
	struct keel_json j;

	if (argc != 2 || !keel_service_known(argv[1])) {
		fprintf(stderr, "usage: keelctl stats SERVICE\n");
		return 2;
	}
	nrep = keel_config_addrs(ctl->cfg, argv[1], "rep", rep, 16);
	keel_json_init(&j, 2);
	keel_json_arr_open(&j);
	for (size_t i = 0; i < nrep; i++) {
		struct keel_client_opts o = {
		    .auth = ctl->auth,
		    .name = "keelctl",
		    .service = argv[1],
		    .addrs = &rep[i],
		    .naddrs = 1,
		    .timeout_ms = ctl->timeout_ms,
		    .max_msg =
		        (size_t)keel_config_int(ctl->cfg, "bus.max_msg_bytes"),
		};
		struct keel_client *cli;
		struct keel_error err;
		struct keel_env reply;

		if (keel_client_new(&o, &cli, &err) < 0 ||
		    keel_client_call(cli, "sys.stats", NULL, 0, NULL, &reply,
		                     &err) < 0) {
			fprintf(stderr, "keelctl: %s[%zu]: %s\n", argv[1], i,
			        err.message);
			status = 1;
			keel_client_free(cli);
			continue;
		}
		if (ctl->json) {
			keel_json_obj_open(&j);
			keel_json_key(&j, "instance");
			keel_json_string(&j, reply.src);
			keel_json_key(&j, "stats");
			keel_json_value(&j, reply.body);
			keel_json_obj_close(&j);
		} else {
			printf("%s (%s)\n", reply.src, rep[i]);
			for (size_t k = 0; k < keel_obj_len(reply.body); k++) {
				char key[64];
				int64_t v = 0;

				keel_obj_strcpy(keel_obj_key_at(reply.body, k),
				                key, sizeof(key));
				keel_obj_int(keel_obj_val_at(reply.body, k),
				             &v);
				printf("  %-18s %lld\n", key, (long long)v);
			}
		}
		keel_env_release(&reply);
		keel_client_free(cli);
	}
	keel_json_arr_close(&j);
	if (ctl->json)
		puts(keel_json_str(&j) ? keel_json_str(&j) : "[]");
	keel_json_release(&j);
	return status;
}

const struct keelctl_cmd keelctl_cmd_stats = {
    .name = "stats",
    .usage = "stats SERVICE",
    .help = "counters of every instance of SERVICE (sys.stats)",
    .exec = stats_exec,
};
