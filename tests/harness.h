/*
 * harness: what integration tests need from the outside world: a
 * throwaway redis-server on a private unix socket in a temp dir, daemons
 * started as real processes, a free loopback port, and a config file.
 */
#ifndef KEEL_HARNESS_H
#define KEEL_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct harness_redis {
	char dir[272];    /* <tmpdir>/redis */
	char sock[300];   /* <dir>/redis.sock */
	char extra[512];  /* extra redis-server arguments, space-separated */
	char argbuf[512]; /* extra, split in place */
	pid_t pid;
};

/* A fresh temp dir for this test (removed by harness_cleanup). */
const char *harness_tmpdir(void);
void harness_cleanup(void);

/* Starts redis-server (appendonly yes) and waits until it answers. */
int harness_redis_start(struct harness_redis *r);
/* SIGTERM and wait (AOF is flushed on a clean stop). */
void harness_redis_stop(struct harness_redis *r);
/* SIGKILL: a crash. */
void harness_redis_kill(struct harness_redis *r);

/* Path of a binary of the build this test was built in. */
const char *harness_bin(const char *name, char *buf, size_t size);
/* Starts argv with extra environment (NAME=value, NULL-ended); output
 * goes to logfile (NULL: inherit). */
pid_t harness_spawn(char *const argv[], char *const env[], const char *logfile);
/* The same with stdout and stderr in files of their own. */
pid_t harness_spawn_split(char *const argv[], char *const env[],
                          const char *out, const char *err);
/* Starts keel-<svc> as instance index with KEEL_CONFIG=<tmpdir>/keel.conf,
 * logging to <tmpdir>/<svc><index>.log. */
pid_t harness_daemon(const char *svc, int index);
/* Waits for pid up to timeout_ms; returns the wait status or -1. */
int harness_wait(pid_t pid, int timeout_ms);
/* Waits for pid up to 10 s; true when it exited with status 0. */
bool harness_stopped(pid_t pid);
/* A loopback TCP port that was free a moment ago. */
int harness_free_port(void);
/* Writes text to dir/name; returns the path in a static buffer. */
const char *harness_write(const char *name, const char *text);
/* Reads a whole file (malloc'd) or NULL. */
char *harness_slurp(const char *path);
/* Runs one Redis command (printf-style, hiredis) on r and returns its
 * integer (or a string reply read as one); -1 on error. */
long long harness_redis_int(struct harness_redis *r, const char *fmt, ...);
/* Polls a Redis command's integer until it reaches want or ms pass;
 * returns the last value. */
long long harness_redis_wait(struct harness_redis *r, const char *key,
                             long long want, int ms);
/* The UTC instant (ms) of a civil UTC time. */
int64_t harness_utc(int year, int month, int day, int hour, int minute);

struct keel_client;
/* A client for service svc at ipc://<tmpdir>/<sock> (no resends); bails
 * out on failure.  Free with keel_client_free. */
struct keel_client *harness_client(const char *svc, const char *sock,
                                   int timeout_ms);
/* customer.put {id, name, timezone} through c; true when acknowledged. */
bool harness_customer_put(struct keel_client *c, const char *id,
                          const char *name, const char *tz);

struct keel_auth;
/* Clients made after this (harness_client, harness_services) sign with
 * auth's own key; NULL: unsigned (the default). */
void harness_sign_as(const struct keel_auth *auth);
/* Lines harness_services appends to the keel.conf it writes. */
void harness_conf_extra(const char *text);

struct keel_enc;
/* Resets e to a map of "key", kind, value triples ended by NULL: kind 's'
 * a string, 'i' a long long, 'b' a bool (as long long), 'r' raw msgpack
 * (const char *, size_t). */
void harness_body(struct keel_enc *e, const char *first, ...);

struct keel_env;
/* Sends body as type through c with a fresh idempotency key; the reply in
 * rep (released first).  True when it was ok; a transport failure is
 * shown as a diagnostic. */
bool harness_call(struct keel_client *c, const char *type,
                  struct keel_enc *body, struct keel_env *rep);

/* Runs keelctl -f <tmpdir>/keel.conf with args (NULL-ended); returns its
 * exit status and its stdout in *out (malloc'd); stderr is shown as a
 * diagnostic. */
int harness_keelctl(char **out, char *const args[]);

struct keel_field;
/* The smallest value the declaration f allows (its first enum value, its
 * minimum, min items), into e. */
void harness_fill_value(struct keel_enc *e, const struct keel_field *f);
/* A map of the required fields of fields, each at its smallest. */
void harness_fill(struct keel_enc *e, const struct keel_field *fields);

/* sys.health through c answered ok. */
bool harness_healthy(struct keel_client *c);
/* Writes keel.conf for the n services svcs on ipc:// sockets in the temp
 * dir (no HTTP) with Redis r, starts each as instance 0 (pids) with a
 * client (clis, 5 s), and waits until each answers sys.health; false when
 * one never did. */
bool harness_services(struct harness_redis *r, const char *const *svcs,
                      size_t n, pid_t *pids, struct keel_client **clis);

/* A self-signed certificate for 127.0.0.1 (openssl), into cert and key;
 * bails out when openssl fails. */
void harness_cert(const char *cert, const char *key);
/* A real SMTP server (tests/notify/smtp_server.py, Debian's
 * python3-aiosmtpd) on port: STARTTLS with cert and key, AUTH as keel /
 * s3cret-pass, each message written to maildir.  Its log is appended to
 * log; returns once it says it is ready (again, when restarted). */
pid_t harness_smtp(const char *port, const char *maildir, const char *cert,
                   const char *key, const char *log);

/* Sleeps ms milliseconds (test pacing only). */
void harness_sleep_ms(int ms);

#endif
