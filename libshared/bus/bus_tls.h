/* Inside the bus only: listening and dialing with mutual TLS for
 * tls+tcp:// addresses (bus_tls.c), plainly for the others. */
#ifndef KEEL_BUS_TLS_H
#define KEEL_BUS_TLS_H

#include <nng/nng.h>

/* nng_listen / nng_dial, with the process's TLS identity on tls+
 * addresses (NNG_EPEERAUTH when none is set); 0 or an nng error. */
int bus_listen(nng_socket sock, const char *url, nng_listener *ret);
int bus_dial(nng_socket sock, const char *url, int flags);

#endif
