/* keel-notify: rules (data) match every event of the other daemons; each
 * (event, rule, recipient) is a durable delivery, sent by email over SMTP
 * (libcurl), as a signed webhook (libcurl, HMAC-SHA256 with OpenSSL) or to
 * the journal, retried with backoff, dead-lettered, and, when it needs
 * one, chased for an acknowledgement (DOMAIN.md section 5). */
#ifndef KEEL_NOTIFY_H
#define KEEL_NOTIFY_H

#include "bus.h"
#include "consumer.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct keel_config;
struct keel_daemon;
struct keel_obj;

extern const struct keel_handler notify_handlers[];
extern const struct keel_subscription notify_subscriptions[];

/* templates.c: what a delivery says, no I/O. */
struct notify_message {
	char subject[300];
	char *text; /* malloc'd */
	char *html; /* malloc'd, every field escaped */
	char *json; /* malloc'd: the webhook body */
};

/* Renders delivery id of event etype (its body) for channel; token is the
 * acknowledgement token ("" when none) and ack_url where to send it ("":
 * keelctl).  0 or -ENOMEM; release with notify_message_free. */
int notify_render(const char *id, const char *event, const char *etype,
                  const struct keel_obj *body, const char *rule,
                  const char *token, const char *ack_url,
                  struct notify_message *m);
void notify_message_free(struct notify_message *m);
/* Appends s to buf (size) with & < > " ' escaped; returns the length. */
size_t notify_html_escape(const char *s, char *buf, size_t size);

/* send.c: the channels.  0 when the far side accepted; else -1 with why
 * in err and *permanent set when trying again cannot help. */
int notify_send_email(const struct keel_config *cfg, const char *to,
                      const char *id, const struct notify_message *m,
                      char *err, size_t esize, bool *permanent);
int notify_send_webhook(const struct keel_config *cfg, const char *url,
                        const char *id, const char *secret,
                        const struct notify_message *m, char *err,
                        size_t esize, bool *permanent);
/* The Standard Webhooks signature of body: "v1," base64(HMAC-SHA256(
 * secret, id "." ts "." body)). */
void notify_sign(const char *secret, const char *id, long long ts,
                 const char *body, char *out, size_t size);

/* deliver.c */
int64_t notify_tick(struct keel_daemon *d);
void notify_preview(struct keel_req *req);

extern const char keel_lua_notify[];

#endif
