#!/usr/bin/env bash
# t_docs: the keelctl sessions in README.md and docs/ are real.  A session
# is a ```console block after a line <!-- keel-session: svc1 svc2 ... -->
# (or <!-- keel-session: continue -->: on with the daemons and data of the
# session before it in the same file); each
# "$ keelctl ..." line runs against a fresh Redis and those daemons (as
# processes, billing.run_ms = 0 so that only the session issues invoices),
# and its output must be the lines that follow it in the block (times of
# day masked).  A read is asked again for up to 5 s until it reads as the
# session says (it waits for events); a write runs once: a daemon that has
# not yet seen keel-intake's customer waits for it (keel_req_catch_up).
#   tests/t_docs.sh            check every session (TAP)
#   tests/t_docs.sh --write    run them and write the outputs into docs/
set -u
# keelctl shows local time: the sessions are written in UTC.
export TZ=UTC
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
write=0
[ "${1:-}" = "--write" ] && write=1 && shift
# Files named after the options: only those (tests/t_docs.sh --write
# docs/billing.md); none: README.md and every file of docs/.
docs=("$@")
[ ${#docs[@]} -eq 0 ] && docs=("$root"/README.md "$root"/docs/*.md)
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

# Starts Redis and the services in a fresh directory; sets tmp and pids.
# As deployed: each daemon its own Redis ACL user (the default user off),
# every request signed (keelctl as the operator), so that every session
# also shows that nothing a user does is denied by the ACLs.
start() {
	tmp=$(mktemp -d)
	pids=()
	"$root/deploy/keel-secrets.sh" init "$tmp/secrets" --bin "$bin" >/dev/null
	redis-server --unixsocket "$tmp/redis.sock" --port 0 --save '' \
		--appendonly no --dir "$tmp" \
		--aclfile "$tmp/secrets/redis/users.acl" >"$tmp/redis.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		admin ping 2>/dev/null | grep -q PONG && break
		sleep 0.05
	done
	{
		echo "redis.socket = $tmp/redis.sock"
		echo "billing.run_ms = 0"
		echo "auth.identities = $tmp/secrets/auth.identities"
		for s in intake pricing scheduling ticketing change billing notify; do
			echo "$s.rep = ipc://$tmp/$s.rep"
			echo "$s.pub = ipc://$tmp/$s.pub"
			echo "$s.http ="
		done
	} >"$tmp/keel.conf"
	for s in "$@"; do
		KEEL_CONFIG="$tmp/keel.conf" KEEL_REDIS_USER=$s \
			CREDENTIALS_DIRECTORY="$tmp/secrets/creds/$s" \
			"$bin/keel-$s" >"$tmp/$s.log" 2>&1 &
		pids+=($!)
	done
	"$bin/keelctl" -f "$tmp/keel.conf" health --wait 5000 "$@" >/dev/null 2>&1
}

# redis-cli as keel-admin.
admin() {
	REDISCLI_AUTH=$(cat "$tmp/secrets/creds/keel-admin/redis.password") \
		redis-cli -s "$tmp/redis.sock" --user keel-admin "$@"
}

# What Redis denied the daemons (ACL LOG), one line per entry.
denied() {
	admin acl log | awk '
		$0 == "reason" || $0 == "object" || $0 == "username" { k = $0; next }
		k != "" { printf "%s=%s ", k, $0; if (k == "username") printf "\n"; k = "" }'
}

stop() {
	local d
	d=$(denied)
	[ -z "$d" ]
	ok $? "$(basename "$doc"): Redis denied the session's daemons nothing${d:+: $d}"
	kill "${pids[@]}" 2>/dev/null
	wait 2>/dev/null
	[ -n "${KEEL_KEEP_TMP:-}" ] || rm -rf "$tmp"
}

# Runs one "$ keelctl ..." line in the session's directory.
run() {
	(cd "$tmp" && eval "\"$bin/keelctl\" -f \"$tmp/keel.conf\" -t 10000 ${1#keelctl }" 2>&1)
}

# Times of day (RFC 3339, UTC) and stream ids differ from run to run:
# masked, and so are a health table's pids, uptimes and addresses (the
# README shows make run's), a stats table's counts and a report's or a
# summary's month (the sessions ask for this month: $(date +%Y-%m)).
mask() {
	sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?Z/<time>/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Z]{2,5}/<time>/g' \
		-e 's/[0-9]{13}-[0-9]+/<seq>/g' \
		-e 's#(ipc|tcp|http)://[^ ]+ *#<addr> #g' \
		-e 's/(<addr> <addr> )-$/\1<addr> /' \
		-e 's/ up +[0-9]+ +(yes|no) +[0-9.]+s / up <pid> \1 <uptime> /' \
		-e 's/"(pid|uptime_ms)": [0-9]+/"\1": <n>/' \
		-e 's/"([a-z_]+_ms)": ?[0-9]{12,}/"\1":<ms>/g' \
		-e 's/^  (requests|errors|bad_messages|events_[a-z]+|redis_[a-z]+|inflight) +[0-9]+$/  \1 <n>/' \
		-e 's/: report of [0-9]{4}-[0-9]{2} /: report of <month> /' \
		-e 's/^month( +)[0-9]{4}-[0-9]{2}$/month\1<month>/'
}

# A read (show, list, history, balance, log, report) may see another daemon's event a
# moment later: it is asked again, for up to 5 s, until it reads as the
# session says.  Writes run once.
run_until() {
	local cmd=$1 want=$2 got i
	got=$(run "$cmd")
	case " $cmd " in
	*" show "* | *" list "* | *" history "* | *" balance "* | *" log "* | *" report "*) ;;
	*) printf '%s\n' "$got"; return ;;
	esac
	for i in $(seq 20); do
		[ "$(printf '%s\n' "$got" | mask)" = "$(printf '%s\n' "$want" | mask)" ] && break
		sleep 0.25
		got=$(run "$cmd")
	done
	printf '%s\n' "$got"
}

# Every block of README.md and docs/ with a "$ keelctl" line is a session
# (so none escapes this test), and README's usage is keelctl's own.
for doc in "$root"/README.md "$root"/docs/*.md; do
	loose=$(awk '
		/^<!-- keel-session:/ { marked = NR + 1 }
		/^```/ { if (inblock) { inblock = 0 } else { inblock = 1; start = NR; sess = (NR == marked) }; next }
		inblock && /^\$ keelctl/ && !sess { print FILENAME ":" start; sess = 1 }
	' "$doc")
	[ -z "$loose" ]
	ok $? "$(basename "$doc"): every block of keelctl commands is a session${loose:+ (not: $loose)}"
done
want=$(awk '/^<!-- keelctl --help -->/ { on = 1; next } on && /^```$/ { if (in_) exit; in_ = 1; next } on && in_' "$root/README.md")
[ "$want" = "$("$bin/keelctl" --help)" ]
ok $? "README.md shows keelctl --help as it is"

for doc in "${docs[@]}"; do
	grep -q '^<!-- keel-session:' "$doc" || continue
	# README's health table is make run's (tcp addresses), kept by hand:
	# --write leaves it alone unless KEEL_DOCS_WRITE_README is set.
	[ "$write" = 1 ] && [ "$(basename "$doc")" = README.md ] &&
		[ -z "${KEEL_DOCS_WRITE_README:-}" ] && continue
	out=$(mktemp)
	insession=0
	running=0
	svcs=""
	cmd=""
	got=""
	want=""
	flush() {
		[ -z "$cmd" ] && return
		[ "$write" = 0 ] && got=$(run_until "$cmd" "$want")
		if [ "$(printf '%s\n' "$got" | mask)" = "$(printf '%s\n' "$want" | mask)" ]; then
			ok 0 "$(basename "$doc"): $cmd"
		else
			ok 1 "$(basename "$doc"): $cmd"
			diff <(printf '%s\n' "$want" | mask) <(printf '%s\n' "$got" | mask) |
				sed 's/^/# /'
		fi
		cmd=""
	}
	while IFS= read -r line || [ -n "$line" ]; do
		case "$insession:$line" in
		0:'<!-- keel-session:'*)
			svcs=${line#<!-- keel-session:}
			svcs=${svcs% -->}
			svcs=${svcs# }
			# "continue": the same daemons and data as the session
			# before it in this file; anything else starts afresh.
			if [ "$svcs" != continue ] && [ "$running" = 1 ]; then
				stop
				running=0
			fi
			echo "$line" >>"$out"
			insession=1
			continue ;;
		1:'```console')
			if [ "$running" = 0 ]; then
				# shellcheck disable=SC2086
				start $svcs
				running=1
			fi
			echo "$line" >>"$out"
			insession=2
			continue ;;
		2:'```')
			flush
			echo "$line" >>"$out"
			insession=0
			continue ;;
		2:'$ '*)
			flush
			cmd=${line#\$ }
			got=""
			echo "$line" >>"$out"
			if [ "$write" = 1 ]; then
				case " $cmd " in
				*" list "* | *" show "* | *" history "* | *" balance "* | *" log "*)
					sleep 0.5
					got=$(run "$cmd") ;;
				*) got=$(run "$cmd") ;;
				esac
				[ -n "$got" ] && printf '%s\n' "$got" >>"$out"
			fi
			want=""
			first=1
			continue ;;
		2:*)
			if [ "$first" = 1 ]; then want=$line; first=0
			else want=$want$'\n'$line; fi
			continue ;;
		esac
		echo "$line" >>"$out"
	done <"$doc"
	if [ "$running" = 1 ]; then
		stop
		running=0
	fi
	if [ "$write" = 1 ]; then
		cp "$out" "$doc"
	fi
	rm -f "$out"
done
echo "1..$n"
exit $fail
