#!/bin/sh
# scripts/bench and bench/instructions.py refuse bad input with one line
# naming the bad value, and exit 2, before anything runs.
# Usage: test_bad_usage.sh SOURCE_DIR BUILD_DIR
src=$1 build=$2
fails=0

expect_2() {	# expect_2 WHAT COMMAND...
	what=$1; shift
	out=$("$@" 2>&1 >/dev/null); rc=$?
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ "$rc" != 2 ] || [ "$lines" != 1 ]; then
		echo "FAIL $what: exit $rc, $lines lines: $out"
		fails=$((fails + 1))
	fi
}

cd "$src" || exit 1
expect_2 "unknown flag" ./scripts/bench --nope
expect_2 "repetitions" env SGT_BENCH_REPETITIONS=3 ./scripts/bench
expect_2 "threads" env SGT_BENCH_INSTRUCTIONS_THREADS=3 ./scripts/bench
expect_2 "filter" env SGT_BENCH_INSTRUCTIONS_FILTER='(' ./scripts/bench
expect_2 "instructions.py threads" /usr/bin/python3 bench/instructions.py "$build" --threads 5
expect_2 "instructions.py limit" /usr/bin/python3 bench/instructions.py "$build" --limit 0
expect_2 "instructions.py build" /usr/bin/python3 bench/instructions.py /nonexistent
expect_2 "sgt_bench iterations" "$build/bench/sgt_bench" --cbench_iterations=0
[ $fails = 0 ] && echo "PASS test_bad_usage"
exit $((fails != 0))
