#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# make bench: what capture costs a workload, as ratios against the bare
# workload measured in the same run. Configurations run interleaved (bare,
# bpf, ptrace ... bare, bpf, ptrace ...) RUNS times; medians and spreads are
# reported. Raw numbers go to $OUTPUT/bench/raw.txt.
#
#   bare          the loop alone
#   bpf           vigil run --capture bpf (every covered syscall captured)
#   trace         vigil trace, text formatted to /dev/null
#   ptrace        vigil run --capture ptrace, tracer and workload free to move
#   ptrace-1cpu   the same, both pinned to CPU 0
#   strace        strace -f --seccomp-bpf on the same syscall set, to /dev/null
#   strace-1cpu   the same, pinned to CPU 0
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
# the syscalls vigil captures by default, for strace to trace the same
SET=$("$VIGIL" trace --list-syscalls | grep -v -e fork_child -e procexit | paste -sd,)

# workload:iterations for fast configurations:iterations under ptrace/strace
WORKLOADS="open:400000:20000 getppid:2000000:2000000 forkexec:2000:500"
CONFIGS="bare bpf trace ptrace ptrace-1cpu strace strace-1cpu"

run_one() { # config workload n -> appends "config workload ns events drops" to raw
	local cfg=$1 w=$2 n=$3 out ev=0 drops=0
	: > "$B/err"
	case $cfg in
	bare) out=$("$B/loop" "$w" "$n") ;;
	bpf) out=$("$VIGIL" run --capture bpf -- "$B/loop" "$w" "$n" 2> "$B/err") ;;
	trace) out=$("$VIGIL" trace -o /dev/null -- "$B/loop" "$w" "$n" 2> "$B/err") ;;
	ptrace) out=$("$VIGIL" run --capture ptrace -- "$B/loop" "$w" "$n" 2> "$B/err") ;;
	ptrace-1cpu) out=$(taskset -c 0 "$VIGIL" run --capture ptrace -- "$B/loop" "$w" "$n" \
		2> "$B/err") ;;
	strace) out=$(strace -f --seccomp-bpf -e trace="$SET" -o /dev/null "$B/loop" "$w" "$n") ;;
	strace-1cpu) out=$(taskset -c 0 strace -f --seccomp-bpf -e trace="$SET" -o /dev/null \
		"$B/loop" "$w" "$n") ;;
	esac
	if grep -q 'events' "$B/err"; then
		ev=$(sed -n 's/.*vigil: \([0-9]*\) events.*/\1/p' "$B/err")
		drops=$(sed -n 's/.*drops: syscall=\([0-9]*\) proc=\([0-9]*\).*/\1+\2/p' "$B/err")
		drops=$((drops))
	fi
	echo "$cfg $w ${out#ns_per_iter=} ${ev:-0} $drops" >> "$raw"
}

echo "make bench: $RUNS interleaved runs per configuration, $(nproc) CPUs, kernel $(uname -r)"
for i in $(seq "$RUNS"); do
	for wl in $WORKLOADS; do
		IFS=: read -r w fast slow <<< "$wl"
		for cfg in $CONFIGS; do
			case $cfg in ptrace* | strace*) n=$slow ;; *) n=$fast ;; esac
			run_one "$cfg" "$w" "$n"
		done
	done
	echo "  run $i of $RUNS done"
done

python3 - "$raw" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
data = {}
for cfg, w, ns, ev, drops in rows:
    data.setdefault((w, cfg), []).append((float(ns), int(ev), int(drops)))
print()
print("| workload | configuration | ns/iter (median) | spread | ratio to bare | overhead vs strace | drops |")
print("|---|---|---|---|---|---|---|")
for w in ("open", "getppid", "forkexec"):
    med = {cfg: statistics.median(x[0] for x in xs) for (ww, cfg), xs in data.items() if ww == w}
    bare = med["bare"]
    for cfg in ("bare", "bpf", "trace", "ptrace", "ptrace-1cpu", "strace", "strace-1cpu"):
        xs = data[(w, cfg)]
        m = med[cfg]
        spread = (max(x[0] for x in xs) - min(x[0] for x in xs)) / m * 100
        vs = "-"
        if cfg.startswith("ptrace"):
            ref = med["strace" + cfg[len("ptrace"):]]
            if ref > bare:
                vs = "%.2f" % ((m - bare) / (ref - bare))
        drops = sum(x[2] for x in xs) if cfg in ("bpf", "trace") else "-"
        print("| %s | %s | %.0f | %.0f%% | %.3fx | %s | %s |" % (w, cfg, m, spread, m / bare, vs, drops))
PY
