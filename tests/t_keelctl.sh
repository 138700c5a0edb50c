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

# Bash completion and the manual page, generated from the declarations.
comp=$(mktemp)
"$k" --completion bash >"$comp"
bash -n "$comp"
ok $? "--completion bash is a valid bash script"
complete_words() { # the words offered for a command line ending in $*
	bash -c '
		complete() { :; }
		. "$1"; shift
		COMP_WORDS=(keelctl "$@"); COMP_CWORD=$(($# ))
		_keelctl; printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
complete_words tic | grep -qx ticket
ok $? "completion: 'keelctl tic' offers ticket"
complete_words ticket cr | grep -qx create
ok $? "completion: 'keelctl ticket cr' offers create"
complete_words ticket create --pri | grep -qx -- --priority
ok $? "completion: ticket create's options, from its declaration"
complete_words --json ticket status T-1 open --no | grep -qx -- --note
ok $? "completion: past global options and arguments, still the verb's"
complete_words notify rule "" | sort | tr '\n' ' ' | grep -q "list put show"
ok $? "completion: two-word verbs (notify rule put|list|show)"
complete_words stats "" | grep -qx ticketing
ok $? "completion: service names for stats"
rm -f "$comp"
man=$("$k" --man)
printf '%s\n' "$man" | grep -q '^\.TH KEELCTL 1'
ok $? "--man is a roff page"
warn=$(printf '%s\n' "$man" | groff -man -ww -z 2>&1)
[ -z "$warn" ]
ok $? "  groff reads it without a warning${warn:+: $warn}"
text=$(printf '%s\n' "$man" | groff -man -Tutf8 2>/dev/null | col -bx 2>/dev/null || true)
printf '%s\n' "$text" | grep -Eq "keelctl +ticket +create" &&
	printf '%s\n' "$text" | grep -q -- "--received-ms"
ok $? "  every verb with its options (ticket create --received-ms)"
echo "1..$n"
exit $fail
