/* keelctl: the command-line client.  One file per command, each exporting
 * one struct keelctl_cmd collected in main.c's table. */
#ifndef KEELCTL_H
#define KEELCTL_H

#include <stdbool.h>

struct keel_config;

struct keelctl {
	struct keel_config *cfg;
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
extern const struct keelctl_cmd keelctl_cmd_watch;

#endif
