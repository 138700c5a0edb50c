/* keelctl health: sys.health to every configured instance, side by side. */
#include "keelctl.h"

#include "bus.h"
#include "codec.h"
#include "config.h"
#include "error.h"
#include "json.h"
#include "ktime.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct probe {
	const struct keelctl *ctl;
	const char *svc;
	int index;
	const char *rep, *pub, *http;
	bool up, redis;
	char instance[129], version[33];
	int64_t uptime_ms, pid;
	char error[320];
};

static void *
probe_one(void *arg)
{
	struct probe *p = arg;
	struct keel_client_opts o = {
	    .auth = p->ctl->auth,
	    .name = "keelctl",
	    .service = p->svc,
	    .addrs = &p->rep,
	    .naddrs = 1,
	    .timeout_ms = p->ctl->timeout_ms,
	    .resend_ms = 0,
	    .max_msg =
	        (size_t)keel_config_int(p->ctl->cfg, "bus.max_msg_bytes"),
	};
	struct keel_client *cli;
	struct keel_error err;
	struct keel_env reply;
	const struct keel_obj *b;

	p->up = false;
	if (keel_client_new(&o, &cli, &err) < 0) {
		snprintf(p->error, sizeof(p->error), "%s", err.message);
		return NULL;
	}
	if (keel_client_call(cli, "sys.health", NULL, 0, NULL, &reply, &err) <
	    0) {
		snprintf(p->error, sizeof(p->error), "%s", err.message);
	} else if (!reply.ok) {
		snprintf(p->error, sizeof(p->error), "%s: %s", reply.error.code,
		         reply.error.message);
		keel_env_release(&reply);
	} else {
		b = reply.body;
		keel_obj_strcpy(keel_obj_get(b, "instance"), p->instance,
		                sizeof(p->instance));
		keel_obj_strcpy(keel_obj_get(b, "version"), p->version,
		                sizeof(p->version));
		keel_obj_int(keel_obj_get(b, "uptime_ms"), &p->uptime_ms);
		keel_obj_int(keel_obj_get(b, "pid"), &p->pid);
		keel_obj_bool(keel_obj_get(b, "redis"), &p->redis);
		p->up = true;
		p->error[0] = '\0';
		keel_env_release(&reply);
	}
	keel_client_free(cli);
	return NULL;
}

static void
print_json(struct probe *ps, size_t n)
{
	struct keel_json j;

	keel_json_init(&j, 2);
	keel_json_arr_open(&j);
	for (size_t i = 0; i < n; i++) {
		struct probe *p = &ps[i];

		keel_json_obj_open(&j);
		keel_json_key(&j, "service");
		keel_json_string(&j, p->svc);
		keel_json_key(&j, "index");
		keel_json_int(&j, p->index);
		keel_json_key(&j, "up");
		keel_json_bool(&j, p->up);
		keel_json_key(&j, "rep");
		keel_json_string(&j, p->rep);
		keel_json_key(&j, "pub");
		keel_json_string(&j, p->pub ? p->pub : "");
		keel_json_key(&j, "http");
		keel_json_string(&j, p->http ? p->http : "");
		if (p->up) {
			keel_json_key(&j, "instance");
			keel_json_string(&j, p->instance);
			keel_json_key(&j, "version");
			keel_json_string(&j, p->version);
			keel_json_key(&j, "pid");
			keel_json_int(&j, p->pid);
			keel_json_key(&j, "uptime_ms");
			keel_json_int(&j, p->uptime_ms);
			keel_json_key(&j, "redis");
			keel_json_bool(&j, p->redis);
		} else {
			keel_json_key(&j, "error");
			keel_json_string(&j, p->error);
		}
		keel_json_obj_close(&j);
	}
	keel_json_arr_close(&j);
	puts(keel_json_str(&j) ? keel_json_str(&j) : "[]");
	keel_json_release(&j);
}

static void
print_table(struct probe *ps, size_t n)
{
	printf("%-11s %-13s %-5s %-8s %-5s %9s %-8s %-24s %-24s %s\n",
	       "SERVICE", "INSTANCE", "STATE", "PID", "REDIS", "UPTIME",
	       "VERSION", "REQUESTS", "EVENTS", "HTTP");
	for (size_t i = 0; i < n; i++) {
		struct probe *p = &ps[i];
		char up[32] = "-", pid[16] = "-";

		if (p->up) {
			snprintf(up, sizeof(up), "%.1fs",
			         (double)p->uptime_ms / 1000.0);
			snprintf(pid, sizeof(pid), "%lld", (long long)p->pid);
		}
		printf("%-11s %-13s %-5s %-8s %-5s %9s %-8s %-24s %-24s %s\n",
		       p->svc, p->up ? p->instance : "-", p->up ? "up" : "DOWN",
		       pid, p->up ? (p->redis ? "yes" : "NO") : "-", up,
		       p->up ? p->version : "-", p->rep, p->pub ? p->pub : "-",
		       p->http ? p->http : "-");
	}
	for (size_t i = 0; i < n; i++)
		if (!ps[i].up)
			fprintf(stderr, "keelctl: %s[%d]: %s\n", ps[i].svc,
			        ps[i].index, ps[i].error);
}

static int
health_exec(struct keelctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"wait", required_argument, NULL, 'w'},
	    {NULL, 0, NULL, 0},
	};
	struct probe *ps;
	size_t n = 0, cap = 16 * keel_services_count;
	int64_t deadline;
	bool all_up;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "w:", longopts, NULL)) != -1) {
		if (c != 'w' || (ctl->wait_ms = atoi(optarg)) < 0) {
			fprintf(stderr, "usage: keelctl health [--wait MS] "
			                "[SERVICE...]\n");
			return 2;
		}
	}
	for (int i = optind; i < argc; i++)
		if (!keel_service_known(argv[i])) {
			fprintf(stderr, "keelctl: unknown service '%s'\n",
			        argv[i]);
			return 2;
		}
	ps = calloc(cap, sizeof(*ps));
	if (!ps)
		return 1;
	for (size_t s = 0; s < keel_services_count; s++) {
		const char *rep[16], *pub[16], *http[16];
		size_t nrep, npub, nhttp;
		bool wanted = optind >= argc;

		for (int i = optind; i < argc; i++)
			wanted |= strcmp(argv[i], keel_services[s]) == 0;
		if (!wanted)
			continue;
		nrep = keel_config_addrs(ctl->cfg, keel_services[s], "rep", rep,
		                         16);
		npub = keel_config_addrs(ctl->cfg, keel_services[s], "pub", pub,
		                         16);
		nhttp = keel_config_addrs(ctl->cfg, keel_services[s], "http",
		                          http, 16);
		for (size_t k = 0; k < nrep; k++) {
			ps[n] = (struct probe){
			    .ctl = ctl,
			    .svc = keel_services[s],
			    .index = (int)k,
			    .rep = rep[k],
			    .pub = k < npub ? pub[k] : NULL,
			    .http = k < nhttp ? http[k] : NULL,
			};
			n++;
		}
	}
	deadline = keel_time_mono_ms() + ctl->wait_ms;
	for (;;) {
		pthread_t *th = calloc(n, sizeof(*th));

		for (size_t i = 0; i < n; i++)
			if (!ps[i].up &&
			    pthread_create(&th[i], NULL, probe_one, &ps[i]))
				probe_one(&ps[i]);
		for (size_t i = 0; i < n; i++)
			if (th[i])
				pthread_join(th[i], NULL);
		free(th);
		all_up = true;
		for (size_t i = 0; i < n; i++)
			all_up &= ps[i].up && ps[i].redis;
		if (all_up || keel_time_mono_ms() >= deadline)
			break;
		/* --wait: ask again.  A daemon that answered without Redis
		 * answers at once, so pause between rounds. */
		for (size_t i = 0; i < n; i++)
			if (ps[i].up && !ps[i].redis)
				ps[i].up = false;
		nanosleep(&(struct timespec){0, 100 * 1000000}, NULL);
	}
	if (ctl->json)
		print_json(ps, n);
	else
		print_table(ps, n);
	free(ps);
	return all_up ? 0 : 1;
}

const struct keelctl_cmd keelctl_cmd_health = {
    .name = "health",
    .usage = "health [--wait MS] [SERVICE...]",
    .help = "ask every instance for sys.health; exit 1 if any is down",
    .exec = health_exec,
};
