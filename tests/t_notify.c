/*
 * t_notify: keel-intake, keel-ticketing and keel-notify as processes, a
 * real SMTP server (Debian's python3-aiosmtpd: STARTTLS and AUTH
 * required, tests/notify/smtp_server.py) and a real webhook receiver that
 * checks signatures (tests/notify/webhook_receiver.py), with a CA and
 * certificate made by openssl here.  Checked at the far side:
 *  - a ticket's life gives exactly the default rules' messages, each
 *    once, with the right headers, both parts, UTF-8 and HTML escaping;
 *  - webhooks arrive signed; a tampered body is refused by the receiver;
 *  - the SMTP server down for a while: retried, then delivered once;
 *  - a permanent failure lands in the dead-letter list; replay delivers;
 *  - an unacknowledged escalation is re-sent, then goes to the backup
 *    over a second channel; an acknowledged one stops;
 *  - keel-notify SIGKILLed mid-batch: nothing lost; nothing doubled at
 *    the webhook receiver (its idempotency key), at most the one message
 *    in flight at the SMTP server (the documented window).
 */
#include "bus.h"
#include "codec.h"
#include "error.h"
#include "harness.h"
#include "tap.h"

#include <dirent.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static struct keel_client *in, *tk, *nt;
static struct keel_enc *b;
static struct keel_env rep;
static char maildir[512], hookdir[512];

static bool
call(struct keel_client *c, const char *type)
{
	return harness_call(c, type, b, &rep);
}

static const char *
rstr(const char *k)
{
	static char buf[4][512];
	static int i;
	char *s = buf[i++ % 4];

	s[0] = '\0';
	keel_obj_strcpy(keel_obj_get(rep.body, k), s, 512);
	return s;
}

/* Files in dir ending in ext. */
static int
count(const char *dir, const char *ext)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += strstr(e->d_name, ext) &&
		     strcmp(e->d_name + strlen(e->d_name) - strlen(ext), ext) ==
		         0;
	if (d)
		closedir(d);
	return n;
}

/* Waits until dir holds at least n files ending in ext (10 s). */
static int
wait_count(const char *dir, const char *ext, int n)
{
	for (int t = 0; t < 400 && count(dir, ext) < n; t++)
		harness_sleep_ms(25);
	harness_sleep_ms(200);
	return count(dir, ext);
}

/* The text of file n (1-based) of dir with ext, malloc'd. */
static char *
file(const char *dir, int n, const char *ext)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%04d%s", dir, n, ext);
	return harness_slurp(path);
}

/* Mail files holding needle. */
static int
mails_with(const char *needle)
{
	int n = 0, all = count(maildir, ".eml");

	for (int i = 1; i <= all; i++) {
		char *m = file(maildir, i, ".eml");

		n += m && strstr(m, needle) != NULL;
		free(m);
	}
	return n;
}

/* Mail files whose X-Keel-Delivery appears in another file too. */
static int
mail_duplicates(void)
{
	int all = count(maildir, ".eml"), dup = 0;
	char **ids = calloc((size_t)all + 1, sizeof(char *));

	for (int i = 1; ids && i <= all; i++) {
		char *m = file(maildir, i, ".eml"), *p;

		ids[i] = NULL;
		if (m && (p = strstr(m, "X-Keel-Delivery: "))) {
			p += 17;
			ids[i] = strndup(p, strcspn(p, "\r\n"));
		}
		free(m);
		for (int k = 1; k < i && ids[i]; k++)
			dup += ids[k] && strcmp(ids[k], ids[i]) == 0;
	}
	for (int i = 1; ids && i <= all; i++)
		free(ids[i]);
	free(ids);
	return dup;
}

static int
deliveries(const char *status)
{
	harness_body(b, "status", 's', status, "limit", 'i', 10000LL, NULL);
	call(nt, "notify.log");
	return (int)keel_obj_len(keel_obj_get(rep.body, "deliveries"));
}

static char smtp_port[16], hook_port[16], cert[600], key[600];
static const char *dir;

static pid_t
start_smtp(void)
{
	char log[600];

	snprintf(log, sizeof(log), "%s/smtp.log", dir);
	return harness_smtp(smtp_port, maildir, cert, key, log);
}

static pid_t
start_notify(void)
{
	pid_t p = harness_daemon("notify", 0);

	for (int t = 0; t < 200 && !harness_healthy(nt); t++)
		harness_sleep_ms(25);
	return p;
}

int
main(void)
{
	struct harness_redis redis = {0};
	char conf[4096], t1[33] = "", token[64] = "";
	pid_t pi, pt, pn, psmtp, phook;
	int n;

	signal(SIGPIPE, SIG_IGN);
	dir = harness_tmpdir();
	snprintf(maildir, sizeof(maildir), "%s/mail", dir);
	snprintf(hookdir, sizeof(hookdir), "%s/hooks", dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	mkdir(maildir, 0755);
	mkdir(hookdir, 0755);
	harness_cert(cert, key);
	snprintf(smtp_port, sizeof(smtp_port), "%d", harness_free_port());
	snprintf(hook_port, sizeof(hook_port), "%d", harness_free_port());
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	psmtp = start_smtp();
	{
		char log[600];

		snprintf(log, sizeof(log), "%s/hook.log", dir);
		phook = harness_spawn(
		    (char *[]){"/usr/bin/python3",
		               SOURCE_ROOT "/tests/notify/webhook_receiver.py",
		               hook_port, hookdir, "0123456789abcdef-hook", NULL},
		    NULL, log);
	}
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\n"
	         "intake.rep = ipc://%s/i0.rep\nintake.pub = ipc://%s/i0.pub\n"
	         "intake.http =\n"
	         "ticketing.rep = ipc://%s/t0.rep\n"
	         "ticketing.pub = ipc://%s/t0.pub\nticketing.http =\n"
	         "notify.rep = ipc://%s/n0.rep\nnotify.pub = ipc://%s/n0.pub\n"
	         "notify.http =\nevents.sweep_ms = 200\n"
	         "notify.smtp_url = smtp://127.0.0.1:%s\n"
	         "notify.smtp_starttls = 1\nnotify.smtp_ca = %s\n"
	         "notify.smtp_user = keel\nnotify.smtp_password = s3cret-pass\n"
	         "notify.smtp_from = Keel Support <support@provider.example>\n"
	         "notify.retry_base_ms = 100\nnotify.retry_max_ms = 400\n"
	         "notify.max_attempts = 60\nnotify.lease_ms = 2000\n"
	         "notify.batch = 5\n",
	         redis.sock, dir, dir, dir, dir, dir, dir, smtp_port, cert);
	harness_write("keel.conf", conf);
	pi = harness_daemon("intake", 0);
	pt = harness_daemon("ticketing", 0);
	in = harness_client("intake", "i0.rep", 5000);
	tk = harness_client("ticketing", "t0.rep", 5000);
	nt = harness_client("notify", "n0.rep", 5000);
	b = keel_enc_new();
	pn = start_notify();

	harness_body(b, "id", 's', "acme", "name", 's', "Acme AG", "timezone",
	             's', "Europe/Zurich", "contacts", 'r',
	             "\x91\x82\xa4name\xa5" "Carla\xa5" "email\xb2"
	             "carla@acme.example",
	             (size_t)38, NULL);
	ok(call(in, "customer.put"), "a customer with a contact");
	harness_body(b, "id", 's', "t1", "name", 's', "Tom", "role", 's',
	             "technician", "level", 'i', 1LL, "email", 's',
	             "tom@provider.example", NULL);
	call(tk, "staff.put");
	harness_body(b, "id", 's', "t2", "name", 's', "Tia", "role", 's',
	             "technician", "level", 'i', 2LL, "email", 's',
	             "tia@provider.example", NULL);
	call(tk, "staff.put");
	harness_body(b, "id", 's', "sm", "name", 's', "Sam", "role", 's',
	             "service_manager", "email", 's', "sam@provider.example",
	             NULL);
	call(tk, "staff.put");
	harness_body(b, "id", 's', "ex", "name", 's', "Eve", "role", 's',
	             "executive", "email", 's', "eve@provider.example", NULL);
	call(tk, "staff.put");
	harness_sleep_ms(800);

	/* a ticket's life */
	for (int t = 0; t < 200; t++) {
		harness_body(b, "customer", 's', "acme", "contact", 's', "Carla",
		             "channel", 's', "phone", "symptoms", 's',
		             "Outlook <b>cannot</b> connect & fails — Zürich",
		             NULL);
		if (call(tk, "ticket.create"))
			break;
		harness_sleep_ms(25);
	}
	snprintf(t1, sizeof(t1), "%s", rstr("id"));
	ok(t1[0], "ticket %s", t1);
	n = wait_count(maildir, ".eml", 2);
	is_int(n, 2, "receipt to the customer, assignment to the technician");
	{
		char *m = NULL;

		for (int i = 1; i <= 2 && (!m || !strstr(m, "carla@")); i++) {
			free(m);
			m = file(maildir, i, ".eml");
		}
		ok(m && strstr(m, "X-Envelope-To: carla@acme.example") &&
		       strstr(m, "Subject: Ticket T-000001 received") &&
		       strstr(m, "From: Keel Support <support@provider.example>") &&
		       strstr(m, "Message-ID: <") &&
		       strstr(m, "multipart/alternative") &&
		       strstr(m, "text/plain; charset=utf-8") &&
		       strstr(m, "text/html; charset=utf-8") &&
		       strstr(m, "quoted-printable"),
		   "the receipt: headers, both parts, quoted-printable UTF-8");
		ok(m && strstr(m, "Z=C3=BCrich") && strstr(m, "&lt;b&gt;cannot") &&
		       strstr(m, "&amp; fails"),
		   "  UTF-8 encoded, HTML escaped");
		ok(m && strstr(m, "response_due_ms:"),
		   "  with the response target");
		free(m);
	}
	ok(mails_with("X-Envelope-To: tom@provider.example") == 1,
	   "the assignment went to tom");

	/* webhooks, signed */
	{
		char url[100], raw[200];
		size_t len;

		snprintf(url, sizeof(url), "http://127.0.0.1:%s/hooks",
		         hook_port);
		len = (size_t)snprintf(raw, sizeof(raw),
		                       "\x91\x82\xa4kind\xa7webhook\xa7"
		                       "address\xd9%c%s",
		                       (char)strlen(url), url);
		harness_body(b, "id", 's', "hook", "event", 's', "ticket.",
		             "to", 'r', raw, len, "channel", 's', "webhook",
		             "secret", 's', "0123456789abcdef-WRONG", NULL);
	}
	ok(call(nt, "notify.rule.put"), "a webhook rule, with a wrong secret");
	harness_body(b, "id", 's', t1, "status", 's', "open", NULL);
	ok(call(tk, "ticket.status"), "ticket open");
	for (int t = 0; t < 400 && deliveries("dead") < 1; t++)
		harness_sleep_ms(25);
	ok(deliveries("dead") >= 1,
	   "the receiver refused the signature: dead at once (permanent)");
	harness_body(b, NULL);
	ok(call(nt, "notify.dlq.list") &&
	       keel_obj_len(keel_obj_get(rep.body, "deliveries")) >= 1,
	   "notify dlq list shows it");
	{
		char id[300] = "";

		keel_obj_strcpy(keel_obj_get(keel_obj_at(keel_obj_get(rep.body,
		                                                       "deliveries"),
		                                          0),
		                             "id"),
		                id, sizeof(id));
		harness_body(b, "id", 's', id, NULL);
		ok(call(nt, "notify.dlq.show") &&
		       keel_obj_len(keel_obj_get(
		           keel_obj_at(keel_obj_get(rep.body, "deliveries"), 0),
		           "errors")) >= 1,
		   "notify dlq show %s: with its error", id);
		/* the right secret, then replay */
		{
			char url[100], raw[200];
			size_t len;

			snprintf(url, sizeof(url), "http://127.0.0.1:%s/hooks",
			         hook_port);
			len = (size_t)snprintf(raw, sizeof(raw),
			                       "\x91\x82\xa4kind\xa7webhook\xa7"
			                       "address\xd9%c%s",
			                       (char)strlen(url), url);
			harness_body(b, "id", 's', "hook", "event", 's',
			             "ticket.", "to", 'r', raw, len, "channel",
			             's', "webhook", "secret", 's',
			             "0123456789abcdef-hook", NULL);
			call(nt, "notify.rule.put");
		}
		harness_body(b, "id", 's', id, NULL);
		ok(call(nt, "notify.dlq.replay"), "replayed");
		ok(wait_count(hookdir, ".json", 1) >= 1,
		   "  and delivered, signed right");
	}
	{
		char *h = file(hookdir, 1, ".json");

		ok(h && strstr(h, "\"type\": \"ticket.") &&
		       strstr(h, "\"data\": {"),
		   "the webhook body is the event as JSON");
		free(h);
	}
	/* a tampered body is refused by the receiver */
	{
		char url[100];
		char *args[16];
		int st;

		snprintf(url, sizeof(url), "http://127.0.0.1:%s/hooks",
		         hook_port);
		args[0] = "/usr/bin/curl";
		args[1] = "-s";
		args[2] = "-o";
		args[3] = "/dev/null";
		args[4] = "-w";
		args[5] = "%{http_code}";
		args[6] = "-H";
		args[7] = "webhook-id: forged";
		args[8] = "-H";
		args[9] = "webhook-timestamp: 1";
		args[10] = "-H";
		args[11] = "webhook-signature: v1,AAAA";
		args[12] = "--data";
		args[13] = "{\"id\":\"forged\"}";
		args[14] = url;
		args[15] = NULL;
		st = harness_wait(harness_spawn(args, NULL, "/dev/null"), 10000);
		ok(st == 0, "a forged delivery is posted");
		{
			char p[600], *r;

			snprintf(p, sizeof(p), "%s/rejected", hookdir);
			r = harness_slurp(p);
			ok(r && strstr(r, "forged"),
			   "the receiver refused the forged signature");
			free(r);
		}
	}

	/* the SMTP server down for a while */
	kill(psmtp, SIGTERM);
	harness_wait(psmtp, 10000);
	n = count(maildir, ".eml");
	harness_body(b, "id", 's', t1, "resolution", 's', "profile rebuilt",
	             NULL);
	ok(call(tk, "ticket.resolve"), "resolved while the SMTP server is down");
	for (int t = 0; t < 200 && deliveries("retry") < 1; t++)
		harness_sleep_ms(25);
	ok(deliveries("retry") >= 1, "deliveries wait to be tried again");
	harness_sleep_ms(1000);
	psmtp = start_smtp();
	ok(wait_count(maildir, ".eml", n + 1) >= n + 1,
	   "the SMTP server back: delivered");
	harness_sleep_ms(1500);
	is_int(mail_duplicates(), 0, "  each once");

	/* acknowledgements */
	{
		char url[100], raw[200];
		size_t len;

		snprintf(url, sizeof(url), "http://127.0.0.1:%s/hooks",
		         hook_port);
		len = (size_t)snprintf(raw, sizeof(raw),
		                       "\x83\xa4kind\xa7webhook\xa7"
		                       "address\xd9%c%s\xa7" "channel\xa7webhook",
		                       (char)strlen(url), url);
		harness_body(b, "id", 's', "ticket-escalated", "event", 's',
		             "ticket.escalated", "to", 'r',
		             "\x91\x81\xa4kind\xafservice_manager", (size_t)23,
		             "channel", 's', "email", "ack", 'b', 1LL,
		             "ack_after_s", 'i', 1LL, "backup", 'r', raw, len,
		             "secret", 's', "0123456789abcdef-hook", NULL);
	}
	ok(call(nt, "notify.rule.put"),
	   "escalations need an ack within 1 s; the backup is a pager "
	   "webhook");
	harness_body(b, "id", 's', t1, "reason", 's', "customer unhappy", NULL);
	call(tk, "ticket.reopen");
	n = count(maildir, ".eml");
	keel_enc_reset(b);
	keel_enc_map(b, 2);
	keel_enc_kv_str(b, "id", t1);
	keel_enc_kv_str(b, "reason", "needs level 2");
	ok(call(tk, "ticket.escalate"), "escalated");
	for (int t = 0; t < 400 && mails_with("Subject: Escalation") < 2; t++)
		harness_sleep_ms(25);
	ok(mails_with("Subject: Escalation") >= 2,
	   "not acknowledged: sent, then sent again");
	{
		bool esc = false;

		for (int t = 0; t < 400 && !esc; t++) {
			const struct keel_obj *rows;

			harness_body(b, "status", 's', "sent", "limit", 'i',
			             10000LL, NULL);
			call(nt, "notify.log");
			rows = keel_obj_get(rep.body, "deliveries");
			for (size_t i = 0; i < keel_obj_len(rows); i++) {
				const struct keel_obj *r = keel_obj_at(rows, i);
				char id[300] = "";

				keel_obj_strcpy(keel_obj_get(r, "id"), id,
				                sizeof(id));
				esc |= strstr(id, "#2") &&
				       keel_obj_streq(keel_obj_get(r, "channel"),
				                      "webhook");
			}
			if (!esc)
				harness_sleep_ms(25);
		}
		ok(esc, "still not acknowledged: the backup's pager webhook "
		        "got it");
	}
	{
		char *m = NULL;
		const char *p;
		int all = count(maildir, ".eml");

		for (int i = all; i >= 1 && !token[0]; i--) {
			free(m);
			m = file(maildir, i, ".eml");
			if (m && (p = strstr(m, "notify ack ")))
				snprintf(token, sizeof(token), "%.32s", p + 11);
		}
		free(m);
	}
	ok(strlen(token) == 32, "the message carries its ack token");
	harness_body(b, "token", 's', token, "by", 's', "Sam", NULL);
	ok(call(nt, "notify.ack") && keel_obj_get(rep.body, "acked"),
	   "acknowledged by Sam");
	n = mails_with("Subject: Escalation");
	harness_sleep_ms(2500);
	is_int(mails_with("Subject: Escalation"), n,
	       "  nothing more is sent after the ack");
	/* the ticket's whole life so far, at the SMTP server: receipt and
	 * three status changes (open, resolved, reopened) to the customer,
	 * the assignments to tom and to tia (escalated to level 2), the
	 * escalation to sam and its one re-sending */
	is_int(mails_with("X-Envelope-To: carla@acme.example"), 4,
	       "the customer got 4 messages");
	is_int(mails_with("Subject: Ticket T-000001: status changed"), 3,
	       "  3 of them status changes");
	is_int(mails_with("X-Envelope-To: tom@provider.example"), 1,
	       "tom: the assignment");
	is_int(mails_with("X-Envelope-To: tia@provider.example"), 1,
	       "tia: the escalated assignment");
	is_int(mails_with("X-Envelope-To: sam@provider.example"), 2,
	       "sam: the escalation and its re-sending");
	is_int(mails_with("X-Envelope-To: eve@provider.example"), 0,
	       "eve: nothing (the backup is the pager webhook)");
	is_int(mail_duplicates(), 0, "every message once");
	harness_body(b, "token", 's', "nope", NULL);
	ok(!call(nt, "notify.ack") &&
	       strcmp(rep.error.code, KEEL_E_NOT_FOUND) == 0,
	   "an unknown token is refused");

	/* SIGKILL mid-batch */
	{
		int before = count(maildir, ".eml"), want;

		for (int i = 0; i < 15; i++) {
			harness_body(b, "customer", 's', "acme", "contact", 's',
			             "Carla", "channel", 's', "email", "symptoms",
			             's', "printer jam", NULL);
			call(tk, "ticket.create");
		}
		for (int t = 0; t < 400 && count(maildir, ".eml") < before + 3;
		     t++)
			harness_sleep_ms(10);
		kill(pn, SIGKILL);
		harness_wait(pn, 10000);
		pn = start_notify();
		/* 15 receipts and 15 assignments */
		want = before + 30;
		n = wait_count(maildir, ".eml", want);
		for (int t = 0; t < 40 && count(maildir, ".eml") < want; t++)
			harness_sleep_ms(250);
		ok(count(maildir, ".eml") - mail_duplicates() == want,
		   "killed mid-batch: every message arrived (%d of %d)",
		   count(maildir, ".eml") - mail_duplicates(), want);
		ok(mail_duplicates() <= 1,
		   "at most the one in flight doubled (%d)", mail_duplicates());
	}

	keel_env_release(&rep);
	keel_enc_free(b);
	keel_client_free(in);
	keel_client_free(tk);
	keel_client_free(nt);
	kill(pn, SIGTERM);
	ok(harness_stopped(pn), "keel-notify stops cleanly");
	kill(pt, SIGTERM);
	kill(pi, SIGTERM);
	kill(psmtp, SIGKILL);
	kill(phook, SIGKILL);
	harness_wait(pt, 10000);
	harness_wait(pi, 10000);
	harness_wait(psmtp, 10000);
	harness_wait(phook, 10000);
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
