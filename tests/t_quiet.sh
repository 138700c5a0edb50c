#!/usr/bin/env bash
# t_quiet: a quiet Keel leaves Redis alone.  All seven daemons serve a
# little work (a customer, a technician, a request that becomes a ticket,
# a status change: events that keel-billing, keel-notify and keel-change
# consume), then, once it has settled, Redis runs no command at all for
# 8 s.  The safety nets that do look on their own (consumer sweeps,
# daemon.tick_idle_ms, billing's run, stream trims) are set far beyond the
# window, so that whatever still runs is polling: a timer loop that does
# not sleep until its next due time (keel-notify's tick looked every
# second, whatever was due), a sweep that does not back off.  Redis's own
# INFO commandstats counts what ran.
set -u
# shellcheck source=tests/lib_tap.sh
. "$(dirname "$0")/lib_tap.sh"

redis-server --port 0 --unixsocket "$tmp/r.sock" --save '' --appendonly no \
	>"$tmp/redis.log" 2>&1 &
pids+=($!)
r() { redis-cli -s "$tmp/r.sock" "$@"; }
for _ in $(seq 100); do r ping >/dev/null 2>&1 && break; sleep 0.05; done
{
	ipc_addresses
	echo "events.sweep_ms = 600000"
	echo "events.sweep_idle_ms = 600000"
	echo "daemon.tick_idle_ms = 600000"
	echo "events.trim_ms = 3600000"
	echo "billing.run_ms = 0"
	echo "log.level = warning"
} >"$tmp/keel.conf"
export KEEL_CONFIG=$tmp/keel.conf
declare -A pid_of
for s in intake pricing scheduling ticketing change billing notify; do
	# keel-change with the kernel's default policy, the rest with
	# Keel's default (daemon.sched_batch = yes)
	if [ "$s" = change ]; then
		KEEL_DAEMON_SCHED_BATCH=no "$bin/keel-$s" 2>>"$tmp/daemons.log" &
	else
		"$bin/keel-$s" 2>>"$tmp/daemons.log" &
	fi
	pids+=($!)
	pid_of[$s]=$!
done
k() { "$bin/keelctl" -t 5000 "$@"; }
k health --wait 10000 >/dev/null
ok $? "all seven daemons ready"

# Every thread's scheduling policy (field 41 of /proc/PID/task/TID/stat:
# 0 SCHED_OTHER, 3 SCHED_BATCH), one line per policy with its count.
policies() {
	for t in /proc/"$1"/task/*; do
		sed 's/.*) //' "$t/stat" | awk '{ print $39 }'
	done | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }'
}
p=$(policies "${pid_of[ticketing]}")
case $p in "3:"*) [ "${p#* }" = "" ] ;; *) false ;; esac
ok $? "every thread of keel-ticketing (nng's, the store's, the consumers') runs as SCHED_BATCH ($p)"
p=$(policies "${pid_of[change]}")
case $p in "0:"*) [ "${p#* }" = "" ] ;; *) false ;; esac
ok $? "with daemon.sched_batch = no, every thread of keel-change runs as SCHED_OTHER ($p)"

k customer put --id acme --name "Acme AG" --timezone Europe/Zurich >/dev/null &&
	k staff put --id ana --name "Ana Analyst" --role technician --level 1 >/dev/null &&
	out=$(k request submit --customer acme --contact Carla --channel phone \
		--symptoms "the printer is offline") &&
	id=$(printf '%s\n' "$out" | awk '$1 == "ticket" { print $2 }') &&
	[ -n "$id" ] && k ticket status "$id" open >/dev/null
ok $? "some work: a customer, a technician, a request that became ticket ${id:-?}, a status change"

# Settled: two quiet seconds in a row (at most 20 s).
quiet() { # the commands Redis ran since the last reset, config and info aside
	r info commandstats | sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\1=\2/p' |
		grep -v -e '^config|' -e '^info=' | tr '\n' ' '
}
for _ in $(seq 10); do
	r config resetstat >/dev/null
	sleep 2
	[ -z "$(quiet)" ] && break
done
r config resetstat >/dev/null
sleep 8
ran=$(quiet)
[ -z "$ran" ]
ok $? "then 8 s with no Redis command at all${ran:+ (ran: $ran)}"
down=""
for s in intake pricing scheduling ticketing change billing notify; do
	k health "$s" 2>/dev/null | grep -q ' up ' || down="$down $s"
done
[ -z "$down" ]
ok $? "and every daemon still answers${down:+ (not:$down)}"
grep -i 'error\|fatal' "$tmp/daemons.log" | sed 's/^/# /' | head -5
echo "1..$n"
exit $fail
