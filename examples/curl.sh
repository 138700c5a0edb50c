#!/bin/sh
# A monitoring system raising a support request through keel-gateway with
# curl: the key is one of auth.identities (deploy/keel-secrets.sh), sent as
# a bearer token; the same Idempotency-Key again gets the first answer.
#   examples/curl.sh URL KEY-ID SECRET-FILE CUSTOMER
set -eu
url=$1 kid=$2 secret=$(cat "$3") customer=$4
curl -sS -X POST "$url/v1/request.submit" \
	-H "Authorization: Bearer $kid.$secret" \
	-H "Content-Type: application/json" \
	-H "Idempotency-Key: nagios-$customer-disk-$(date +%Y%m%d%H)" \
	--data-binary @- <<JSON
{"customer": "$customer", "contact": "nagios", "channel": "monitoring",
 "symptoms": "disk /var at 97 %",
 "alert": {"metric": "data_disk_free_pct", "value": 3}}
JSON
echo
