// SPDX-License-Identifier: GPL-2.0
// cbench: the C API of cbench.h over Google Benchmark.
#include "cbench.h"

#include <benchmark/benchmark.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

// The library's version, from the build (CMake's find_package(benchmark)).
#ifndef CBENCH_LIBRARY_VERSION
#define CBENCH_LIBRARY_VERSION "unknown"
#endif

namespace {

benchmark::State *S(struct cbench_state *st)
{
	return reinterpret_cast<benchmark::State *>(st);
}

benchmark::internal::Benchmark *B(struct cbench *b)
{
	return reinterpret_cast<benchmark::internal::Benchmark *>(b);
}

struct cbench *H(benchmark::internal::Benchmark *b)
{
	return reinterpret_cast<struct cbench *>(b);
}

// Every benchmark registered, for --cbench_iterations.
std::vector<benchmark::internal::Benchmark *> registered;

const char ITERATIONS_FLAG[] = "--cbench_iterations=";

// Take --cbench_iterations=N out of argv; 0 if absent, -1 (said why) if bad.
int64_t take_iterations_flag(int *argc, char **argv)
{
	int64_t n = 0;
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		if (strncmp(argv[i], ITERATIONS_FLAG, sizeof(ITERATIONS_FLAG) - 1)) {
			argv[out++] = argv[i];
			continue;
		}
		const char *v = argv[i] + sizeof(ITERATIONS_FLAG) - 1;
		char *end;

		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end || n < 1) {
			fprintf(stderr, "cbench: --cbench_iterations=%s: accepted is a whole "
					"number >= 1\n", v);
			return -1;
		}
	}
	*argc = out;
	argv[out] = nullptr;
	return n;
}

}  // namespace

extern "C" {

struct cbench *cbench_register(const char *name, cbench_fn fn, void *arg)
{
	benchmark::internal::Benchmark *b =
		benchmark::RegisterBenchmark(name, [fn, arg](benchmark::State &st) {
			fn(reinterpret_cast<struct cbench_state *>(&st), arg);
		});

	registered.push_back(b);
	return H(b);
}

struct cbench *cbench_arg(struct cbench *b, int64_t arg) { return H(B(b)->Arg(arg)); }
struct cbench *cbench_threads(struct cbench *b, int n) { return H(B(b)->Threads(n)); }
struct cbench *cbench_thread_range(struct cbench *b, int min, int max)
{
	return H(B(b)->ThreadRange(min, max));
}
struct cbench *cbench_use_real_time(struct cbench *b) { return H(B(b)->UseRealTime()); }
struct cbench *cbench_iterations(struct cbench *b, int64_t n)
{
	return H(B(b)->Iterations(static_cast<benchmark::IterationCount>(n)));
}

/*
 * One batch of all the run's iterations, as the C++ range-for loop does:
 * the first KeepRunningBatch() starts the run (the start barrier) and takes
 * max_iterations at once; the second finds none left and finishes it (the
 * stop barrier).  If the first returns false the run was skipped and is
 * already finished.
 */
int64_t cbench_loop_start(struct cbench_state *st)
{
	benchmark::State *s = S(st);

	return s->KeepRunningBatch(s->max_iterations) ? s->max_iterations : 0;
}

void cbench_loop_end(struct cbench_state *st)
{
	benchmark::State *s = S(st);

	// Returns false: nothing is left of the one batch.
	(void)s->KeepRunningBatch(s->max_iterations);
}

int64_t cbench_range(struct cbench_state *st, int i) { return S(st)->range(i); }
int cbench_thread_index(struct cbench_state *st) { return S(st)->thread_index(); }
int cbench_nr_threads(struct cbench_state *st) { return S(st)->threads(); }
void cbench_pause_timing(struct cbench_state *st) { S(st)->PauseTiming(); }
void cbench_resume_timing(struct cbench_state *st) { S(st)->ResumeTiming(); }
void cbench_set_items_processed(struct cbench_state *st, int64_t n)
{
	S(st)->SetItemsProcessed(n);
}
void cbench_skip_with_error(struct cbench_state *st, const char *msg)
{
	S(st)->SkipWithError(msg);
}
void cbench_set_label(struct cbench_state *st, const char *label) { S(st)->SetLabel(label); }

void cbench_counter(struct cbench_state *st, const char *name, double value, unsigned int flags)
{
	int f = benchmark::Counter::kDefaults;

	if (flags & CBENCH_RATE)
		f |= benchmark::Counter::kIsRate;
	if (flags & CBENCH_AVG_THREADS)
		f |= benchmark::Counter::kAvgThreads;
	if (flags & CBENCH_AVG_ITERATIONS)
		f |= benchmark::Counter::kAvgIterations;
	S(st)->counters[name] = benchmark::Counter(value, static_cast<benchmark::Counter::Flags>(f));
}

void cbench_context(const char *key, const char *value)
{
	benchmark::AddCustomContext(key, value);
}

const char *cbench_library_version(void) { return CBENCH_LIBRARY_VERSION; }

int cbench_main(int argc, char **argv)
{
	int64_t iterations = take_iterations_flag(&argc, argv);

	if (iterations < 0)
		return 2;
	if (iterations)
		for (benchmark::internal::Benchmark *b : registered)
			b->Iterations(static_cast<benchmark::IterationCount>(iterations));
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 2;
	// Threaded timing semantics changed between releases: say which one ran.
	benchmark::AddCustomContext("google_benchmark_version", CBENCH_LIBRARY_VERSION);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}

}  // extern "C"
