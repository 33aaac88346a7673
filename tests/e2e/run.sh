#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# End-to-end tests of `vigil run`, the workload agent, under each capture
# backend: the same events from both, the Fargate fallback to ptrace, and
# the duties of a container's PID 1 (signals, orphans, exit statuses, dying
# with vigil, every thread followed).
set -u
OUTPUT=${OUTPUT:-.output}
VIGIL=$(realpath "$OUTPUT/vigil")
WL=$(realpath "$OUTPUT/e2e/workload")
EVDIFF=tests/e2e/lib/evdiff.py
T=$(mktemp -d /tmp/vigil-run-XXXXXX)
trap 'rm -rf "$T"' EXIT

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; shift; for l in "$@"; do echo "  $l"; done; }
skip() { echo "SKIP $1: $2"; }

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

if [ "$(id -u)" != 0 ]; then
	for t in run_backends_same_events run_fargate_fallback run_signals run_orphans \
		 run_exit_status run_dies_with_vigil run_threads; do
		skip $t "needs root (ptrace of a child is fine, but BPF and setpriv are not)"
	done
	exit 0
fi
BACKENDS=ptrace
if "$VIGIL" run --capture bpf -- true 2> "$T/bpf.err"; then
	BACKENDS="bpf ptrace"
fi

# The scripted workload under each backend: the same events, field by field.
if [ "$BACKENDS" = "bpf ptrace" ]; then
	port=$(free_port)
	for b in bpf ptrace; do
		rm -rf "$T/wl" && mkdir "$T/wl"
		"$VIGIL" run --capture $b --events "$T/$b.json" -- "$WL" "$T/wl" "$port"
		echo $? > "$T/$b.rc"
	done
	if out=$(python3 "$EVDIFF" "$T/bpf.json" "$T/ptrace.json" "$WL" 2>&1) &&
	   [ "$(cat "$T/bpf.rc")" = 0 ] && [ "$(cat "$T/ptrace.rc")" = 0 ] &&
	   [ "$(wc -l < "$T/ptrace.json")" -gt 100 ]; then
		pass run_backends_same_events
		echo "  # $(echo "$out" | tail -1)"
	else
		fail run_backends_same_events "$(echo "$out" | tail -15)"
	fi
else
	skip run_backends_same_events "eBPF capture unavailable: $(tail -1 "$T/bpf.err")"
fi

# A Fargate task: no CAP_BPF, CAP_PERFMON or CAP_SYS_ADMIN, CAP_SYS_PTRACE kept.
rm -rf "$T/wl" && mkdir "$T/wl"
setpriv --bounding-set -bpf,-perfmon,-sys_admin \
	"$VIGIL" run --capture auto --events "$T/fargate.json" -- "$WL" "$T/wl" "$(free_port)" \
	2> "$T/fargate.err"
rc=$?
if [ $rc -eq 0 ] && grep -q 'eBPF unavailable (.*); using ptrace' "$T/fargate.err" &&
   python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert any(e["type"] == "execve" and e["args"].get("filename") == sys.argv[2] for e in ev)
assert any(e["type"] == "openat" and e["args"].get("name") == "/etc/shadow" for e in ev)
assert any(e["type"] == "setresuid" and e["res"] == 0 for e in ev)
' "$T/fargate.json" "$WL"; then
	pass run_fargate_fallback
	echo "  # $(grep -o 'eBPF unavailable.*' "$T/fargate.err" | head -1)"
else
	fail run_fargate_fallback "rc=$rc" "$(cat "$T/fargate.err")"
fi

# Container identity from the ECS task metadata endpoint v4, served for real
# on loopback from the format's fixtures.
port=$(free_port)
python3 - "$port" tests/fuzz/corpus/ecs > "$T/ecs.log" 2>&1 <<'PY' &
import http.server, sys
port, fixtures = int(sys.argv[1]), sys.argv[2]
paths = {"/v4/abc": "container.json", "/v4/abc/task": "task.json"}
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        name = paths.get(self.path)
        if not name:
            self.send_error(404)
            return
        body = open(fixtures + "/" + name, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", port), H).serve_forever()
PY
srv=$!
for i in $(seq 50); do python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" \
	2>/dev/null && break; sleep 0.1; done
ECS_CONTAINER_METADATA_URI_V4=http://127.0.0.1:$port/v4/abc VIGIL_SECRET=x \
	"$VIGIL" run --capture ptrace --events "$T/ecs.json" -- sh -c 'env > '"$T/env.txt" 2> "$T/ecs.err"
rc=$?
kill $srv; wait $srv 2>/dev/null
if [ $rc -eq 0 ] && python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
assert ev, "no events"
for e in ev:
    c = e["container"]
    assert c["source"] == "ecs" and c["name"] == "web", c
    assert c["id"] == "4c1e0f9a7b2d" and c["image_tag"] == "2.4.1", c
    assert c["task_arn"].endswith("task/prod/0f4b8e2a6c1d4e9b8a7f3c2d1e0b9a8f"), c
    assert c["launch_type"] == "FARGATE" and c["cluster"].endswith("cluster/prod"), c
env = open(sys.argv[2]).read()
assert "ECS_CONTAINER_METADATA_URI_V4=" in env and "VIGIL_SECRET" not in env, env
' "$T/ecs.json" "$T/env.txt"; then
	pass run_container_identity_ecs
else
	fail run_container_identity_ecs "rc=$rc" "$(cat "$T/ecs.err")" "$(head -c 600 "$T/ecs.json")"
fi

for b in $BACKENDS; do
	# SIGTERM to vigil reaches the workload, which exits with its own code.
	"$VIGIL" run --capture $b -- sh -c 'trap "exit 42" TERM; while :; do sleep 0.05; done' &
	v=$!
	sleep 0.5
	kill -TERM $v
	wait $v
	rc=$?
	"$VIGIL" run --capture $b -- sh -c 'trap "exit 43" USR1; while :; do sleep 0.05; done' &
	v=$!
	sleep 0.5
	kill -USR1 $v
	wait $v
	rc2=$?
	if [ $rc -eq 42 ] && [ $rc2 -eq 43 ]; then pass run_signals_$b
	else fail run_signals_$b "SIGTERM gave $rc (want 42), SIGUSR1 gave $rc2 (want 43)"; fi

	# An orphan of the workload is reaped by vigil, not left a zombie.
	out=$("$VIGIL" run --capture $b -- sh -c \
		'sh -c "sleep 0.2 &"; sleep 0.8; ps -o pid=,stat=,comm= --ppid $PPID')
	if ! echo "$out" | grep -q ' Z'; then pass run_orphans_$b
	else fail run_orphans_$b "children of vigil:" "$out"; fi

	# Exit codes and deaths by signal, as a shell reports them.
	"$VIGIL" run --capture $b -- sh -c 'exit 3'; r1=$?
	"$VIGIL" run --capture $b -- sh -c 'kill -KILL $$'; r2=$?
	"$VIGIL" run --capture $b -- sh -c 'kill -SEGV $$'; r3=$?
	"$VIGIL" run --capture $b -- /nonexistent/entrypoint 2>/dev/null; r4=$?
	if [ $r1 -eq 3 ] && [ $r2 -eq 137 ] && [ $r3 -eq 139 ] && [ $r4 -eq 127 ]; then
		pass run_exit_status_$b
	else
		fail run_exit_status_$b "exit 3: $r1, SIGKILL: $r2 (137), SIGSEGV: $r3 (139), missing: $r4 (127)"
	fi

	# Killing vigil kills the workload (EXITKILL / PDEATHSIG).
	"$VIGIL" run --capture $b -- sleep 30 &
	v=$!
	sleep 0.5
	w=$(pgrep -P $v sleep)
	kill -KILL $v
	wait $v 2>/dev/null
	sleep 0.3
	# gone, or a zombie waiting for whoever inherited it
	state=$(awk '{ print $3 }' /proc/$w/stat 2>/dev/null)
	if [ -n "$w" ] && { [ -z "$state" ] || [ "$state" = Z ]; }; then pass run_dies_with_vigil_$b
	else fail run_dies_with_vigil_$b "workload pid '$w' still alive after vigil was killed"; kill "$w" 2>/dev/null; fi

	# Every thread is followed: the workload's thread opens a file on its own.
	rm -rf "$T/wl" && mkdir "$T/wl"
	"$VIGIL" run --capture $b --events "$T/th-$b.json" -- "$WL" "$T/wl" "$(free_port)"
	if python3 -c '
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
th = [e for e in ev if e["type"] == "fork_child" and e["thread"]]
assert th, "no thread creation"
tid = th[0]["tid"]
assert tid != th[0]["pid"]
ops = [e for e in ev if e["tid"] == tid and e["type"] == "openat" and e["args"]["name"].endswith("/b")]
assert ops, "no openat from the thread %d" % tid
ex = [e for e in ev if e["type"] == "procexit" and e["tid"] == tid]
assert ex and not ex[0]["last_thread"], ex
' "$T/th-$b.json"; then pass run_threads_$b; else fail run_threads_$b; fi
done
exit 0
