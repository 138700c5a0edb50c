/*
 * keelctl watch: the events of the daemons, live and from any point.
 * Every event is read from its daemon's stream with events.since, in
 * stream order; the live feed only wakes the reader.  So an event that
 * the live feed dropped, or that was emitted while a daemon restarted, is
 * still shown, and none is shown twice.
 */
#include "keelctl.h"

#include "bus.h"
#include "codec.h"
#include "config.h"
#include "error.h"
#include "json.h"
#include "ktime.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source {
	const char *svc;
	struct keel_client *cli;
	char since[48];
	bool warned;
};

static volatile sig_atomic_t stop_watch;

static void
on_signal(int sig)
{
	(void)sig;
	stop_watch = 1;
}

static bool
wanted(const char *type, char **prefixes, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strncmp(type, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

static void
print_event(const struct keelctl *ctl, const char *svc,
            const struct keel_obj *ev)
{
	struct keel_json j;
	char seq[48] = "", type[65] = "";

	keel_obj_strcpy(keel_obj_get(ev, "seq"), seq, sizeof(seq));
	keel_obj_strcpy(keel_obj_get(ev, "type"), type, sizeof(type));
	keel_json_init(&j, 0);
	if (ctl->json) {
		keel_json_obj_open(&j);
		keel_json_key(&j, "service");
		keel_json_string(&j, svc);
		for (size_t i = 0; i < keel_obj_len(ev); i++) {
			char k[32];

			if (!keel_obj_strcpy(keel_obj_key_at(ev, i), k,
			                     sizeof(k)))
				continue;
			keel_json_key(&j, k);
			keel_json_value(&j, keel_obj_val_at(ev, i));
		}
		keel_json_obj_close(&j);
		printf("%s\n", keel_json_str(&j) ? keel_json_str(&j) : "{}");
	} else {
		keel_json_value(&j, keel_obj_get(ev, "body"));
		printf("%s %s %s %s\n", seq, svc, type,
		       keel_json_str(&j) ? keel_json_str(&j) : "{}");
	}
	fflush(stdout);
	keel_json_release(&j);
}

/* Reads and prints everything after s->since; returns events printed, or
 * -1 when the daemon did not answer. */
static long
catch_up(const struct keelctl *ctl, struct source *s, char **prefixes,
         int nprefixes, long budget)
{
	long printed = 0;

	for (;;) {
		struct keel_enc *q = keel_enc_new();
		struct keel_error err;
		struct keel_env rep;
		const struct keel_obj *evs;
		const void *p;
		size_t len, n;
		int r;

		keel_enc_map(q, 2);
		keel_enc_kv_str(q, "since", s->since);
		keel_enc_kv_int(q, "limit", 500);
		p = keel_enc_data(q, &len);
		r = keel_client_call(s->cli, "events.since", p, len, NULL, &rep,
		                     &err);
		keel_enc_free(q);
		if (r < 0 || !rep.ok) {
			if (!s->warned)
				fprintf(stderr, "keelctl: %s: %s\n", s->svc,
				        r < 0 ? err.message
				              : rep.error.message);
			s->warned = true;
			keel_env_release(&rep);
			return printed ? printed : -1;
		}
		s->warned = false;
		evs = keel_obj_get(rep.body, "events");
		n = keel_obj_len(evs);
		for (size_t i = 0; i < n; i++) {
			const struct keel_obj *ev = keel_obj_at(evs, i);
			char type[65] = "";

			keel_obj_strcpy(keel_obj_get(ev, "type"), type,
			                sizeof(type));
			if (budget >= 0 && printed >= budget)
				break;
			if (wanted(type, prefixes, nprefixes)) {
				print_event(ctl, s->svc, ev);
				printed++;
			}
			keel_obj_strcpy(keel_obj_get(ev, "seq"), s->since,
			                sizeof(s->since));
		}
		keel_env_release(&rep);
		if (n == 0 || (budget >= 0 && printed >= budget))
			return printed;
	}
}

static int
watch_exec(struct keelctl *ctl, int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"since", required_argument, NULL, 's'},
	    {"count", required_argument, NULL, 'c'},
	    {"service", required_argument, NULL, 'S'},
	    {"no-follow", no_argument, NULL, 'n'},
	    {NULL, 0, NULL, 0},
	};
	const char *since = NULL;
	const char *only[8];
	struct source src[8];
	const char *pubs[128];
	size_t nsrc = 0, npub = 0, nonly = 0;
	long count = -1, shown = 0;
	struct keel_sub *sub = NULL;
	struct keel_error err;
	bool follow = true, unanswered = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:c:S:n", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			since = optarg;
			break;
		case 'c':
			count = atol(optarg);
			break;
		case 'S':
			if (!keel_service_known(optarg) || nonly == 8) {
				fprintf(stderr,
				        "keelctl: unknown service '%s'\n",
				        optarg);
				return 2;
			}
			only[nonly++] = optarg;
			break;
		case 'n':
			follow = false;
			break;
		default:
			fprintf(stderr, "usage: keelctl watch [--since ID] "
			                "[--count N] [--service SVC]... "
			                "[--no-follow] [TYPE-PREFIX]...\n");
			return 2;
		}
	}
	for (size_t i = 0; i < keel_services_count && nsrc < 8; i++) {
		const char *rep[16];
		bool take = nonly == 0;
		struct keel_client_opts o = {
		    .auth = ctl->auth,
		    .name = "keelctl",
		    .service = keel_services[i],
		    .timeout_ms = ctl->timeout_ms,
		    .resend_ms = 0,
		    .max_msg =
		        (size_t)keel_config_int(ctl->cfg, "bus.max_msg_bytes"),
		};

		for (size_t k = 0; k < nonly; k++)
			take |= strcmp(only[k], keel_services[i]) == 0;
		if (!take)
			continue;
		o.addrs = rep;
		o.naddrs = keel_config_addrs(ctl->cfg, keel_services[i], "rep",
		                             rep, 16);
		src[nsrc] = (struct source){.svc = keel_services[i]};
		if (since)
			snprintf(src[nsrc].since, sizeof(src[nsrc].since), "%s",
			         since);
		else /* from now: stream ids are milliseconds */
			snprintf(src[nsrc].since, sizeof(src[nsrc].since),
			         "%lld-0", (long long)keel_time_now_ms());
		if (keel_client_new(&o, &src[nsrc].cli, &err) < 0) {
			fprintf(stderr, "keelctl: %s\n", err.message);
			return 2;
		}
		npub += keel_config_addrs(ctl->cfg, keel_services[i], "pub",
		                          pubs + npub, 16);
		nsrc++;
	}
	if (follow && keel_sub_new(pubs, npub,
	                 (size_t)keel_config_int(ctl->cfg, "bus.max_msg_bytes"),
	                 8192, &sub, &err) < 0) {
		fprintf(stderr, "keelctl: %s\n", err.message);
		return 2;
	}
	if (sub && optind >= argc)
		keel_sub_subscribe(sub, "");
	for (int i = optind; sub && i < argc; i++)
		keel_sub_subscribe(sub, argv[i]);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop_watch && (count < 0 || shown < count)) {
		struct keel_env ev;
		int r;

		for (size_t i = 0; i < nsrc && (count < 0 || shown < count);
		     i++) {
			long n =
			    catch_up(ctl, &src[i], argv + optind, argc - optind,
			             count < 0 ? -1 : count - shown);

			if (n > 0)
				shown += n;
			unanswered |= n < 0;
		}
		if ((count >= 0 && shown >= count) || !follow)
			break;
		/* Sleep until a live event (any daemon) or a second. */
		r = keel_sub_recv(sub, 1000, &ev, &err);
		keel_env_release(&ev);
		while (r == 0 && keel_sub_recv(sub, 0, &ev, &err) == 0)
			keel_env_release(&ev);
	}
	keel_sub_free(sub);
	for (size_t i = 0; i < nsrc; i++)
		keel_client_free(src[i].cli);
	/* without following, a daemon that did not answer left the history
	 * short: say so in the exit status too */
	return !follow && unanswered ? 1 : 0;
}

const struct keelctl_cmd keelctl_cmd_watch = {
    .name = "watch",
    .usage = "watch [--since ID] [--count N] [--service SVC]... "
             "[--no-follow] [PREFIX]...",
    .help = "print events as they happen (or from stream id ID); each "
            "once, in order per daemon; --no-follow stops after what is "
            "stored",
    .exec = watch_exec,
};
