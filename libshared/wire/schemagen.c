/*
 * keel-schemagen: writes the files generated from Keel's declarations:
 * schemas/<type>.json, schemas/envelope.json and docs/messages.md from
 * msgs.c, and deploy/keel.conf from the configuration table.
 *   keel-schemagen --write ROOT    regenerate the files under ROOT
 *   keel-schemagen --check ROOT    exit 1 and name each file that differs
 *   keel-schemagen --markdown      print docs/messages.md
 */
#include "config.h"
#include "json.h"
#include "msg.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
render_schema(const struct keel_msgdecl *d)
{
	struct keel_json j;
	char *s;

	keel_json_init(&j, 2);
	keel_msg_schema(d, &j);
	s = keel_json_str(&j) ? strdup(keel_json_str(&j)) : NULL;
	keel_json_release(&j);
	return s;
}

static char *
render_markdown(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	keel_msg_markdown(f);
	fclose(f);
	return buf;
}

static char *
render_conf(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	keel_config_template(f);
	fclose(f);
	return buf;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (len + 4096 + 1 > cap) {
			char *b = realloc(buf, cap = cap * 2 + 8192);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		n = fread(buf + len, 1, 4096, f);
		len += n;
	} while (n > 0);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* Writes or compares one file; returns 0 when it matches or was written. */
static int
emit(const char *root, const char *rel, const char *text, bool write)
{
	char path[1024], *old;
	int r = 0;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (write) {
		FILE *f = fopen(path, "we");

		if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
			fprintf(stderr, "keel-schemagen: cannot write %s: %s\n",
			        path, strerror(errno));
			return 1;
		}
		return 0;
	}
	old = slurp(path);
	if (!old || strcmp(old, text) != 0) {
		fprintf(stderr, "keel-schemagen: %s %s; run 'make schemas'\n",
		        rel, old ? "differs from msgs.c" : "is missing");
		r = 1;
	}
	free(old);
	return r;
}

/* A schema file that no declaration produces is drift too. */
static int
stale(const char *root)
{
	char dir[1024];
	struct dirent *de;
	int bad = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/schemas", root);
	d = opendir(dir);
	if (!d)
		return 1;
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		char type[256];

		if (n < 6 || strcmp(de->d_name + n - 5, ".json") != 0 ||
		    n - 5 >= sizeof(type))
			continue;
		memcpy(type, de->d_name, n - 5);
		type[n - 5] = '\0';
		if (strcmp(type, "envelope") != 0 && !keel_msg_find(type)) {
			fprintf(stderr,
			        "keel-schemagen: schemas/%s is not "
			        "declared in msgs.c\n",
			        de->d_name);
			bad = 1;
		}
	}
	closedir(d);
	return bad;
}

int
main(int argc, char **argv)
{
	bool write;
	int bad = 0;
	char *text;

	if (argc == 2 && strcmp(argv[1], "--markdown") == 0) {
		text = render_markdown();
		fputs(text ? text : "", stdout);
		free(text);
		return text ? 0 : 1;
	}
	if (argc != 3 || (strcmp(argv[1], "--write") != 0 &&
	                  strcmp(argv[1], "--check") != 0)) {
		fprintf(stderr, "usage: keel-schemagen --write|--check ROOT | "
		                "--markdown\n");
		return 2;
	}
	write = strcmp(argv[1], "--write") == 0;
	for (size_t i = 0; i <= keel_msgs_count; i++) {
		const struct keel_msgdecl *d =
		    i < keel_msgs_count ? &keel_msgs[i] : NULL;
		char rel[128], *with_nl;

		snprintf(rel, sizeof(rel), "schemas/%s.json",
		         d ? d->type : "envelope");
		text = render_schema(d);
		if (!text || asprintf(&with_nl, "%s\n", text) < 0) {
			free(text);
			return 1;
		}
		bad |= emit(argv[2], rel, with_nl, write);
		free(with_nl);
		free(text);
	}
	text = render_markdown();
	if (!text)
		return 1;
	bad |= emit(argv[2], "docs/messages.md", text, write);
	free(text);
	text = render_conf();
	if (!text)
		return 1;
	bad |= emit(argv[2], "deploy/keel.conf", text, write);
	free(text);
	if (!write)
		bad |= stale(argv[2]);
	return bad;
}
