#!/usr/bin/env bash
# t_hosts: Keel spread over hosts of its own, on this machine: network
# namespaces joined by veth links to a switch namespace (a bridge), each
# with an address and a name (/etc/netns/<ns>/hosts), made here.
#   h1  10.77.0.1  Redis (ACL users, default off) behind spiped: the
#                  only way in
#   h2  10.77.0.2  keel-intake, keel-pricing, keel-scheduling
#   h3-h5          keel-ticketing instances 0, 1, 2; keel-change on h4,
#                  keel-billing and keel-notify on h5
#   h6  10.77.0.6  the clients (keelctl)
# The bus between hosts is tls+tcp:// with mutual TLS: a CA made here with
# openssl, a certificate per host (cert and key handed to each daemon as a
# systemd-style credential), keelctl with an operator's.  Each daemon
# reaches Redis through a local spiped (encrypted, keyed) and AUTHs as its
# own ACL user with a password it reads as a credential; every request is
# signed by its identity (deploy/keel-secrets.sh makes both).  Checks:
#  - clients without a certificate, or with one of another CA, are refused,
#    counted in sys.stats and logged once;
#  - a ticket's whole flow (request, ticket, escalation, closed) across the
#    hosts;
#  - under load, h3's link is cut and restored: every acknowledged request
#    becomes exactly one ticket (the others claim h3's pending work with
#    XAUTOCLAIM), h3's instance serves again; the time to recover is
#    printed.
# Needs root (ip netns); says so in one line and skips otherwise.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
if [ "$(id -u)" -ne 0 ] || ! ip netns add keel-probe$$ 2>/dev/null; then
	echo "1..0 # SKIP network namespaces need root (ip netns add failed)"
	exit 0
fi
ip netns del keel-probe$$
for t in spiped openssl redis-server; do
	command -v $t >/dev/null || { echo "Bail out! $t is missing (deploy/install-deps.sh)"; exit 1; }
done

tag=k$$
tmp=$(mktemp -d)
sw=$tag-sw
pids=()
hosts=(h1 h2 h3 h4 h5 h6)
ns() { echo "$tag-$1"; }
in_ns() { local h=$1; shift; ip netns exec "$(ns "$h")" "$@"; }
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	wait 2>/dev/null
	for h in "${hosts[@]}"; do
		# whatever still runs in the host goes with it
		ip netns pids "$(ns "$h")" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$(ns "$h")" 2>/dev/null
		rm -rf "/etc/netns/$(ns "$h")"
	done
	ip netns del "$sw" 2>/dev/null
	[ -n "${KEEL_KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

# --- the network: a switch, six hosts with names ---
ip netns add "$sw"
ip -n "$sw" link add br0 type bridge
ip -n "$sw" link set br0 up
hostsfile="127.0.0.1 localhost
"
i=0
for h in "${hosts[@]}"; do
	i=$((i + 1))
	hostsfile+="10.77.0.$i $h.keel
"
done
i=0
for h in "${hosts[@]}"; do
	i=$((i + 1))
	ip netns add "$(ns "$h")"
	ip link add "v$tag$i" netns "$(ns "$h")" type veth peer name "p$tag$i" netns "$sw"
	ip -n "$sw" link set "p$tag$i" master br0 up
	in_ns "$h" ip link set lo up
	in_ns "$h" ip addr add "10.77.0.$i/24" dev "v$tag$i"
	in_ns "$h" ip link set "v$tag$i" up
	mkdir -p "/etc/netns/$(ns "$h")"
	printf '%s' "$hostsfile" >"/etc/netns/$(ns "$h")/hosts"
done
[ "$(in_ns h6 getent hosts h3.keel | awk '{ print $1 }')" = 10.77.0.3 ] &&
	in_ns h3 ip -br addr show "v${tag}3" | grep -q '10.77.0.3/24'
ok $? "six hosts on a switch, each with an address and a name (h3.keel is 10.77.0.3 from h6)"

# --- certificates: a CA, one per host, an operator's, and another CA ---
cd "$tmp" || exit 1
# shellcheck source=../certs.sh
. "$root/tests/certs.sh"
mkca ca && mkca other
for h in "${hosts[@]}"; do leaf ca "$h" "$h.keel"; done
leaf ca operator operator.keel && leaf other intruder intruder.keel
ok $? "a CA, a certificate per host and an operator's (openssl), and one of another CA"

# --- Redis on h1, reachable only through spiped ---
head -c 32 /dev/urandom >spiped.key
"$root/deploy/keel-secrets.sh" init "$tmp/secrets" --bin "$bin" >/dev/null
cp secrets/creds/keel-admin/redis.password redis.password
ip netns exec "$(ns h1)" redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no \
	--aclfile "$tmp/secrets/redis/users.acl" --dir "$tmp" >redis.log 2>&1 &
pids+=($!)
ip netns exec "$(ns h1)" spiped -F -d -s '[10.77.0.1]:6380' -t '[127.0.0.1]:6379' -k spiped.key >spiped-h1.log 2>&1 &
pids+=($!)
for h in h2 h3 h4 h5; do
	ip netns exec "$(ns "$h")" spiped -F -e -s '[127.0.0.1]:6379' -t '[10.77.0.1]:6380' -k spiped.key >"spiped-$h.log" 2>&1 &
	pids+=($!)
done
sleep 0.5
in_ns h2 redis-cli -h 10.77.0.1 -p 6379 ping >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "Redis is not reachable across hosts directly (bound to h1's loopback)"
out=$(in_ns h2 redis-cli -p 6379 --no-auth-warning --user keel-admin -a "$(cat redis.password)" ping 2>&1)
[ "$out" = PONG ]
ok $? "through h2's spiped with the password: PONG"

# --- the daemons ---
cat >keel.conf <<EOF
redis.host = 127.0.0.1
redis.port = 6379
intake.rep = tls+tcp://h2.keel:7410
intake.pub = tls+tcp://h2.keel:7411
intake.http =
ticketing.rep = tls+tcp://h3.keel:7440,tls+tcp://h4.keel:7440,tls+tcp://h5.keel:7440
ticketing.pub = tls+tcp://h3.keel:7441,tls+tcp://h4.keel:7441,tls+tcp://h5.keel:7441
ticketing.http =
pricing.rep = tls+tcp://h2.keel:7420
pricing.pub = tls+tcp://h2.keel:7421
pricing.http =
scheduling.rep = tls+tcp://h2.keel:7430
scheduling.pub = tls+tcp://h2.keel:7431
scheduling.http =
change.rep = tls+tcp://h4.keel:7450
change.pub = tls+tcp://h4.keel:7451
change.http =
billing.rep = tls+tcp://h5.keel:7460
billing.pub = tls+tcp://h5.keel:7461
billing.http =
notify.rep = tls+tcp://h5.keel:7470
notify.pub = tls+tcp://h5.keel:7471
notify.http =
bus.tls_ca = $tmp/ca.crt
auth.identities = $tmp/secrets/auth.identities
events.claim_idle_ms = 2000
events.sweep_ms = 500
EOF
# Each host's credentials, written once before any daemon of the host
# starts: rewriting them while a daemon reads them hands it a half
# written file.
for h in h2 h3 h4 h5; do
	for svc in intake pricing scheduling ticketing change billing notify; do
		mkdir -p "cred-$h-$svc"
		cp "$h.pem" "cred-$h-$svc/keel_bus.tls_cert"
		cp "secrets/creds/$svc/redis.password" "cred-$h-$svc/redis.password"
	done
done
daemons=()
daemon() { # host svc instance
	local h=$1 svc=$2 i=$3
	# ip netns exec and env exec: $! is the daemon itself
	ip netns exec "$(ns "$h")" env CREDENTIALS_DIRECTORY="$tmp/cred-$h-$svc" \
		KEEL_REDIS_USER="$svc" KEEL_CONFIG="$tmp/keel.conf" KEEL_INSTANCE="$i" \
		"$bin/keel-$svc" >"$svc-$i.log" 2>&1 &
	pids+=($!)
	daemons+=("$!:$svc-$i:$h")
	eval "pid_${svc}_$i=$!"
}
# A daemon that exits ends the test at once, with its log, rather than
# leaving the waits below to run out one after the other.
alive() {
	local d
	for d in "${daemons[@]}"; do
		IFS=: read -r p name h <<<"$d"
		if ! kill -0 "$p" 2>/dev/null; then
			echo "Bail out! keel-${name%-*} ($name on $h) exited"
			tail -n 20 "$tmp/$name.log" | sed 's/^/# /'
			exit 1
		fi
	done
}
daemon h2 intake 0
daemon h2 pricing 0
daemon h2 scheduling 0
daemon h3 ticketing 0
daemon h4 ticketing 1
daemon h4 change 0
daemon h5 ticketing 2
daemon h5 billing 0
daemon h5 notify 0
printf 'bus.tls_cert = %s/operator.pem\n' "$tmp" | cat keel.conf - >op.conf
printf 'bus.tls_cert = %s/intruder.pem\n' "$tmp" | cat keel.conf - >bad.conf
grep -v '^bus.tls' keel.conf >none.conf
k() { in_ns h6 "$bin/keelctl" -f "$tmp/op.conf" -t 5000 "$@"; }
# The requests ticketing's events name (ticket.created, ticket.linked),
# one per line, as keelctl watch replays what the stream holds.
made() {
	in_ns h6 timeout 30 "$bin/keelctl" -f "$tmp/op.conf" -t 5000 watch --since 0-0 \
		--no-follow --service ticketing ticket.created ticket.linked 2>/dev/null |
		grep -o '"request": *"R-[0-9]*"' | sed 's/.*"\(R-[0-9]*\)"/\1/'
}
up=1
for _ in $(seq 100); do
	[ "$(k health 2>/dev/null | grep -c ' up .* yes ')" -eq 9 ] && up=0 && break
	sleep 0.2
done
ok $up "the seven daemons up over mutual TLS (intake, pricing, scheduling on h2; ticketing on h3, h4, h5; change on h4; billing, notify on h5), Redis through spiped (password as a credential)"
[ $up -ne 0 ] && { k health; tail -n 5 ./*.log | sed 's/^/# /'; }
alive

# --- refusals ---
in_ns h6 "$bin/keelctl" -f "$tmp/none.conf" -t 1500 customer show acme >none.out 2>&1
[ $? -ne 0 ]
ok $? "a client without a certificate is refused ($(head -1 none.out))"
in_ns h6 "$bin/keelctl" -f "$tmp/bad.conf" -t 1500 customer show acme >bad.out 2>&1
[ $? -ne 0 ]
ok $? "a client with a certificate of another CA is refused ($(head -1 bad.out))"
sleep 1.5
refused=$(k --json stats intake 2>/dev/null | sed -n 's/.*"tls_refused": *\([0-9]*\).*/\1/p' | head -1)
[ "${refused:-0}" -gt 0 ]
ok $? "intake counts them in sys.stats (tls_refused $refused)"
[ "$(grep -c 'tls: connections refused' intake-0.log)" -eq 1 ]
ok $? "and logs them once"

# --- a whole ticket flow across the hosts ---
k customer put --id acme --name "Acme AG" --timezone UTC >/dev/null &&
	k staff put --id ana --name Ana --role technician --level 1 >/dev/null &&
	k staff put --id bob --name Bob --role technician --level 2 >/dev/null
ok $? "a customer (intake on h2) and two technicians (ticketing)"
rid=$(k --json request submit --customer acme --contact Carla --channel phone \
	--symptoms "the ERP is down" | sed -n 's/.*"id": *"\(R-[0-9]*\)".*/\1/p')
tid=""
for _ in $(seq 100); do
	made | grep -qx "$rid" &&
		tid=$(k ticket list --customer acme 2>/dev/null | awk 'NR > 1 { print $1; exit }')
	[ -n "$tid" ] && break
	sleep 0.1
done
[ -n "$tid" ]
ok $? "request $rid (h2) became ticket $tid (ticketing, through its consumer group)"
k ticket escalate "$tid" --reason "needs a database specialist" >/dev/null 2>flow.err &&
	k ticket status "$tid" open >/dev/null 2>>flow.err &&
	k ticket resolve "$tid" --resolution "index rebuilt" >/dev/null 2>>flow.err &&
	k ticket confirm "$tid" --by Carla >/dev/null 2>>flow.err
ok $? "escalated, answered, resolved and confirmed"
sed 's/^/# /' flow.err
k ticket show "$tid" >flow.out
grep -q '^status *closed' flow.out && grep -q '^assignee *bob' flow.out
ok $? "  $tid is closed, with bob (level 2) after the escalation"

alive

# --- ticketing cut off under load ---
driver() { # requests, one after the other, each line "R-id" when acknowledged
	local i=0 end=$((SECONDS + 120))
	while [ ! -e "$tmp/stop" ] && [ $SECONDS -lt $end ]; do
		i=$((i + 1))
		r=$(in_ns h6 "$bin/keelctl" -f "$tmp/op.conf" -t 3000 --json request submit \
			--customer acme --contact Load --channel api \
			--service "svc-$i" --symptoms "load $i" 2>/dev/null |
			sed -n 's/.*"id": *"\(R-[0-9]*\)".*/\1/p')
		[ -n "$r" ] && echo "$r"
	done
}
driver >acked.txt &
dpid=$!
pids+=("$dpid")
sleep 3
rc() { in_ns h1 redis-cli --no-auth-warning --user keel-admin -a "$(cat redis.password)" "$@" 2>/dev/null; }
# h3 is cut off holding work: with h4 and h5 paused, h3's link goes down
# and what intake's stream gets meanwhile is read into h3's consumer
# (ticketing-0), as if h3 had read it just before the cut; then h4 and h5
# go on and must claim it (XAUTOCLAIM after events.claim_idle_ms = 2 s).
kill -STOP "$pid_ticketing_1" "$pid_ticketing_2"
in_ns h3 ip link set "v${tag}3" down
cut_at=$(date +%s.%N)
sleep 1
rc XREADGROUP GROUP ticketing ticketing-0 COUNT 1000 STREAMS 'keel:{intake}:events' '>' >/dev/null
rc XPENDING 'keel:{intake}:events' ticketing - + 1000 ticketing-0 | awk 'NR % 4 == 1' | grep . >held.txt
held=$(wc -l <held.txt)
kill -CONT "$pid_ticketing_1" "$pid_ticketing_2"
took=""
for _ in $(seq 60); do
	sleep 0.25
	alive
	if [ "$(rc XPENDING 'keel:{intake}:events' ticketing - + 1000 ticketing-0 | grep -c .)" -eq 0 ]; then
		made >made.txt.u
		sort -u made.txt.u >made.txt
		head -n -3 acked.txt | sort -u >sofar.txt
		if [ "$(comm -23 sofar.txt made.txt | wc -l)" -eq 0 ]; then
			took=$(awk -v a="$cut_at" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
			break
		fi
	fi
done
[ "$held" -gt 0 ] && [ -n "$took" ]
ok $? "h3 cut off holding $held requests: h4 and h5 claimed them and made their tickets (${took:-not} s after the cut)"
echo "# time to recover from h3's cut: ${took:-more than 15} s from the cut until every request h3 held had its ticket (1 s of it with h4 and h5 paused; claims wait events.claim_idle_ms = 2 s)"
sleep 2
in_ns h3 ip link set "v${tag}3" up
sleep 3
touch stop
wait $dpid
acked=$(sort -u acked.txt | wc -l)
# every acknowledged request becomes exactly one ticket: wait for the
# consumer groups (h3's pending work is claimed by h4 and h5)
missing=-1
for _ in $(seq 150); do
	alive
	made >made.txt.u
	sort made.txt.u >made.txt
	missing=$(sort -u acked.txt | comm -23 - <(sort -u made.txt) | wc -l)
	[ "$missing" -eq 0 ] && break
	sleep 0.2
done
dups=$(uniq -d made.txt | wc -l)
ok $((missing == 0 ? 0 : 1)) "every one of the $acked acknowledged requests became a ticket ($missing missing)"
ok $((dups == 0 ? 0 : 1)) "  exactly once ($dups made twice)"
up=1
for _ in $(seq 100); do
	k health ticketing 2>/dev/null | grep -q "ticketing-0 .* up .* yes " && up=0 && break
	sleep 0.2
done
ok $up "h3's instance serves again after its link returned"
restarts=$(k --json stats 2>/dev/null | grep -o '"listener_restarts": *[0-9]*' |
	awk -F: '{ n += $2 } END { print n + 0 }')
echo "# listeners made again after nng 1.5.2 stopped them (docs/reliability.md): $restarts"

echo "1..$n"
exit $fail
