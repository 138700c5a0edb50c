#!/usr/bin/env bash
# t_compose: docker/compose.yaml brought up for real on this machine's
# Docker engine, with no registry: docker/build-base.sh makes the base and
# Redis images from Debian's packages, compose builds Keel's image, and
#  - Redis and the seven daemons become healthy (their /readyz), with
#    identities and a Redis ACL user each (deploy/keel-secrets.sh);
#  - keelctl on the host runs a ticket flow through the published ports,
#    and curl a request through keel-gateway's;
#  - --scale ticketing=3 serves with three instances;
#  - compose stop, then start, loses no acknowledged ticket;
#  - compose down, then up, keeps the data on the volume.
# The image's size and the start-up time are printed.  With no Docker
# engine answering it says so in one line (a TAP skip) and does nothing.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
if ! docker info >/dev/null 2>&1; then
	echo "1..0 # SKIP no Docker engine answers (docker info failed): compose is not run"
	exit 0
fi
if command -v docker-compose >/dev/null 2>&1; then
	compose=(docker-compose)
else
	compose=(docker compose)
fi
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

project=keeltest$$
tmp=$(mktemp -d)
dc() { "${compose[@]}" -p "$project" -f "$root/docker/compose.yaml" "$@"; }
cleanup() {
	dc down -v --remove-orphans >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT

# Host ports nobody uses: the request ports, and three for ticketing.
read -r -a ports < <(python3 - <<'EOF'
import socket
def free(n):
    for base in range(21000, 60000, 7):
        ok = True
        for p in range(base, base + n):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            s.close()
        if ok:
            return base
base = free(11)
print(" ".join(str(base + i) for i in range(11)))
EOF
)
export KEEL_HOST_INTAKE=${ports[0]} KEEL_HOST_PRICING=${ports[1]}
export KEEL_HOST_SCHEDULING=${ports[2]} KEEL_HOST_CHANGE=${ports[3]}
export KEEL_HOST_BILLING=${ports[4]} KEEL_HOST_NOTIFY=${ports[5]}
export KEEL_HOST_TICKETING=${ports[6]}-${ports[8]}
export KEEL_HOST_GATEWAY=${ports[10]}
"$root/deploy/keel-secrets.sh" init "$tmp/secrets" --owner 10001:10001 \
	--bin "$bin" >/dev/null
export KEEL_SECRETS=$tmp/secrets
cat >"$tmp/keel.conf" <<EOF
auth.identities = $tmp/secrets/auth.identities
intake.rep = tcp://127.0.0.1:${ports[0]}
pricing.rep = tcp://127.0.0.1:${ports[1]}
scheduling.rep = tcp://127.0.0.1:${ports[2]}
change.rep = tcp://127.0.0.1:${ports[3]}
billing.rep = tcp://127.0.0.1:${ports[4]}
notify.rep = tcp://127.0.0.1:${ports[5]}
ticketing.rep = tcp://127.0.0.1:${ports[6]},tcp://127.0.0.1:${ports[7]},tcp://127.0.0.1:${ports[8]}
EOF
k() { "$bin/keelctl" -f "$tmp/keel.conf" -t 5000 "$@"; }

start=$(date +%s)
"$root/docker/build-base.sh"
ok $? "docker/build-base.sh: debian:12, debian:12-slim and redis:7.0 from Debian's packages ($(($(date +%s) - start)) s)"

# Every container of the project healthy; false after limit seconds.
healthy() {
	local limit=$1 want=${2:-8} i ids states
	for i in $(seq "$limit"); do
		ids=$(dc ps -q)
		states=$(for id in $ids; do docker inspect -f '{{.State.Health.Status}}' "$id"; done)
		[ "$(printf '%s\n' "$states" | grep -c '^healthy$')" -ge "$want" ] &&
			! printf '%s\n' "$states" | grep -qv '^healthy$' && return 0
		sleep 1
	done
	dc ps >&2
	return 1
}

start=$(date +%s)
dc build >"$tmp/build.log" 2>&1
rc=$?
ok $rc "compose build: Keel's image ($(($(date +%s) - start)) s)"
[ $rc -ne 0 ] && tail -30 "$tmp/build.log" | sed 's/^/# /'
size=$(docker image inspect keel:latest -f '{{.Size}}' 2>/dev/null || echo 0)
echo "# the keel image: $((size / 1000000)) MB (multi-stage: the runtime libraries only)"

start=$(date +%s)
dc up -d >"$tmp/up.log" 2>&1
healthy 180
ok $? "compose up: Redis and the seven daemons healthy in $(($(date +%s) - start)) s (their /readyz)"
docker inspect -f '{{json .Config.Healthcheck.Test}}' "$(dc ps -q ticketing)" | grep -q readyz
ok $? "  the daemons' healthcheck is their /readyz"

k customer put --id acme --name "Acme AG" --timezone Europe/Zurich >/dev/null &&
	k staff put --id ana --name "Ana Analyst" --role technician --level 1 >/dev/null
ok $? "keelctl on the host, signing as the operator: a customer and a technician"
out=$(KEEL_AUTH_IDENTITIES= "$bin/keelctl" -f "$tmp/keel.conf" -t 5000 \
	customer show acme 2>&1)
case $out in *unauthorized*) r=0 ;; *) r=1 ;; esac
ok $r "  unsigned, it is refused: $out"
out=$(k request submit --customer acme --contact Carla --channel phone \
	--symptoms "the printer is offline")
printf '%s\n' "$out" | grep -q "^ticket *T-000001 (opened)"
ok $? "  a request became ticket T-000001 (through the consumer group)"
out=$(curl -s -X POST "http://127.0.0.1:${ports[10]}/v1/customer.get" \
	-H "Authorization: Bearer keelctl-1.$(cat "$tmp/secrets/keys/keelctl-1")" \
	--data '{"id":"acme"}')
case $out in '{"ok":true,"body":{"id":"acme"'*) r=0 ;; *) r=1 ;; esac
ok $r "  keel-gateway's container: POST /v1/customer.get with a bearer key"
k ticket status T-000001 open >/dev/null &&
	k ticket resolve T-000001 --resolution "power cycled" >/dev/null &&
	k ticket confirm T-000001 --by Carla >/dev/null &&
	k ticket show T-000001 | grep -q "^status *closed"
ok $? "  answered, resolved and closed"

dc up -d --scale ticketing=3 --no-recreate >"$tmp/scale.log" 2>&1
healthy 120 10
ok $? "--scale ticketing=3: three ticketing instances healthy"
names=$(k health ticketing 2>/dev/null | awk '$3 == "up" { print $2 }' | sort -u)
[ "$(printf '%s\n' "$names" | grep -c '^ticketing-')" -eq 3 ]
ok $? "  keelctl health: three instances up, each named after its container ($(echo $names))"
acked=()
for i in $(seq 30); do
	t0=$(date +%s%N)
	id=$(k ticket create --customer acme --contact Carla --channel phone \
		--symptoms "load $i" 2>"$tmp/create.err" | awk '$1 == "id" { print $2 }')
	if [ -n "$id" ]; then
		acked+=("$id")
	else
		echo "# create $i failed after $((($(date +%s%N) - t0) / 1000000)) ms: $(tr '\n' ' ' <"$tmp/create.err")"
	fi
done
[ ${#acked[@]} -eq 30 ]
ok $? "  30 tickets created through the three (${#acked[@]} acknowledged)"
[ ${#acked[@]} -eq 30 ] || dc logs ticketing 2>&1 | tail -40 | sed 's/^/# /'
dc stop >"$tmp/stop.log" 2>&1
ok $? "compose stop"
start=$(date +%s)
dc start >"$tmp/start.log" 2>&1
healthy 120 10
ok $? "compose start: healthy again in $(($(date +%s) - start)) s"
lost=0
for id in "${acked[@]}"; do
	if ! k ticket show "$id" >/dev/null 2>"$tmp/show.err"; then
		[ $lost -eq 0 ] && echo "# ticket show $id: $(cat "$tmp/show.err")"
		lost=$((lost + 1))
	fi
done
[ $lost -eq 0 ]
ok $? "  no acknowledged ticket lost across stop and start ($lost of ${#acked[@]})"

dc down >"$tmp/down.log" 2>&1
ok $? "compose down (the volume stays)"
start=$(date +%s)
dc up -d >"$tmp/up2.log" 2>&1
healthy 180
ok $? "compose up again: healthy in $(($(date +%s) - start)) s"
lost=0
for id in T-000001 "${acked[@]}"; do
	k ticket show "$id" >/dev/null 2>&1 || lost=$((lost + 1))
done
[ $lost -eq 0 ]
ok $? "  the data kept on the volume: every ticket still there"

echo "1..$n"
exit $fail
