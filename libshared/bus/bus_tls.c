/*
 * Mutual TLS on the bus (tls+tcp:// addresses), on nng's TLS transport
 * (mbedtls in Debian's libnng).  One identity per process: the CA that
 * signs every Keel peer, and this process's certificate with its key, set
 * once from the configuration (bus.tls_ca, bus.tls_cert).  Every listener
 * and dialer of a tls+tcp:// address requires the peer's certificate and
 * checks it against that CA, both ways: a client without a certificate,
 * or with one from another CA, is refused in the handshake.
 *
 * nng counts what its listeners refuse; keel_bus_tls_refused() sums it
 * for sys.stats and /metrics.
 */
#include "bus.h"
#include "bus_tls.h"

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTENERS 8

static struct {
	pthread_mutex_t lock;
	char ca[1024], cert[1024];
	nng_listener listeners[MAX_LISTENERS];
	int nlisteners;
} tls = {.lock = PTHREAD_MUTEX_INITIALIZER};

void
keel_bus_tls(const char *ca_file, const char *cert_key_file)
{
	pthread_mutex_lock(&tls.lock);
	snprintf(tls.ca, sizeof(tls.ca), "%s", ca_file ? ca_file : "");
	snprintf(tls.cert, sizeof(tls.cert), "%s",
	         cert_key_file ? cert_key_file : "");
	pthread_mutex_unlock(&tls.lock);
}

static bool
is_tls(const char *url)
{
	return strncmp(url, "tls+", 4) == 0;
}

/* The TLS options of an endpoint: the peer must present a certificate of
 * our CA; ours goes with it.  0 or an nng error. */
#define SET_TLS(kind, ep)                                                      \
	do {                                                                   \
		if (!tls.ca[0] || !tls.cert[0])                                \
			return NNG_EPEERAUTH;                                  \
		if ((rv = nng_##kind##_set_int(ep, NNG_OPT_TLS_AUTH_MODE,      \
		                               NNG_TLS_AUTH_MODE_REQUIRED)) || \
		    (rv = nng_##kind##_set_string(ep, NNG_OPT_TLS_CA_FILE,     \
		                                  tls.ca)) ||                  \
		    (rv = nng_##kind##_set_string(                             \
		         ep, NNG_OPT_TLS_CERT_KEY_FILE, tls.cert)))            \
			return rv;                                             \
	} while (0)

static int
tls_listener(nng_listener l)
{
	int rv;

	SET_TLS(listener, l);
	return 0;
}

static int
tls_dialer(nng_dialer d)
{
	int rv;

	SET_TLS(dialer, d);
	return 0;
}

int
bus_listen(nng_socket sock, const char *url, nng_listener *ret)
{
	nng_listener l;
	int rv;

	if (!is_tls(url))
		return nng_listen(sock, url, ret, 0);
	pthread_mutex_lock(&tls.lock);
	if ((rv = nng_listener_create(&l, sock, url)) == 0) {
		if ((rv = tls_listener(l)) != 0 ||
		    (rv = nng_listener_start(l, 0)) != 0) {
			nng_listener_close(l);
		} else {
			if (tls.nlisteners < MAX_LISTENERS)
				tls.listeners[tls.nlisteners++] = l;
			if (ret)
				*ret = l;
		}
	}
	pthread_mutex_unlock(&tls.lock);
	return rv;
}

int
bus_dial(nng_socket sock, const char *url, int flags)
{
	nng_dialer d;
	int rv;

	if (!is_tls(url))
		return nng_dial(sock, url, NULL, flags);
	pthread_mutex_lock(&tls.lock);
	if ((rv = nng_dialer_create(&d, sock, url)) == 0) {
		if ((rv = tls_dialer(d)) != 0 ||
		    (rv = nng_dialer_start(d, flags)) != 0)
			nng_dialer_close(d);
	}
	pthread_mutex_unlock(&tls.lock);
	return rv;
}

/* A counter of a listener's statistics, 0 when absent. */
static uint64_t
counter(nng_stat *ls, const char *name)
{
	nng_stat *s = ls ? nng_stat_find(ls, name) : NULL;

	return s ? nng_stat_value(s) : 0;
}

uint64_t
keel_bus_tls_refused(void)
{
	nng_stat *all = NULL;
	uint64_t n = 0;

	pthread_mutex_lock(&tls.lock);
	if (tls.nlisteners > 0 && nng_stats_get(&all) == 0) {
		for (int i = 0; i < tls.nlisteners; i++) {
			nng_stat *ls = nng_stat_find_listener(all,
			                                      tls.listeners[i]);

			n += counter(ls, "auth") + counter(ls, "proto") +
			     counter(ls, "reject");
		}
		nng_stats_free(all);
	}
	pthread_mutex_unlock(&tls.lock);
	return n;
}
