# tests/lib_tap.sh: sourced by the shell tests: root and bin, TAP's ok
# (end with: echo "1..$n"; exit $fail), and a temp dir removed at exit
# with every process in pids (kept with KEEL_KEEP_TMP set);
# ipc_addresses prints the configuration of Redis on $tmp/r.sock and the
# seven services on ipc sockets in $tmp, HTTP off.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
n=0
fail=0
ok() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi; }
tmp=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${KEEL_KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

ipc_addresses() {
	echo "redis.socket = $tmp/r.sock"
	for s in intake pricing scheduling ticketing change billing notify; do
		echo "$s.rep = ipc://$tmp/$s.rep"
		echo "$s.pub = ipc://$tmp/$s.pub"
		echo "$s.http ="
	done
}
