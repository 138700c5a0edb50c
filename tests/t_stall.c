/*
 * t_stall: connections that send a frame's header and stall (issue 10).
 * nng allocates a frame when its length arrives, so 200 such connections
 * once took keel-ticketing from 7 MB to 407 MB until the client left.
 * Now a connection that delivers no whole request for bus.idle_ms is
 * closed, and at most bus.max_conns are taken at once.  The HTTP
 * listener (/healthz, /readyz, /metrics) closes a connection that has not
 * sent its request head within 5 s, and takes at most 64 at once.
 * keel-ticketing as a process on TCP loopback listeners; raw sockets speak
 * just enough of nng's SP protocol and of HTTP to get there.
 */
#include "bus.h"
#include "codec.h"
#include "harness.h"
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* Under AddressSanitizer freed memory waits in its quarantine, so RSS
 * says nothing there; that the connections were closed still does. */
#if defined(__SANITIZE_ADDRESS__)
static const bool asan = true;
#else
static const bool asan = false;
#endif

/* How many of fds the server has closed (read gives EOF or an error). */
static int
closed_by_server(const int *fds, int n)
{
	int closed = 0;

	for (int i = 0; i < n; i++) {
		char c;
		struct timeval tv = {0, 200000};

		if (fds[i] < 0) {
			closed++;
			continue;
		}
		ssize_t got;

		setsockopt(fds[i], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		got = read(fds[i], &c, 1);
		closed += got == 0 || (got < 0 && errno != EAGAIN &&
		                       errno != EWOULDBLOCK);
	}
	return closed;
}

static long
rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

/* A REQ peer's SP header, then a frame of 2 000 000 bytes announced and
 * 1 000 000 of them sent: the server holds a frame buffer it has filled
 * half way. */
static int
stall(int port)
{
	static const unsigned char hello[8] = {0, 'S', 'P', 0, 0, 0x30, 0, 0};
	static unsigned char frame[8 + 1000000];
	unsigned char back[8];
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	uint64_t n = 2000000;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    write(fd, hello, 8) != 8 || read(fd, back, 8) != 8) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (int i = 0; i < 8; i++)
		frame[i] = (unsigned char)(n >> (56 - 8 * i));
	for (size_t off = 0; off < sizeof(frame);) {
		ssize_t w = write(fd, frame + off, sizeof(frame) - off);

		if (w <= 0) { /* refused (over bus.max_conns): closed */
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	return fd;
}

/* A loopback TCP connection to port that sent text and holds on. */
static int
half_request(int port, const char *text)
{
	struct sockaddr_in a = {.sin_family = AF_INET,
	                        .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* The status of GET path on port, or -1. */
static int
http_status(int port, const char *path)
{
	char req[128], buf[512] = "";
	int fd, status = -1;
	struct timeval tv = {2, 0};

	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: x\r\n\r\n",
	         path);
	fd = half_request(port, req);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		sscanf(buf, "HTTP/1.1 %d", &status);
	close(fd);
	return status;
}

int
main(void)
{
	struct harness_redis redis = {0};
	const char *dir = harness_tmpdir();
	int port = harness_free_port(), hport = harness_free_port(), fds[200],
	    hfds[80], open_n = 0;
	char conf[1024], url[64];
	const char *addrs[1] = {url};
	struct keel_client *cli;
	struct keel_error err;
	long idle, held, after;
	pid_t pt;

	signal(SIGPIPE, SIG_IGN);
	if (harness_redis_start(&redis) < 0)
		bail_out("redis");
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%d", port);
	snprintf(conf, sizeof(conf),
	         "redis.socket = %s\nticketing.rep = %s\n"
	         "ticketing.pub = ipc://%s/t0.pub\n"
	         "ticketing.http = http://127.0.0.1:%d\n"
	         "bus.idle_ms = 1500\nbus.max_conns = 150\n",
	         redis.sock, url, dir, hport);
	harness_write("keel.conf", conf);
	pt = harness_daemon("ticketing", 0);
	if (keel_client_new(&(struct keel_client_opts){.name = "t_stall",
	                                               .service = "ticketing",
	                                               .addrs = addrs,
	                                               .naddrs = 1,
	                                               .timeout_ms = 5000,
	                                               .max_msg = 1 << 20},
	                    &cli, &err) < 0)
		bail_out(err.message);
	for (int i = 0; i < 200 && !harness_healthy(cli); i++)
		harness_sleep_ms(25);
	harness_sleep_ms(300);
	idle = rss_kb(pt);
	ok(idle > 0, "keel-ticketing idle: %ld kB", idle);

	for (int i = 0; i < 200; i++)
		if ((fds[i] = stall(port)) >= 0)
			open_n++;
	harness_sleep_ms(500);
	held = rss_kb(pt);
	diag("200 stalled connections (%d opened): %ld kB", open_n, held);
	ok(held - idle < 150 * 2 * 1024 + 20 * 1024,
	   "at most bus.max_conns (150) are taken: %ld kB over idle, bounded",
	   held - idle);
	ok(harness_healthy(cli), "keel-ticketing still answers (a %s connection)",
	   "fresh");

	/* Past bus.idle_ms the stalled ones are closed, their frames freed;
	 * the client that keeps asking stays. */
	for (int i = 0; i < 8; i++) {
		harness_sleep_ms(500);
		harness_healthy(cli);
	}
	after = rss_kb(pt);
	diag("after bus.idle_ms: %ld kB", after);
	is_int(closed_by_server(fds, 200), 200,
	       "every stalled connection was closed by keel-ticketing");
	if (asan)
		ok(true, "# SKIP RSS under AddressSanitizer (its quarantine "
		         "keeps freed memory)");
	else
		ok(after - idle < 20 * 1024,
		   "200 stalled connections leave RSS within 20 MB of idle "
		   "(%ld kB over)",
		   after - idle);
	ok(harness_healthy(cli), "  and the live client was never cut off");
	for (int i = 0; i < 200; i++)
		if (fds[i] >= 0)
			close(fds[i]);

	/* The HTTP listener: 80 connections that never finish their head. */
	is_int(http_status(hport, "/healthz"), 200, "/healthz answers");
	for (int i = 0; i < 80; i++)
		hfds[i] = half_request(hport, "GET /metrics HTTP/1.1\r\nHo");
	harness_sleep_ms(500);
	ok(closed_by_server(hfds, 80) >= 16,
	   "HTTP: past 64 half-sent requests, connections are closed at once");
	harness_sleep_ms(5500);
	is_int(closed_by_server(hfds, 80), 80,
	       "  and every half-sent request is closed after 5 s");
	is_int(http_status(hport, "/healthz"), 200, "  /healthz answers after");
	is_int(http_status(hport, "/nothing"), 404, "  and a path it lacks is 404");
	for (int i = 0; i < 80; i++)
		if (hfds[i] >= 0)
			close(hfds[i]);

	keel_client_free(cli);
	kill(pt, SIGTERM);
	ok(harness_stopped(pt), "ticketing stops");
	harness_redis_stop(&redis);
	harness_cleanup();
	return done_testing();
}
