/*
 * fuzz_validate: every message validator, driven by the declarations.
 * The first byte picks a declared type; the rest, once it passes the walk
 * and decodes, is validated as that type's body and, for a request, as
 * its reply.
 */
#include "codec.h"
#include "error.h"
#include "msg.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct keel_msgdecl *d;
	struct keel_mp_doc *doc;
	struct keel_error err;

	if (size < 1 || keel_msgs_count == 0)
		return 0;
	d = &keel_msgs[data[0] % keel_msgs_count];
	if (keel_mp_check(data + 1, size - 1, KEEL_WIRE_MAX_DEPTH, NULL) < 0 ||
	    keel_mp_decode(data + 1, size - 1, &doc) < 0)
		return 0;
	keel_msg_validate(d->body, keel_mp_doc_root(doc), "body", &err);
	if (d->reply)
		keel_msg_validate(d->reply, keel_mp_doc_root(doc), "body", &err);
	keel_mp_doc_free(doc);
	return 0;
}
