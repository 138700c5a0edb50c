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

# systemd-analyze verify's findings about Keel's own units: a warning about
# another unit installed on this machine (Debian's request-tracker5 says
# "Failed to add dependency on mysql") is not Keel's to fix.
verify() {
	systemd-analyze verify "$@" 2>&1 | grep -E 'keel[-a-z]*(@[0-9]*)?\.(service|target)' |
		grep -v '^$'
}
# The units as installed: every file in one directory (the target wants
# the services), ExecStart pointed at the build.
for f in "$root"/deploy/systemd/*; do
	sed "s|/usr/local/bin|$bin|" "$f" >"$tmp/$(basename "$f")"
done

for svc in intake pricing scheduling ticketing change billing notify; do
	unit="$root/deploy/systemd/keel-$svc.service"
	[ -f "$unit" ]
	ok $? "deploy/systemd/keel-$svc.service exists"
	out=$(verify "$tmp/keel-$svc.service")
	[ -z "$out" ]
	ok $? "keel-$svc.service passes systemd-analyze verify"
	[ -n "$out" ] && echo "$out" | sed 's/^/# /'
	for key in Type=notify WatchdogSec= "ExecReload=/bin/kill -HUP" \
		Restart=on-failure DynamicUser=yes ProtectSystem=strict \
		NoNewPrivileges=yes SystemCallFilter=@system-service \
		PartOf=keel.target WantedBy=keel.target \
		LoadCredential=keel:/etc/keel/credentials \
		"Environment=KEEL_REDIS_USER=$svc" \
		"LoadCredential=redis.password:/etc/keel/secrets/creds/$svc/" \
		LoadCredential=auth.identities: LoadCredential=keys:; do
		grep -q "^$key" "$unit"
		ok $? "keel-$svc.service sets $key"
	done
	level=$(systemd-analyze security --offline=yes "$tmp/keel-$svc.service" 2>/dev/null |
		sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	echo "# keel-$svc exposure level: ${level:-unknown}"
	awk -v l="${level:-99}" 'BEGIN { exit !(l + 0 <= 2.0) }'
	ok $? "keel-$svc.service exposure level is at most 2.0 (${level:-?})"
done

out=$(verify "$tmp/keel-ticketing@.service")
[ -z "$out" ] && grep -q -- '-i %i$' "$root/deploy/systemd/keel-ticketing@.service" &&
	grep -q '^RuntimeDirectory=keel-ticketing-%i$' "$root/deploy/systemd/keel-ticketing@.service"
ok $? "keel-ticketing@.service: a template, instance N listens on entry N"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
level=$(systemd-analyze security --offline=yes "$tmp/keel-ticketing@.service" 2>/dev/null |
	sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
awk -v l="${level:-99}" 'BEGIN { exit !(l + 0 <= 2.0) }'
ok $? "keel-ticketing@.service exposure level is at most 2.0 (${level:-?})"
out=$(verify "$tmp/keel.target")
wants=$(sed -n 's/^Wants=//p' "$root/deploy/systemd/keel.target" | tr ' ' '\n' | grep -c '^keel-')
[ -z "$out" ] && [ "$wants" -eq 7 ]
ok $? "keel.target passes verify and wants the seven daemons ($wants)"
[ -n "$out" ] && echo "$out" | sed 's/^/# /'
printf 'x.service: Failed to add dependency on mysql, ignoring: Invalid argument\n' |
	grep -E 'keel[-a-z]*(@[0-9]*)?\.(service|target)' >/dev/null
[ $? -ne 0 ]
ok $? "a warning about another unit on this machine does not count"

# Secrets through LoadCredential=: the daemon reads redis.password from
# $CREDENTIALS_DIRECTORY (as systemd sets it), with none in the file or
# the environment, and AUTHs with it against a Redis that requires it.
if command -v redis-server >/dev/null; then
	redis-server --unixsocket "$tmp/r.sock" --port 0 --save '' \
		--requirepass 'cred-s3cret' >"$tmp/redis.log" 2>&1 &
	rpid=$!
	mkdir -p "$tmp/creds"
	printf 'cred-s3cret\n' >"$tmp/creds/keel_redis.password"
	printf 'redis.socket = %s\nintake.rep = ipc://%s/i.rep\nintake.pub = ipc://%s/i.pub\nintake.http =\n' \
		"$tmp/r.sock" "$tmp" "$tmp" >"$tmp/cred.conf"
	out=$(CREDENTIALS_DIRECTORY=$tmp/creds "$bin/keel-intake" -n -f "$tmp/cred.conf" 2>&1)
	printf '%s\n' "$out" | grep -q '^redis.password = "\*\*\*\*\*\*\*\*"  # credential' &&
		! printf '%s\n' "$out" | grep -q cred-s3cret
	ok $? "redis.password from the credential keel_redis.password, never printed"
	CREDENTIALS_DIRECTORY=$tmp/creds KEEL_CONFIG=$tmp/cred.conf "$bin/keel-intake" >"$tmp/cred.log" 2>&1 &
	dpid=$!
	up=1
	for _ in $(seq 100); do
		"$bin/keelctl" -f "$tmp/cred.conf" -t 500 health intake 2>/dev/null |
			grep -q ' up .* yes ' && up=0 && break
		sleep 0.1
	done
	ok $up "keel-intake AUTHs to Redis with it and serves"
	kill "$dpid" 2>/dev/null
	KEEL_CONFIG=$tmp/cred.conf "$bin/keel-intake" >"$tmp/nocred.log" 2>&1 &
	dpid=$!
	sleep 1
	"$bin/keelctl" -f "$tmp/cred.conf" -t 500 health intake 2>/dev/null | grep -q ' up .* yes '
	[ $? -ne 0 ]
	ok $? "  without it, Redis refuses it (the check can fail)"
	kill "$dpid" "$rpid" 2>/dev/null
	wait 2>/dev/null
	# an empty credential is a mistake (a file half written), not an
	# empty password
	mkdir -p "$tmp/empty"
	: >"$tmp/empty/keel_redis.password"
	CREDENTIALS_DIRECTORY=$tmp/empty "$bin/keel-intake" -n -f "$tmp/cred.conf" >"$tmp/empty.out" 2>&1
	[ $? -eq 1 ] && grep -q "credential $tmp/empty/keel_redis.password is empty" "$tmp/empty.out"
	ok $? "an empty credential is refused at start, named ($(head -1 "$tmp/empty.out"))"
fi

# A TLS certificate TLS cannot use is named at start, not found as
# "Cryptographic error" at the first listen
printf 'not a certificate\n' >"$tmp/bad.pem"
printf 'bus.tls_ca = %s\nbus.tls_cert = %s\n' "$tmp/bad.pem" "$tmp/bad.pem" >"$tmp/tls.conf"
"$bin/keel-intake" -n -f "$tmp/tls.conf" >"$tmp/tls.out" 2>&1
[ $? -eq 1 ] && grep -q "bus.tls_ca '$tmp/bad.pem': .*wants the PEM certificate of the CA" "$tmp/tls.out"
ok $? "an unusable bus.tls_ca is refused at start, named ($(head -1 "$tmp/tls.out"))"

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
# (beyond loopback: with identities, docs/security.md)
"$root/deploy/keel-secrets.sh" init "$tmp/secrets" --bin "$bin" >/dev/null
out=$(KEEL_DAEMON_LISTEN_HOST=0.0.0.0 KEEL_DAEMON_NAME=hostname \
	KEEL_AUTH_IDENTITIES=$tmp/secrets/auth.identities \
	"$bin/keel-intake" -n -f "$root/deploy/keel.conf" 2>&1 | grep '^# this instance')
[ "$out" = "# this instance: intake-$(hostname | cut -c1-40) rep=tcp://0.0.0.0:7410 pub=tcp://0.0.0.0:7411 http=http://0.0.0.0:7412" ]
ok $? "daemon.listen_host and daemon.name = hostname (${out#\# })"
out=$(KEEL_DAEMON_LISTEN_HOST=0.0.0.0 "$bin/keel-intake" -n \
	-f "$root/deploy/keel.conf" 2>&1)
[ $? -eq 1 ] && case $out in *"reachable from other hosts"*) true ;; *) false ;; esac
ok $? "... and without identities it refuses: ${out#keel-intake: }"
out=$(KEEL_DAEMON_NAME=blue "$bin/keel-intake" -n -f "$root/deploy/keel.conf" 2>&1 | grep '^# this instance')
[ "$out" = "# this instance: intake-blue rep=tcp://127.0.0.1:7410 pub=tcp://127.0.0.1:7411 http=http://127.0.0.1:7412" ]
ok $? "daemon.name names the instance, the addresses as listed"

echo "1..$n"
exit $fail
