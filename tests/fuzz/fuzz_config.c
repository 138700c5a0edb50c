/*
 * fuzz_config: any configuration file: each input is written to a file
 * and loaded (defaults, the file, no environment keys of ours set).
 */
#include "config.h"
#include "error.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct keel_config *cfg = NULL;
	struct keel_error err;
	FILE *f;

	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/keel-fuzz-config-%d",
		         (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (keel_config_load(path, &cfg, &err) == 0)
		keel_config_free(cfg);
	return 0;
}
