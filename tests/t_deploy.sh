#!/usr/bin/env bash
# t_deploy: the deploy files are valid without systemd or a Docker engine:
# units pass systemd-analyze verify and an offline security review, the
# compose file passes docker-compose config, and deploy/keel.conf is a
# configuration the daemons accept.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

for svc in intake pricing scheduling ticketing change billing notify; do
	unit="$root/deploy/systemd/keel-$svc.service"
	[ -f "$unit" ]
	ok $? "deploy/systemd/keel-$svc.service exists"
	# verify wants the ExecStart binary to exist: point it at the build.
	sed "s|/usr/local/bin|$bin|" "$unit" >"$tmp/keel-$svc.service"
	out=$(systemd-analyze verify "$tmp/keel-$svc.service" 2>&1)
	[ -z "$out" ]
	ok $? "keel-$svc.service passes systemd-analyze verify"
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	for key in Type=notify WatchdogSec= "ExecReload=/bin/kill -HUP" \
		Restart=on-failure DynamicUser=yes ProtectSystem=strict \
		NoNewPrivileges=yes SystemCallFilter=@system-service; do
		grep -q "^$key" "$unit"
		ok $? "keel-$svc.service sets $key"
	done
	level=$(systemd-analyze security --offline=yes "$tmp/keel-$svc.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	echo "# keel-$svc exposure level: ${level:-unknown}"
	awk -v l="${level:-99}" 'BEGIN { exit !(l + 0 <= 2.0) }'
	ok $? "keel-$svc.service exposure level is at most 2.0 (${level:-?})"
done

out=$(docker-compose -f "$root/docker/compose.yaml" config -q 2>&1)
ok $? "docker/compose.yaml passes docker-compose config"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
cfg=$(docker-compose -f "$root/docker/compose.yaml" config 2>/dev/null)
for svc in intake pricing scheduling ticketing change billing notify; do
	echo "$cfg" | grep -q "^  $svc:"
	ok $? "compose runs $svc"
done
echo "$cfg" | grep -q "condition: service_healthy"
ok $? "daemons wait for a healthy Redis"
echo "$cfg" | grep -q "redis-data:/data"
ok $? "Redis keeps its data on a volume"
echo "$cfg" | grep -q "read_only: true"
ok $? "daemon containers are read-only"
grep -q "^USER 10001" "$root/docker/Dockerfile"
ok $? "the image runs as a non-root user"
[ "$(grep -c '^FROM ' "$root/docker/Dockerfile")" -ge 2 ]
ok $? "the Dockerfile is multi-stage"

"$bin/keel-intake" -n -f "$root/deploy/keel.conf" >"$tmp/n.out" 2>&1
ok $? "deploy/keel.conf is accepted by keel-intake -n"
sed 's/^#bus.contexts = 256/bus.contexts = 0/' "$root/deploy/keel.conf" >"$tmp/bad.conf"
"$bin/keel-intake" -n -f "$tmp/bad.conf" >"$tmp/bad.out" 2>&1
[ $? -eq 1 ] && grep -q "bus.contexts: 0 is outside 1..4096" "$tmp/bad.out"
ok $? "a bad value in it is refused with the key named"

# Replicas behind one name (docker compose --scale): each listens on every
# interface with its entry's port and names itself after its host.
out=$(KEEL_DAEMON_LISTEN_HOST=0.0.0.0 KEEL_DAEMON_NAME=hostname \
	"$bin/keel-intake" -n -f "$root/deploy/keel.conf" 2>&1 | grep '^# this instance')
[ "$out" = "# this instance: intake-$(hostname | cut -c1-40) rep=tcp://0.0.0.0:7410 pub=tcp://0.0.0.0:7411 http=http://0.0.0.0:7412" ]
ok $? "daemon.listen_host and daemon.name = hostname (${out#\# })"
out=$(KEEL_DAEMON_NAME=blue "$bin/keel-intake" -n -f "$root/deploy/keel.conf" 2>&1 | grep '^# this instance')
[ "$out" = "# this instance: intake-blue rep=tcp://127.0.0.1:7410 pub=tcp://127.0.0.1:7411 http=http://127.0.0.1:7412" ]
ok $? "daemon.name names the instance, the addresses as listed"

echo "1..$n"
exit $fail
