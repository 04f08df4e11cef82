#!/bin/sh
# scripts/bench and bench/instructions.py refuse bad input with one line
# naming the bad value and the accepted ones, and exit 2, before anything runs.
# Usage: test_bad_usage.sh SOURCE_DIR BUILD_DIR
src=$1 build=$2
fails=0

expect_2() {	# expect_2 WHAT BAD ACCEPTED COMMAND...: exit 2, one line naming BAD and ACCEPTED
	what=$1 bad=$2 accepted=$3; shift 3
	out=$("$@" 2>&1 >/dev/null); rc=$?
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ "$rc" != 2 ] || [ "$lines" != 1 ]; then
		echo "FAIL $what: exit $rc, $lines lines: $out"
		fails=$((fails + 1))
	elif ! printf '%s' "$out" | grep -qF -- "$bad" || ! printf '%s' "$out" | grep -qF -- "$accepted"; then
		echo "FAIL $what: '$out' does not name '$bad' and the accepted '$accepted'"
		fails=$((fails + 1))
	fi
}

cd "$src" || exit 1
expect_2 "unknown flag" "'--nope'" "--instructions" ./scripts/bench --nope
expect_2 "repetitions" "SGT_BENCH_REPETITIONS=3" ">= 9" env SGT_BENCH_REPETITIONS=3 ./scripts/bench
expect_2 "threads" "SGT_BENCH_INSTRUCTIONS_THREADS=3" "1, 2, 4, 8" \
	env SGT_BENCH_INSTRUCTIONS_THREADS=3 ./scripts/bench
expect_2 "filter" "'('" "regular expression" env SGT_BENCH_INSTRUCTIONS_FILTER='(' ./scripts/bench
expect_2 "instructions.py threads" "--threads '5'" "threads 1, 2, 4, 8" \
	/usr/bin/python3 bench/instructions.py "$build" --threads 5
expect_2 "instructions.py limit" "--limit 0.0" "0 < limit < 100" \
	/usr/bin/python3 bench/instructions.py "$build" --limit 0
expect_2 "instructions.py build" "/nonexistent" "a build folder" \
	/usr/bin/python3 bench/instructions.py /nonexistent
expect_2 "sgt_bench iterations" "--cbench_iterations=0" ">= 1" \
	"$build/bench/sgt_bench" --cbench_iterations=0
[ $fails = 0 ] && echo "PASS test_bad_usage"
exit $((fails != 0))
