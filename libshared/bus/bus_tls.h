/* Inside the bus only: listening and dialing with mutual TLS for
 * tls+tcp:// addresses (bus_tls.c), plainly for the others. */
#ifndef KEEL_BUS_TLS_H
#define KEEL_BUS_TLS_H

#include <nng/nng.h>
#include <stdbool.h>

/* nng_listen / nng_dial, with the process's TLS identity on tls+
 * addresses (NNG_EPEERAUTH when none is set); 0 or an nng error. */
int bus_listen(nng_socket sock, const char *url, nng_listener *ret);
/* A dialer on sock, guarded (bus_listen.c): 0 or an nng error. */
int bus_dial(nng_socket sock, const char *url, int flags);
/* The same, not guarded; *ret (may be NULL) is the dialer. */
int bus_dial_one(nng_socket sock, const char *url, int flags,
                 nng_dialer *ret);

/* bus_tls.c: a tls+ address; the process's TLS identity on a listener
 * not started yet (0 or an nng error). */
bool bus_is_tls(const char *url);
int bus_tls_listener(nng_listener l);
/* nng_close, bounded to 2 s once the process has made a tls+ endpoint
 * (nng 1.5.2 can hang closing a handshake); whether it has. */
void bus_close(nng_socket sock);
bool bus_tls_used(void);

/* bus_listen.c: the listener guard's thread stops (keel_bus_fini). */
void bus_listen_fini(void);

#endif
