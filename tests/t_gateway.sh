#!/usr/bin/env bash
# t_gateway: keel-gateway for real, in front of keel-intake and
# keel-ticketing (own Redis ACL users, identities from
# deploy/keel-secrets.sh), used with curl: JSON in and out, bearer keys
# and HMAC headers, every refusal with its HTTP status and code (no key, a
# wrong secret, a tampered or expired signature, bad JSON, a missing
# field, an unknown type, a type the identity may not send, an oversized
# body), a replayed Idempotency-Key getting the first answer, the event
# stream (SSE) limited to what the identity may read and resumed with
# Last-Event-ID, the OpenAPI document against schemas/.  Then the client
# examples: examples/curl.sh, examples/client.py (Python's standard
# library) and the C client on the bus (examples/client.c).
set -u
# shellcheck source=tests/lib_secure.sh
. "$(dirname "$0")/lib_secure.sh"
services="intake ticketing"

secure_redis --appendonly no
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
gw=http://127.0.0.1:$port
secure_conf "gateway.http = $gw" "gateway.max_body = 65536"
# shellcheck disable=SC2086
secure_daemons $services
"$bin/keel-gateway" 2>>"$tmp/gateway.log" &
pids+=($!)
"$bin/keelctl" -t 5000 health --wait 10000 $services >/dev/null 2>&1
ok $? "keel-intake and keel-ticketing ready"
for _ in $(seq 100); do curl -s "$gw/healthz" >/dev/null && break; sleep 0.05; done
[ "$(curl -s "$gw/healthz")" = ok ]
ok $? "keel-gateway answers /healthz"

ops="keelctl-1.$(cat "$tmp/s/keys/keelctl-1")"
mon="monitoring-1.$(cat "$tmp/s/keys/monitoring-1")"
# post TYPE AUTH BODY [curl args...]: prints "STATUS BODY"
post() {
	local type=$1 auth=$2 body=$3
	shift 3
	curl -s -o "$tmp/out" -w '%{http_code}' -X POST "$gw/v1/$type" \
		${auth:+-H "Authorization: Bearer $auth"} \
		-H 'Content-Type: application/json' --data-binary "$body" "$@"
	printf ' %s\n' "$(cat "$tmp/out")"
}
expect() { # expect "STATUS ..." CODE WHAT
	local got=$1 want=$2
	case $got in "$want"*) ok 0 "$3 ($got)" ;; *) ok 1 "$3 (got: $got)" ;; esac
}

out=$(post customer.put "$ops" '{"id":"acme","name":"Acme AG","timezone":"Europe/Zurich"}')
expect "$out" '200 {"ok":true,"body":{"id":"acme"' "POST /v1/customer.put as the operator: 200 with the reply's body"
out=$(post customer.put "$ops" '{"id":"globex","name":"Globex","timezone":"UTC"}')
expect "$out" "200" "a second customer"
out=$(post customer.put "" '{"id":"x","name":"X","timezone":"UTC"}')
expect "$out" '401 {"ok":false,"error":{"code":"unauthorized"' "no key: 401 unauthorized"
out=$(post customer.put "keelctl-1.0000wrong" '{"id":"x","name":"X","timezone":"UTC"}')
expect "$out" '401 {"ok":false,"error":{"code":"unauthorized"' "a wrong secret: 401"
out=$(post customer.put "$ops" '{"id":"x",')
expect "$out" '400 {"ok":false,"error":{"code":"malformed"' "bad JSON: 400 malformed"
out=$(post customer.put "$ops" '[1,2]')
expect "$out" '400 {"ok":false,"error":{"code":"malformed"' "not an object: 400 malformed"
out=$(post customer.put "$ops" '{"id":"x","name":"X","timezone":"UTC","id":"y"}')
expect "$out" '400 {"ok":false,"error":{"code":"malformed"' "a duplicate member: 400 malformed"
out=$(post customer.put "$ops" '{"id":"x","timezone":"UTC"}')
expect "$out" '400 {"ok":false,"error":{"code":"invalid_field"' "a missing field: 400 invalid_field"
case $out in *'"field":"body.name"'*) r=0 ;; *) r=1 ;; esac
ok $r "  naming body.name"
out=$(post no.such "$ops" '{}')
expect "$out" '404 {"ok":false,"error":{"code":"unknown_type"' "an unknown type: 404 unknown_type"
out=$(post customer.put "$mon" '{"id":"x","name":"X","timezone":"UTC"}')
expect "$out" '403 {"ok":false,"error":{"code":"forbidden"' "monitoring sending customer.put: 403 forbidden (checked by keel-intake)"
big=$(python3 -c 'print("{\"id\":\"x\",\"name\":\"" + "a" * 70000 + "\",\"timezone\":\"UTC\"}")')
out=$(post customer.put "$ops" "$big")
expect "$out" '413 {"ok":false,"error":{"code":"too_large"' "a 70 kB body over gateway.max_body: 413 too_large"
out=$(printf '%s' "$big" | curl -s -o "$tmp/out" -w '%{http_code}' -X POST "$gw/v1/customer.put" \
	-H "Authorization: Bearer $ops" -H 'Transfer-Encoding: chunked' --data-binary @-)
[ "$out" = 413 ]
ok $? "  also sent chunked, without a length: 413"
[ "$(curl -s -o /dev/null -w '%{http_code}' "$gw/v1/customer.put")" = 404 ]
ok $? "GET on a request type: 404"

req='{"customer":"acme","contact":"nagios","channel":"monitoring","symptoms":"disk full","alert":{"metric":"data_disk_free_pct","value":3}}'
a=$(post request.submit "$mon" "$req" -H 'Idempotency-Key: alert-1')
b=$(post request.submit "$mon" "$req" -H 'Idempotency-Key: alert-1')
c=$(post request.submit "$mon" "$req" -H 'Idempotency-Key: alert-2')
expect "$a" '200 {"ok":true,"body":{"id":"R-' "monitoring's request.submit: 200"
[ "$a" = "$b" ]
ok $? "  the same Idempotency-Key again: the same answer ($b)"
[ "$a" != "$c" ]
ok $? "  another key: another request ($c)"

# HMAC headers
sign() { # sign METHOD PATH BODY KEYID [TS]: curl header arguments
	local ts=${5:-$(date +%s%3N)} secret
	secret=$(cat "$tmp/s/keys/$4")
	sig=$(printf '%s\n%s\n%s\n%s' "$ts" "$1" "$2" "$3" |
		openssl dgst -sha256 -hmac "$secret" -hex | sed 's/.* //')
	printf '%s\n' -H "X-Keel-Key: $4" -H "X-Keel-Timestamp: $ts" -H "X-Keel-Signature: $sig"
}
body='{"id":"acme"}'
mapfile -t h < <(sign POST /v1/customer.get "$body" crm-1)
out=$(post customer.get "" "$body" "${h[@]}")
expect "$out" '200 {"ok":true,"body":{"id":"acme"' "HMAC headers (the CRM): 200"
out=$(post customer.get "" '{"id":"globex"}' "${h[@]}")
expect "$out" '401' "  the same headers on another body: 401"
mapfile -t h < <(sign POST /v1/customer.get "$body" crm-1 $(($(date +%s%3N) - 600000)))
out=$(post customer.get "" "$body" "${h[@]}")
expect "$out" '401 {"ok":false,"error":{"code":"unauthorized","message":"expired' "  signed 10 minutes ago: 401 expired"
grep -q "$(cat "$tmp/s/keys/keelctl-1")" "$tmp/gateway.log" "$tmp/daemons.log"
[ $? -ne 0 ]
ok $? "no secret in the gateway's or the daemons' logs"
curl -s "$gw/metrics" | grep -q '^keel_requests_unauthorized_total{service="gateway"} [1-9]'
ok $? "refusals counted in the gateway's /metrics"

# events
curl -s -N --max-time 2 -H "Authorization: Bearer $ops" \
	"$gw/v1/events?service=intake&since=0-0" >"$tmp/sse" 2>/dev/null
grep -q '^event: customer.created$' "$tmp/sse" && grep -q '^event: request.received$' "$tmp/sse" &&
	grep -q '^id: [0-9]*-[0-9]*$' "$tmp/sse" && grep -q '^data: {' "$tmp/sse"
ok $? "GET /v1/events: intake's events as SSE (id, event, data)"
first=$(sed -n 's/^id: //p' "$tmp/sse" | head -1)
curl -s -N --max-time 2 -H "Authorization: Bearer $ops" -H "Last-Event-ID: $first" \
	"$gw/v1/events?service=intake&since=0-0" >"$tmp/sse2" 2>/dev/null
! grep -q "^id: $first\$" "$tmp/sse2" && grep -q '^id: ' "$tmp/sse2"
ok $? "  resumed with Last-Event-ID: from the event after $first"
curl -s -N --max-time 2 -H "Authorization: Bearer $mon" \
	"$gw/v1/events?service=intake&since=0-0" >"$tmp/sse3" 2>/dev/null
grep -q '^event: request.received$' "$tmp/sse3" && ! grep -q '^event: customer' "$tmp/sse3"
ok $? "  monitoring (read=request.) gets request events only"
(sleep 1; post customer.put "$ops" '{"id":"initech","name":"Initech","timezone":"UTC"}' >/dev/null) &
curl -s -N --max-time 3 -H "Authorization: Bearer $ops" \
	"$gw/v1/events?service=intake" >"$tmp/sse4" 2>/dev/null
wait $!
grep -q '"id":"initech"' "$tmp/sse4" && ! grep -q '"id":"acme"' "$tmp/sse4"
ok $? "  without since: only what happens from then on, live"

# the OpenAPI document
curl -s "$gw/v1/openapi.json" | cmp -s - "$root/schemas/openapi.json"
ok $? "GET /v1/openapi.json is schemas/openapi.json"
python3 - "$root/schemas" <<'EOF'
import json, os, sys
d = sys.argv[1]
api = json.load(open(os.path.join(d, "openapi.json")))
assert api["openapi"].startswith("3.1")
types = [f[:-5] for f in os.listdir(d) if f.endswith(".json") and f not in ("openapi.json", "envelope.json")]
n = 0
for t in types:
    s = json.load(open(os.path.join(d, t + ".json")))
    if s.get("x-keel-kind") != "request":
        continue
    op = api["paths"]["/v1/" + t]["post"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body == s["properties"]["body"], t
    reply = op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["body"]
    assert reply == s["$defs"]["reply_body"], t
    n += 1
assert n == len([p for p in api["paths"] if p != "/v1/events"]), n
print("# %d request types agree" % n)
EOF
ok $? "every operation's request and reply schema is its schemas/<type>.json"

# the client examples
out=$("$root/examples/curl.sh" "$gw" monitoring-1 "$tmp/s/keys/monitoring-1" acme)
case $out in *'"ok":true'*'"id":"R-'*) r=0 ;; *) r=1 ;; esac
ok $r "examples/curl.sh: a monitoring alert with curl ($out)"
out=$(timeout 30 python3 "$root/examples/client.py" "$gw" crm-1 "$tmp/s/keys/crm-1" umbrella "Umbrella Corp" 2>&1)
printf '%s\n' "$out" | sed 's/^/# /'
case $out in *"customer.get: Umbrella Corp"*"ticket.create: 403 forbidden"*"event: customer.created"*"resumed after"*"customer.created"*) r=0 ;; *) r=1 ;; esac
ok $r "examples/client.py: the CRM, standard library only (signed headers, a refusal, SSE)"
out=$("$bin/keel-example-client" "$tmp/keel.conf" crm-1 umbrella 2>&1)
[ "$out" = "umbrella: Umbrella Corp" ]
ok $? "examples/client.c: libkeel on the bus, signed as crm-1 ($out)"

echo "1..$n"
exit $fail
