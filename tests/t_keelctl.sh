#!/usr/bin/env bash
# t_keelctl: keelctl as a newcomer meets it: --help on every command and
# verb prints usage on stdout and exits 0 (a verb's help lists its
# request's options from the declarations), and the global options work
# after the command as well as before it.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
k="$bin/keelctl"
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }

out=$("$k" --help)
ok $? "keelctl --help exits 0"
"$k" --version | grep -q '^keelctl '
ok $? "keelctl --version"
groups=$(printf '%s\n' "$out" | sed -n 's/^  \([a-z]*\) .*/\1/p' | sort -u)
for g in $groups; do
	case $g in health | stats | dead | watch | engagement) continue ;; esac
	gout=$("$k" "$g" --help)
	rc=$?
	[ $rc -eq 0 ] && printf '%s\n' "$gout" | grep -q "^usage: keelctl $g "
	ok $? "keelctl $g --help: usage on stdout, exit 0"
	while read -r line; do
			# the verb is one word, or two for notify rule put and the like
			set -- $line
			v=$1
			case "${2:-}" in put | list | show | replay) v="$1 $2" ;; esac
			# shellcheck disable=SC2086
			vout=$("$k" "$g" $v --help)
			rc=$?
			[ $rc -eq 0 ] && printf '%s\n' "$vout" | grep -q "^options ("
			ok $? "keelctl $g $v --help lists its options"
	done < <(printf '%s\n' "$gout" | sed -n "s/^usage: keelctl $g //p")
done
before=$("$k" -f /nonexistent/keel.conf health 2>&1)
after=$("$k" health -f /nonexistent/keel.conf --json 2>&1)
[ "$before" = "$after" ] && printf '%s\n' "$after" | grep -q nonexistent
ok $? "-f and --json work after the command too"
"$k" ticket create --help | grep -q -- "--received-ms"
ok $? "ticket create --help lists --received-ms"
"$k" contract create --help | grep -q -- "--setup-fee .*1000.00"
ok $? "money options say they take currency units"
echo "1..$n"
exit $fail
