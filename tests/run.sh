#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The test runner: every unit and capture test binary, every end-to-end
# script, and every fuzz target for a bounded number of runs. Each prints
# "PASS name", "FAIL name" or "SKIP name: reason" lines; this script adds
# them up and ends with the line "N passed, N failed, N skipped".
set -u
OUTPUT=${OUTPUT:-.output}
FUZZ_RUNS=${FUZZ_RUNS:-20000}
log=$OUTPUT/test.log
: > "$log"
pass=0 fail=0 skip=0

tally() { # reads PASS/FAIL/SKIP lines of one suite from stdin, echoes them
	local suite=$1 line saw=0
	while IFS= read -r line; do
		echo "$line" >> "$log"
		case $line in
		"PASS "*) pass=$((pass + 1)); saw=1; echo "  $line" ;;
		"FAIL "*) fail=$((fail + 1)); saw=1; echo "  $line" ;;
		"SKIP "*) skip=$((skip + 1)); saw=1; echo "  $line" ;;
		"  "*) echo "$line" ;; # assertion details
		esac
	done
	return 0
}

run_suite() { # name, command...
	local name=$1 rc
	shift
	echo "$name"
	"$@" > "$OUTPUT/suite.out" 2>&1
	rc=$?
	tally "$name" < "$OUTPUT/suite.out"
	# a crash or sanitizer report outside any test is a failure of its own
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$OUTPUT/suite.out"; then
		echo "  FAIL $name: exited $rc"
		tail -20 "$OUTPUT/suite.out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
}

for t in "$OUTPUT"/tests/test_*; do
	[ -x "$t" ] && run_suite "$(basename "$t")" "$t"
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] && run_suite "$(basename "$t")" env OUTPUT="$OUTPUT" bash "$t"
done
for f in "$OUTPUT"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	corpus=tests/fuzz/corpus/${name#fuzz_}
	run_suite "$name" bash -c "mkdir -p '$OUTPUT/corpus/$name' && \
		'$f' -runs=$FUZZ_RUNS -max_len=20000 '$OUTPUT/corpus/$name' $( [ -d "$corpus" ] && echo "'$corpus'" ) \
		> '$OUTPUT/$name.log' 2>&1 && echo 'PASS $name ($FUZZ_RUNS runs)' || \
		{ tail -30 '$OUTPUT/$name.log'; echo 'FAIL $name'; }"
done

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
