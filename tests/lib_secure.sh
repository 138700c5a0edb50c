# tests/lib_secure.sh: sourced by the shell tests that run Keel as it is
# deployed: lib_tap.sh (TAP's ok, a temp dir removed at exit with every
# process started), the keys of deploy/keel-secrets.sh, Redis with its ACL file
# (the default user off) and the daemons each as its own Redis user,
# signing as its own identity.
#   secure_redis [redis-server args]    Redis on $tmp/r.sock; sets redis_pid
#   secure_conf [extra lines]           $tmp/keel.conf, exported as KEEL_CONFIG
#   secure_daemons SVC...               started as their Redis users
#   as USER redis-cli args...           redis-cli as that ACL user
# shellcheck source=tests/lib_tap.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib_tap.sh"

"$root/deploy/keel-secrets.sh" init "$tmp/s" --bin "$bin" >/dev/null
secrets_made=$?

as() {
	local u=$1
	shift
	REDISCLI_AUTH=$(cat "$tmp/s/creds/$u/redis.password") \
		redis-cli -s "$tmp/r.sock" --user "$u" "$@" 2>&1
}

secure_redis() {
	redis-server --port 0 --unixsocket "$tmp/r.sock" --save '' --dir "$tmp" \
		--aclfile "$tmp/s/redis/users.acl" "$@" >>"$tmp/redis.log" 2>&1 &
	redis_pid=$!
	pids+=($redis_pid)
	for _ in $(seq 100); do
		as keel-admin ping 2>/dev/null | grep -q PONG && return 0
		sleep 0.05
	done
	return 1
}

secure_conf() {
	{
		ipc_addresses
		echo "auth.identities = $tmp/s/auth.identities"
		echo "log.level = warning"
		for line in "$@"; do echo "$line"; done
	} >"$tmp/keel.conf"
	export KEEL_CONFIG=$tmp/keel.conf
}

secure_daemons() {
	for s in "$@"; do
		KEEL_REDIS_USER=$s CREDENTIALS_DIRECTORY=$tmp/s/creds/$s \
			"$bin/keel-$s" 2>>"$tmp/daemons.log" &
		pids+=($!)
	done
}
