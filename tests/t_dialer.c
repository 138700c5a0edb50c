/* t_dialer: the dialer guard (libshared/bus/bus_listen.c).  nng 1.5.2
 * stops a dialer for good when a connection attempt ends in NNG_ECLOSED
 * (a peer that left during negotiation): no connection, no retry, every
 * request times out.  The guard makes again a dialer that has had no
 * connection and no counter moving for 5 s.  Here the attempt is held up
 * instead: a loopback TCP listener whose accept queue is full drops the
 * SYNs, so the dialer's connect hangs and nothing moves.  The guard
 * dials again (counted in keel_dialer_restarts_total), and once a real
 * server listens there, the client is served at once; a dialer with its
 * connection is left alone. */
#include "bus.h"
#include "codec.h"
#include "envelope.h"
#include "error.h"
#include "harness.h"
#include "metrics.h"
#include "tap.h"

#include <arpa/inet.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static atomic_bool stop;

/* A REP server answering every request as sys.echo does. */
static void *
serve(void *arg)
{
	nng_socket *s = arg;

	while (!atomic_load(&stop)) {
		nng_msg *m;
		struct keel_env env;
		struct keel_error err;
		struct keel_enc *out = keel_enc_new();
		const void *p;
		size_t len;

		if (nng_recvmsg(*s, &m, 0) != 0) {
			keel_enc_free(out);
			continue;
		}
		if (keel_env_decode_request(nng_msg_body(m), nng_msg_len(m),
		                            1 << 20, &env, &err) == 0) {
			struct keel_enc *b = keel_enc_new();
			const void *bp;
			size_t blen;

			keel_enc_map(b, 1);
			keel_enc_kv_str(b, "instance", "t_dialer");
			bp = keel_enc_data(b, &blen);
			keel_env_encode_reply(out, env.has_id ? env.id : NULL,
			                      "t_dialer", bp, blen, NULL);
			keel_enc_free(b);
			keel_env_release(&env);
			p = keel_enc_data(out, &len);
			nng_send(*s, (void *)p, len, 0);
		}
		nng_msg_free(m);
		keel_enc_free(out);
	}
	return NULL;
}

static bool
call(struct keel_client *c)
{
	struct keel_env rep = {0};
	struct keel_error err;
	bool ok = keel_client_call(c, "sys.echo", NULL, 0, NULL, &rep,
	                           &err) == 0 &&
	          rep.ok;

	if (!ok)
		printf("# %s\n", err.message);
	keel_env_release(&rep);
	return ok;
}

int
main(void)
{
	int port = harness_free_port(), fake, filler[4];
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	char url[64];
	const char *addrs[1] = {url};
	struct keel_client *c;
	struct keel_error err;
	nng_socket rep;
	pthread_t th;
	int64_t before;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);

	/* A listener that never accepts, its queue filled: SYNs dropped. */
	fake = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(fake, SOL_SOCKET, SO_REUSEADDR, &(int){1}, sizeof(int));
	if (bind(fake, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    listen(fake, 0) < 0)
		bail_out("fake listener");
	for (int i = 0; i < 4; i++) {
		filler[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(filler[i], (struct sockaddr *)&a, sizeof(a));
	}
	harness_sleep_ms(200);

	if (keel_client_new(&(struct keel_client_opts){.name = "t_dialer",
	                                               .service = "intake",
	                                               .addrs = addrs,
	                                               .naddrs = 1,
	                                               .timeout_ms = 3000,
	                                               .max_msg = 1 << 20},
	                    &c, &err) < 0)
		bail_out(err.message);
	before = keel_metrics_get(KEEL_M_REDIALS);
	harness_sleep_ms(7000);
	ok(keel_metrics_get(KEEL_M_REDIALS) > before,
	   "a dialer with no connection and nothing moving for 5 s is made "
	   "again (%lld times in 7 s)",
	   (long long)(keel_metrics_get(KEEL_M_REDIALS) - before));

	for (int i = 0; i < 4; i++)
		close(filler[i]);
	close(fake);
	if (nng_rep0_open(&rep) != 0 || nng_listen(rep, url, NULL, 0) != 0)
		bail_out("cannot listen on the freed port");
	pthread_create(&th, NULL, serve, &rep);
	ok(call(c), "once a server listens there, the client is served "
	            "(timeout 3 s)");

	before = keel_metrics_get(KEEL_M_REDIALS);
	harness_sleep_ms(6000);
	ok(call(c) && keel_metrics_get(KEEL_M_REDIALS) == before,
	   "a dialer with its connection is left alone");

	keel_client_free(c);
	atomic_store(&stop, true);
	nng_close(rep);
	pthread_join(th, NULL);
	keel_bus_fini();
	harness_cleanup();
	return done_testing();
}
