/* harness_lua: calling a Functions library the way libkeel does. */
#include "harness_lua.h"

#include "codec.h"
#include "events.h"
#include "harness.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

redisContext *
harness_lua_open(struct harness_redis *r, const char *svc)
{
	struct timeval tv = {10, 0};
	redisContext *c = redisConnectUnixWithTimeout(r->sock, tv);
	char path[512];
	char *code;
	redisReply *rep;

	if (!c || c->err)
		bail_out("cannot connect to the test redis");
	snprintf(path, sizeof(path), "%s/keel_%s.lua", LUA_DIR, svc);
	code = harness_slurp(path);
	if (!code)
		bail_out("no library: build it first");
	rep = redisCommand(c, "FUNCTION LOAD REPLACE %s", code);
	free(code);
	if (!rep || rep->type == REDIS_REPLY_ERROR) {
		printf("# %s\n", rep ? rep->str : c->errstr);
		bail_out("the library does not load");
	}
	freeReplyObject(rep);
	return c;
}

static redisReply *
fcall(redisContext *c, const char *fn, int nkeys, const char *const *keys,
      int nargs, const char *const *args, const size_t *arg_lens)
{
	const char *argv[64];
	size_t lens[64];
	char nk[16];
	int n = 0;

	if (3 + nkeys + nargs > 64)
		bail_out("harness_fcall: too many arguments");
	snprintf(nk, sizeof(nk), "%d", nkeys);
	argv[n] = "FCALL";
	lens[n++] = 5;
	argv[n] = fn;
	lens[n++] = strlen(fn);
	argv[n] = nk;
	lens[n++] = strlen(nk);
	for (int i = 0; i < nkeys; i++, n++) {
		argv[n] = keys[i];
		lens[n] = strlen(keys[i]);
	}
	for (int i = 0; i < nargs; i++, n++) {
		argv[n] = args[i];
		lens[n] = arg_lens[i];
	}
	return redisCommandArgv(c, n, argv, lens);
}

static const char *
req_bytes(struct keel_enc *req, size_t *len)
{
	if (!req) {
		*len = 1;
		return "\x80";
	}
	return keel_enc_data(req, len);
}

redisReply *
harness_fcall(redisContext *c, const char *fn, int nkeys,
              const char *const *keys, struct keel_enc *req)
{
	size_t len;
	const char *p = req_bytes(req, &len);

	return fcall(c, fn, nkeys, keys, 1, (const char *[]){p},
	             (const size_t[]){len});
}

bool
harness_lua_write(redisContext *c, const char *svc, const char *fn,
                  const char *key, const char *prefix, int nkeys,
                  const char *const *keys, struct keel_enc *req,
                  struct harness_outcome *out)
{
	const char *k[32];
	char idem[256], stream[96];
	struct keel_enc *head = keel_enc_new();
	size_t rlen, hlen;
	const char *rp = req_bytes(req, &rlen);
	const char *hp;
	redisReply *rep;

	memset(out, 0, sizeof(*out));
	snprintf(idem, sizeof(idem), "keel:{%s}:idem:test:%s", svc, key);
	keel_events_key(svc, stream, sizeof(stream));
	k[0] = idem;
	k[1] = stream;
	for (int i = 0; i < nkeys && i < 30; i++)
		k[2 + i] = keys[i];
	keel_events_head(head, "test");
	hp = keel_enc_data(head, &hlen);
	rep = fcall(c, fn, 2 + nkeys, k, 5,
	            (const char *[]){rp, "600000", hp, prefix, rp},
	            (const size_t[]){rlen, 6, hlen, strlen(prefix), rlen});
	keel_enc_free(head);
	if (!rep || rep->type != REDIS_REPLY_ARRAY || rep->elements < 1) {
		snprintf(out->status, sizeof(out->status), "error");
		snprintf(out->message, sizeof(out->message), "%s",
		         rep && rep->str ? rep->str : "no reply");
		if (rep)
			freeReplyObject(rep);
		return false;
	}
	snprintf(out->status, sizeof(out->status), "%s",
	         rep->element[0]->str ? rep->element[0]->str : "");
	if (rep->elements >= 2 && rep->element[1]->type == REDIS_REPLY_STRING &&
	    rep->element[1]->len > 1 &&
	    keel_mp_decode(rep->element[1]->str + 1, rep->element[1]->len - 1,
	                   &out->doc) == 0) {
		const struct keel_obj *o = keel_mp_doc_root(out->doc);

		out->ok = rep->element[1]->str[0] == 'O';
		if (out->ok) {
			out->reply = o;
		} else {
			keel_obj_strcpy(keel_obj_get(o, "code"), out->code,
			                sizeof(out->code));
			keel_obj_strcpy(keel_obj_get(o, "field"), out->field,
			                sizeof(out->field));
			keel_obj_strcpy(keel_obj_get(o, "message"),
			                out->message, sizeof(out->message));
		}
	}
	out->events = rep->elements > 2 ? (int)(rep->elements - 2) / 2 : 0;
	freeReplyObject(rep);
	return true;
}

void
harness_outcome_release(struct harness_outcome *out)
{
	keel_mp_doc_free(out->doc);
	out->doc = NULL;
	out->reply = NULL;
}

redisReply *
harness_lua_effect(redisContext *c, const char *svc, const char *fn,
                   const char *seq, int nkeys, const char *const *keys,
                   struct keel_enc *req)
{
	const char *k[32];
	char done[256];
	struct keel_enc *head = keel_enc_new();
	size_t rlen, hlen;
	const char *rp = req_bytes(req, &rlen);
	const char *hp;
	redisReply *rep;

	snprintf(done, sizeof(done), "keel:{%s}:done:test:%s", svc, seq);
	k[0] = done;
	for (int i = 0; i < nkeys && i < 30; i++)
		k[1 + i] = keys[i];
	keel_events_head(head, "test");
	hp = keel_enc_data(head, &hlen);
	rep = fcall(c, fn, 1 + nkeys, k, 3,
	            (const char *[]){"600000", hp, rp},
	            (const size_t[]){6, hlen, rlen});
	keel_enc_free(head);
	return rep;
}
