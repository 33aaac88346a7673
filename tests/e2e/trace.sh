#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# End-to-end tests of `vigil trace` with the static binary: a command's
# tree, a running process tree (-p), a cgroup, the whole host, Ctrl-C, bad
# arguments, and a bare chroot holding only vigil and busybox.
set -u
OUTPUT=${OUTPUT:-.output}
VIGIL=$(realpath "$OUTPUT/vigil")
T=$(mktemp -d /tmp/vigil-e2e-XXXXXX)
trap 'cleanup' EXIT
cleanup() {
	[ -n "${CG:-}" ] && rmdir "$CG" 2>/dev/null
	umount "$T/root/proc" "$T/root/sys" 2>/dev/null
	rm -rf "$T"
}

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1"; shift; for l in "$@"; do echo "  $l"; done; }
skip() { echo "SKIP $1: $2"; }

# check NAME PYTHON-ASSERTIONS FILE: assertions over `ev`, the events of FILE
check() {
	local name=$1 code=$2 file=$3 out
	if out=$(python3 -c "
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def one(pred, what):
    m = [e for e in ev if pred(e)]
    assert m, 'no event: ' + what
    return m[0]
$code
" "$file" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

# --- arguments, no privilege needed
if "$VIGIL" trace --help | grep -q -- '--syscalls'; then pass trace_help; else fail trace_help; fi
out=$("$VIGIL" trace --syscalls openat,bogus -- true 2>&1); rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "unknown event type 'bogus'"; then pass trace_bad_syscall
else fail trace_bad_syscall "rc=$rc" "$out"; fi
out=$("$VIGIL" trace --ring-size 1000 -- true 2>&1); rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "power of two"; then pass trace_bad_ring_size
else fail trace_bad_ring_size "rc=$rc" "$out"; fi
out=$("$VIGIL" trace -p 999999999 2>&1); rc=$?
if [ $rc -eq 2 ]; then pass trace_bad_pid; else fail trace_bad_pid "rc=$rc" "$out"; fi
out=$("$VIGIL" trace --cgroup /tmp -- true 2>&1); rc=$?
if [ $rc -eq 2 ] && echo "$out" | grep -q "cannot be combined"; then pass trace_bad_combination
else fail trace_bad_combination "rc=$rc" "$out"; fi
if file "$VIGIL" | grep -q 'statically linked'; then pass vigil_is_static
else fail vigil_is_static "$(file "$VIGIL")"; fi

# --- capture: needs root and BPF
if ! err=$("$VIGIL" trace -- true 2>&1 >/dev/null); then
	for t in trace_command trace_exit_status trace_pid_tree trace_ptrace_attach \
		 trace_ptrace_command trace_host_ctrl_c trace_cgroup trace_chroot; do
		skip $t "eBPF capture unavailable: $(echo "$err" | tail -1)"
	done
	exit 0
fi

# The issue's example: the tree of sh, nothing else.
"$VIGIL" trace --json -o "$T/cmd.json" -- sh -c 'cat /etc/hostname; ls /nonexistent' \
	> "$T/cmd.out" 2> "$T/cmd.err"
check trace_command "
execs = [e for e in ev if e['type'] == 'execve' and e['res'] == 0]
names = [e['comm'] for e in execs]
for n in ('sh', 'cat', 'ls'):
    assert n in names, 'no execve of %s: %s' % (n, names)
sh = one(lambda e: e['type'] == 'execve' and e['comm'] == 'sh' and e['res'] == 0, 'sh')
assert sh['args']['argv'] == ['sh', '-c', 'cat /etc/hostname; ls /nonexistent'], sh['args']
cat = one(lambda e: e['type'] == 'execve' and e['comm'] == 'cat', 'cat')
assert cat['args']['argv'] == ['cat', '/etc/hostname'], cat['args']
assert cat['exe'].endswith('/cat') and cat['cwd'] == '$PWD', cat
op = one(lambda e: e['type'] in ('openat', 'open') and e.get('args', {}).get('name') == '/etc/hostname', 'open hostname')
assert op['res'] >= 0 and op['pid'] == cat['pid'], op
ne = one(lambda e: '/nonexistent' in (e.get('args', {}).get('path'), e.get('args', {}).get('name')), 'stat nonexistent')
assert ne['res'] == -2 and ne['error'] == 'ENOENT', ne
tree = {sh['pid']} | {e['pid'] for e in ev if e['type'] == 'fork_child' and e['parent_pid'] == sh['pid']}
stray = [e for e in ev if e['pid'] not in tree]
assert not stray, 'events from outside the tree: %s' % stray[:2]
" "$T/cmd.json"

"$VIGIL" trace -- sh -c 'exit 7' > /dev/null 2>&1; rc1=$?
"$VIGIL" trace -- sh -c 'kill -TERM $$' > /dev/null 2>&1; rc2=$?
if [ $rc1 -eq 7 ] && [ $rc2 -eq 143 ]; then pass trace_exit_status
else fail trace_exit_status "exit 7 gave $rc1, SIGTERM gave $rc2 (want 7, 143)"; fi

# -p: an already running tree; its children are followed, others are not.
sh -c 'while :; do cat /etc/hostname > /dev/null; sleep 0.05; done' &
loop=$!
( while :; do head -c1 /etc/passwd > /dev/null; sleep 0.05; done ) &
other=$!
"$VIGIL" trace --json -s execve,openat -p $loop > "$T/pid.json" 2>/dev/null &
tracer=$!
sleep 1.5
kill -INT $tracer; wait $tracer; rc=$?
kill $loop $other; wait $loop $other 2>/dev/null
check trace_pid_tree "
assert $rc == 0, 'exit status $rc after SIGINT'
c = one(lambda e: e['type'] == 'execve' and e['comm'] == 'cat', 'cat execve')
assert c['exec']['ppid'] == $loop, c
one(lambda e: e['type'] == 'openat' and e['args']['name'] == '/etc/hostname', 'cat openat')
assert not [e for e in ev if e['comm'] == 'head'], 'traced a process outside the tree'
" "$T/pid.json"

# ptrace attach mode: the same tree, seized while running, left running on Ctrl-C.
sh -c 'while :; do cat /etc/hostname > /dev/null; sleep 0.05; done' &
loop=$!
"$VIGIL" trace --capture ptrace --json -s execve,openat -p $loop > "$T/att.json" 2>"$T/att.err" &
tracer=$!
sleep 1.5
kill -INT $tracer; wait $tracer; rc=$?
sleep 0.2
tracer_pid=$(awk '/^TracerPid:/ { print $2 }' /proc/$loop/status)
alive=$(kill -0 $loop 2>/dev/null && echo yes)
kill $loop; wait $loop 2>/dev/null
check trace_ptrace_attach "
assert $rc == 0, 'exit status $rc after SIGINT'
assert '$alive' == 'yes' and '$tracer_pid' == '0', 'left running: $alive, TracerPid $tracer_pid'
c = one(lambda e: e['type'] == 'execve' and e['comm'] == 'cat', 'cat execve')
assert c['exec']['ppid'] == $loop, c
one(lambda e: e['type'] == 'openat' and e['args']['name'] == '/etc/hostname', 'cat openat')
" "$T/att.json"

# A command under ptrace: the same example as with eBPF.
"$VIGIL" trace --capture ptrace --json -o "$T/ptcmd.json" -- sh -c 'cat /etc/hostname; ls /nonexistent' \
	> /dev/null 2>&1
check trace_ptrace_command "
cat = one(lambda e: e['type'] == 'execve' and e['comm'] == 'cat', 'cat')
assert cat['args']['argv'] == ['cat', '/etc/hostname'], cat['args']
op = one(lambda e: e['type'] == 'openat' and e.get('args', {}).get('name') == '/etc/hostname', 'open hostname')
assert op['res'] >= 0 and op['pid'] == cat['pid'], op
ne = one(lambda e: '/nonexistent' in (e.get('args', {}).get('path'), e.get('args', {}).get('name')), 'stat nonexistent')
assert ne['res'] == -2, ne
" "$T/ptcmd.json"

# The whole host, ended with Ctrl-C: counters on stderr, status 0.
"$VIGIL" trace --json -s openat > "$T/host.json" 2> "$T/host.err" &
tracer=$!
sleep 1
cat /etc/hostname > /dev/null
sleep 0.5
kill -INT $tracer; wait $tracer; rc=$?
if [ $rc -eq 0 ] && grep -q 'events.*drops: syscall=0' "$T/host.err"; then
	check trace_host_ctrl_c "
one(lambda e: e['type'] == 'openat' and e['comm'] == 'cat' and e['args']['name'] == '/etc/hostname', 'host openat')
" "$T/host.json"
else
	fail trace_host_ctrl_c "rc=$rc" "$(cat "$T/host.err")"
fi

# --cgroup: only the processes of one cgroup v2 directory (unified or hybrid layout).
CG2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
if [ -n "$CG2" ] && mkdir "$CG2/vigil-e2e-$$" 2>/dev/null; then
	CG=$CG2/vigil-e2e-$$
	sh -c "echo \$\$ > $CG/cgroup.procs; while :; do cat /etc/hostname > /dev/null; sleep 0.05; done" &
	inside=$!
	( while :; do head -c1 /etc/passwd > /dev/null; sleep 0.05; done ) &
	other=$!
	"$VIGIL" trace --json -s execve --cgroup $CG > "$T/cg.json" 2>/dev/null &
	tracer=$!
	sleep 1.5
	kill -INT $tracer; wait $tracer
	kill $inside $other; wait $inside $other 2>/dev/null
	check trace_cgroup "
one(lambda e: e['type'] == 'execve' and e['comm'] == 'cat', 'cat in the cgroup')
assert not [e for e in ev if e['comm'] == 'head'], 'traced a process outside the cgroup'
" "$T/cg.json"
else
	skip trace_cgroup "no writable cgroup v2 hierarchy mounted"
fi

# A bare root: only vigil and busybox, with /proc and /sys.
BB=$(command -v busybox || echo /bin/busybox)
if [ -x "$BB" ] && file "$BB" | grep -q 'statically linked'; then
	mkdir -p "$T/root/bin" "$T/root/proc" "$T/root/sys" "$T/root/etc" "$T/root/tmp"
	cp "$VIGIL" "$T/root/vigil"
	cp "$BB" "$T/root/bin/busybox"
	echo vigil-chroot > "$T/root/etc/hostname"
	mount -t proc proc "$T/root/proc" && mount -t sysfs sys "$T/root/sys"
	chroot "$T/root" /vigil trace --json -o /tmp/chroot.json -- /bin/busybox cat /etc/hostname \
		> "$T/chroot.out" 2> "$T/chroot.err"
	mv "$T/root/tmp/chroot.json" "$T/chroot.json"
	check trace_chroot "
x = one(lambda e: e['type'] == 'execve' and e['res'] == 0, 'busybox execve')
assert x['exe'] == '/bin/busybox' and x['cwd'] == '/', x
assert x['args']['argv'] == ['/bin/busybox', 'cat', '/etc/hostname'], x
o = one(lambda e: e['type'] == 'openat' and e['args']['name'] == '/etc/hostname', 'openat in chroot')
assert o['res'] >= 0, o
" "$T/chroot.json"
else
	skip trace_chroot "busybox-static not installed"
fi
exit 0
