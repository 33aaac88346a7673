#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# make bench: the cost of vigil trace on syscall-heavy loops, as ratios
# against the bare loop measured in the same run. Configurations run
# interleaved (bare, traced, bare, traced ...); medians and spreads are
# reported. Raw numbers go to $OUTPUT/bench/.
set -eu
OUTPUT=${OUTPUT:-.output}
RUNS=${RUNS:-5}
VIGIL=$OUTPUT/vigil
B=$OUTPUT/bench
mkdir -p "$B"
gcc -O2 -o "$B/loop" tests/bench/loop.c
raw=$B/raw.txt
: > "$raw"

if [ "$(id -u)" != 0 ]; then
	echo "make bench: needs root for eBPF capture" >&2
	exit 1
fi

# workload N: iterations sized to run ~0.5-1 s bare on a 2-core machine
WORKLOADS="open:400000 getppid:2000000 forkexec:2000"
CONFIGS="bare trace-all trace-openat"

run_one() { # config workload n -> appends "config workload ns events drops secs" to raw
	local cfg=$1 w=$2 n=$3 out err t0 t1 ns ev drops
	t0=$(date +%s.%N)
	case $cfg in
	bare) out=$("$B/loop" "$w" "$n") ;;
	trace-all) out=$("$VIGIL" trace -o /dev/null -- "$B/loop" "$w" "$n" 2> "$B/err") ;;
	trace-openat) out=$("$VIGIL" trace -o /dev/null -s openat,close -- "$B/loop" "$w" "$n" 2> "$B/err") ;;
	esac
	t1=$(date +%s.%N)
	ns=${out#ns_per_iter=}
	ev=0 drops=0
	if [ "$cfg" != bare ]; then
		ev=$(sed -n 's/.*vigil: \([0-9]*\) events.*/\1/p' "$B/err")
		drops=$(sed -n 's/.*drops: syscall=\([0-9]*\) proc=\([0-9]*\).*/\1+\2/p' "$B/err")
		drops=$((drops))
	fi
	echo "$cfg $w $ns ${ev:-0} $drops $(echo "$t1 - $t0" | bc -l)" >> "$raw"
}

echo "make bench: $RUNS interleaved runs per configuration on $(nproc) CPUs, kernel $(uname -r)"
for i in $(seq "$RUNS"); do
	for wl in $WORKLOADS; do
		for cfg in $CONFIGS; do
			run_one "$cfg" "${wl%%:*}" "${wl##*:}"
		done
	done
done

python3 - "$raw" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
data = {}
for cfg, w, ns, ev, drops, secs in rows:
    data.setdefault((w, cfg), []).append((float(ns), int(ev), int(drops), float(secs)))
print()
print("| workload | configuration | ns/iter (median) | spread | ratio to bare | events/s drained | drops |")
print("|---|---|---|---|---|---|---|")
for w in ("open", "getppid", "forkexec"):
    bare = statistics.median(x[0] for x in data[(w, "bare")])
    for cfg in ("bare", "trace-all", "trace-openat"):
        xs = data[(w, cfg)]
        med = statistics.median(x[0] for x in xs)
        spread = (max(x[0] for x in xs) - min(x[0] for x in xs)) / med * 100
        evs = statistics.median(x[1] / x[3] for x in xs) if cfg != "bare" else 0
        drops = sum(x[2] for x in xs)
        print("| %s | %s | %.0f | %.0f%% | %.2fx | %s | %s |" % (
            w, cfg, med, spread, med / bare,
            "%.0f" % evs if cfg != "bare" else "-", drops if cfg != "bare" else "-"))
PY
