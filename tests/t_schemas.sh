#!/usr/bin/env bash
# t_schemas: schemas/, docs/messages.md and deploy/keel.conf are what the
# declarations produce (run 'make schemas' after changing them).
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${KEEL_BIN_DIR:-$root/build}
out=$("$bin/keel-schemagen" --check "$root" 2>&1)
if [ $? -eq 0 ]; then
	echo "ok 1 - generated files match libshared/wire/msgs and config.c"
else
	echo "not ok 1 - generated files match libshared/wire/msgs and config.c"
	echo "$out" | sed 's/^/# /'
fi
n=1
for f in "$root"/schemas/*.json; do
	n=$((n + 1))
	if perl -MJSON::PP -e 'local $/; open F, $ARGV[0] or die;
		JSON::PP->new->decode(<F>)' "$f" 2>/dev/null; then
		echo "ok $n - $(basename "$f") is valid JSON"
	else
		echo "not ok $n - $(basename "$f") is valid JSON"
	fi
done
echo "1..$n"
