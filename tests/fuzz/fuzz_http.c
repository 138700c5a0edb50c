/*
 * fuzz_http: any bytes as the head of an HTTP request to /healthz,
 * /readyz or /metrics: the completeness check and the request-line
 * parser that bus_http.c runs on what a connection sent.
 */
#include "bus.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char method[8], path[64];

	keel_http_head_complete((const char *)data, size);
	keel_http_request_line((const char *)data, size, method,
	                       sizeof(method), path, sizeof(path));
	if (strlen(method) >= sizeof(method) || strlen(path) >= sizeof(path))
		__builtin_trap();
	return 0;
}
