// SPDX-License-Identifier: GPL-2.0
// cbench: the C API of cbench.h over Google Benchmark.
#include "cbench.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

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

}  // namespace

extern "C" {

struct cbench *cbench_register(const char *name, cbench_fn fn, void *arg)
{
	return H(benchmark::RegisterBenchmark(name, [fn, arg](benchmark::State &st) {
		fn(reinterpret_cast<struct cbench_state *>(&st), arg);
	}));
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

bool cbench_keep_running(struct cbench_state *st) { return S(st)->KeepRunning(); }
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
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	// Threaded timing semantics changed between releases: say which one ran.
	benchmark::AddCustomContext("google_benchmark_version", CBENCH_LIBRARY_VERSION);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}

}  // extern "C"
