# SPDX-License-Identifier: Apache-2.0
"""Compare two event files (JSON lines) from two capture backends.

Events are compared field by field as multisets, after removing what
legitimately differs between two runs: times, process ids (and results and
fields that are process ids), pointers (with ASLR they move) and whatever
happened before the workload's own exec (vigil's spawn path differs per
backend by design). Exit status 0 when equal; the differences otherwise.
"""
import collections
import json
import sys

PID_FIELDS = ("time", "ts", "pid", "tid", "ppid", "parent_pid", "parent_tid")
FORKS = ("fork", "vfork", "clone", "clone3")


def load(path, program):
    events = [json.loads(line) for line in open(path) if line.strip()]
    for i, e in enumerate(events):
        if e["type"] == "execve" and e.get("res") == 0 and e["args"].get("filename") == program:
            return events[i:]
    raise SystemExit("%s: no execve of %s" % (path, program))


def normalise(e):
    e = dict(e)
    for f in PID_FIELDS:
        e.pop(f, None)
    if "exec" in e:
        e["exec"] = {k: v for k, v in e["exec"].items() if k not in ("ppid", "sid", "pgid")}
    if e["type"] in FORKS and e.get("res", 0) > 0:
        e["res"] = "child pid"
    args = e.get("args")
    if args:
        e["args"] = {k: v for k, v in args.items()
                     if not (isinstance(v, str) and v.startswith("0x"))}
    return json.dumps(e, sort_keys=True)


def main():
    a_path, b_path, program = sys.argv[1:4]
    a = collections.Counter(normalise(e) for e in load(a_path, program))
    b = collections.Counter(normalise(e) for e in load(b_path, program))
    only_a, only_b = a - b, b - a
    for e, n in sorted(only_a.items()):
        print("only in %s (x%d): %s" % (a_path, n, e))
    for e, n in sorted(only_b.items()):
        print("only in %s (x%d): %s" % (b_path, n, e))
    print("%d events compared, %d differ" % (sum(a.values()), sum(only_a.values()) + sum(only_b.values())))
    sys.exit(1 if only_a or only_b else 0)


main()
