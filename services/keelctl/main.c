/* keelctl: global options and the command table. */
#include "keelctl.h"

#include "auth.h"

#include "bus.h"
#include "config.h"
#include "error.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef KEEL_VERSION
#define KEEL_VERSION "0.1.0"
#endif

static const struct keelctl_cmd *const commands[] = {
    &keelctl_cmd_health,     &keelctl_cmd_stats,      &keelctl_cmd_dead,      &keelctl_cmd_watch,
    &keelctl_cmd_customer,   &keelctl_cmd_calendar,   &keelctl_cmd_sla,
    &keelctl_cmd_request,    &keelctl_cmd_staff,      &keelctl_cmd_ticket,
    &keelctl_cmd_contract,   &keelctl_cmd_invoice,    &keelctl_cmd_payment,
    &keelctl_cmd_hours,      &keelctl_cmd_rfc,        &keelctl_cmd_cab,
    &keelctl_cmd_ci,         &keelctl_cmd_freeze,     &keelctl_cmd_notify,
    &keelctl_cmd_report,
    &keelctl_cmd_pricebook,  &keelctl_cmd_quote,      &keelctl_cmd_product,
    &keelctl_cmd_assessment, &keelctl_cmd_proposal,   &keelctl_cmd_specialist,
    &keelctl_cmd_plan,       &keelctl_cmd_checklist,  &keelctl_cmd_execution,
    &keelctl_cmd_acceptance, &keelctl_cmd_engagement,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *f)
{
	fprintf(f,
	        "usage: keelctl [-f FILE] [--json] [-t MS] COMMAND [ARGS]\n"
	        "  -f FILE    configuration file (default %s, or "
	        "KEEL_CONFIG)\n"
	        "  --json     print JSON instead of tables\n"
	        "  -t MS      reply timeout per request (default 2000)\n"
	        "  --version, --completion bash, --man   keelctl's version, "
	        "its bash\n"
	        "             completion script, its manual page (roff)\n"
	        "commands:\n",
	        KEEL_CONFIG_DEFAULT_PATH);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-34s %s\n", commands[i]->usage,
		        commands[i]->help);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'v'},
	    {"completion", required_argument, NULL, 'c'},
	    {"man", no_argument, NULL, 'm'},
	    {NULL, 0, NULL, 0},
	};
	struct keelctl ctl = {.timeout_ms = 2000};
	const char *path = NULL;
	struct keel_error err;
	char *end;
	int c, r;

	/* "+": stop at the command, whose own options follow it. */
	while ((c = getopt_long(argc, argv, "+f:t:jhv", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			path = optarg;
			break;
		case 'j':
			ctl.json = true;
			break;
		case 't':
			ctl.timeout_ms = (int)strtol(optarg, &end, 10);
			if (*end || ctl.timeout_ms < 1) {
				fprintf(stderr,
				        "keelctl: -t: '%s' is not a "
				        "positive number of ms\n",
				        optarg);
				return 2;
			}
			break;
		case 'v':
			printf("keelctl %s\n", KEEL_VERSION);
			return 0;
		case 'c':
			if (strcmp(optarg, "bash") != 0) {
				fprintf(stderr, "keelctl: --completion: only "
				                "bash is known\n");
				return 2;
			}
			keelctl_gen_completion(commands, NCOMMANDS);
			return 0;
		case 'm':
			keelctl_gen_man(commands, NCOMMANDS, KEEL_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	/* The global options work after the command too (keelctl health
	 * --json): taken out before the command sees its arguments. */
	for (int i = optind + 1; i < argc;) {
		int take = 0;

		if (strcmp(argv[i], "--json") == 0) {
			ctl.json = true;
			take = 1;
		} else if ((strcmp(argv[i], "-f") == 0 ||
		            strcmp(argv[i], "-t") == 0) &&
		           i + 1 < argc) {
			if (argv[i][1] == 'f')
				path = argv[i + 1];
			else if ((ctl.timeout_ms = (int)strtol(argv[i + 1], &end,
			                                       10)) < 1 ||
			         *end) {
				fprintf(stderr,
				        "keelctl: -t: '%s' is not a positive "
				        "number of ms\n",
				        argv[i + 1]);
				return 2;
			}
			take = 2;
		}
		if (!take) {
			i++;
			continue;
		}
		memmove(argv + i, argv + i + take,
		        (size_t)(argc - i - take + 1) * sizeof(*argv));
		argc -= take;
	}
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (strcmp(commands[i]->name, argv[optind]) != 0)
			continue;
		if (keel_config_load(path, &ctl.cfg, &err) < 0) {
			fprintf(stderr, "keelctl: %s\n", err.message);
			return 2;
		}
		/* keelctl's own identity on tls+tcp:// (an operator's) */
		if (keel_bus_tls(keel_config_str(ctl.cfg, "bus.tls_ca"),
		                 keel_config_str(ctl.cfg, "bus.tls_cert"),
		                 &err) < 0) {
			fprintf(stderr, "keelctl: %s\n", err.message);
			keel_config_free(ctl.cfg);
			return 2;
		}
		/* ... and on the bus, the operator identity that signs its
		 * requests (auth.identities, auth.key_id) */
		if (keel_config_auth(ctl.cfg, "keelctl", &ctl.auth, &err) < 0) {
			fprintf(stderr, "keelctl: %s\n", err.message);
			keel_config_free(ctl.cfg);
			return 2;
		}
		optind++;
		r = commands[i]->exec(&ctl, argc - optind + 1,
		                      argv + optind - 1);
		keel_config_free(ctl.cfg);
		keel_auth_free(ctl.auth);
		keel_bus_fini();
		return r;
	}
	fprintf(stderr, "keelctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return 2;
}
