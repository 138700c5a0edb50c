/*
 * t_sweep: bad input for every request of the four working daemons,
 * driven by the declarations (issue 10).  From the smallest valid body of
 * each request, one field at a time:
 *   - missing (when required), of the wrong type;
 *   - strings empty (when at least 1 byte), one byte too long, with a NUL
 *     byte, not UTF-8;
 *   - integers one below the minimum and one above the maximum, NaN;
 *   - arrays one item too many;
 * and per request an unknown field nesting 20 maps deep.  Each must be
 * refused naming the field (the nesting as malformed), and the daemon must
 * answer sys.health after each.  The sweep says how many it tried.
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "msg.h"
#include "tap.h"

#include <math.h>
#include <signal.h>
#include <sys/wait.h>

static const char *const services[] = {"intake", "pricing", "scheduling",
                                       "ticketing"};
#define NSVC (sizeof(services) / sizeof(services[0]))

enum mutation {
	MISSING,
	WRONG_TYPE,
	EMPTY,
	TOO_LONG,
	NUL,
	BAD_UTF8,
	BELOW,
	ABOVE,
	NAN_VALUE,
	TOO_MANY,
	NMUT
};

static const char *const mut_names[NMUT] = {
    "missing",   "wrong type", "empty", "too long", "NUL",
    "not UTF-8", "below min",  "above max", "NaN", "too many items"};

/* Whether m applies to field f. */
static bool
applies(enum mutation m, const struct keel_field *f)
{
	switch (m) {
	case MISSING:
		return f->required;
	case WRONG_TYPE:
		return f->type != KEEL_F_ANY;
	case EMPTY:
		return f->type == KEEL_F_STR && f->min >= 1 && !f->enums;
	case TOO_LONG:
		return f->type == KEEL_F_STR && f->max > 0 && f->max < 60000 &&
		       !f->enums;
	case NUL:
	case BAD_UTF8:
		return f->type == KEEL_F_STR && !f->enums && f->max != 1;
	case BELOW:
		return f->type == KEEL_F_INT && (f->min || f->max) &&
		       f->min > INT64_MIN;
	case ABOVE:
		return f->type == KEEL_F_INT && (f->min || f->max) &&
		       f->max < INT64_MAX;
	case NAN_VALUE:
		return f->type == KEEL_F_INT;
	case TOO_MANY:
		return f->type == KEEL_F_ARRAY && f->max > 0 && f->max <= 1000 &&
		       f->items && f->items->type != KEEL_F_MAP;
	default:
		return false;
	}
}

/* The value of f under m. */
static void
bad_value(struct keel_enc *e, const struct keel_field *f, enum mutation m)
{
	static char buf[60001];

	switch (m) {
	case WRONG_TYPE:
		if (f->type == KEEL_F_STR || f->type == KEEL_F_BIN)
			keel_enc_int(e, 7);
		else
			keel_enc_str(e, "seven");
		break;
	case EMPTY:
		keel_enc_str(e, "");
		break;
	case TOO_LONG:
		memset(buf, 'a', (size_t)f->max + 1);
		keel_enc_strn(e, buf, (size_t)f->max + 1);
		break;
	case NUL:
		keel_enc_strn(e, "ab\0cd", 5);
		break;
	case BAD_UTF8:
		keel_enc_strn(e, "a\xff\xfe", 3);
		break;
	case BELOW:
		keel_enc_int(e, f->min - 1);
		break;
	case ABOVE:
		keel_enc_int(e, f->max + 1);
		break;
	case NAN_VALUE:
		keel_enc_float(e, NAN);
		break;
	case TOO_MANY:
		keel_enc_array(e, (uint32_t)f->max + 1);
		for (int64_t i = 0; i <= f->max; i++)
			harness_fill_value(e, f->items);
		break;
	default:
		break;
	}
}

/* The smallest valid body of d with field target mutated by m. */
static void
mutated(struct keel_enc *e, const struct keel_msgdecl *d,
        const struct keel_field *target, enum mutation m)
{
	uint32_t n = 0;

	for (const struct keel_field *f = d->body; f && f->type; f++)
		n += (f->required || f == target) && !(f == target && m == MISSING);
	keel_enc_reset(e);
	keel_enc_map(e, n);
	for (const struct keel_field *f = d->body; f && f->type; f++) {
		if (f == target && m == MISSING)
			continue;
		if (!f->required && f != target)
			continue;
		keel_enc_str(e, f->name);
		if (f == target)
			bad_value(e, f, m);
		else
			harness_fill_value(e, f);
	}
}

/* The smallest valid body and an unknown field nesting depth maps. */
static void
deep(struct keel_enc *e, const struct keel_msgdecl *d, int depth)
{
	uint32_t n = 1;

	for (const struct keel_field *f = d->body; f && f->type; f++)
		n += f->required;
	keel_enc_reset(e);
	keel_enc_map(e, n);
	for (const struct keel_field *f = d->body; f && f->type; f++)
		if (f->required) {
			keel_enc_str(e, f->name);
			harness_fill_value(e, f);
		}
	keel_enc_str(e, "zz_unknown");
	for (int i = 0; i < depth; i++) {
		keel_enc_map(e, 1);
		keel_enc_str(e, "x");
	}
	keel_enc_int(e, 1);
}

int
main(void)
{
	struct harness_redis redis = {0};
	struct keel_client *cli[NSVC];
	struct keel_enc *b = keel_enc_new();
	struct keel_env rep = {0};
	char path[160];
	size_t tried = 0, named = 0, wrong = 0, accepted = 0, down = 0,
	             per_mut[NMUT] = {0}, deep_refused = 0, deep_tried = 0;
	pid_t pid[NSVC];

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	ok(harness_services(&redis, services, NSVC, pid, cli),
	   "the %zu daemons are up", NSVC);

	for (size_t k = 0; k < keel_msgs_count; k++) {
		const struct keel_msgdecl *d = &keel_msgs[k];
		size_t s;

		if (d->kind != KEEL_MSG_REQUEST ||
		    strncmp(d->type, "sys.", 4) == 0 ||
		    strncmp(d->type, "events.", 7) == 0)
			continue;
		for (s = 0; s < NSVC; s++)
			if (strcmp(d->owner, services[s]) == 0)
				break;
		if (s == NSVC)
			continue;
		for (const struct keel_field *f = d->body; f && f->type; f++)
			for (int m = 0; m < NMUT; m++) {
				if (!applies((enum mutation)m, f))
					continue;
				mutated(b, d, f, (enum mutation)m);
				tried++;
				per_mut[m]++;
				snprintf(path, sizeof(path), "body.%s",
				         f->name);
				if (harness_call(cli[s], d->type, b, &rep)) {
					accepted++;
					diag("%s %s %s: accepted", d->type,
					     f->name, mut_names[m]);
				} else if (strcmp(rep.error.field, path) ==
				               0 ||
				           strncmp(rep.error.field, path,
				                   strlen(path)) == 0) {
					named++;
				} else {
					wrong++;
					diag("%s %s %s: %s %s: %s", d->type,
					     f->name, mut_names[m],
					     rep.error.code, rep.error.field,
					     rep.error.message);
				}
				if (!harness_healthy(cli[s])) {
					down++;
					diag("keel-%s does not answer after %s",
					     services[s], d->type);
				}
			}
		deep(b, d, 20);
		deep_tried++;
		if (!harness_call(cli[s], d->type, b, &rep) &&
		    strcmp(rep.error.code, KEEL_E_MALFORMED) == 0)
			deep_refused++;
	}
	diag("%zu bad bodies tried: %zu refused naming the field, %zu "
	     "otherwise, %zu accepted",
	     tried, named, wrong, accepted);
	for (int m = 0; m < NMUT; m++)
		diag("  %-15s %zu", mut_names[m], per_mut[m]);
	ok(tried >= 300, "the sweep tried %zu bad bodies", tried);
	is_int(accepted, 0, "  none accepted");
	is_int(wrong, 0, "  every refusal names the field it concerns");
	is_int(down, 0, "  every daemon answers sys.health after each");
	is_int(deep_refused, deep_tried,
	       "%zu requests with an unknown field 20 maps deep: refused as "
	       "malformed",
	       deep_tried);

	for (size_t i = 0; i < NSVC; i++) {
		keel_client_free(cli[i]);
		kill(pid[i], SIGTERM);
		ok(harness_stopped(pid[i]),
		   "keel-%s stops cleanly", services[i]);
	}
	keel_env_release(&rep);
	keel_enc_free(b);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
