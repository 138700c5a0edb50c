#!/usr/bin/env bash
# t_acl: each daemon is a Redis ACL user of its own (deploy/keel-secrets.sh,
# the rules from keel-<svc> --redis-acl), with the default user off, and
# signs its traffic as an identity of its own.  All seven serve real work
# (customers, a ticket from a request through the consumer group, a quote,
# a contract, an RFC, a notification rule) with Redis denying nothing
# (ACL LOG stays empty).  Then, with the daemons' own passwords: pricing's
# user cannot write or read a key of ticketing, cannot run ticketing's
# functions on them, cannot forge an event into intake's stream nor flush
# the functions; ticketing's user may read intake's stream through its
# consumer group but not write it; the default user is refused.  Last,
# Redis restarts from its AOF and keeps every function's writes.
set -u
# shellcheck source=tests/lib_secure.sh
. "$(dirname "$0")/lib_secure.sh"
services="intake pricing scheduling ticketing change billing notify"

ok $secrets_made "keel-secrets.sh init writes identities, keys, users.acl and passwords"
grep -q '^user default off ' "$tmp/s/redis/users.acl"
ok $? "users.acl turns the default user off"
! grep -q '>' "$tmp/s/redis/users.acl"
ok $? "users.acl holds password hashes, not passwords"

redis_start() { secure_redis --appendonly yes --appendfsync always; }
redis_start
ok $? "redis-server starts with the ACL file; keel-admin answers"
secure_conf
# shellcheck disable=SC2086
secure_daemons $services
k() { "$bin/keelctl" -t 5000 "$@"; }
k health --wait 15000 >"$tmp/health.txt" 2>&1
r=$?
ok $r "all seven daemons ready as their own Redis users"
[ $r -eq 0 ] || sed 's/^/# /' "$tmp/health.txt"

k customer put --id acme --name "Acme AG" --timezone Europe/Zurich >/dev/null &&
	k staff put --id ana --name "Ana Analyst" --role technician --level 1 >/dev/null &&
	out=$(k request submit --customer acme --contact Carla --channel phone \
		--symptoms "the printer is offline") &&
	id=$(printf '%s\n' "$out" | awk '$1 == "ticket" { print $2 }') &&
	[ -n "$id" ] && k ticket status "$id" open >/dev/null
ok $? "intake and ticketing: a customer, a technician, a request that became ticket ${id:-?}"
k quote managed 12 silver 24 >/dev/null
ok $? "pricing: a quote"
k contract create --id C-ACME --customer acme --timezone Europe/Zurich --term 24 \
	--devices tier=silver,count=12 >/dev/null &&
	k contract activate C-ACME --date 2027-01-11 --by "Carla Customer" >/dev/null
ok $? "billing: a contract, activated"
k rfc submit --customer acme --problem "firewall rule" --by Olga \
	--result "the rule is in place" --affected "sales" \
	--how "add it" --backout "remove it" >/dev/null
ok $? "change: an RFC (it knows acme from intake's stream)"
k notify rule put --id r1 --event ticket.created --channel email \
	--to ops@example.com >/dev/null 2>&1 || k notify rule list >/dev/null
ok $? "notify: its rules"
sleep 1
log=$(as keel-admin acl log | awk '
	$0 == "reason" || $0 == "object" || $0 == "username" || $0 == "context" { k = $0; next }
	k != "" { printf "%s=%s ", k, $0; if (k == "username") printf "; "; k = "" }')
[ -z "$log" ]
ok $? "Redis denied the daemons nothing (ACL LOG empty)${log:+: $log}"

out=$(as pricing set 'keel:{pricing}:acl-probe' 1)
[ "$out" = OK ]
ok $? "pricing's user writes its own keys"
out=$(as pricing set 'keel:{ticketing}:acl-probe' 1)
case $out in *NOPERM*) r=0 ;; *) r=1 ;; esac
ok $r "pricing's user cannot write a key of ticketing ($out)"
out=$(as pricing hgetall "keel:{ticketing}:ticket:$id")
case $out in *NOPERM*) r=0 ;; *) r=1 ;; esac
ok $r "... nor read one"
fn=$(as keel-admin function list libraryname keel_ticketing | awk '/^name$/ { getline; print; exit }')
out=$(as pricing fcall "${fn:-none}" 1 "keel:{ticketing}:acl-probe" x)
case $out in *NOPERM*|*"No permissions"*) r=0 ;; *) r=1 ;; esac
ok $r "... nor call ticketing's function ${fn:-?} on ticketing's keys ($(printf '%s' "$out" | head -1 | cut -c1-80))"
out=$(as pricing xadd 'keel:{intake}:events' '*' type customer.created env x)
case $out in *NOPERM*) r=0 ;; *) r=1 ;; esac
ok $r "... nor forge an event into intake's stream"
out=$(as ticketing xadd 'keel:{intake}:events' '*' type customer.created env x)
case $out in *NOPERM*) r=0 ;; *) r=1 ;; esac
ok $r "ticketing's user, a consumer of intake's stream, cannot write it either"
out=$(as ticketing xinfo groups 'keel:{intake}:events')
case $out in *ticketing*) r=0 ;; *) r=1 ;; esac
ok $r "... but reads its consumer group there"
out=$(as pricing function flush)
case $out in *NOPERM*) r=0 ;; *) r=1 ;; esac
ok $r "pricing's user cannot flush the functions"
out=$(as pricing flushall)
case $out in *NOPERM*) r=0 ;; *) r=1 ;; esac
ok $r "... nor flush the data"
out=$(redis-cli -s "$tmp/r.sock" ping 2>&1)
case $out in *NOAUTH*|*"Authentication required"*) r=0 ;; *) r=1 ;; esac
ok $r "the default user is refused ($out)"
k health >/dev/null
ok $? "the daemons still serve"

# Redis restarted from its AOF: what the functions wrote (in MULTI/EXEC
# blocks) is all there (redis/redis#14541: with the default user off and
# without rights, Redis 7.0 drops those blocks on loading).
as keel-admin shutdown >/dev/null 2>&1
wait "$redis_pid" 2>/dev/null
redis_start
! grep -q 'ACLs rules changed' "$tmp/redis.log"
ok $? "Redis reloads its AOF without dropping a transaction"
out=$(as keel-admin hget 'keel:{intake}:customer:acme' name)
[ "$out" = "Acme AG" ]
ok $? "  the customer a function wrote is there after the restart ($out)"
for _ in $(seq 50); do k ticket show "$id" >/dev/null 2>&1 && break; sleep 0.1; done
k ticket show "$id" >/dev/null
ok $? "  and ticket $id, read through keel-ticketing once it reconnected"

echo "1..$n"
exit $fail
