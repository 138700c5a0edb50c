# bench/json.awk: the "runs" and "ratios" members of a results file from
# bench/run.sh's rows, one per line: "<fsync> <kind> <instances> <json>".
# Every row becomes {"fsync", "kind", "instances", "result"}; each keel
# and system row's throughput and p99 are also given against the raw and
# rawk rows of the same fsync and concurrency, and each gateway row's
# (ticket.create through keel-gateway, HTTP) and signed row's (the same,
# every request signed and checked) against the one-instance keel row's,
# the same request over nng unsigned (run by tests/t_bench_json.sh).
function val(s, k,   m) {
	if (match(s, "\"" k "\": [0-9.]+")) {
		m = substr(s, RSTART, RLENGTH); sub(/.*: /, "", m); return m + 0
	}
	return 0
}
function ratio(a, b) { return b ? sprintf("%.3f", a / b) : "null" }
{
	fsync = $1; kind = $2; inst = $3
	line = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", line)
	rows[++n] = sprintf("    {\"fsync\": \"%s\", \"kind\": \"%s\", \"instances\": %d, \"result\": %s}",
		fsync, kind, inst, line)
	c = val(line, "concurrency")
	if (kind == "raw") raw[fsync, c] = line
	if (kind == "rawk") rawk[fsync, c] = line
	if (kind == "keel" || kind == "system") {
		keel[++m] = line; kf[m] = fsync; ki[m] = inst; kk[m] = kind
	}
	if (kind == "keel" && inst == 1) nng[fsync, c] = line
	if (kind == "gateway" || kind == "signed") {
		gw[++g] = line; gf[g] = fsync; gk[g] = kind
	}
}
END {
	printf "  \"runs\": [\n"
	for (i = 1; i <= n; i++) printf "%s%s", rows[i], i < n ? ",\n" : "\n"
	printf "  ],\n  \"ratios\": [\n"
	for (i = 1; i <= m; i++) {
		c = val(keel[i], "concurrency"); r = raw[kf[i], c]; q = rawk[kf[i], c]
		out[++o] = sprintf("    {\"fsync\": \"%s\", \"kind\": \"%s\", \"instances\": %d, \"concurrency\": %d, \"keel_over_raw\": %s, \"keel_over_rawk\": %s, \"p99_over_rawk\": %s}",
			kf[i], kk[i], ki[i], c,
			ratio(val(keel[i], "throughput"), val(r, "throughput")),
			ratio(val(keel[i], "throughput"), val(q, "throughput")),
			ratio(val(keel[i], "p99_us"), val(q, "p99_us")))
	}
	for (i = 1; i <= g; i++) {
		c = val(gw[i], "concurrency"); k = nng[gf[i], c]
		out[++o] = sprintf("    {\"fsync\": \"%s\", \"kind\": \"%s\", \"instances\": 1, \"concurrency\": %d, \"%s_over_keel\": %s, \"p99_over_keel\": %s}",
			gf[i], gk[i], c, gk[i],
			ratio(val(gw[i], "throughput"), val(k, "throughput")),
			ratio(val(gw[i], "p99_us"), val(k, "p99_us")))
	}
	for (i = 1; i <= o; i++) printf "%s%s\n", out[i], i < o ? "," : ""
	printf "  ]\n"
}
