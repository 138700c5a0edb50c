#!/usr/bin/env bash
# t_tls_listener: a tls+ listener keeps accepting while clients leave in
# the middle of their handshakes.  nng 1.5.2's listener stops accepting
# for good when a peer leaves during negotiation in a certain way
# (nanomsg/nng issue 1518): keelctl does this when it dials several
# instances and leaves as soon as one answered.  Here keelctl dials the
# same listener four times per run, 200 runs: without bus_listen.c's guard
# the listener was dead within 30 s, and every run after waited out its
# timeout.  Also: keelctl neither hangs nor aborts at exit with dials
# still negotiating (bus_close).
set -u
# shellcheck source=tests/lib_tap.sh
. "$(dirname "$0")/lib_tap.sh"
cd "$tmp" || exit 1

# shellcheck source=certs.sh
. "$root/tests/certs.sh"
mkca ca && leaf ca s localhost
ok $? "a CA and a certificate (openssl)"

redis-server --port 0 --unixsocket "$tmp/r.sock" --save '' --appendonly no >redis.log 2>&1 &
pids+=($!)
port=$((20000 + $$ % 20000))
cat >k.conf <<EOF
redis.socket = $tmp/r.sock
intake.rep = tls+tcp://localhost:$port
intake.pub = tls+tcp://localhost:$((port + 1))
intake.http =
bus.tls_ca = $tmp/ca.crt
bus.tls_cert = $tmp/s.pem
EOF
a=tls+tcp://localhost:$port
sed "s|^intake.rep = .*|intake.rep = $a,$a,$a,$a|" k.conf >four.conf
KEEL_CONFIG=$tmp/k.conf "$bin/keel-intake" >intake.log 2>&1 &
pids+=($!)
up=1
for _ in $(seq 100); do
	"$bin/keelctl" -f k.conf -t 500 health intake 2>/dev/null | grep -q ' up .* yes ' && up=0 && break
	sleep 0.1
done
ok $up "keel-intake up on $a"

late=0 aborted=0 hung=0 slowest=0
for _ in $(seq 200); do
	t0=$(date +%s%N)
	timeout 30 "$bin/keelctl" -f four.conf -t 10000 customer show nobody >/dev/null 2>run.err
	rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $ms -gt $slowest ] && slowest=$ms
	[ $rc -eq 124 ] && hung=$((hung + 1))
	[ $rc -ge 128 ] && [ $rc -ne 124 ] && aborted=$((aborted + 1))
	grep -q 'within 10000 ms' run.err && late=$((late + 1)) && sed 's/^/# /' run.err
done
# A run can still wait out its timeout: its dials' own handshakes, left
# behind, can stop the listener made again for it.  Without the guard
# every run after the first stop waits it out (more than 150 of 200).
ok $((late <= 20 ? 0 : 1)) "200 runs of four dials each: all but at most 20 answered within 10 s ($late did not; the slowest took $slowest ms)"
"$bin/keelctl" -f k.conf -t 3000 health intake 2>/dev/null | grep -q ' up .* yes '
ok $? "after them, a new client is served"
ok $((aborted + hung == 0 ? 0 : 1)) "keelctl exits cleanly with dials still negotiating ($aborted aborted, $hung hung)"
# The guard may still be remaking a listener the last runs' handshakes
# stopped: compare once the count holds still for a second.
restarts_now() {
	"$bin/keelctl" -f k.conf --json stats intake 2>/dev/null |
		sed -n 's/.*"listener_restarts": *\([0-9]*\).*/\1/p' | head -1
}
restarts=$(restarts_now)
for _ in 1 2 3 4 5; do
	sleep 1
	again=$(restarts_now)
	[ "$again" = "$restarts" ] && break
	restarts=$again
done
[ -n "$restarts" ] &&
	[ "$(grep -c 'listener stopped accepting' intake.log)" -eq "$restarts" ]
ok $? "each listener made again is logged and counted in sys.stats (listener_restarts ${restarts:-?})"
echo "# the listener stopped accepting and was made again ${restarts:-?} times in 200 runs"

echo "1..$n"
exit $fail
