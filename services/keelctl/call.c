/*
 * keelctl requests from the command line: a body built from --field
 * options typed by the message's declaration in msgs.c (so every field a
 * request takes is an option, with the same names and rules), sent to
 * every instance of the owning service.
 *
 *   --name VALUE, --name=VALUE   a string, a number, or for *_ms and
 *                                due_before an RFC 3339 UTC time
 *   --flag / --no-flag           a boolean
 *   --list A,B (repeatable)      an array of strings
 *   --map k=v,k=v (repeatable)   a map, or one element of an array of maps
 * Dashes in names stand for underscores (--received-ms).
 */
#include "keelctl.h"

#include "bus.h"
#include "codec.h"
#include "config.h"
#include "envelope.h"
#include "error.h"
#include "ktime.h"
#include "money.h"
#include "msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXVALS 64

struct opt {
	const struct keel_field *f;
	const char *vals[MAXVALS];
	int n;
};

/* A scalar from text, typed by f; false with a message on stderr. */
static bool
enc_scalar(struct keel_enc *e, const struct keel_field *f, const char *v,
           const char *opt)
{
	char *end;
	long long n;
	int64_t ms;

	switch (f->type) {
	case KEEL_F_INT:
		if (f->money) {
			int64_t minor;

			if (keel_money_parse(v, &minor) == 0) {
				keel_enc_int(e, minor);
				return true;
			}
			fprintf(stderr,
			        "keelctl: %s: '%s' is not an amount in "
			        "currency units, like 1000.00\n",
			        opt, v);
			return false;
		}
		n = strtoll(v, &end, 10);
		if (*v && !*end) {
			keel_enc_int(e, n);
			return true;
		}
		if ((strstr(f->name, "_ms") || strstr(f->name, "before")) &&
		    keel_time_parse(v, &ms) == 0) {
			keel_enc_int(e, ms);
			return true;
		}
		fprintf(stderr, "keelctl: %s: '%s' is not a number%s\n", opt, v,
		        strstr(f->name, "_ms") || strstr(f->name, "before")
		            ? " or an RFC 3339 time like 2026-11-30T16:30:00+01:00"
		            : "");
		return false;
	case KEEL_F_BOOL:
		if (!*v || strcmp(v, "true") == 0 || strcmp(v, "yes") == 0) {
			keel_enc_bool(e, true);
			return true;
		}
		if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0) {
			keel_enc_bool(e, false);
			return true;
		}
		fprintf(stderr, "keelctl: %s: '%s' is not true or false\n", opt,
		        v);
		return false;
	default:
		keel_enc_str(e, v);
		return true;
	}
}

/* "k=v,k=v" as a map of fields; false with a message. */
static bool
enc_pairs(struct keel_enc *e, const struct keel_field *fields, const char *v,
          const char *opt)
{
	char buf[1024], *save = NULL, *tok;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", v);
	for (size_t i = 0; buf[i]; i++)
		n += buf[i] == ',';
	keel_enc_map(e, (uint32_t)n + 1);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const struct keel_field *f =
		    eq ? keel_msg_field(fields, tok, (size_t)(eq - tok)) : NULL;

		if (!f) {
			fprintf(stderr,
			        "keelctl: %s: '%s' is not name=value with a "
			        "known name\n",
			        opt, tok);
			return false;
		}
		keel_enc_str(e, f->name);
		if (!enc_scalar(e, f, eq + 1, opt))
			return false;
	}
	return true;
}

static bool
enc_opt(struct keel_enc *e, const struct opt *o)
{
	char opt[80];

	snprintf(opt, sizeof(opt), "--%s", o->f->name);
	keel_enc_str(e, o->f->name);
	if (o->f->type == KEEL_F_MAP)
		return enc_pairs(e, o->f->fields, o->vals[o->n - 1], opt);
	if (o->f->type != KEEL_F_ARRAY)
		return enc_scalar(e, o->f, o->vals[o->n - 1], opt);
	if (o->f->items && o->f->items->type == KEEL_F_MAP) {
		keel_enc_array(e, (uint32_t)o->n);
		for (int i = 0; i < o->n; i++)
			if (!enc_pairs(e, o->f->items->fields, o->vals[i], opt))
				return false;
		return true;
	}
	{
		char buf[4096], *save = NULL, *tok;
		const char *items[256];
		uint32_t n = 0;
		size_t used = 0;

		for (int i = 0; i < o->n; i++) {
			snprintf(buf + used, sizeof(buf) - used, "%s,",
			         o->vals[i]);
			used = strlen(buf);
		}
		for (tok = strtok_r(buf, ",", &save); tok && n < 256;
		     tok = strtok_r(NULL, ",", &save))
			items[n++] = tok;
		keel_enc_array(e, n);
		for (uint32_t i = 0; i < n; i++)
			if (!enc_scalar(e, o->f->items ? o->f->items : o->f,
			                items[i], opt))
				return false;
	}
	return true;
}

int
keelctl_body(const struct keel_msgdecl *decl, const char *const *positional,
             int argc, char **argv, struct keel_enc *e)
{
	struct opt opts[64];
	int nopts = 0, npos = 0;
	char name[64];

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *v = NULL;
		const struct keel_field *f;
		bool negated = false;
		size_t n;
		int k;

		if (strncmp(a, "--", 2) != 0) {
			if (!positional || !positional[npos]) {
				fprintf(stderr,
				        "keelctl: unexpected argument '%s'\n",
				        a);
				return -1;
			}
			f = keel_msg_field(decl->body, positional[npos],
			             strlen(positional[npos]));
			npos++;
			v = a;
			goto add;
		}
		a += 2;
		n = strcspn(a, "=");
		snprintf(name, sizeof(name), "%.*s", (int)n, a);
		for (char *p = name; *p; p++)
			if (*p == '-')
				*p = '_';
		f = keel_msg_field(decl->body, name, strlen(name));
		if (!f && strncmp(name, "no_", 3) == 0) {
			f = keel_msg_field(decl->body, name + 3, strlen(name + 3));
			negated = f && f->type == KEEL_F_BOOL;
			if (!negated)
				f = NULL;
		}
		if (!f) {
			fprintf(stderr, "keelctl: %s takes no option --%s\n",
			        decl->type, name);
			return -1;
		}
		if (a[n] == '=')
			v = a + n + 1;
		else if (f->type == KEEL_F_BOOL)
			v = negated ? "false" : "";
		else if (i + 1 < argc)
			v = argv[++i];
		else {
			fprintf(stderr, "keelctl: --%s needs a value\n", name);
			return -1;
		}
	add:
		for (k = 0; k < nopts && opts[k].f != f; k++)
			;
		if (k == nopts) {
			if (nopts == 64)
				return -1;
			opts[nopts++] = (struct opt){.f = f};
		}
		if (opts[k].n < MAXVALS)
			opts[k].vals[opts[k].n++] = v;
	}
	keel_enc_map(e, (uint32_t)nopts);
	for (int k = 0; k < nopts; k++)
		if (!enc_opt(e, &opts[k]))
			return -1;
	return 0;
}

int
keelctl_call(struct keelctl *ctl, const char *type, struct keel_enc *body,
             struct keel_env *rep)
{
	const struct keel_msgdecl *decl = keel_msg_find(type);

	return keelctl_call_to(ctl, decl ? decl->owner : "?", type, body, rep);
}

int
keelctl_call_to(struct keelctl *ctl, const char *svc, const char *type,
                struct keel_enc *body, struct keel_env *rep)
{
	const struct keel_msgdecl *decl = keel_msg_find(type);
	const char *addrs[16];
	struct keel_client *cli = NULL;
	struct keel_error err;
	struct keel_client_opts o = {
	    .auth = ctl->auth,
	    .name = "keelctl",
	    .service = svc,
	    .addrs = addrs,
	    .timeout_ms = ctl->timeout_ms,
	    .max_msg = (size_t)keel_config_int(ctl->cfg, "bus.max_msg_bytes"),
	    /* as the daemons' clients: a request a lost connection holds
	     * (an instance cut off, a listener nng stopped) goes again to
	     * any instance; every write keeps its idempotency key */
	    .resend_ms = (int)keel_config_int(ctl->cfg, "bus.resend_ms"),
	};
	const void *p = NULL;
	size_t len = 0;

	if (!decl)
		return -1;
	o.naddrs = keel_config_addrs(ctl->cfg, svc, "rep", addrs, 16);
	if (body)
		p = keel_enc_data(body, &len);
	if (keel_client_new(&o, &cli, &err) < 0 ||
	    keel_client_call(cli, type, p, len, NULL, rep, &err) < 0) {
		fprintf(stderr, "keelctl: %s\n", err.message);
		keel_client_free(cli);
		return -1;
	}
	keel_client_free(cli);
	if (!rep->ok) {
		fprintf(stderr, "keelctl: %s: %s\n", rep->error.code,
		        rep->error.message);
		return 1;
	}
	return 0;
}
