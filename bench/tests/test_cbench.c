// SPDX-License-Identifier: GPL-2.0
/*
 * cbench's own test: register benchmarks from C, run them through
 * cbench_main() with Google Benchmark's flags, read the JSON it wrote, and
 * check what the wrapper promises: the body ran, per-thread runs exist, the
 * counters (a rate, a per-iteration average) carry their values, paused
 * time is not counted, and the context holds the library version.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	while (cbench_keep_running(st))
		n++;
	cbench_counter(st, "ops", (double)n, CBENCH_RATE);
	cbench_counter(st, "seven", 7.0 * (double)n, CBENCH_AVG_ITERATIONS);
	cbench_counter(st, "arg", (double)*(int *)arg, CBENCH_AVG_THREADS);
}

/* 1 ms paused per iteration: real time per iteration must stay far below it. */
static void bm_paused(struct cbench_state *st, void *arg)
{
	while (cbench_keep_running(st)) {
		cbench_pause_timing(st);
		usleep(1000);
		cbench_resume_timing(st);
	}
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
	cbench_context("cbench_test", "yes");

	char *argv[] = { "test_cbench", "--benchmark_min_time=0.01", flag,
			 "--benchmark_out_format=json", NULL };
	CHECK(cbench_main(4, argv) == 0, "cbench_main failed");

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
	benchmarks = json_object_get(doc, "benchmarks");
	CHECK(calls >= 3, "bodies ran %d times, expected the 1- and 2-thread runs", calls);

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
