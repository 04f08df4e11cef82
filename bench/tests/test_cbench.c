// SPDX-License-Identifier: GPL-2.0
/*
 * cbench's own test: register benchmarks from C, run them through
 * cbench_main() with Google Benchmark's flags, read the JSON it wrote, and
 * check what the wrapper promises: the body ran, per-thread runs exist, the
 * counters (a rate, a per-iteration average) carry their values, paused
 * time is not counted, a skipped run's loop does not run, the context holds
 * the library version and the load average, --cbench_iterations fixes the
 * count, a bad one exits 2 -- and, in an optimised build without a
 * sanitizer, CBENCH_LOOP costs under 1 ns per iteration: the least CPU
 * time of nine repetitions of an empty loop
 * (a count-down loop is about one cycle; a call per iteration, as the old
 * cbench_keep_running() made, was several).  Its instruction count, which
 * does not move with the machine's load, is bench.instructions' business.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cbench.h"

static int failures;

#define CHECK(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
			fprintf(stderr, __VA_ARGS__);				\
			fputc('\n', stderr);					\
			failures++;						\
		}								\
	} while (0)

static int calls;	/* bodies entered, all threads */

static void bm_counters(struct cbench_state *st, void *arg)
{
	long n = 0;

	__atomic_fetch_add(&calls, 1, __ATOMIC_RELAXED);
	CBENCH_LOOP(st)
		n++;
	cbench_counter(st, "ops", (double)n, CBENCH_RATE);
	cbench_counter(st, "seven", 7.0 * (double)n, CBENCH_AVG_ITERATIONS);
	cbench_counter(st, "arg", (double)*(int *)arg, CBENCH_AVG_THREADS);
}

/* 1 ms paused per iteration: real time per iteration must stay far below it. */
static void bm_paused(struct cbench_state *st, void *arg)
{
	CBENCH_LOOP(st) {
		cbench_pause_timing(st);
		usleep(1000);
		cbench_resume_timing(st);
	}
}

static void bm_empty(struct cbench_state *st, void *arg)
{
	CBENCH_LOOP(st)
		__asm__ volatile("");	/* not folded away */
}

static bool skipped_body_ran;

static void bm_skipped(struct cbench_state *st, void *arg)
{
	cbench_skip_with_error(st, "skipped on purpose");
	CBENCH_LOOP(st)
		skipped_body_ran = true;
}

static long fixed_count;

static void bm_fixed(struct cbench_state *st, void *arg)
{
	CBENCH_LOOP(st)
		fixed_count++;
}

static json_t *find(json_t *benchmarks, const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(benchmarks, i, b)
		if (!strcmp(json_string_value(json_object_get(b, "name")), name))
			return b;
	return NULL;
}

/* The least of the repetitions' CPU time per iteration of name, in ns. */
static double least_cpu_ns(json_t *benchmarks, const char *name)
{
	double least = 1e30;
	size_t i;
	json_t *b;

	json_array_foreach(benchmarks, i, b)
		if (!strcmp(json_string_value(json_object_get(b, "run_name")) ?: "", name) &&
		    !strcmp(json_string_value(json_object_get(b, "run_type")) ?: "", "iteration")) {
			double ns = json_number_value(json_object_get(b, "cpu_time"));

			if (ns < least)
				least = ns;
		}
	return least;
}

/*
 * --cbench_iterations=12345 in a child process (Google Benchmark 1.7.1 runs
 * once per process): did selftest/fixed's loop run exactly that many times?
 */
static bool fixed_iterations_ok(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { "test_cbench", "--cbench_iterations=12345",
				 "--benchmark_filter=selftest/fixed", NULL };

		if (cbench_main(3, argv))
			_exit(2);
		_exit(fixed_count == 12345 ? 0 : 1);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 0;
}

/* Bad --cbench_iterations values: exit status 2 before anything runs. */
static void check_bad_iterations(void)
{
	const char *bad[] = { "0", "-3", "x", "", "12x", "99999999999999999999" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char flag[64];

		snprintf(flag, sizeof(flag), "--cbench_iterations=%s", bad[i]);
		char *argv[] = { "test_cbench", flag, "--benchmark_filter=none", NULL };
		CHECK(cbench_main(3, argv) == 2, "%s accepted", flag);
	}
}

int main(void)
{
	static int forty_two = 42;
	char out[] = "/tmp/test_cbench-XXXXXX";
	char flag[64];
	int fd = mkstemp(out);
	json_error_t err;
	json_t *doc, *benchmarks, *b;

	close(fd);
	snprintf(flag, sizeof(flag), "--benchmark_out=%s", out);
	cbench_use_real_time(cbench_threads(cbench_threads(
		cbench_register("selftest/counters", bm_counters, &forty_two), 1), 2));
	cbench_iterations(cbench_register("selftest/paused", bm_paused, NULL), 20);
	cbench_register("selftest/empty", bm_empty, NULL);
	cbench_register("selftest/skipped", bm_skipped, NULL);
	cbench_register("selftest/fixed", bm_fixed, NULL);
	cbench_context("cbench_test", "yes");

	check_bad_iterations();
	char *argv[] = { "test_cbench", "--benchmark_min_time=0.01", flag,
			 "--benchmark_out_format=json", "--benchmark_repetitions=9",
			 "--benchmark_filter=selftest/(counters|paused|empty|skipped)", NULL };
	CHECK(fixed_iterations_ok(), "--cbench_iterations=12345 ran another count");
	CHECK(cbench_main(6, argv) == 0, "cbench_main failed");

	doc = json_load_file(out, 0, &err);
	unlink(out);
	if (!doc) {
		fprintf(stderr, "FAIL: no JSON: %s\n", err.text);
		return 1;
	}
	CHECK(!strcmp(json_string_value(json_object_get(json_object_get(doc, "context"),
			"google_benchmark_version")) ?: "", cbench_library_version()),
	      "context has no google_benchmark_version %s", cbench_library_version());
	CHECK(json_object_get(json_object_get(doc, "context"), "cbench_test"),
	      "custom context missing");
	CHECK(json_array_size(json_object_get(json_object_get(doc, "context"), "load_avg")) == 3,
	      "context has no load_avg [1, 5, 15 minutes]");
	benchmarks = json_object_get(doc, "benchmarks");
	CHECK(calls >= 3, "bodies ran %d times, expected the 1- and 2-thread runs", calls);
	CHECK(!skipped_body_ran, "a skipped run's loop body ran");
	{
		double ns = least_cpu_ns(benchmarks, "selftest/empty");

#ifdef CBENCH_TEST_LOOP_COST
		CHECK(ns < 1.0, "an empty CBENCH_LOOP costs %.3f ns per iteration (least of 9)", ns);
#endif
		printf("empty CBENCH_LOOP: %.3f ns per iteration (least CPU time of 9)\n", ns);
	}

	b = find(benchmarks, "selftest/counters/real_time/threads:2");
	CHECK(b, "no 2-thread run in the JSON");
	if (b) {
		double iters = json_number_value(json_object_get(b, "iterations"));

		CHECK(json_integer_value(json_object_get(b, "threads")) == 2, "threads != 2");
		CHECK(json_number_value(json_object_get(b, "ops")) > 0, "rate counter missing");
		CHECK(json_number_value(json_object_get(b, "seven")) > 6.9 &&
		      json_number_value(json_object_get(b, "seven")) < 7.1,
		      "per-iteration average %g, expected 7 (iterations %g)",
		      json_number_value(json_object_get(b, "seven")), iters);
		CHECK(json_number_value(json_object_get(b, "arg")) == 42,
		      "thread-averaged counter %g, expected 42",
		      json_number_value(json_object_get(b, "arg")));
	}
	b = find(benchmarks, "selftest/paused/iterations:20");
	CHECK(b, "no paused run in the JSON");
	if (b) {
		double ns = json_number_value(json_object_get(b, "real_time"));

		CHECK(!strcmp(json_string_value(json_object_get(b, "time_unit")), "ns"), "unit");
		CHECK(ns < 500000, "paused time counted: %g ns per iteration", ns);
	}
	json_decref(doc);

	if (failures)
		return 1;
	printf("PASS test_cbench\n");
	return 0;
}
