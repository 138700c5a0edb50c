/*
 * keelctl report monthly CUSTOMER YYYY-MM [-o FILE.html|FILE.pdf]: a
 * customer's monthly report (keel-billing's report.monthly).  Without -o
 * it prints the summary and the main figures; --json prints every figure;
 * -o FILE.html writes the page; -o FILE.pdf prints the same page to PDF
 * with headless Chromium (KEEL_CHROMIUM, else chromium on PATH), so the
 * PDF is the page a browser shows, charts and all.
 */
#include "keelctl.h"

#include "codec.h"
#include "envelope.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char usage_text[] =
    "usage: keelctl report monthly CUSTOMER YYYY-MM [-o FILE.html|FILE.pdf]\n";

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcasecmp(s + n - m, tail) == 0;
}

static int
write_all(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "keelctl: %s: cannot write: %s\n", path,
		        strerror(errno));
		return 1;
	}
	return 0;
}

/* The browser to print with: KEEL_CHROMIUM, else the first of the usual
 * names found on PATH. */
static const char *
chromium(void)
{
	static const char *const names[] = {"chromium", "chromium-browser",
	                                    "google-chrome", NULL};
	const char *env = getenv("KEEL_CHROMIUM"), *path = getenv("PATH");
	static char found[4096];

	if (env && *env)
		return env;
	for (int i = 0; names[i] && path; i++) {
		const char *p = path;

		while (*p) {
			size_t n = strcspn(p, ":");

			snprintf(found, sizeof(found), "%.*s/%s", (int)n, p,
			         names[i]);
			if (n && access(found, X_OK) == 0)
				return found;
			p += n + (p[n] == ':');
		}
	}
	return NULL;
}

/* Prints the page in html (len bytes) to pdf with headless Chromium. */
static int
print_pdf(const char *html, size_t len, const char *pdf)
{
	const char *browser = chromium();
	char dir[] = "/tmp/keelctl-report-XXXXXX", page[64], profile[64];
	char url[96], out[4200];
	posix_spawn_file_actions_t fa;
	struct stat st;
	pid_t pid;
	int status = 0, rc = 1;
	unsigned char magic[5] = "";
	FILE *f;

	if (!browser) {
		fprintf(stderr, "keelctl: a PDF is printed by headless Chromium, "
		                "and none was found (apt-get install chromium, "
		                "or set KEEL_CHROMIUM); -o FILE.html writes the "
		                "page itself\n");
		return 1;
	}
	if (!mkdtemp(dir)) {
		fprintf(stderr, "keelctl: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(page, sizeof(page), "%s/report.html", dir);
	snprintf(profile, sizeof(profile), "%s/profile", dir);
	snprintf(url, sizeof(url), "file://%s", page);
	snprintf(out, sizeof(out), "--print-to-pdf=%s", pdf);
	if (write_all(page, html, len) != 0)
		goto done;
	{
		char udd[96];
		char *argv[] = {(char *)browser,
		                "--headless",
		                "--no-sandbox",
		                "--disable-gpu",
		                "--no-first-run",
		                "--no-pdf-header-footer",
		                "--print-to-pdf-no-header",
		                udd,
		                out,
		                url,
		                NULL};

		snprintf(udd, sizeof(udd), "--user-data-dir=%s", profile);
		unlink(pdf);
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY,
		                                 0);
		posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY,
		                                 0);
		if (posix_spawn(&pid, browser, &fa, NULL, argv, environ) != 0) {
			posix_spawn_file_actions_destroy(&fa);
			fprintf(stderr, "keelctl: cannot start %s\n", browser);
			goto done;
		}
		posix_spawn_file_actions_destroy(&fa);
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	if ((f = fopen(pdf, "rb"))) {
		if (fread(magic, 1, 4, f) != 4)
			magic[0] = '\0';
		fclose(f);
	}
	if (stat(pdf, &st) != 0 || memcmp(magic, "%PDF", 4) != 0) {
		fprintf(stderr, "keelctl: %s did not print the report to %s "
		                "(exit status %d)\n",
		        browser, pdf, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		goto done;
	}
	printf("%s: %lld bytes\n", pdf, (long long)st.st_size);
	rc = 0;
done:
	unlink(page);
	{
		/* the browser's profile: removed with the directory */
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "keelctl: %s is left behind\n", dir);
	}
	return rc;
}

/* "met / total (pct %)" of a target's row, or "-" when none counted. */
static void
ratio(const struct keel_obj *row, const char *kind, char *buf, size_t size)
{
	char k[40];
	int64_t met = 0, total = 0;
	double pct = 0;

	snprintf(k, sizeof(k), "%s_met", kind);
	keel_obj_int(keel_obj_get(row, k), &met);
	snprintf(k, sizeof(k), "%s_total", kind);
	keel_obj_int(keel_obj_get(row, k), &total);
	if (total == 0) {
		snprintf(buf, size, "-");
		return;
	}
	pct = 100.0 * (double)met / (double)total;
	snprintf(buf, size, "%lld / %lld (%.4g %%)", (long long)met,
	         (long long)total, pct);
}

/* The figures as people read them: the summary, the SLA attainment per
 * priority, and what the report could not say. */
static void
show(const struct keel_obj *fig)
{
	const struct keel_obj *s = keel_obj_get(fig, "summary");
	const struct keel_obj *miss = keel_obj_get(fig, "missing");
	const struct keel_obj *sla = keel_obj_get(fig, "sla");
	char name[201] = "", month[8] = "", tz[65] = "";

	keel_obj_strcpy(keel_obj_get(fig, "name"), name, sizeof(name));
	keel_obj_strcpy(keel_obj_get(fig, "month"), month, sizeof(month));
	keel_obj_strcpy(keel_obj_get(fig, "timezone"), tz, sizeof(tz));
	printf("%s: report of %s (times in %s)\n", name, month, tz);
	for (size_t i = 0; i < keel_obj_len(s); i++) {
		char line[512] = "";

		keel_obj_strcpy(keel_obj_at(s, i), line, sizeof(line));
		printf("  %s\n", line);
	}
	printf("  %-10s %8s  %-22s %s\n", "PRIORITY", "TICKETS",
	       "ANSWERED IN TARGET", "RESOLVED IN TARGET");
	for (size_t i = 0; i < keel_obj_len(sla); i++) {
		const struct keel_obj *r = keel_obj_at(sla, i);
		char p[16] = "", a[32], v[32];
		int64_t n = 0;

		keel_obj_strcpy(keel_obj_get(r, "priority"), p, sizeof(p));
		keel_obj_int(keel_obj_get(r, "tickets"), &n);
		ratio(r, "response", a, sizeof(a));
		ratio(r, "resolution", v, sizeof(v));
		printf("  %-10s %8lld  %-22s %s\n", p, (long long)n, a, v);
	}
	for (size_t i = 0; i < keel_obj_len(miss); i++) {
		char line[512] = "";

		keel_obj_strcpy(keel_obj_at(miss, i), line, sizeof(line));
		printf("not in this report: %s\n", line);
	}
}

static const char help_text[] =
    "\nA customer's monthly report: alerts and the tickets they raised, "
    "incidents,\nSLA attainment, RFCs, hours and a plain-language summary "
    "(docs/reports.md).\n\n"
    "options (report.monthly):\n"
    "  CUSTOMER               (required) the customer's id\n"
    "  YYYY-MM                (required) a calendar month in the "
    "customer's time zone\n"
    "  -o FILE.html           write the page (self-contained HTML, SVG "
    "charts)\n"
    "  -o FILE.pdf            print the page to PDF with headless Chromium "
    "(KEEL_CHROMIUM,\n"
    "                         else chromium on PATH)\n"
    "  --json                 every figure as JSON instead of the "
    "summary\n";

static int
report_exec(struct keelctl *ctl, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage_text, stdout);
			if (i > 1)
				fputs(help_text, stdout);
			return 0;
		}
	struct keel_enc *e;
	struct keel_env rep;
	const char *out = NULL;
	bool html;
	int r;

	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			out = argv[i + 1];
			memmove(argv + i, argv + i + 2,
			        (size_t)(argc - i - 2) * sizeof(*argv));
			argc -= 2;
			break;
		}
	if (argc != 4 || strcmp(argv[1], "monthly") != 0 ||
	    (out && !ends_with(out, ".html") && !ends_with(out, ".htm") &&
	     !ends_with(out, ".pdf"))) {
		fputs(usage_text, stderr);
		return 2;
	}
	html = out != NULL;
	if (!(e = keel_enc_new()))
		return 3;
	keel_enc_map(e, 2 + html);
	keel_enc_kv_str(e, "customer", argv[2]);
	keel_enc_kv_str(e, "month", argv[3]);
	if (html)
		keel_enc_kv_str(e, "format", "html");
	memset(&rep, 0, sizeof(rep));
	r = keelctl_call(ctl, "report.monthly", e, &rep);
	keel_enc_free(e);
	if (r != 0) {
		keel_env_release(&rep);
		return r < 0 ? 3 : 1;
	}
	if (out) {
		const void *p = NULL;
		size_t len = 0;

		if (!keel_obj_bin(keel_obj_get(rep.body, "html"), &p, &len)) {
			fprintf(stderr, "keelctl: the reply holds no page\n");
			r = 1;
		} else if (ends_with(out, ".pdf")) {
			r = print_pdf(p, len, out);
		} else if ((r = write_all(out, p, len)) == 0) {
			printf("%s: %zu bytes\n", out, len);
		}
	} else if (ctl->json) {
		struct keel_json j;

		keel_json_init(&j, 2);
		keel_json_value(&j, keel_obj_get(rep.body, "figures"));
		printf("%s\n", keel_json_str(&j) ? keel_json_str(&j) : "{}");
		keel_json_release(&j);
	} else {
		show(keel_obj_get(rep.body, "figures"));
	}
	keel_env_release(&rep);
	return r;
}

const struct keelctl_cmd keelctl_cmd_report = {
    .name = "report",
    .usage = "report monthly CUSTOMER YYYY-MM ...",
    .help = "a customer's monthly report (keel-billing)",
    .exec = report_exec,
};
