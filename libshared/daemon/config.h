/*
 * config: one file naming every service's addresses and Redis
 * (/etc/keel/keel.conf, or KEEL_CONFIG, or -f), each key overridable by
 * the environment (KEEL_ + the key upper-cased, dots as underscores:
 * redis.socket -> KEEL_REDIS_SOCKET).  One table (config.c) lists every
 * key with its type, default, bounds and help; parsing, -n and --help all
 * read it.  Defaults are loopback, so a bare start works on one machine.
 *
 * File syntax: "key = value" lines, '#' comments, optional double quotes.
 */
#ifndef KEEL_CONFIG_H
#define KEEL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct keel_error;

#define KEEL_CONFIG_DEFAULT_PATH "/etc/keel/keel.conf"

/* The one list of services with their default loopback ports:
 * name, request (REP), events (PUB), health/metrics (HTTP). */
#define KEEL_SERVICES(X)                                                       \
	X(intake, 7410, 7411, 7412)                                            \
	X(pricing, 7420, 7421, 7422)                                           \
	X(scheduling, 7430, 7431, 7432)                                        \
	X(ticketing, 7440, 7441, 7442)                                         \
	X(change, 7450, 7451, 7452)                                            \
	X(billing, 7460, 7461, 7462)                                           \
	X(notify, 7470, 7471, 7472)

extern const char *const keel_services[];
extern const size_t keel_services_count;
bool keel_service_known(const char *name);

struct keel_config;

/*
 * Loads defaults, then the file, then the environment.  path NULL means
 * KEEL_CONFIG, else /etc/keel/keel.conf if it exists, else defaults only.
 * Returns 0 and *ret_cfg (free with keel_config_free), or -EINVAL/-ENOENT/
 * -ENOMEM with err naming the file, line and key.
 */
int keel_config_load(const char *path, struct keel_config **ret_cfg,
                     struct keel_error *err);
struct keel_config *keel_config_free(struct keel_config *cfg);

/* Values by key; the key must be in the table (a programming error if not). */
const char *keel_config_str(const struct keel_config *cfg, const char *key);
int64_t keel_config_int(const struct keel_config *cfg, const char *key);
bool keel_config_bool(const struct keel_config *cfg, const char *key);
/* The file that was read, or "(defaults)". */
const char *keel_config_path(const struct keel_config *cfg);

/*
 * The addresses of a service ("intake") of one kind ("rep", "pub", "http"):
 * the comma-separated list split, at most max entries.  Returns the count.
 * The strings are owned by cfg.
 */
size_t keel_config_addrs(const struct keel_config *cfg, const char *svc,
                         const char *kind, const char **ret, size_t max);

/*
 * The identities of auth.identities (auth.h), signing with auth.key_id or
 * else with self (the identity named after the program).  Returns 0 with
 * *ret NULL when auth.identities is empty, 0 with *ret, or < 0 with err.
 */
struct keel_auth;
int keel_config_auth(const struct keel_config *cfg, const char *self,
                     struct keel_auth **ret, struct keel_error *err);
/* Without identities (auth NULL) nothing is signed, which is only safe
 * where nobody else connects: -EINVAL with err naming the first of the n
 * listen addresses (NULL ones skipped) that is not local (127.x,
 * localhost, [::1], ipc://, inproc://), else 0. */
int keel_config_local_only(const struct keel_auth *auth,
                           const char *const *urls, size_t n,
                           struct keel_error *err);

/* Effective configuration as "key = value  # source" lines. */
void keel_config_print(const struct keel_config *cfg, FILE *f);
/* Every key with its environment name, default, bounds and help. */
void keel_config_help(FILE *f);
/* deploy/keel.conf: every key commented out at its default, with help. */
void keel_config_template(FILE *f);

#endif
