#!/usr/bin/env bash
# keel-secrets: the keys of a Keel deployment (docs/security.md).
#
#   keel-secrets.sh init DIR [--bin BINDIR] [--owner UID:GID]
#       DIR/auth.identities     who may send and read what
#       DIR/keys/<key id>       one HMAC secret per key (32 random bytes, hex)
#       DIR/redis/users.acl     Redis ACL users: one per daemon (its own keys,
#                               the streams it consumes read-only), keel-admin;
#                               the default user off; passwords as SHA-256
#       DIR/creds/<user>/redis.password   each Redis user's password, in a
#                               directory a daemon takes as its
#                               CREDENTIALS_DIRECTORY
#   keel-secrets.sh rotate DIR IDENTITY   adds a new key to IDENTITY (the
#                               old one stays valid until retired)
#   keel-secrets.sh retire DIR KEY-ID     removes a key and its secret
#
# Every file is made with umask 077; --owner hands them to the user and
# group the daemons run as (a container's, say), readable by the group.  Daemons read the identities at start:
# restart them after rotate and retire.
set -euo pipefail

services="intake pricing scheduling ticketing change billing notify"

die() {
	echo "keel-secrets: $*" >&2
	exit 1
}

secret() {
	od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

# The next key id of an identity: <identity>-<n>.
next_kid() {
	local dir=$1 id=$2 n=1
	while [ -e "$dir/keys/$id-$n" ] ||
		grep -q "^key $id-$n " "$dir/auth.identities" 2>/dev/null; do
		n=$((n + 1))
	done
	echo "$id-$n"
}

add_key() {
	local dir=$1 id=$2 kid
	kid=$(next_kid "$dir" "$id")
	secret >"$dir/keys/$kid"
	echo "key $kid $id keys/$kid" >>"$dir/auth.identities"
	echo "$kid"
}

init() {
	local dir=$1 bin=$2 owner=$3
	[ -e "$dir/auth.identities" ] && die "$dir/auth.identities exists; use rotate"
	umask 077
	mkdir -p "$dir/keys" "$dir/redis" "$dir/creds"
	{
		echo "# Keel identities (docs/security.md): identity NAME send=TYPES read=TYPES,"
		echo "# then key KEY-ID IDENTITY SECRET-FILE.  Patterns: *, a prefix (ticket.*), a type."
		echo "# The operator (keelctl) may do everything."
		echo "identity keelctl send=* read=*"
		echo "# Each daemon: its own probes (sys.*), and every event."
		for s in $services; do
			echo "identity $s send=sys. read=*"
		done
		echo "# Systems that publish onto the bus: a monitoring system raises requests,"
		echo "# a CRM keeps the customers."
		echo "identity monitoring send=request.submit read=request."
		echo "identity crm send=customer.put,customer.get,customer.list read=customer."
	} >"$dir/auth.identities"
	for id in keelctl $services monitoring crm; do
		add_key "$dir" "$id" >/dev/null
	done

	# Redis: one user per daemon with the rules the daemon states itself.
	{
		# Off: nobody can log in as default.  Its rights are still all,
		# because Redis before 7.2.12 and 7.4.7 re-checks each
		# MULTI/EXEC it replays from the AOF (a function's writes too)
		# against the default user's rights, and drops the ones they
		# deny: silent loss of every function write at restart
		# (redis/redis#14541).
		echo "user default off ~* &* +@all"
		for u in $services keel-admin; do
			local pass hash rules
			pass=$(secret)
			mkdir -p "$dir/creds/$u"
			printf '%s' "$pass" >"$dir/creds/$u/redis.password"
			hash=$(printf '%s' "$pass" | sha256sum | cut -d' ' -f1)
			if [ "$u" = keel-admin ]; then
				rules="~* &* +@all"
			else
				rules=$("$bin/keel-$u" --redis-acl) ||
					die "cannot ask $bin/keel-$u for its Redis rules"
			fi
			echo "user $u on #$hash $rules"
		done
	} >"$dir/redis/users.acl"
	if [ -n "$owner" ]; then
		# containers: the files are the daemons' user's, readable by
		# its group too (Redis's container joins it for users.acl)
		chown -R "$owner" "$dir"
		chmod -R g+rX "$dir"
	fi
	echo "keel-secrets: wrote $dir (identities, keys, redis/users.acl, creds/)"
}

cmd=${1:-}
[ $# -ge 2 ] || die "usage: keel-secrets.sh init DIR [--bin BINDIR] [--owner UID:GID] | rotate DIR IDENTITY | retire DIR KEY-ID"
dir=$2
shift 2
case $cmd in
init)
	# installed beside the daemons, or run from the source tree
	bin=$(cd "$(dirname "$0")" && pwd)
	[ -x "$bin/keel-intake" ] || bin=$(cd "$(dirname "$0")/.." && pwd)/build
	owner=""
	while [ $# -gt 0 ]; do
		case $1 in
		--bin) bin=$2; shift 2 ;;
		--owner) owner=$2; shift 2 ;;
		*) die "unknown option $1" ;;
		esac
	done
	init "$dir" "$bin" "$owner"
	;;
rotate)
	[ $# -eq 1 ] || die "usage: rotate DIR IDENTITY"
	grep -q "^identity $1 " "$dir/auth.identities" ||
		die "no identity $1 in $dir/auth.identities"
	umask 077
	kid=$(add_key "$dir" "$1")
	owner=$(stat -c %u:%g "$dir/auth.identities")
	chown "$owner" "$dir/keys/$kid"
	echo "keel-secrets: added key $kid to $1; restart the daemons, move $1 to it, then retire the old key"
	;;
retire)
	[ $# -eq 1 ] || die "usage: retire DIR KEY-ID"
	grep -q "^key $1 " "$dir/auth.identities" || die "no key $1 in $dir/auth.identities"
	sed -i "/^key $1 /d" "$dir/auth.identities"
	rm -f "$dir/keys/$1"
	echo "keel-secrets: retired key $1; restart the daemons"
	;;
*)
	die "unknown command $cmd"
	;;
esac
