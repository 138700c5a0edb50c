/* harness: throwaway Redis, processes, ports, files. */
#include "harness.h"

#include "bus.h"
#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "ktime.h"
#include "msg.h"

#include <errno.h>
#include <fcntl.h>
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[256];

const char *
harness_tmpdir(void)
{
	if (!tmpdir[0]) {
		const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

		snprintf(tmpdir, sizeof(tmpdir), "%s/keel-test-XXXXXX", base);
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(255);
		}
	}
	return tmpdir;
}

void
harness_cleanup(void)
{
	char cmd[300];

	if (!tmpdir[0] || getenv("KEEL_KEEP_TMP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", tmpdir);
}

void
harness_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* The binaries of the build this test belongs to: <build>/tests/t_x ->
 * <build>/name, so the sanitizer build's tests start sanitizer daemons. */
const char *
harness_bin(const char *name, char *buf, size_t size)
{
	char self[400];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n <= 0) {
		printf("Bail out! readlink /proc/self/exe\n");
		exit(255);
	}
	self[n] = '\0';
	for (int i = 0; i < 2 && (slash = strrchr(self, '/')); i++)
		*slash = '\0';
	snprintf(buf, size, "%s/%s", self, name);
	return buf;
}

pid_t
harness_spawn(char *const argv[], char *const env[], const char *logfile)
{
	return harness_spawn_split(argv, env, logfile, logfile);
}

static void
redirect(int target, const char *file)
{
	int fd;

	if (!file)
		return;
	fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0644);
	if (fd >= 0) {
		dup2(fd, target);
		close(fd);
	}
}

pid_t
harness_spawn_split(char *const argv[], char *const env[], const char *out,
                    const char *err)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		sigset_t none;

		/* A crashed test must not leave servers behind. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		redirect(1, out);
		redirect(2, err);
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

pid_t
harness_daemon(const char *svc, int index)
{
	char bin[512], name[64], envc[600], envi[32], log[512];
	char *argv[2] = {bin, NULL};
	char *env[3] = {envc, envi, NULL};

	snprintf(name, sizeof(name), "keel-%s", svc);
	harness_bin(name, bin, sizeof(bin));
	snprintf(envc, sizeof(envc), "KEEL_CONFIG=%s/keel.conf",
	         harness_tmpdir());
	snprintf(envi, sizeof(envi), "KEEL_INSTANCE=%d", index);
	snprintf(log, sizeof(log), "%s/%s%d.log", harness_tmpdir(), svc, index);
	return harness_spawn(argv, env, log);
}

int
harness_wait(pid_t pid, int timeout_ms)
{
	int status;

	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		harness_sleep_ms(10);
	}
	return -1;
}

bool
harness_stopped(pid_t pid)
{
	int status = harness_wait(pid, 10000);

	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static bool
redis_answers(const char *sock)
{
	struct timeval tv = {0, 200000};
	redisContext *c = redisConnectUnixWithTimeout(sock, tv);
	redisReply *r;
	bool ok = false;

	if (c && !c->err) {
		r = redisCommand(c, "PING");
		/* "LOADING" while the AOF is read counts as not yet. */
		ok = r && (r->type == REDIS_REPLY_STATUS ||
		           (r->type == REDIS_REPLY_ERROR &&
		            strncmp(r->str, "NOAUTH", 6) == 0));
		if (r)
			freeReplyObject(r);
	}
	if (c)
		redisFree(c);
	return ok;
}

int
harness_redis_start(struct harness_redis *r)
{
	char *argv[40];
	char extra[512];
	int n = 0;

	if (!r->dir[0]) {
		snprintf(r->dir, sizeof(r->dir), "%s/redis", harness_tmpdir());
		mkdir(r->dir, 0700);
		snprintf(r->sock, sizeof(r->sock), "%s/redis.sock", r->dir);
	}
	argv[n++] = "/usr/bin/redis-server";
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--unixsocket";
	argv[n++] = r->sock;
	argv[n++] = "--unixsocketperm";
	argv[n++] = "700";
	argv[n++] = "--dir";
	argv[n++] = r->dir;
	argv[n++] = "--appendonly";
	argv[n++] = "yes";
	argv[n++] = "--save";
	argv[n++] = "";
	argv[n++] = "--maxmemory-policy";
	argv[n++] = "noeviction";
	argv[n++] = "--logfile";
	argv[n++] = "redis.log";
	snprintf(r->argbuf, sizeof(r->argbuf), "%s", r->extra);
	for (char *save = NULL, *t = strtok_r(r->argbuf, " ", &save);
	     t && n < 38; t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	argv[n] = NULL;
	snprintf(extra, sizeof(extra), "%s/redis.out", r->dir);
	r->pid = harness_spawn(argv, NULL, extra);
	if (r->pid < 0)
		return -1;
	for (int i = 0; i < 500; i++) {
		if (redis_answers(r->sock))
			return 0;
		harness_sleep_ms(10);
	}
	return -1;
}

void
harness_redis_stop(struct harness_redis *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGTERM);
		harness_wait(r->pid, 10000);
		r->pid = 0;
	}
}

void
harness_redis_kill(struct harness_redis *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		harness_wait(r->pid, 10000);
		r->pid = 0;
	}
}

int
harness_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

const char *
harness_write(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", harness_tmpdir(), name);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		return NULL;
	return path;
}

char *
harness_slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	return buf;
}

long long
harness_redis_int(struct harness_redis *r, const char *fmt, ...)
{
	struct timeval tv = {5, 0};
	redisContext *c = redisConnectUnixWithTimeout(r->sock, tv);
	redisReply *rep = NULL;
	long long v = -1;
	va_list ap;

	if (!c || c->err)
		goto out;
	va_start(ap, fmt);
	rep = redisvCommand(c, fmt, ap);
	va_end(ap);
	if (rep && rep->type == REDIS_REPLY_INTEGER)
		v = rep->integer;
	else if (rep && rep->type == REDIS_REPLY_STRING)
		v = strtoll(rep->str, NULL, 10);
	else if (rep && rep->type == REDIS_REPLY_NIL)
		v = 0;
out:
	if (rep)
		freeReplyObject(rep);
	if (c)
		redisFree(c);
	return v;
}

long long
harness_redis_wait(struct harness_redis *r, const char *key, long long want,
                   int ms)
{
	long long got = harness_redis_int(r, "GET %s", key);

	for (int waited = 0; got < want && waited < ms; waited += 50) {
		harness_sleep_ms(50);
		got = harness_redis_int(r, "GET %s", key);
	}
	return got;
}

int64_t
harness_utc(int year, int month, int day, int hour, int minute)
{
	return (keel_time_days_from_civil(year, month, day) * 86400 +
	        hour * 3600 + minute * 60) *
	       1000;
}

bool
harness_customer_put(struct keel_client *c, const char *id, const char *name,
                     const char *tz)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_error err;
	struct keel_env rep;
	const void *p;
	size_t len;
	bool acked;

	keel_enc_map(b, 3);
	keel_enc_kv_str(b, "id", id);
	keel_enc_kv_str(b, "name", name);
	keel_enc_kv_str(b, "timezone", tz);
	p = keel_enc_data(b, &len);
	acked = keel_client_call(c, "customer.put", p, len, NULL, &rep, &err) ==
	            0 &&
	        rep.ok;
	keel_env_release(&rep);
	keel_enc_free(b);
	return acked;
}

static const struct keel_auth *client_auth;
static char conf_extra[4096];

void
harness_sign_as(const struct keel_auth *auth)
{
	client_auth = auth;
}

void
harness_conf_extra(const char *text)
{
	snprintf(conf_extra, sizeof(conf_extra), "%s", text);
}

struct keel_client *
harness_client(const char *svc, const char *sock, int timeout_ms)
{
	char url[400];
	const char *addrs[1] = {url};
	struct keel_client_opts o = {.name = "test",
	                             .service = svc,
	                             .addrs = addrs,
	                             .naddrs = 1,
	                             .timeout_ms = timeout_ms,
	                             .max_msg = 1 << 20,
	                             .auth = client_auth};
	struct keel_client *c;
	struct keel_error err;

	snprintf(url, sizeof(url), "ipc://%s/%s", harness_tmpdir(), sock);
	if (keel_client_new(&o, &c, &err) < 0) {
		printf("Bail out! %s\n", err.message);
		exit(255);
	}
	return c;
}

void
harness_body(struct keel_enc *e, const char *first, ...)
{
	va_list ap;
	uint32_t n = 0;

	va_start(ap, first);
	for (const char *k = first; k; k = va_arg(ap, const char *)) {
		int kind = va_arg(ap, int);

		if (kind == 's')
			(void)va_arg(ap, const char *);
		else if (kind == 'r') {
			(void)va_arg(ap, const char *);
			(void)va_arg(ap, size_t);
		} else
			(void)va_arg(ap, long long);
		n++;
	}
	va_end(ap);
	keel_enc_reset(e);
	keel_enc_map(e, n);
	va_start(ap, first);
	for (const char *k = first; k; k = va_arg(ap, const char *)) {
		int kind = va_arg(ap, int);

		keel_enc_str(e, k);
		if (kind == 's')
			keel_enc_str(e, va_arg(ap, const char *));
		else if (kind == 'i')
			keel_enc_int(e, va_arg(ap, long long));
		else if (kind == 'b')
			keel_enc_bool(e, va_arg(ap, long long) != 0);
		else {
			const char *p = va_arg(ap, const char *);

			keel_enc_raw(e, p, va_arg(ap, size_t));
		}
	}
	va_end(ap);
}

/* Runs keelctl with args; returns its exit status, stdout in out. */
int
harness_keelctl(char **out, char *const args[])
{
	char bin[512], cfg[600], o[600], e[600];
	/* The machines are shared and noisy: 10 s rather than keelctl's
	 * 2 s default before a reply counts as lost. */
	char *argv[26] = {bin, "-f", cfg, "-t", "10000"};
	int n = 5, status;
	pid_t pid;

	harness_bin("keelctl", bin, sizeof(bin));
	snprintf(cfg, sizeof(cfg), "%s/keel.conf", harness_tmpdir());
	snprintf(o, sizeof(o), "%s/keelctl.out", harness_tmpdir());
	snprintf(e, sizeof(e), "%s/keelctl.err", harness_tmpdir());
	unlink(o);
	unlink(e);
	for (int i = 0; args[i] && n < 25; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	pid = harness_spawn_split(argv, NULL, o, e);
	status = harness_wait(pid, 10000);
	*out = harness_slurp(o);
	if (!*out)
		*out = strdup("");
	{
		char *err = harness_slurp(e);

		if (err && err[0])
			printf("# keelctl said: %s\n", err);
		free(err);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool
harness_call(struct keel_client *c, const char *type, struct keel_enc *body,
             struct keel_env *rep)
{
	static atomic_int keys;
	struct keel_error err;
	char key[48];
	size_t len = 0;
	const void *p = keel_enc_data(body, &len);

	snprintf(key, sizeof(key), "harness-%d-%d", (int)getpid(),
	         atomic_fetch_add(&keys, 1));
	keel_env_release(rep);
	if (keel_client_call(c, type, p, len, key, rep, &err) < 0) {
		printf("# %s: %s\n", type, err.message);
		return false;
	}
	return rep->ok;
}


void
harness_fill_value(struct keel_enc *e, const struct keel_field *f)
{
	char s[64];
	size_t n;

	switch (f->type) {
	case KEEL_F_STR:
		if (f->enums) {
			keel_enc_str(e, f->enums[0]);
			break;
		}
		n = f->min > 1 ? (size_t)f->min : 1;
		if (n >= sizeof(s))
			n = sizeof(s) - 1;
		memset(s, 'a', n);
		s[n] = '\0';
		keel_enc_str(e, s);
		break;
	case KEEL_F_INT:
		keel_enc_int(e, f->min || f->max ? f->min : 1);
		break;
	case KEEL_F_BOOL:
		keel_enc_bool(e, false);
		break;
	case KEEL_F_BIN:
		memset(s, 0, sizeof(s));
		keel_enc_bin(e, s, f->min > 0 && f->min < 64 ? (size_t)f->min
		                                             : 0);
		break;
	case KEEL_F_MAP:
		if (f->fields)
			harness_fill(e, f->fields);
		else
			keel_enc_map(e, 0);
		break;
	case KEEL_F_ARRAY:
		n = f->min > 0 ? (size_t)f->min : 0;
		keel_enc_array(e, (uint32_t)n);
		for (size_t i = 0; i < n; i++) {
			if (f->items)
				harness_fill_value(e, f->items);
			else
				keel_enc_str(e, "a");
		}
		break;
	default:
		keel_enc_str(e, "a");
		break;
	}
}

void
harness_fill(struct keel_enc *e, const struct keel_field *fields)
{
	uint32_t n = 0;

	for (const struct keel_field *f = fields; f && f->type; f++)
		n += f->required;
	keel_enc_map(e, n);
	for (const struct keel_field *f = fields; f && f->type; f++)
		if (f->required) {
			keel_enc_str(e, f->name);
			harness_fill_value(e, f);
		}
}


bool
harness_healthy(struct keel_client *c)
{
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	bool up;

	keel_enc_map(b, 0);
	up = harness_call(c, "sys.health", b, &rep);
	keel_env_release(&rep);
	keel_enc_free(b);
	return up;
}

bool
harness_services(struct harness_redis *r, const char *const *svcs, size_t n,
                 pid_t *pids, struct keel_client **clis)
{
	const char *dir = harness_tmpdir();
	char conf[4096];
	size_t used;
	bool all = true;

	used = (size_t)snprintf(conf, sizeof(conf), "redis.socket = %s\n",
	                        r->sock);
	for (size_t i = 0; i < n && used < sizeof(conf); i++)
		used += (size_t)snprintf(
		    conf + used, sizeof(conf) - used,
		    "%s.rep = ipc://%s/%s.rep\n%s.pub = ipc://%s/%s.pub\n"
		    "%s.http =\n",
		    svcs[i], dir, svcs[i], svcs[i], dir, svcs[i], svcs[i]);
	if (used < sizeof(conf))
		snprintf(conf + used, sizeof(conf) - used, "%s", conf_extra);
	harness_write("keel.conf", conf);
	for (size_t i = 0; i < n; i++) {
		char sock[64];

		pids[i] = harness_daemon(svcs[i], 0);
		snprintf(sock, sizeof(sock), "%s.rep", svcs[i]);
		clis[i] = harness_client(svcs[i], sock, 5000);
	}
	for (size_t i = 0; i < n; i++) {
		bool up = false;

		for (int t = 0; t < 200 && !(up = harness_healthy(clis[i])); t++)
			harness_sleep_ms(25);
		all &= up;
	}
	return all;
}

void
harness_cert(const char *cert, const char *key)
{
	if (harness_wait(harness_spawn(
	                     (char *[]){"/usr/bin/openssl", "req", "-x509",
	                                "-newkey", "rsa:2048", "-nodes",
	                                "-keyout", (char *)key, "-out",
	                                (char *)cert, "-days", "2", "-subj",
	                                "/CN=127.0.0.1", "-addext",
	                                "subjectAltName=IP:127.0.0.1", NULL},
	                     NULL, "/dev/null"),
	                 30000) != 0) {
		printf("Bail out! openssl could not make a certificate\n");
		fflush(stdout);
		exit(255);
	}
}

/* "ready" lines in the SMTP server's log (one per start). */
static int
smtp_starts(const char *log)
{
	char *l = harness_slurp(log), *p = l;
	int n = 0;

	while (p && (p = strstr(p, "ready"))) {
		n++;
		p += 5;
	}
	free(l);
	return n;
}

pid_t
harness_smtp(const char *port, const char *maildir, const char *cert,
             const char *key, const char *log)
{
	int before = smtp_starts(log);
	pid_t p = harness_spawn(
	    (char *[]){"/usr/bin/python3",
	               SOURCE_ROOT "/tests/notify/smtp_server.py", (char *)port,
	               (char *)maildir, (char *)cert, (char *)key, "keel",
	               "s3cret-pass", NULL},
	    NULL, log);

	for (int t = 0; t < 200 && smtp_starts(log) <= before; t++)
		harness_sleep_ms(50);
	return p;
}
