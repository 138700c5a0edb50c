/* t_config: defaults, file, environment, and every error naming its key. */
#include "config.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <errno.h>
#include <stdlib.h>

static void
load_fails(const char *text, const char *phrase, const char *field,
           const char *what)
{
	const char *path = harness_write("bad.conf", text);
	struct keel_config *cfg = NULL;
	struct keel_error err = {{0}};

	is_int(keel_config_load(path, &cfg, &err), -EINVAL, "%s", what);
	has_str(err.message, phrase, "  says '%s'", phrase);
	if (field)
		is_str(err.field, field, "  names key %s", field);
	keel_config_free(cfg);
}

int
main(void)
{
	struct keel_config *cfg = NULL;
	struct keel_error err;
	const char *addrs[16];
	const char *path;
	size_t n;

	unsetenv("KEEL_CONFIG");
	is_int(keel_config_load("/nonexistent/keel.conf", &cfg, &err), -ENOENT,
	       "an explicit file that is missing is an error");
	has_str(err.message, "/nonexistent/keel.conf", "  naming the file");

	path = harness_write("empty.conf", "# nothing\n\n");
	is_int(keel_config_load(path, &cfg, &err), 0, "an empty file loads");
	is_str(keel_config_str(cfg, "intake.rep"), "tcp://127.0.0.1:7410",
	       "defaults are loopback");
	is_str(keel_config_str(cfg, "notify.http"), "http://127.0.0.1:7472",
	       "every service has an http default");
	is_int(keel_config_int(cfg, "bus.contexts"), 256, "integer defaults");
	cfg = keel_config_free(cfg);

	path = harness_write("good.conf",
	                     "# comment\n"
	                     "log.level = debug\n"
	                     "  redis.socket = \"/run/keel/redis.sock\"  \n"
	                     "ticketing.rep = tcp://127.0.0.1:9001, "
	                     "tcp://127.0.0.1:9002\n"
	                     "bus.contexts=32\n");
	is_int(keel_config_load(path, &cfg, &err), 0, "a file loads");
	is_str(keel_config_str(cfg, "log.level"), "debug", "string value");
	is_str(keel_config_str(cfg, "redis.socket"), "/run/keel/redis.sock",
	       "quotes and blanks are trimmed");
	is_int(keel_config_int(cfg, "bus.contexts"), 32, "integer value");
	n = keel_config_addrs(cfg, "ticketing", "rep", addrs, 16);
	is_int(n, 2, "an address list is split");
	is_str(addrs[1], "tcp://127.0.0.1:9002", "  in order");
	cfg = keel_config_free(cfg);

	setenv("KEEL_BUS_CONTEXTS", "64", 1);
	setenv("KEEL_INTAKE_REP", "ipc:///tmp/x.sock", 1);
	is_int(keel_config_load(path, &cfg, &err), 0, "environment loads");
	is_int(keel_config_int(cfg, "bus.contexts"), 64,
	       "KEEL_BUS_CONTEXTS overrides the file");
	is_str(keel_config_str(cfg, "intake.rep"), "ipc:///tmp/x.sock",
	       "KEEL_INTAKE_REP overrides the default");
	cfg = keel_config_free(cfg);
	setenv("KEEL_BUS_CONTEXTS", "0", 1);
	is_int(keel_config_load(path, &cfg, &err), -EINVAL,
	       "an environment value out of range is refused");
	has_str(err.message, "KEEL_BUS_CONTEXTS", "  naming the variable");
	has_str(err.message, "0 is outside 1..4096", "  and the range");
	unsetenv("KEEL_BUS_CONTEXTS");
	unsetenv("KEEL_INTAKE_REP");

	setenv("KEEL_CONFIG", path, 1);
	is_int(keel_config_load(NULL, &cfg, &err), 0,
	       "KEEL_CONFIG names the file");
	is_str(keel_config_path(cfg), path, "  and it is the one read");
	cfg = keel_config_free(cfg);
	unsetenv("KEEL_CONFIG");

	load_fails("bus.contexts = 16\nfoo.bar = 1\n",
	           "bad.conf:2: unknown key 'foo.bar'", "foo.bar",
	           "an unknown key is refused with file and line");
	load_fails("bus.contexts = many\n", "'many' is not an integer",
	           "bus.contexts", "a non-integer is refused");
	load_fails("redis.port = 70000\n", "70000 is outside 1..65535",
	           "redis.port", "an out-of-range port is refused");
	load_fails("log.level = loud\n", "'loud' is not one of", "log.level",
	           "an unknown log level is refused");
	load_fails("intake.rep = 127.0.0.1:7410\n", "not a valid nng address",
	           "intake.rep", "an address without scheme is refused");
	load_fails("intake.http = tcp://127.0.0.1:1\n", "http://host:port",
	           "intake.http", "an http address must be http://");
	load_fails("just words\n", "expected 'key = value'", NULL,
	           "a line without '=' is refused");
	load_fails("redis.socket = \"/x\n", "unterminated quote",
	           "redis.socket", "an unterminated quote is refused");

	harness_cleanup();
	return done_testing();
}
