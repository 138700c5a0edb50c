/*
 * fuzz_envelope: any bytes from the network, as a request server, a
 * client reading a reply and a subscriber read them: the signature check
 * (auth.h: it reads the envelope before anything is decoded), the
 * non-allocating walk, then the decoders (which validate against the
 * declarations).  Nothing may crash, leak or read out of bounds (ASan,
 * libFuzzer).
 */
#include "auth.h"
#include "envelope.h"
#include "error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One identity with one key, in a directory of its own, made once. */
static struct keel_auth *
keyring(void)
{
	static struct keel_auth *a;
	char dir[] = "/tmp/keel-fuzz-XXXXXX", path[64];
	struct keel_error err;
	FILE *f;

	if (a || !mkdtemp(dir))
		return a;
	snprintf(path, sizeof(path), "%s/k", dir);
	if ((f = fopen(path, "w"))) {
		fputs("fuzz-secret-0123456789abcdef", f);
		fclose(f);
		chmod(path, 0600);
	}
	snprintf(path, sizeof(path), "%s/ids", dir);
	if ((f = fopen(path, "w"))) {
		fputs("identity f send=* read=*\nkey k1 f k\n", f);
		fclose(f);
	}
	keel_auth_load(path, "k1", 0, &a, &err);
	unlink(path);
	snprintf(path, sizeof(path), "%s/k", dir);
	unlink(path);
	rmdir(dir);
	return a;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keel_env env;
	struct keel_error err;
	const struct keel_identity *who;
	struct keel_auth *a = keyring();

	if (a)
		keel_auth_verify(a, data, size, 0, &who, &err);
	keel_env_decode_request(data, size, 1 << 20, &env, &err);
	keel_env_release(&env);
	keel_env_decode(data, size, 1 << 20, &env, &err);
	keel_env_release(&env);
	keel_env_decode_reply(data, size, 1 << 20, &env, &err);
	keel_env_release(&env);
	return 0;
}
