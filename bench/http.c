/*
 * keel-bench-http: ticket.create through keel-gateway (POST
 * /v1/ticket.create, JSON), as keel-bench does it over nng: N clients,
 * each one keep-alive connection (libcurl) sending its requests one after
 * the other, each with its own Idempotency-Key.  Prints one JSON object:
 * concurrency, requests, throughput, p50/p99/p999 latency (µs), errors.
 *
 *   keel-bench-http URL CONCURRENCY REQUESTS
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *url;
static int total;
static atomic_int next, errors;
static int64_t *lat; /* µs per request */

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static size_t
sink(char *p, size_t size, size_t n, void *arg)
{
	(void)p;
	(void)arg;
	return size * n;
}

static void *
client(void *arg)
{
	CURL *c = curl_easy_init();
	char target[512], key[96], hk[128];
	static const char body[] =
	    "{\"customer\":\"acme\",\"contact\":\"Carla\",\"channel\":"
	    "\"phone\",\"symptoms\":\"the printer in room 4 is offline\"}";
	int i;

	(void)arg;
	snprintf(target, sizeof(target), "%s/v1/ticket.create", url);
	curl_easy_setopt(c, CURLOPT_URL, target);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 30000L);
	curl_easy_setopt(c, CURLOPT_TCP_NODELAY, 1L);
	while ((i = atomic_fetch_add(&next, 1)) < total) {
		struct curl_slist *hh;
		long status = 0;
		int64_t t0 = now_us();

		snprintf(key, sizeof(key), "bench-http-%d-%d", (int)getpid(), i);
		snprintf(hk, sizeof(hk), "Idempotency-Key: %s", key);
		hh = curl_slist_append(curl_slist_append(NULL, hk),
		                       "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, hh);
		if (curl_easy_perform(c) != CURLE_OK ||
		    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status) !=
		        CURLE_OK ||
		    status != 200)
			atomic_fetch_add(&errors, 1);
		lat[i] = now_us() - t0;
		curl_slist_free_all(hh);
	}
	curl_easy_cleanup(c);
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	pthread_t th[256];
	int conc;
	int64_t t0, t1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s URL CONCURRENCY REQUESTS\n", argv[0]);
		return 2;
	}
	url = argv[1];
	conc = atoi(argv[2]);
	total = atoi(argv[3]);
	if (conc < 1 || conc > 256 || total < 1 ||
	    !(lat = calloc((size_t)total, sizeof(*lat))))
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	t0 = now_us();
	for (int i = 0; i < conc; i++)
		pthread_create(&th[i], NULL, client, NULL);
	for (int i = 0; i < conc; i++)
		pthread_join(th[i], NULL);
	t1 = now_us();
	qsort(lat, (size_t)total, sizeof(*lat), cmp);
	printf("{\"concurrency\": %d, \"requests\": %d, \"throughput\": %.1f, "
	       "\"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f, "
	       "\"errors\": %d}\n",
	       conc, total, total * 1e6 / (double)(t1 - t0),
	       (double)lat[total / 2], (double)lat[total * 99 / 100],
	       (double)lat[total * 999 / 1000], atomic_load(&errors));
	curl_global_cleanup();
	free(lat);
	return 0;
}
