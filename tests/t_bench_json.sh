#!/usr/bin/env bash
# t_bench_json: make bench's results are machine-readable.  The writer
# (bench/json.awk, as bench/run.sh uses it) turns rows of every kind,
# footprint and idle included, into JSON that parses, with the Keel / raw
# ratios computed; and every file kept in bench/results parses and holds
# the three lines of a run.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
{
	echo '{"time": "t",'
	awk -f "$root/bench/json.awk" "$root/tests/fixtures/bench_rows"
	echo '}'
} >"$out"
python3 - "$out" "$root"/bench/results/*.json <<'PY'
import json, sys
n = 0
def check(cond, what):
    global n
    n += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, what))
try:
    d = json.load(open(sys.argv[1]))
    check(True, "the writer's output parses")
except ValueError as e:
    check(False, "the writer's output parses: %s" % e)
    d = {"runs": [], "ratios": []}
runs = d["runs"]
check(len(runs) == 10, "10 rows, 10 runs")
fp = [r for r in runs if r["kind"] == "footprint"]
check(len(fp) == 2 and fp[0]["fsync"] == "everysec" and
      fp[1]["fsync"] == "always" and
      fp[0]["result"]["idle_rss_kb"]["ticketing"] == 4784,
      "footprint rows keep their fsync, kind and figures")
idle = [r for r in runs if r["kind"] == "idle"]
check(len(idle) == 1 and
      idle[0]["result"]["commands"] == {"config|resetstat": 1}, "the idle row")
r = d["ratios"]
check(len(r) == 4 and r[0]["keel_over_raw"] == 0.4 and
      r[0]["keel_over_rawk"] == 0.5 and r[0]["p99_over_rawk"] == 2.0 and
      r[0]["kind"] == "keel" and
      r[1]["instances"] == 2 and r[1]["keel_over_rawk"] == 0.25,
      "ratios against raw and rawk of the same fsync and concurrency")
check(r[2]["kind"] == "system" and r[2]["keel_over_rawk"] == 0.2 and
      r[2]["p99_over_rawk"] == 5.0,
      "the whole system's line (all seven, fan-out) has its ratios too")
check(r[3]["kind"] == "gateway" and r[3]["gateway_over_keel"] == 0.5 and
      r[3]["p99_over_keel"] == 3.0,
      "the gateway's line against the same request over nng")
for path in sys.argv[2:]:
    name = path.split("/")[-1]
    try:
        d = json.load(open(path))
    except ValueError as e:
        check(False, "%s parses: %s" % (name, e))
        continue
    kinds = {r["kind"] for r in d["runs"]}
    check({"raw", "rawk", "keel", "footprint"} <= kinds and
          all(isinstance(r["result"].get("throughput", 0), (int, float))
              for r in d["runs"]) and len(d.get("ratios", [])) > 0,
          "%s parses, with raw, rawk, keel, footprint and ratios" % name)
print("1..%d" % n)
PY
