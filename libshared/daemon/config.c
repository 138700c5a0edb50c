/* config: the table, the file parser and the environment overrides. */
#include "config.h"

#include "auth.h"

#include "error.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum ctype {
	C_STR,
	C_INT,
	C_BOOL,
	C_LEVEL, /* a log level name */
	C_ADDRS, /* comma-separated URLs (nng, or http:// for *.http) */
};

struct confdef {
	char key[40];
	enum ctype type;
	char def[96];
	int64_t min, max;
	const char *help;
	bool secret; /* never printed; also read from systemd credentials */
	bool cred_file; /* a file a systemd credential may stand for */
};

#define SVC_NAME(name, rep, pub, http) #name,
const char *const keel_services[] = {KEEL_SERVICES(SVC_NAME)};
const size_t keel_services_count =
    sizeof(keel_services) / sizeof(keel_services[0]);

#define SVC_KEYS(name, rep, pub, http)                                         \
	{#name ".rep",                                                         \
	 C_ADDRS,                                                              \
	 "tcp://127.0.0.1:" #rep,                                              \
	 0,                                                                    \
	 0,                                                                    \
	 "request (REP) addresses of keel-" #name ", one per instance"},       \
	    {#name ".pub",                                                     \
	     C_ADDRS,                                                          \
	     "tcp://127.0.0.1:" #pub,                                          \
	     0,                                                                \
	     0,                                                                \
	     "event (PUB) addresses of keel-" #name ", one per instance"},     \
	    {#name ".http",                                                    \
	     C_ADDRS,                                                          \
	     "http://127.0.0.1:" #http,                                        \
	     0,                                                                \
	     0,                                                                \
	     "health/metrics HTTP addresses of keel-" #name                    \
	     ", one per instance"},                                            \
	    {#name ".ingest",                                                  \
	     C_ADDRS,                                                          \
	     "",                                                               \
	     0,                                                                \
	     0,                                                                \
	     "PUB addresses of outside systems whose published requests "     \
	     "for keel-" #name " are taken, signed, best effort "              \
	     "(docs/security.md)"},

static const struct confdef table[] = {
    {"log.level", C_LEVEL, "info", 0, 0,
     "error, warning, notice, info or debug (SIGHUP re-reads it)"},
    {"redis.socket", C_STR, "", 0, 0,
     "unix socket of Redis; when set, redis.host/port are not used"},
    {"redis.host", C_STR, "127.0.0.1", 0, 0, "Redis host"},
    {"redis.port", C_INT, "6379", 1, 65535, "Redis TCP port"},
    {"redis.user", C_STR, "", 0, 0, "Redis ACL user (empty: default)"},
    {"redis.sentinels", C_STR, "", 0, 0,
     "Redis Sentinel addresses, host:port,host:port,...: the primary is "
     "asked of them at every connect and after a -READONLY reply "
     "(redis.host and redis.port are then unused; empty: no Sentinel)"},
    {"redis.master", C_STR, "keel", 0, 0,
     "the master's name the sentinels monitor"},
    {"redis.wait_replicas", C_INT, "0", 0, 16,
     "acknowledge a write only once WAIT saw this many replicas have it "
     "(0: asynchronous replication, no WAIT)"},
    {"redis.wait_ms", C_INT, "100", 1, 60000,
     "WAIT's timeout: a write fewer replicas have by then is answered "
     "'unavailable: outcome unknown' (the client retries with its key; "
     "counted in keel_redis_wait_short_total)"},
    {"redis.password", C_STR, "", 0, 0,
     "Redis password (empty: no AUTH); under systemd, better the "
     "credential redis.password (LoadCredential=)", true},
    {"redis.timeout_ms", C_INT, "2000", 10, 600000,
     "Redis connect and command timeout"},
    {"redis.reconnect_max_ms", C_INT, "2000", 10, 60000,
     "longest wait between Redis reconnection attempts"},
    {"store.batch_max", C_INT, "256", 1, 65536,
     "most commands sent to Redis in one pipeline"},
    {"store.queue_max", C_INT, "100000", 1, 10000000,
     "most Redis commands waiting; beyond it requests get \"unavailable\""},
    {"bus.contexts", C_INT, "256", 1, 4096,
     "requests a daemon receives at once (nng contexts); past "
     "bus.max_inflight the extra ones are refused at once"},
    {"bus.max_inflight", C_INT, "192", 0, 65536,
     "requests in flight at most; more are answered \"unavailable: "
     "overloaded\" at once instead of waiting to time out (0: no limit)"},
    {"bus.max_msg_bytes", C_INT, "1048576", 256, 67108864,
     "largest message accepted (NNG_OPT_RECVMAXSZ and the codec cap)"},
    {"bus.max_conns", C_INT, "1024", 1, 65536,
     "connections a daemon's request listener takes at once; more are "
     "closed (each may hold up to 2 x bus.max_msg_bytes)"},
    {"bus.idle_ms", C_INT, "60000", 100, 86400000,
     "a request connection that delivers no whole request for this long "
     "is closed (a stalled frame frees its memory; clients reconnect)"},
    {"bus.timeout_ms", C_INT, "5000", 10, 600000,
     "how long a client waits for a reply"},
    {"bus.resend_ms", C_INT, "2000", 0, 600000,
     "REQ resend interval (NNG_OPT_REQ_RESENDTIME); 0 disables"},
    {"bus.buffer", C_INT, "1024", 1, 8192,
     "socket send/receive queue depth in messages"},
    {"events.idempotency_ms", C_INT, "86400000", 1000, 2592000000,
     "how long a write's idempotency key returns its first outcome"},
    {"events.claim_idle_ms", C_INT, "30000", 100, 86400000,
     "a consumer reclaims entries another instance left pending this long"},
    {"events.sweep_ms", C_INT, "1000", 10, 600000,
     "a consumer reads its group at least this often (live events wake it "
     "sooner)"},
    {"events.sweep_idle_ms", C_INT, "30000", 10, 3600000,
     "an idle consumer's sweep backs off (doubling from events.sweep_ms) "
     "up to this"},
    {"daemon.probe_ms", C_INT, "10000", 0, 3600000,
     "a daemon asks itself sys.echo this often once ready; after "
     "daemon.probe_failures misses in a row it exits (status 3) for its "
     "supervisor to restart it (nng 1.5.2 can wedge: "
     "docs/reliability.md); 0: off"},
    {"daemon.probe_failures", C_INT, "3", 1, 1000,
     "self-probes missed in a row before a daemon exits"},
    {"daemon.tick_idle_ms", C_INT, "30000", 10, 3600000,
     "a daemon's timers run when a write wakes them or when one is due; "
     "at the latest this long after the last run"},
    {"daemon.sched_batch", C_BOOL, "yes", 0, 0,
     "the daemon's threads run as SCHED_BATCH: a thread woken by another "
     "(nng's for each reply the store thread sends) waits for the CPU "
     "instead of preempting its waker (docs/performance.md); no: the "
     "kernel's default policy"},
    {"billing.run_ms", C_INT, "600000", 0, 86400000,
     "keel-billing runs its billing (invoices due, overdue reminders, "
     "late fees) this often on each customer's today; 0: only on "
     "invoice.run"},
    {"billing.run_batch", C_INT, "2000", 1, 100000,
     "most invoices one step of a billing run issues (one Redis function "
     "call); invoice.run answers more = true when it stopped there"},
    {"notify.smtp_url", C_STR, "smtp://127.0.0.1:25", 0, 0,
     "keel-notify's SMTP server (smtp:// or smtps://host:port)"},
    {"notify.smtp_starttls", C_INT, "0", 0, 1,
     "1: STARTTLS is required before mail is sent"},
    {"notify.smtp_ca", C_STR, "", 0, 0,
     "CA file for the SMTP server's certificate (empty: the system's)"},
    {"notify.smtp_user", C_STR, "", 0, 0, "SMTP AUTH user (empty: none)"},
    {"notify.smtp_password", C_STR, "", 0, 0,
     "SMTP AUTH password; under systemd, better the credential "
     "notify.smtp_password (LoadCredential=)", true},
    {"notify.smtp_from", C_STR, "keel@localhost", 0, 0,
     "the From address of keel-notify's mail"},
    {"notify.ack_url", C_STR, "", 0, 0,
     "where a recipient acknowledges (?token=...); empty: the message "
     "names keelctl notify ack"},
    {"notify.timeout_ms", C_INT, "10000", 100, 600000,
     "how long one SMTP or webhook delivery may take"},
    {"notify.batch", C_INT, "20", 1, 1000,
     "deliveries keel-notify claims at once"},
    {"notify.lease_ms", C_INT, "60000", 1000, 3600000,
     "a claimed delivery another instance may take over after this long"},
    {"notify.max_attempts", C_INT, "8", 1, 100,
     "failures before a delivery goes to the dead-letter list"},
    {"notify.retry_base_ms", C_INT, "1000", 10, 3600000,
     "the first retry's wait; it doubles each time, with jitter"},
    {"notify.retry_max_ms", C_INT, "300000", 10, 86400000,
     "the longest wait between retries"},
    {"notify.rate_per_min", C_INT, "60", 1, 100000,
     "deliveries to one destination (address or URL) a minute at most"},
    {"events.batch", C_INT, "256", 1, 512,
     "most events a consumer takes, applies and acks at once"},
    {"events.retention_ms", C_INT, "604800000", 100, 31536000000,
     "events older than this leave the stream, unless a consuming service "
     "has not yet taken or acked them"},
    {"events.trim_ms", C_INT, "10000", 50, 3600000,
     "how often a daemon applies the retention to its stream (when it "
     "grew; a quiet stream once an hour)"},
    {"events.done_ms", C_INT, "604800000", 60000, 31536000000,
     "how long a consumed event's done mark is kept"},
    {"alerts.cpu_pct", C_INT, "90", 1, 100,
     "a monitoring cpu_pct alert is a request above this percentage..."},
    {"alerts.cpu_minutes", C_INT, "5", 0, 1440,
     "...held at least this many minutes"},
    {"alerts.system_disk_free_mb", C_INT, "2048", 1, 10000000,
     "system_disk_free_mb alerts below this many MB free"},
    {"alerts.data_disk_free_pct", C_INT, "10", 1, 100,
     "data_disk_free_pct alerts below this percentage free"},
    {"alerts.memory_pct", C_INT, "80", 1, 100,
     "memory_pct alerts above this percentage used"},
    {"daemon.drain_ms", C_INT, "10000", 0, 600000,
     "on SIGTERM, longest wait for in-flight requests"},
    {"daemon.instance", C_INT, "0", 0, 1023,
     "which entry of the address lists this instance listens on "
     "(also -i N or KEEL_INSTANCE)"},
    {"bus.tls_ca", C_STR, "", 0, 0,
     "for tls+tcp:// addresses: the CA file (PEM) that signs every Keel "
     "peer; each side must present a certificate of it (or the "
     "credential bus.tls_ca)", false, true},
    {"bus.tls_cert", C_STR, "", 0, 0,
     "for tls+tcp:// addresses: this process's certificate and private "
     "key in one PEM file (or the credential bus.tls_cert, so that the key "
     "is never in the configuration's files)", false, true},
    {"auth.identities", C_STR, "", 0, 0,
     "the identities file (docs/security.md): who may send and read what, "
     "and the files of their keys; empty: no signatures, and every "
     "listener must be on loopback (or the credential auth.identities)",
     false, true},
    {"auth.key_id", C_STR, "", 0, 0,
     "the key this process signs with: a key id, or an identity whose "
     "newest key is used; empty: the identity named after the service "
     "(keelctl: keelctl)"},
    {"auth.window_ms", C_INT, "300000", 1000, 86400000,
     "a signed message's timestamp may differ from the server's clock by "
     "this much; its id is remembered twice as long against replays"},
    {"gateway.http", C_STR, "http://127.0.0.1:7480", 0, 0,
     "keel-gateway's HTTP address (http://IPV4:PORT; beyond loopback "
     "only with auth.identities)"},
    {"gateway.max_body", C_INT, "1048576", 1024, 67108864,
     "keel-gateway: the largest request body; larger ones get 413"},
    {"gateway.max_conns", C_INT, "256", 1, 65536,
     "keel-gateway: connections at once (each event stream holds one)"},
    {"gateway.idle_ms", C_INT, "30000", 1000, 3600000,
     "keel-gateway: a connection idle this long is closed (event streams "
     "excepted)"},
    {"daemon.listen_host", C_STR, "", 0, 0,
     "listen on this host (0.0.0.0: every interface) with the port of "
     "this instance's entry, which others still dial as listed: for "
     "replicas behind one name (docker compose --scale); empty: the "
     "entry as it is"},
    {"daemon.name", C_STR, "", 0, 0,
     "this instance's name (its consumer in the service's groups, the src "
     "of its messages): <service>-<instance> when empty; 'hostname' takes "
     "the host's name (a container's id), so that replicas started alike "
     "are told apart"},
    KEEL_SERVICES(SVC_KEYS)};
#define NKEYS (sizeof(table) / sizeof(table[0]))

struct keel_config {
	char *val[NKEYS];
	const char *src[NKEYS];
	char path[512];
	/* split address lists, per key */
	char *split[NKEYS][16];
	size_t nsplit[NKEYS];
};

bool
keel_service_known(const char *name)
{
	for (size_t i = 0; i < keel_services_count; i++)
		if (strcmp(keel_services[i], name) == 0)
			return true;
	return false;
}

static ssize_t
find_key(const char *key)
{
	for (size_t i = 0; i < NKEYS; i++)
		if (strcmp(table[i].key, key) == 0)
			return (ssize_t)i;
	return -1;
}

static void
env_name(const char *key, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "KEEL_");

	for (const char *k = key; *k && n + 1 < size; k++)
		buf[n++] = *k == '.' ? '_' : (char)toupper((unsigned char)*k);
	buf[n] = '\0';
}

static bool
valid_url(const char *u, bool http)
{
	static const char *const nng_schemes[] = {
	    "tcp://",     "tcp4://", "tcp6://", "ipc://",      "inproc://",
	    "tls+tcp://", "ws://",   "wss://",  "abstract://", NULL,
	};
	const char *rest;

	if (http)
		return strncmp(u, "http://", 7) == 0 && u[7] != '\0';
	for (const char *const *s = nng_schemes; *s; s++)
		if (strncmp(u, *s, strlen(*s)) == 0) {
			rest = u + strlen(*s);
			return *rest != '\0';
		}
	return false;
}

/* Checks value against def; on failure err names where and why. */
static bool
check_value(const struct confdef *d, const char *v, const char *where,
            struct keel_error *err)
{
	char *end;
	long long n;

	switch (d->type) {
	case C_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end != '\0')
			return keel_error_set(err, KEEL_E_INVALID_FIELD, d->key,
			                      "%s: %s: '%s' is not an integer",
			                      where, d->key, v);
		if (n < d->min || n > d->max)
			return keel_error_set(err, KEEL_E_INVALID_FIELD, d->key,
			                      "%s: %s: %lld is outside "
			                      "%" PRId64 "..%" PRId64,
			                      where, d->key, n, d->min, d->max);
		return true;
	case C_BOOL:
		if (strcmp(v, "yes") && strcmp(v, "no") && strcmp(v, "true") &&
		    strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0"))
			return keel_error_set(err, KEEL_E_INVALID_FIELD, d->key,
			                      "%s: %s: '%s' is not yes or no",
			                      where, d->key, v);
		return true;
	case C_LEVEL:
		if (keel_log_level_parse(v) < 0)
			return keel_error_set(err, KEEL_E_INVALID_FIELD, d->key,
			                      "%s: %s: '%s' is not one of "
			                      "error, warning, notice, info, "
			                      "debug",
			                      where, d->key, v);
		return true;
	case C_ADDRS: {
		bool http = strstr(d->key, ".http") != NULL;
		char *copy = strdup(v), *save = NULL, *tok;
		size_t count = 0;
		bool ok = true;

		if (!copy)
			return keel_error_set(err, KEEL_E_INTERNAL, d->key,
			                      "out of memory");
		for (tok = strtok_r(copy, ", \t", &save); tok && ok;
		     tok = strtok_r(NULL, ", \t", &save)) {
			if (!valid_url(tok, http)) {
				keel_error_set(
				    err, KEEL_E_INVALID_FIELD, d->key,
				    "%s: %s: '%s' is not a%s "
				    "address",
				    where, d->key, tok,
				    http ? "n http://host:port" : " valid nng");
				ok = false;
			}
			count++;
		}
		free(copy);
		if (ok && count == 0 && !http)
			return keel_error_set(err, KEEL_E_INVALID_FIELD, d->key,
			                      "%s: %s: needs at least one "
			                      "address",
			                      where, d->key);
		if (ok && count > 16)
			return keel_error_set(err, KEEL_E_INVALID_FIELD, d->key,
			                      "%s: %s: more than 16 addresses",
			                      where, d->key);
		return ok;
	}
	default:
		return true;
	}
}

static int
set_value(struct keel_config *cfg, size_t i, const char *v, const char *src)
{
	char *copy = strdup(v);

	if (!copy)
		return -ENOMEM;
	free(cfg->val[i]);
	cfg->val[i] = copy;
	cfg->src[i] = src;
	return 0;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int
parse_file(struct keel_config *cfg, FILE *f, struct keel_error *err)
{
	char line[1024], where[600];
	unsigned lineno = 0;

	while (fgets(line, sizeof(line), f)) {
		char *s, *eq, *key, *val;
		ssize_t i;

		lineno++;
		snprintf(where, sizeof(where), "%s:%u", cfg->path, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, NULL,
			               "%s: line longer than %zu bytes", where,
			               sizeof(line) - 2);
			return -EINVAL;
		}
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (!eq) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, NULL,
			               "%s: expected 'key = value'", where);
			return -EINVAL;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		if (*val == '"') {
			size_t n = strlen(val);

			if (n < 2 || val[n - 1] != '"') {
				keel_error_set(err, KEEL_E_INVALID_FIELD, key,
				               "%s: %s: unterminated quote",
				               where, key);
				return -EINVAL;
			}
			val[n - 1] = '\0';
			val++;
		}
		i = find_key(key);
		if (i < 0) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, key,
			               "%s: unknown key '%s' (keel-<svc> "
			               "--help lists every key)",
			               where, key);
			return -EINVAL;
		}
		if (!check_value(&table[i], val, where, err))
			return -EINVAL;
		if (set_value(cfg, (size_t)i, val, "file") < 0)
			return -ENOMEM;
	}
	return 0;
}

static int
split_addrs(struct keel_config *cfg)
{
	for (size_t i = 0; i < NKEYS; i++) {
		char *copy, *save = NULL, *tok;

		if (table[i].type != C_ADDRS)
			continue;
		copy = strdup(cfg->val[i]);
		if (!copy)
			return -ENOMEM;
		for (tok = strtok_r(copy, ", \t", &save);
		     tok && cfg->nsplit[i] < 16;
		     tok = strtok_r(NULL, ", \t", &save)) {
			cfg->split[i][cfg->nsplit[i]] = strdup(tok);
			if (!cfg->split[i][cfg->nsplit[i]]) {
				free(copy);
				return -ENOMEM;
			}
			cfg->nsplit[i]++;
		}
		free(copy);
	}
	return 0;
}

/*
 * Secrets through systemd's LoadCredential=: in $CREDENTIALS_DIRECTORY, a
 * file named after the key ("redis.password"), or keel_<key> as
 * LoadCredential=keel:/etc/keel/credentials names the files of that
 * directory, holds its value (one trailing newline dropped); it wins over
 * the file and the environment, so that a secret needs neither.
 */
static int
load_credentials(struct keel_config *cfg, struct keel_error *err)
{
	const char *dir = getenv("CREDENTIALS_DIRECTORY");

	if (!dir || !*dir)
		return 0;
	for (size_t i = 0; i < NKEYS; i++) {
		char path[4200], buf[512];
		FILE *f = NULL;
		size_t n;

		if (!(table[i].secret || table[i].cred_file) ||
		    strlen(dir) > 4096)
			continue;
		snprintf(path, sizeof(path), "%.4096s/%.39s", dir, table[i].key);
		if (!(f = fopen(path, "re"))) {
			snprintf(path, sizeof(path), "%.4096s/keel_%.39s", dir,
			         table[i].key);
			f = fopen(path, "re");
		}
		if (!f)
			continue;
		if (table[i].cred_file) {
			/* the credential is the file: its path is the value */
			fclose(f);
			if (set_value(cfg, i, path, "credential") < 0)
				return -ENOMEM;
			continue;
		}
		n = fread(buf, 1, sizeof(buf) - 1, f);
		if (ferror(f) || (n == sizeof(buf) - 1 && fgetc(f) != EOF)) {
			fclose(f);
			keel_error_set(err, KEEL_E_INVALID_FIELD, table[i].key,
			               "credential %s: unreadable, or longer "
			               "than %zu bytes",
			               path, sizeof(buf) - 2);
			return -EINVAL;
		}
		fclose(f);
		buf[n] = '\0';
		if (n > 0 && buf[n - 1] == '\n')
			buf[--n] = '\0';
		if (n > 0 && buf[n - 1] == '\r')
			buf[--n] = '\0';
		if (n == 0) {
			keel_error_set(err, KEEL_E_INVALID_FIELD, table[i].key,
			               "credential %s is empty", path);
			return -EINVAL;
		}
		if (set_value(cfg, i, buf, "credential") < 0)
			return -ENOMEM;
	}
	return 0;
}

int
keel_config_load(const char *path, struct keel_config **ret_cfg,
                 struct keel_error *err)
{
	struct keel_config *cfg = calloc(1, sizeof(*cfg));
	bool explicit = path != NULL;
	FILE *f = NULL;
	int r = -ENOMEM;

	if (!cfg) {
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < NKEYS; i++)
		if (set_value(cfg, i, table[i].def, "default") < 0)
			goto fail;
	if (!path && getenv("KEEL_CONFIG") && *getenv("KEEL_CONFIG")) {
		path = getenv("KEEL_CONFIG");
		explicit = true;
	}
	if (!path)
		path = KEEL_CONFIG_DEFAULT_PATH;
	f = fopen(path, "re");
	if (!f && (explicit || errno != ENOENT)) {
		r = -errno;
		keel_error_set(err, KEEL_E_INVALID_FIELD, NULL,
		               "cannot read config file '%s': %s", path,
		               strerror(errno));
		goto fail;
	}
	snprintf(cfg->path, sizeof(cfg->path), "%s", f ? path : "(defaults)");
	if (f) {
		r = parse_file(cfg, f, err);
		fclose(f);
		if (r < 0)
			goto fail;
	}
	for (size_t i = 0; i < NKEYS; i++) {
		char name[64], where[80];
		const char *v;

		env_name(table[i].key, name, sizeof(name));
		v = getenv(name);
		if (!v)
			continue;
		snprintf(where, sizeof(where), "environment %s", name);
		if (!check_value(&table[i], v, where, err)) {
			r = -EINVAL;
			goto fail;
		}
		if (set_value(cfg, i, v, "env") < 0) {
			r = -ENOMEM;
			goto fail;
		}
	}
	r = load_credentials(cfg, err);
	if (r < 0)
		goto fail;
	r = split_addrs(cfg);
	if (r < 0)
		goto fail;
	*ret_cfg = cfg;
	return 0;
fail:
	if (r == -ENOMEM)
		keel_error_set(err, KEEL_E_INTERNAL, NULL, "out of memory");
	keel_config_free(cfg);
	return r;
}

struct keel_config *
keel_config_free(struct keel_config *cfg)
{
	if (!cfg)
		return NULL;
	for (size_t i = 0; i < NKEYS; i++) {
		free(cfg->val[i]);
		for (size_t k = 0; k < cfg->nsplit[i]; k++)
			free(cfg->split[i][k]);
	}
	free(cfg);
	return NULL;
}

static size_t
must_find(const char *key)
{
	ssize_t i = find_key(key);

	if (i < 0) {
		fprintf(stderr, "keel: config key '%s' is not in the table\n",
		        key);
		abort(); /* a programming error, not input */
	}
	return (size_t)i;
}

const char *
keel_config_str(const struct keel_config *cfg, const char *key)
{
	return cfg->val[must_find(key)];
}

int64_t
keel_config_int(const struct keel_config *cfg, const char *key)
{
	return strtoll(cfg->val[must_find(key)], NULL, 10);
}

bool
keel_config_bool(const struct keel_config *cfg, const char *key)
{
	const char *v = cfg->val[must_find(key)];

	return !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1");
}

const char *
keel_config_path(const struct keel_config *cfg)
{
	return cfg->path;
}

size_t
keel_config_addrs(const struct keel_config *cfg, const char *svc,
                  const char *kind, const char **ret, size_t max)
{
	char key[64];
	size_t i, n;

	snprintf(key, sizeof(key), "%s.%s", svc, kind);
	i = must_find(key);
	n = cfg->nsplit[i] < max ? cfg->nsplit[i] : max;
	for (size_t k = 0; k < n; k++)
		ret[k] = cfg->split[i][k];
	return n;
}

void
keel_config_print(const struct keel_config *cfg, FILE *f)
{
	fprintf(f, "# effective configuration (file: %s)\n", cfg->path);
	for (size_t i = 0; i < NKEYS; i++) {
		bool secret = table[i].secret && cfg->val[i][0];

		fprintf(f, "%s = %s%s%s  # %s\n", table[i].key,
		        table[i].type == C_STR ? "\"" : "",
		        secret ? "********" : cfg->val[i],
		        table[i].type == C_STR ? "\"" : "", cfg->src[i]);
	}
}

void
keel_config_help(FILE *f)
{
	fprintf(f,
	        "Configuration keys (file %s or KEEL_CONFIG; environment "
	        "overrides the file):\n",
	        KEEL_CONFIG_DEFAULT_PATH);
	for (size_t i = 0; i < NKEYS; i++) {
		char env[64];

		env_name(table[i].key, env, sizeof(env));
		fprintf(f, "  %-24s %-28s default '%s'", table[i].key, env,
		        table[i].def);
		if (table[i].type == C_INT)
			fprintf(f, " (%" PRId64 "..%" PRId64 ")", table[i].min,
			        table[i].max);
		fprintf(f, "\n      %s\n", table[i].help);
	}
}

void
keel_config_template(FILE *f)
{
	const char *section = "";

	fprintf(f,
	        "# Keel configuration: %s, or the file named by "
	        "KEEL_CONFIG or -f.\n"
	        "# Generated by keel-schemagen from libshared/daemon/config.c "
	        "(make schemas); do not edit\n"
	        "# the copy in deploy/, edit the installed one.\n"
	        "#\n"
	        "# Syntax: key = value; '#' starts a comment.  Every key "
	        "below is shown at its\n"
	        "# default (loopback addresses, so a bare start works on "
	        "one machine).  Each key\n"
	        "# can be overridden by the environment variable named "
	        "beside it.  Address keys\n"
	        "# take a comma-separated list, one entry per instance: "
	        "clients dial them all,\n"
	        "# instance N (-i N) listens on entry N.\n",
	        KEEL_CONFIG_DEFAULT_PATH);
	for (size_t i = 0; i < NKEYS; i++) {
		char env[64];
		size_t dot = strcspn(table[i].key, ".");

		if (strncmp(section, table[i].key, dot) != 0 ||
		    section[dot] != '.') {
			section = table[i].key;
			fprintf(f, "\n# --- %.*s ---\n", (int)dot, section);
		}
		env_name(table[i].key, env, sizeof(env));
		fprintf(f, "\n# %s", table[i].help);
		if (table[i].type == C_INT)
			fprintf(f, " (%" PRId64 "..%" PRId64 ")", table[i].min,
			        table[i].max);
		fprintf(f, "\n# environment: %s\n#%s = %s\n", env, table[i].key,
		        table[i].def);
	}
}

int
keel_config_auth(const struct keel_config *cfg, const char *self,
                 struct keel_auth **ret, struct keel_error *err)
{
	const char *path = keel_config_str(cfg, "auth.identities");
	const char *kid = keel_config_str(cfg, "auth.key_id");

	*ret = NULL;
	if (!path || !*path)
		return 0;
	return keel_auth_load(path, kid && *kid ? kid : self,
	                      keel_config_int(cfg, "auth.window_ms"), ret, err);
}

/* Reachable from this host only: 127.x, localhost, [::1], ipc://,
 * inproc://. */
static bool
url_is_local(const char *url)
{
	const char *host = strstr(url, "://");
	size_t n;

	if (!host)
		return false;
	if (strncmp(url, "ipc://", 6) == 0 || strncmp(url, "inproc://", 9) == 0)
		return true;
	host += 3;
	if (*host == '[') /* [::1]:port */
		return strncmp(host, "[::1]", 5) == 0;
	n = strcspn(host, ":/");
	return (n == 9 && strncmp(host, "localhost", 9) == 0) ||
	       strncmp(host, "127.", 4) == 0;
}

int
keel_config_local_only(const struct keel_auth *auth, const char *const *urls,
                       size_t n, struct keel_error *err)
{
	for (size_t i = 0; !auth && i < n; i++)
		if (urls[i] && !url_is_local(urls[i])) {
			keel_error_set(err, KEEL_E_INVALID_FIELD,
			               "auth.identities",
			               "%s is reachable from other hosts and "
			               "auth.identities is empty: set it "
			               "(docs/security.md), or listen on "
			               "loopback only",
			               urls[i]);
			return -EINVAL;
		}
	return 0;
}
