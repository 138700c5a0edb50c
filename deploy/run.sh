#!/usr/bin/env bash
# make run: a private Redis (own data directory and socket under .run/,
# never the system one), all seven daemons and keel-gateway
# (http://127.0.0.1:7480) on loopback, in the foreground.  Ctrl-C (or SIGTERM) stops everything; nothing is left.
# As deployed, each daemon is a Redis ACL user of its own and the default
# user is off (deploy/keel-secrets.sh makes new passwords each run; redis-cli
# as keel-admin: .run/secrets/creds/keel-admin/redis.password).  Requests
# are not signed: everything listens on loopback (docs/security.md).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
state=${KEEL_STATE_DIR:-$root/.run}
services="intake pricing scheduling ticketing change billing notify"
pids=()

mkdir -p "$state/redis"
sock="$state/redis/redis.sock"
rm -rf "$state/secrets"
"$root/deploy/keel-secrets.sh" init "$state/secrets" --bin "$bin" >/dev/null
cat >"$state/keel.conf" <<CONF
# written by deploy/run.sh; every other key has its loopback default
redis.socket = $sock
CONF
export KEEL_CONFIG="$state/keel.conf"

stop_all() {
	trap - INT TERM EXIT
	[ -z "${watcher:-}" ] || kill "$watcher" 2>/dev/null || true
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	echo "keel: stopped"
}
trap 'stop_all; exit 0' INT TERM HUP
trap stop_all EXIT

redis-server --port 0 --unixsocket "$sock" --unixsocketperm 700 \
	--dir "$state/redis" --appendonly yes --appendfsync everysec \
	--save '' --maxmemory-policy noeviction \
	--aclfile "$state/secrets/redis/users.acl" \
	--logfile "$state/redis/redis.log" &
pids+=($!)
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.05
done
[ -S "$sock" ] || { echo "keel: redis did not start; see $state/redis/redis.log" >&2; exit 1; }

# The daemons go first in the kill list so they drain before Redis stops.
redis_pid=${pids[0]}
pids=()
for svc in $services; do
	KEEL_REDIS_USER=$svc CREDENTIALS_DIRECTORY="$state/secrets/creds/$svc" \
		"$bin/keel-$svc" 2>>"$state/$svc.log" &
	pids+=($!)
done
"$bin/keel-gateway" 2>>"$state/gateway.log" &
pids+=($!)
pids+=("$redis_pid")

if ! "$bin/keelctl" health --wait 10000 >"$state/health.txt" 2>&1; then
	cat "$state/health.txt" >&2
	for svc in $services; do
		tail -n 3 "$state/$svc.log" >&2
	done
	exit 1
fi
cat "$state/health.txt"
echo "keel: running (logs in $state/, config $KEEL_CONFIG); Ctrl-C stops everything"
# Under make run the daemons are a job of their own (Makefile): when make
# goes without the terminal's Ctrl-C reaching us (killed, or signalled
# alone), stop too rather than leave them running.
if [ -n "${KEEL_RUN_PARENT:-}" ]; then
	(
		while kill -0 "$KEEL_RUN_PARENT" 2>/dev/null; do sleep 1; done
		kill -TERM $$ 2>/dev/null
	) &
	watcher=$!
fi
# Exit (and stop the rest) as soon as any process ends on its own.
wait -n "${pids[@]}"
echo "keel: a process ended; stopping the rest" >&2
exit 1
