/*
 * A C program on Keel's own bus with libkeel: it reads the configuration
 * (addresses, auth.identities), signs as one key of the identities and
 * asks keel-intake for a customer over nng, as the daemons and keelctl do.
 *
 *   keel-example-client CONFIG KEY-ID CUSTOMER-ID
 */
#include "auth.h"
#include "bus.h"
#include "codec.h"
#include "config.h"
#include "envelope.h"
#include "error.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
	struct keel_config *cfg = NULL;
	struct keel_auth *auth = NULL;
	struct keel_client *cli = NULL;
	struct keel_enc *body = keel_enc_new();
	struct keel_error err;
	struct keel_env rep = {0};
	const char *addrs[16];
	const void *p;
	size_t n;
	int status = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s CONFIG KEY-ID CUSTOMER-ID\n",
		        argv[0]);
		return 2;
	}
	if (keel_config_load(argv[1], &cfg, &err) < 0 ||
	    keel_config_auth(cfg, argv[2], &auth, &err) < 0) {
		fprintf(stderr, "%s\n", err.message);
		goto out;
	}
	{
		struct keel_client_opts o = {
		    .name = "example",
		    .service = "intake",
		    .addrs = addrs,
		    .naddrs = keel_config_addrs(cfg, "intake", "rep", addrs, 16),
		    .timeout_ms = 5000,
		    .resend_ms = 1000,
		    .max_msg = 1 << 20,
		    .auth = auth, /* every request signed with KEY-ID */
		};

		if (keel_client_new(&o, &cli, &err) < 0) {
			fprintf(stderr, "%s\n", err.message);
			goto out;
		}
	}
	keel_enc_map(body, 1);
	keel_enc_kv_str(body, "id", argv[3]);
	p = keel_enc_data(body, &n);
	if (keel_client_call(cli, "customer.get", p, n, NULL, &rep, &err) < 0) {
		fprintf(stderr, "%s\n", err.message);
		goto out;
	}
	if (!rep.ok) {
		fprintf(stderr, "%s: %s\n", rep.error.code, rep.error.message);
		goto out;
	}
	{
		char name[201] = "";

		keel_obj_strcpy(keel_obj_get(rep.body, "name"), name,
		                sizeof(name));
		printf("%s: %s\n", argv[3], name);
	}
	status = 0;
out:
	keel_env_release(&rep);
	keel_client_free(cli);
	keel_enc_free(body);
	keel_auth_free(auth);
	keel_config_free(cfg);
	keel_bus_fini();
	return status;
}
