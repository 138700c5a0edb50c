/*
 * Mutual TLS on the bus (tls+tcp:// addresses), on nng's TLS transport
 * (mbedtls in Debian's libnng).  One identity per process: the CA that
 * signs every Keel peer, and this process's certificate with its key, set
 * once from the configuration (bus.tls_ca, bus.tls_cert).  Every listener
 * and dialer of a tls+tcp:// address requires the peer's certificate and
 * checks it against that CA, both ways: a client without a certificate,
 * or with one from another CA, is refused in the handshake.
 *
 * Listening, and what nng's listeners count, is bus_listen.c's.
 */
#include "bus.h"
#include "bus_tls.h"

#include "error.h"
#include "ktime.h"
#include "log.h"

#include <nng/nng.h>
#include <nng/supplemental/tls/tls.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static struct {
	pthread_mutex_t lock;
	char ca[1024], cert[1024];
	bool used; /* a tls+ endpoint was made */
} tls = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* Loads one file into a throwaway configuration, so that a bad file is
 * named at start rather than as "Cryptographic error" at the first
 * listen or dial.  0, or -1 with err set. */
static int
check_file(const char *key, const char *path, bool ca,
           struct keel_error *err)
{
	nng_tls_config *cfg;
	int rv;

	if ((rv = nng_tls_config_alloc(&cfg, NNG_TLS_MODE_SERVER)) != 0) {
		keel_error_set(err, KEEL_E_INTERNAL, key,
		               "cannot set up TLS: %s", nng_strerror(rv));
		return -1;
	}
	rv = ca ? nng_tls_config_ca_file(cfg, path)
	        : nng_tls_config_cert_key_file(cfg, path, NULL);
	nng_tls_config_free(cfg);
	if (rv != 0) {
		keel_error_set(err, KEEL_E_INVALID_FIELD, key,
		               "%s '%s': %s (%s)", key, path, nng_strerror(rv),
		               ca ? "wants the PEM certificate of the CA"
		                  : "wants one PEM file holding the "
		                    "certificate and its unencrypted key");
		return -1;
	}
	return 0;
}

int
keel_bus_tls(const char *ca_file, const char *cert_key_file,
             struct keel_error *err)
{
	ca_file = ca_file ? ca_file : "";
	cert_key_file = cert_key_file ? cert_key_file : "";
	if ((*ca_file && check_file("bus.tls_ca", ca_file, true, err) < 0) ||
	    (*cert_key_file &&
	     check_file("bus.tls_cert", cert_key_file, false, err) < 0))
		return -1;
	pthread_mutex_lock(&tls.lock);
	snprintf(tls.ca, sizeof(tls.ca), "%s", ca_file);
	snprintf(tls.cert, sizeof(tls.cert), "%s", cert_key_file);
	pthread_mutex_unlock(&tls.lock);
	return 0;
}

bool
bus_is_tls(const char *url)
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
tls_listener_locked(nng_listener l)
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
bus_tls_listener(nng_listener l)
{
	int rv;

	pthread_mutex_lock(&tls.lock);
	tls.used = true;
	rv = tls_listener_locked(l);
	pthread_mutex_unlock(&tls.lock);
	return rv;
}

int
bus_dial_one(nng_socket sock, const char *url, int flags, nng_dialer *ret)
{
	nng_dialer d;
	int rv;

	if (!bus_is_tls(url))
		return nng_dial(sock, url, ret, flags);
	pthread_mutex_lock(&tls.lock);
	tls.used = true;
	if ((rv = nng_dialer_create(&d, sock, url)) == 0) {
		if ((rv = tls_dialer(d)) != 0 ||
		    (rv = nng_dialer_start(d, flags)) != 0)
			nng_dialer_close(d);
		else if (ret)
			*ret = d;
	}
	pthread_mutex_unlock(&tls.lock);
	return rv;
}

/*
 * Closing a socket whose tls+ dialers are in the middle of a handshake
 * can wait for ever in nng 1.5.2 (seen: keelctl leaving while its dials
 * to the other instances were still negotiating), and nng_fini can then
 * abort on a mutex already destroyed.  So a socket of a process with TLS
 * is closed on a thread of its own, waited for 2 s and otherwise left to
 * finish; and such a process does not call nng_fini (it is exiting: the
 * system takes the rest back).
 */
struct closer {
	nng_socket sock;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int refs;
};

static void
closer_put(struct closer *c)
{
	bool last;

	pthread_mutex_lock(&c->lock);
	last = --c->refs == 0;
	pthread_mutex_unlock(&c->lock);
	if (last) {
		pthread_mutex_destroy(&c->lock);
		pthread_cond_destroy(&c->cond);
		free(c);
	}
}

static void *
closer_main(void *arg)
{
	struct closer *c = arg;

	nng_close(c->sock);
	pthread_mutex_lock(&c->lock);
	c->done = true;
	pthread_cond_signal(&c->cond);
	pthread_mutex_unlock(&c->lock);
	closer_put(c);
	return NULL;
}

bool
bus_tls_used(void)
{
	bool used;

	pthread_mutex_lock(&tls.lock);
	used = tls.used;
	pthread_mutex_unlock(&tls.lock);
	return used;
}

void
bus_close(nng_socket sock)
{
	struct closer *c;
	struct timespec ts;
	pthread_attr_t attr;
	pthread_t t;
	bool done;

	if (!bus_tls_used() || !(c = calloc(1, sizeof(*c)))) {
		nng_close(sock);
		return;
	}
	*c = (struct closer){.sock = sock, .refs = 2};
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->cond, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, closer_main, c) != 0) {
		pthread_attr_destroy(&attr);
		free(c);
		nng_close(sock);
		return;
	}
	pthread_attr_destroy(&attr);
	keel_time_deadline(2000, &ts);
	pthread_mutex_lock(&c->lock);
	while (!c->done &&
	       pthread_cond_timedwait(&c->cond, &c->lock, &ts) == 0)
		;
	done = c->done;
	pthread_mutex_unlock(&c->lock);
	if (!done)
		keel_log(KEEL_LOG_WARNING,
		         "an nng socket with TLS connections did not close "
		         "within 2 s (nng 1.5.2); left to finish",
		         NULL);
	closer_put(c);
}
