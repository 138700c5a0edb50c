/*
 * fuzz_envelope: any bytes from the network, as a request server, a
 * client reading a reply and a subscriber read them: the non-allocating
 * walk, then the decoders (which validate against the declarations).
 * Nothing may crash, leak or read out of bounds (ASan, libFuzzer).
 */
#include "envelope.h"
#include "error.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct keel_env env;
	struct keel_error err;

	keel_env_decode_request(data, size, 1 << 20, &env, &err);
	keel_env_release(&env);
	keel_env_decode(data, size, 1 << 20, &env, &err);
	keel_env_release(&env);
	keel_env_decode_reply(data, size, 1 << 20, &env, &err);
	keel_env_release(&env);
	return 0;
}
