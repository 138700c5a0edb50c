/*
 * keel-notify's channels, on libcurl (SMTP with STARTTLS and AUTH, HTTP(S)
 * for webhooks) and OpenSSL (HMAC-SHA256, base64): well-kept libraries
 * rather than a hand-written SMTP client or HMAC.
 *
 *  - email: multipart/alternative (text and HTML, quoted-printable,
 *    UTF-8), Subject as an RFC 2047 encoded word, Message-ID derived from
 *    the delivery id (the same delivery sent twice carries the same id, so
 *    a receiver can tell);
 *  - webhook: POST of the JSON body with the Standard Webhooks headers
 *    webhook-id (the delivery id: the idempotency key), webhook-timestamp
 *    and webhook-signature ("v1," base64 of HMAC-SHA256 over
 *    "id.timestamp.body" with the rule's secret).
 * A 5xx SMTP reply or a 4xx HTTP status (but 408 and 429) is permanent;
 * anything else is tried again.
 */
#include "notify.h"

#include "config.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
base64(const unsigned char *in, size_t n, char *out, size_t size)
{
	unsigned char tmp[4 * ((4096 + 2) / 3) + 1];

	if (n > 4096 || size < 4 * ((n + 2) / 3) + 1) {
		out[0] = '\0';
		return;
	}
	n = (size_t)EVP_EncodeBlock(tmp, in, (int)n);
	memcpy(out, tmp, n + 1);
}

void
notify_sign(const char *secret, const char *id, long long ts,
            const char *body, char *out, size_t size)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mlen = 0;
	char b64[128];
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *c = m ? EVP_MAC_CTX_new(m) : NULL;
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string("digest", "SHA256", 0),
	    OSSL_PARAM_construct_end()};
	char head[512];
	size_t outl = 0;

	out[0] = '\0';
	snprintf(head, sizeof(head), "%s.%lld.", id, ts);
	if (c && EVP_MAC_init(c, (const unsigned char *)secret, strlen(secret),
	                      params) == 1 &&
	    EVP_MAC_update(c, (const unsigned char *)head, strlen(head)) == 1 &&
	    EVP_MAC_update(c, (const unsigned char *)body, strlen(body)) == 1 &&
	    EVP_MAC_final(c, mac, &outl, sizeof(mac)) == 1) {
		mlen = (unsigned int)outl;
		base64(mac, mlen, b64, sizeof(b64));
		snprintf(out, size, "v1,%s", b64);
	}
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(m);
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

/* "=?UTF-8?B?...?=" when s has bytes beyond ASCII, else s. */
static void
encoded_word(const char *s, char *out, size_t size)
{
	char b64[1024];
	bool plain = true;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		plain &= *p >= 0x20 && *p < 0x7f;
	if (plain) {
		snprintf(out, size, "%s", s);
		return;
	}
	base64((const unsigned char *)s, strlen(s), b64, sizeof(b64));
	snprintf(out, size, "=?UTF-8?B?%s?=", b64);
}

/* s with every "\n" as "\r\n", as SMTP wants lines (malloc'd). */
static char *
crlf(const char *s)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = s; *p; p++)
		n += *p == '\n' ? 2 : 1;
	if (!(out = malloc(n + 1)))
		return NULL;
	o = out;
	for (const char *p = s; *p; p++) {
		if (*p == '\n' && (p == s || p[-1] != '\r'))
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

int
notify_send_email(const struct keel_config *cfg, const char *to,
                  const char *id, const struct notify_message *m, char *err,
                  size_t esize, bool *permanent)
{
	const char *from = keel_config_str(cfg, "notify.smtp_from");
	const char *user = keel_config_str(cfg, "notify.smtp_user");
	const char *ca = keel_config_str(cfg, "notify.smtp_ca");
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL, *hdr = NULL;
	curl_mime *mime = NULL, *alt = NULL;
	curl_mimepart *part;
	char *text, *html;
	unsigned char digest[SHA256_DIGEST_LENGTH];
	char line[1200], subject[1100], msgid[80], date[64];
	long code = 0;
	CURLcode rc;
	time_t now = time(NULL);
	struct tm tm;

	*permanent = false;
	if (!c) {
		snprintf(err, esize, "curl_easy_init failed");
		return -1;
	}
	SHA256((const unsigned char *)id, strlen(id), digest);
	snprintf(msgid, sizeof(msgid), "Message-ID: <");
	for (int i = 0; i < 12; i++)
		snprintf(msgid + strlen(msgid), sizeof(msgid) - strlen(msgid),
		         "%02x", digest[i]);
	snprintf(msgid + strlen(msgid), sizeof(msgid) - strlen(msgid),
	         "@keel>");
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "Date: %a, %d %b %Y %H:%M:%S +0000", &tm);
	encoded_word(m->subject, subject, sizeof(subject));
	snprintf(line, sizeof(line), "Subject: %s", subject);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "From: %s", from);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "To: %s", to);
	hdr = curl_slist_append(hdr, line);
	hdr = curl_slist_append(hdr, msgid);
	hdr = curl_slist_append(hdr, date);
	snprintf(line, sizeof(line), "X-Keel-Delivery: %s", id);
	hdr = curl_slist_append(hdr, line);
	rcpt = curl_slist_append(rcpt, to);

	text = crlf(m->text);
	html = crlf(m->html);
	mime = curl_mime_init(c);
	alt = curl_mime_init(c);
	part = curl_mime_addpart(alt);
	curl_mime_data(part, text ? text : "", CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/plain; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(alt);
	curl_mime_data(part, html ? html : "", CURL_ZERO_TERMINATED);
	curl_mime_type(part, "text/html; charset=utf-8");
	curl_mime_encoder(part, "quoted-printable");
	part = curl_mime_addpart(mime);
	curl_mime_subparts(part, alt);
	curl_mime_type(part, "multipart/alternative");

	curl_easy_setopt(c, CURLOPT_URL,
	                 keel_config_str(cfg, "notify.smtp_url"));
	if (keel_config_int(cfg, "notify.smtp_starttls"))
		curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	if (ca && ca[0])
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (user && user[0]) {
		curl_easy_setopt(c, CURLOPT_USERNAME, user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		                 keel_config_str(cfg, "notify.smtp_password"));
	}
	/* the envelope sender is the address alone: "Name <a@b>" -> <a@b> */
	curl_easy_setopt(c, CURLOPT_MAIL_FROM,
	                 strchr(from, '<') ? strchr(from, '<') : from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	                 (long)keel_config_int(cfg, "notify.timeout_ms"));
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		snprintf(err, esize, "smtp: %s (reply %ld)",
		         curl_easy_strerror(rc), code);
		*permanent = (code >= 500 && code < 600) ||
		             rc == CURLE_LOGIN_DENIED;
	}
	curl_mime_free(mime);
	free(text);
	free(html);
	curl_slist_free_all(rcpt);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	return rc == CURLE_OK ? 0 : -1;
}

int
notify_send_webhook(const struct keel_config *cfg, const char *url,
                    const char *id, const char *secret,
                    const struct notify_message *m, char *err, size_t esize,
                    bool *permanent)
{
	CURL *c = curl_easy_init();
	struct curl_slist *hdr = NULL;
	char line[600], sig[200];
	long long ts = (long long)time(NULL);
	long code = 0;
	CURLcode rc;

	*permanent = false;
	if (!c) {
		snprintf(err, esize, "curl_easy_init failed");
		return -1;
	}
	notify_sign(secret, id, ts, m->json, sig, sizeof(sig));
	hdr = curl_slist_append(hdr, "Content-Type: application/json");
	snprintf(line, sizeof(line), "webhook-id: %s", id);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "webhook-timestamp: %lld", ts);
	hdr = curl_slist_append(hdr, line);
	snprintf(line, sizeof(line), "webhook-signature: %s", sig);
	hdr = curl_slist_append(hdr, line);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, m->json);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
	                 (long)keel_config_int(cfg, "notify.timeout_ms"));
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK) {
		snprintf(err, esize, "webhook: %s", curl_easy_strerror(rc));
		return -1;
	}
	if (code < 200 || code > 299) {
		snprintf(err, esize, "webhook: HTTP %ld", code);
		*permanent = code >= 400 && code < 500 && code != 408 &&
		             code != 429;
		return -1;
	}
	return 0;
}
