#!/bin/sh
# make bench: Keel against the raw nng + Redis limit, side by side in one
# run, on a release build and a private Redis (appendonly yes; once with
# Keel's default fsync policy, everysec, once with appendfsync always).
# Writes bench/results/latest.json and latest.png; prints the table.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${KEEL_BENCH_BIN:-$root/build-release}
requests=${KEEL_BENCH_REQUESTS:-20000}
levels=${KEEL_BENCH_LEVELS:-"1 8 64"}
tries=${KEEL_BENCH_TRIES:-3}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=$root/bench/results
state=$(mktemp -d /tmp/keel-bench.XXXXXX)
mkdir -p "$out"
pids=""

cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$state"
}
trap cleanup EXIT INT TERM

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

start_redis() { # $1 = fsync policy
	mkdir -p "$state/redis-$1"
	redis-server --port 0 --unixsocket "$state/redis.sock" \
		--unixsocketperm 700 --dir "$state/redis-$1" --appendonly yes \
		--appendfsync "$1" --save '' --daemonize no \
		--logfile "$state/redis-$1.log" &
	redis=$!
	pids="$pids $redis"
	for _ in $(seq 1 100); do
		redis-cli -s "$state/redis.sock" ping >/dev/null 2>&1 && return
		sleep 0.05
	done
	echo "keel bench: redis did not start" >&2
	exit 1
}

write_conf() {
	{
		echo "redis.socket = $state/redis.sock"
		for s in intake pricing scheduling change billing notify; do
			echo "$s.rep = ipc://$state/$s-0.rep"
			echo "$s.pub = ipc://$state/$s-0.pub"
			echo "$s.http ="
		done
		echo "ticketing.rep = ipc://$state/ticketing-0.rep, ipc://$state/ticketing-1.rep"
		echo "ticketing.pub = ipc://$state/ticketing-0.pub, ipc://$state/ticketing-1.pub"
		echo "ticketing.http ="
		echo "log.level = warning"
	} >"$state/keel.conf"
}

one_instance_conf() { # ticketing with one address: clients dial only it
	sed -e "s|^ticketing.rep = .*|ticketing.rep = ipc://$state/ticketing-0.rep|" \
		-e "s|^ticketing.pub = .*|ticketing.pub = ipc://$state/ticketing-0.pub|" \
		"$state/keel.conf" >"$state/one.conf"
}

ms_now() { date +%s%3N; }

# median FILE KIND FIELD: of FILE's lines "KIND {json}", the JSON whose
# numeric FIELD is the median (the lower middle of an even count).
median() {
	grep "^$2 " "$1" | cut -d' ' -f2- |
		awk -v f="\"$3\": " '{ i = index($0, f)
			print substr($0, i + length(f)) + 0 "\t" $0 }' |
		sort -n | cut -f2- |
		awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

size=$("$bin/keel-bench" - 0 0)
machine="$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
versions="nng $(dpkg-query -W -f='${Version}' libnng-dev 2>/dev/null), hiredis $(dpkg-query -W -f='${Version}' libhiredis-dev 2>/dev/null), msgpack-c $(dpkg-query -W -f='${Version}' libmsgpack-dev 2>/dev/null), $(redis-server --version | cut -d' ' -f1-3)"
json="$out/latest.json"
: >"$state/rows"

for fsync in everysec always; do
	start_redis "$fsync"
	write_conf
	one_instance_conf
	# Every daemon with one instance; ticketing's second comes later.
	export KEEL_CONFIG="$state/one.conf"

	# Start-up: all seven, until each answers ready.
	t0=$(ms_now)
	dpids=""
	for s in intake pricing scheduling ticketing change billing notify; do
		"$bin/keel-$s" -i 0 2>>"$state/daemons.log" &
		dpids="$dpids $s:$!"
		pids="$pids $!"
	done
	"$bin/keelctl" health --wait 10000 >/dev/null
	ready_ms=$(($(ms_now) - t0))
	idle=""
	for d in $dpids; do idle="$idle \"${d%%:*}\": $(rss_kb "${d#*:}"),"; done

	"$bin/keelctl" customer put --id acme --name "Acme AG" \
		--timezone Europe/Zurich >/dev/null
	"$bin/keelctl" staff put --id ana --name Ana --role technician \
		--level 1 >/dev/null
	"$bin/keelctl" staff put --id ben --name Ben --role technician \
		--level 1 >/dev/null
	sleep 0.5 # ticketing has its copy of acme

	# The write path: ticket.create against the raw lines.  The daemons
	# that consume ticketing's stream (keel-billing and keel-notify call
	# a function for every ticket event, keel-change reads them all) are
	# stopped, and keel-bench measures its requests only
	# (KEEL_BENCH_FANOUT=0), as the raw program's clients do: on two
	# cores, whatever else runs takes the server's CPU.  The whole
	# system, fan-out included, is measured after.
	consumers=""
	for d in $dpids; do
		case ${d%%:*} in billing | notify | change)
			kill "${d#*:}" 2>/dev/null || true
			wait "${d#*:}" 2>/dev/null || true ;;
		*) consumers="$consumers $d" ;;
		esac
	done
	dpids=$consumers
	# The three lines alternate, $tries times, and each keeps its run
	# of median throughput: one run of each on this shared machine can
	# catch a noisy second that another does not.
	for c in $levels; do
		: >"$state/tries"
		for _ in $(seq 1 "$tries"); do
			r=$("$bin/keel-bench-raw" "$state/redis.sock" "$c" "$requests" "$size")
			echo "raw $r" >>"$state/tries"
			# Keel's own Redis work per ticket (its FCALL), no Keel code
			r=$("$bin/keel-bench-raw" "$state/redis.sock" "$c" "$requests" "$size" keel)
			echo "rawk $r" >>"$state/tries"
			redis-cli -s "$state/redis.sock" config resetstat >/dev/null
			k=$(KEEL_BENCH_FANOUT=0 "$bin/keel-bench" "$state/one.conf" "$c" "$requests")
			echo "keel $k" >>"$state/tries"
			# Redis's own time per ticket.create FCALL in that run
			us=$(redis-cli -s "$state/redis.sock" info commandstats |
				sed -n 's/^cmdstat_fcall:.*usec_per_call=\([0-9.]*\).*/\1/p')
			echo "fcall {\"concurrency\": $c, \"usec_per_call\": ${us:-0}}" >>"$state/tries"
		done
		for kind in raw rawk keel; do
			echo "$fsync $kind 1 $(median "$state/tries" $kind throughput)" >>"$state/rows"
		done
		echo "$fsync fcall 1 $(median "$state/tries" fcall usec_per_call)" >>"$state/rows"
	done
	# The same ticket.create through keel-gateway (HTTP/JSON, one
	# keep-alive connection per client), against the nng line above.
	gwport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	KEEL_GATEWAY_HTTP=http://127.0.0.1:$gwport "$bin/keel-gateway" \
		2>>"$state/daemons.log" &
	gwpid=$!
	pids="$pids $gwpid"
	for _ in $(seq 1 100); do
		curl -s "http://127.0.0.1:$gwport/healthz" >/dev/null 2>&1 && break
		sleep 0.05
	done
	for c in $levels; do
		r=$("$bin/keel-bench-http" "http://127.0.0.1:$gwport" "$c" "$requests")
		echo "$fsync gateway 1 $r" >>"$state/rows"
	done
	kill "$gwpid" 2>/dev/null || true
	wait "$gwpid" 2>/dev/null || true
	# Signed: keel-intake and keel-ticketing again with identities
	# (docs/security.md), keel-bench signing as the operator; each
	# request's signature checked and its id remembered in Redis.
	if [ "$fsync" = everysec ]; then
		[ -d "$state/secrets" ] ||
			"$root/deploy/keel-secrets.sh" init "$state/secrets" \
				--bin "$bin" >/dev/null
		sed "\$a auth.identities = $state/secrets/auth.identities" \
			"$state/one.conf" >"$state/signed.conf"
		rest=""
		for d in $dpids; do
			case ${d%%:*} in intake | ticketing)
				kill "${d#*:}" 2>/dev/null || true
				wait "${d#*:}" 2>/dev/null || true
				KEEL_CONFIG="$state/signed.conf" "$bin/keel-${d%%:*}" \
					-i 0 2>>"$state/daemons.log" &
				pids="$pids $!"
				rest="$rest ${d%%:*}:$!" ;;
			*) rest="$rest $d" ;;
			esac
		done
		dpids=$rest
		"$bin/keelctl" -f "$state/signed.conf" health --wait 10000 \
			intake ticketing >/dev/null
		for c in $levels; do
			k=$(KEEL_BENCH_FANOUT=0 "$bin/keel-bench" "$state/signed.conf" "$c" "$requests")
			echo "$fsync signed 1 $k" >>"$state/rows"
		done
		# and back to unsigned for the lines below
		rest=""
		for d in $dpids; do
			case ${d%%:*} in intake | ticketing)
				kill "${d#*:}" 2>/dev/null || true
				wait "${d#*:}" 2>/dev/null || true
				"$bin/keel-${d%%:*}" -i 0 2>>"$state/daemons.log" &
				pids="$pids $!"
				rest="$rest ${d%%:*}:$!" ;;
			*) rest="$rest $d" ;;
			esac
		done
		dpids=$rest
		"$bin/keelctl" health --wait 10000 intake ticketing >/dev/null
	fi
	# Two ticketing instances, on the same terms.
	"$bin/keel-ticketing" -f "$state/keel.conf" -i 1 \
		2>>"$state/daemons.log" &
	t1=$!
	pids="$pids $t1"
	"$bin/keelctl" -f "$state/keel.conf" health --wait 10000 ticketing \
		>/dev/null || true
	for c in $levels; do
		k=$(KEEL_BENCH_FANOUT=0 "$bin/keel-bench" "$state/keel.conf" "$c" "$requests")
		echo "$fsync keel 2 $k" >>"$state/rows"
	done
	kill "$t1" 2>/dev/null || true
	wait "$t1" 2>/dev/null || true

	# The whole system: all seven, keel-billing, keel-notify and
	# keel-change acting on every ticket event, and keel-bench's own live
	# subscriber and consumer group timing the fan-out.  The backlog of
	# the lines above is skipped: every group on ticketing's stream starts
	# from its end.
	ev="keel:{ticketing}:events"
	for g in $(redis-cli -s "$state/redis.sock" xinfo groups "$ev" |
		awk 'prev == "name" { print } { prev = $0 }'); do
		redis-cli -s "$state/redis.sock" xgroup setid "$ev" "$g" '$' >/dev/null
	done
	for s in billing notify change; do
		"$bin/keel-$s" -i 0 2>>"$state/daemons.log" &
		dpids="$dpids $s:$!"
		pids="$pids $!"
	done
	"$bin/keelctl" health --wait 10000 >/dev/null
	if [ "$fsync" = everysec ]; then
		# A quiet daemon leaves Redis alone: every command Redis ran
		# in 10 s of idle, all seven up, once the safety nets
		# (consumer sweeps, timers) have backed off to their idle
		# interval.  Measured here, before the whole system's lines:
		# after them keel-notify is still working through the
		# deliveries their tickets made, which is work, not idling.
		sleep "${KEEL_BENCH_SETTLE:-35}"
		redis-cli -s "$state/redis.sock" config resetstat >/dev/null
		sleep 10
		quiet=$(redis-cli -s "$state/redis.sock" info commandstats |
			sed -n 's/^cmdstat_\([a-z|]*\):calls=\([0-9]*\).*/\1 \2/p' |
			grep -v -e '^config ' -e '^info ' |
			awk '{printf "%s\"%s\": %s", (n++ ? ", " : ""), $1, $2} END {if (!n) printf ""}')
		echo "$fsync idle 1 {\"seconds\": 10, \"commands\": {$quiet}}" >>"$state/rows"
	fi
	for c in $levels; do
		k=$("$bin/keel-bench" "$state/one.conf" "$c" "$requests")
		echo "$fsync system 1 $k" >>"$state/rows"
	done
	# A change on an existing ticket, and a support request end to end
	# (keel-intake, its stream, keel-ticketing's consumer group, the
	# ticket's creation).
	# Overload: 256 clients against one instance; past bus.max_inflight
	# (192) requests are answered "unavailable: overloaded" at once, and
	# counted as errors here.
	k=$("$bin/keel-bench" "$state/one.conf" 256 "$requests")
	echo "$fsync overload 1 $k" >>"$state/rows"
	for c in $levels; do
		k=$("$bin/keel-bench" "$state/one.conf" "$c" "$requests" status)
		echo "$fsync status 1 $k" >>"$state/rows"
		k=$("$bin/keel-bench" "$state/one.conf" "$c" "$requests" submit)
		echo "$fsync submit 1 $k" >>"$state/rows"
	done
	after=""
	for d in $dpids; do after="$after \"${d%%:*}\": $(rss_kb "${d#*:}"),"; done
	echo "$fsync footprint 0 {\"ready_ms\": $ready_ms, \"idle_rss_kb\": {${idle%,} }, \"after_rss_kb\": {${after%,} }}" >>"$state/rows"
	for d in $dpids; do kill "${d#*:}" 2>/dev/null || true; done
	for d in $dpids; do wait "${d#*:}" 2>/dev/null || true; done
	kill "$redis"
	wait "$redis" 2>/dev/null || true
	rm -f "$state"/*.rep "$state"/*.pub
done

# The JSON file: settings and every figure.
{
	printf '{\n  "time": "%s",\n  "machine": "%s",\n  "versions": "%s",\n' \
		"$stamp" "$machine" "$versions"
	printf '  "settings": {"requests": %s, "levels": "%s", "request_bytes": %s, "appendonly": "yes", "build": "Release"},\n' \
		"$requests" "$levels" "$size"
	awk -f "$root/bench/json.awk" "$state/rows"
	printf '}\n'
} >"$json"
# Only the latest run is kept (results/latest.json and latest.png; its
# time is in the file): older runs are in git's history.

# The table: Keel / raw at each level.
awk '
function val(s, k,   m) { if (match(s, "\"" k "\": [0-9.]+")) { m = substr(s, RSTART, RLENGTH); sub(/.*: /, "", m); return m + 0 } return 0 }
$2 == "raw" { raw[$1, val($0, "concurrency")] = $0 }
$2 == "rawk" { rawk[$1, val($0, "concurrency")] = $0 }
$2 == "fcall" { fcall[$1, val($0, "concurrency")] = val($0, "usec_per_call") }
$2 == "keel" || $2 == "system" { lab = $2 == "system" ? "all7" : $3; keel[$1, lab, val($0, "concurrency")] = $0; order[++n] = $1 SUBSEP lab SUBSEP val($0, "concurrency") }
$2 == "footprint" || $2 == "idle" { fp[$1 " " $2] = $0 }
$2 == "status" || $2 == "submit" || $2 == "overload" || $2 == "gateway" || $2 == "signed" { key = $1 SUBSEP $2 SUBSEP val($0, "concurrency"); oth[key] = $0; other[++m] = key }
END {
	printf "%-9s %-4s %4s %9s %9s %9s %7s %7s %8s %8s %8s %8s %4s %9s %9s\n",
		"fsync", "keel", "conc", "raw/s", "rawk/s", "keel/s", "k/raw", "k/rawk",
		"raw p99", "rawk p99", "keel p99", "fcall", "errs", "live p99", "group p99"
	for (i = 1; i <= n; i++) {
		split(order[i], k, SUBSEP)
		r = raw[k[1], k[3]]; q = rawk[k[1], k[3]]; s = keel[k[1], k[2], k[3]]
		printf "%-9s %-4s %4d %9.0f %9.0f %9.0f %6.2f %7.2f %6.0fus %6.0fus %6.0fus %6.0fus %4d %7.0fus %7.0fus\n",
			k[1], k[2], k[3], val(r, "throughput"), val(q, "throughput"), val(s, "throughput"),
			val(s, "throughput") / (val(r, "throughput") ? val(r, "throughput") : 1),
			val(s, "throughput") / (val(q, "throughput") ? val(q, "throughput") : 1),
			val(r, "p99_us"), val(q, "p99_us"), val(s, "p99_us"),
			k[2] == 1 ? fcall[k[1], k[3]] : 0,
			val(s, "errors") + val(q, "errors"), val(s, "fanout_live_p99_us"), val(s, "fanout_group_p99_us")
	}
	printf "\n%-9s %-8s %4s %9s %9s %11s %8s\n", "fsync", "request", "conc",
		"req/s", "p99", "to ticket p99", "refused"
	for (i = 1; i <= m; i++) {
		split(other[i], k, SUBSEP); s = oth[other[i]]
		printf "%-9s %-8s %4d %9.0f %7.0fus %9.0fus %8d\n", k[1], k[2], k[3],
			val(s, "throughput"), val(s, "p99_us"),
			k[2] == "submit" ? val(s, "fanout_live_p99_us") : 0,
			val(s, "errors")
	}
	for (f in fp) print f ": " substr(fp[f], index(fp[f], "{"))
}' "$state/rows"

# The chart: p99 latency against throughput, raw and Keel.
if command -v gnuplot >/dev/null 2>&1; then
	for series in "everysec raw 1" "everysec rawk 1" "everysec keel 1" \
		"everysec keel 2" "everysec system 1" "always raw 1" \
		"always rawk 1" "always keel 1" "always keel 2"; do
		set -- $series
		grep "^$1 $2 $3 " "$state/rows" |
			sed -e 's/.*"concurrency": \([0-9]*\).*"throughput": \([0-9.]*\).*"p50_us": \([0-9.]*\).*"p99_us": \([0-9.]*\).*/\2 \3 \4 \1/' \
			>"$state/$1-$2-$3.dat"
	done
	gnuplot <<PLOT
set terminal pngcairo size 1000,640
set output "$out/latest.png"
set title "ticket.create: p99 latency against throughput (concurrency $levels)"
set xlabel "requests per second"
set ylabel "p99 latency (microseconds)"
set logscale y
set key outside below horizontal
set grid
# each point labelled with its concurrency (c=N)
plot "$state/everysec-raw-1.dat" using 1:3 with linespoints title "raw nng+Redis, fsync everysec", \
     "$state/everysec-rawk-1.dat" using 1:3 with linespoints title "raw, Keel's writes, everysec", \
     "$state/always-rawk-1.dat" using 1:3 with linespoints title "raw, Keel's writes, always", \
     "$state/everysec-keel-1.dat" using 1:3 with linespoints title "Keel, 1 instance, everysec", \
     "$state/everysec-keel-2.dat" using 1:3 with linespoints title "Keel, 2 instances, everysec", \
     "$state/always-raw-1.dat" using 1:3 with linespoints title "raw, fsync always", \
     "$state/always-keel-1.dat" using 1:3 with linespoints title "Keel, 1 instance, always", \
     "$state/always-keel-2.dat" using 1:3 with linespoints title "Keel, 2 instances, always", \
     "$state/everysec-system-1.dat" using 1:3 with linespoints title "Keel, all seven and fan-out, everysec", \
     for [f in "everysec-raw-1 everysec-rawk-1 everysec-keel-1 everysec-keel-2 everysec-system-1 always-raw-1 always-rawk-1 always-keel-1 always-keel-2"] \
         "$state/".f.".dat" using 1:3:(sprintf("c=%d", \$4)) with labels offset 1,0.6 font ",8" notitle
PLOT
	echo "chart: $out/latest.png"
fi
echo "figures: $json"
