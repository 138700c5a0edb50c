#!/usr/bin/env bash
# t_fuzz: each libFuzzer target (tests/fuzz, built by make build-fuzz) for
# KEEL_FUZZ_SECONDS (20 in make test, 60 in make fuzz), from the seed
# corpus in tests/fuzz/corpus (copied: what the run finds is not kept).
# A crash, a leak or a sanitizer report fails it; the executions are
# printed.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${KEEL_FUZZ_DIR:-$root/build-fuzz}
secs=${KEEL_FUZZ_SECONDS:-20}
work=$(mktemp -d /tmp/keel-fuzz.XXXXXX)
trap 'rm -rf "$work" /tmp/keel-fuzz-config-*' EXIT
n=0
for t in envelope validate config http; do
	n=$((n + 1))
	bin=$dir/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "not ok $n - fuzz_$t is built (make build-fuzz)"
		continue
	fi
	mkdir -p "$work/$t" "$work/$t-artifacts"
	cp "$root/tests/fuzz/corpus/$t"/* "$work/$t/"
	"$bin" -max_total_time="$secs" -print_final_stats=1 \
		-rss_limit_mb=2048 -max_len=8192 \
		-artifact_prefix="$work/$t-artifacts/" "$work/$t" \
		>"$work/$t.log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log")
	if [ "$rc" -eq 0 ]; then
		echo "ok $n - fuzz_$t: ${execs:-?} executions in ${secs} s, no crash"
	else
		echo "not ok $n - fuzz_$t: exit $rc after ${execs:-?} executions"
		grep -E "ERROR|SUMMARY|artifact" "$work/$t.log" | head -20 |
			sed 's/^/# /'
		for a in "$work/$t-artifacts"/*; do
			[ -f "$a" ] && echo "# input: $(od -An -tx1 "$a" | tr -d '\n' | head -c 400)"
		done
	fi
done
echo "1..$n"
