/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cbench: Google Benchmark from C.
 *
 * Benchmarks are C functions registered by name with an argument; the body
 * runs CBENCH_LOOP(st), which is C++'s `for (auto _ : state)`: nothing is
 * called per iteration.  cbench_main() is Google Benchmark's own main, so
 * every --benchmark_* flag, its JSON and its tools/compare.py work as they
 * do for C++ benchmarks; it adds --cbench_iterations=N, a fixed count for
 * every benchmark (what an instruction count under valgrind needs).
 *
 * Threads: a benchmark registered with cbench_threads() runs its body in
 * that many threads at once; Google Benchmark holds them at a barrier
 * before the first iteration and after the last (both inside CBENCH_LOOP),
 * so what thread 0 sets up before its loop is seen by all, and it may tear
 * down after its loop.
 */
#ifndef SGT_CBENCH_H
#define SGT_CBENCH_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct cbench_state;	/* benchmark::State */
struct cbench;		/* benchmark::internal::Benchmark */

typedef void (*cbench_fn)(struct cbench_state *st, void *arg);

/* Register fn under name, called with arg; returns a handle to configure it. */
struct cbench *cbench_register(const char *name, cbench_fn fn, void *arg);
/* Each returns its handle, so calls chain: cbench_threads(cbench_arg(b, 16), 2). */
struct cbench *cbench_arg(struct cbench *b, int64_t arg);
struct cbench *cbench_threads(struct cbench *b, int threads);
struct cbench *cbench_thread_range(struct cbench *b, int min, int max);
struct cbench *cbench_use_real_time(struct cbench *b);
struct cbench *cbench_iterations(struct cbench *b, int64_t n);

/*
 * The timed loop.  As the C++ range-for loop, it fetches the iteration count
 * once, when it starts (Google Benchmark's start barrier), counts it down
 * inline, and makes one call after the last iteration (the stop barrier):
 *
 *	CBENCH_LOOP(st)
 *		sink(work());
 *
 * The body must not leave the loop by break, goto or return: the stop
 * barrier would never be reached (the C++ loop has the same rule).  When
 * the run is skipped (cbench_skip_with_error() before the loop) the body
 * does not run.
 */
#define CBENCH_LOOP(st)								\
	for (int64_t cbench_left_ = cbench_loop_start(st),			\
		     cbench_open_ = cbench_left_ > 0;				\
	     cbench_left_ > 0 ||						\
	     (cbench_open_ && (cbench_loop_end(st), cbench_open_ = 0));	\
	     cbench_left_--)
/* CBENCH_LOOP's two calls: the iterations to run (0: skipped), and the end. */
int64_t cbench_loop_start(struct cbench_state *st);
void cbench_loop_end(struct cbench_state *st);

/* What a body may ask or tell. */
int64_t cbench_range(struct cbench_state *st, int i);	/* the i-th cbench_arg() */
int cbench_thread_index(struct cbench_state *st);
int cbench_nr_threads(struct cbench_state *st);
void cbench_pause_timing(struct cbench_state *st);
void cbench_resume_timing(struct cbench_state *st);
void cbench_set_items_processed(struct cbench_state *st, int64_t items);
void cbench_skip_with_error(struct cbench_state *st, const char *msg);
void cbench_set_label(struct cbench_state *st, const char *label);

/* benchmark::Counter's flags. */
enum cbench_counter_flags {
	CBENCH_DEFAULT = 0,
	CBENCH_RATE = 1,		/* divided by the elapsed time: per second */
	CBENCH_AVG_THREADS = 2,		/* averaged over the threads */
	CBENCH_AVG_ITERATIONS = 4,	/* divided by the iterations: per operation */
};
/* A counter in the report (and the JSON); threads' values are summed unless averaged. */
void cbench_counter(struct cbench_state *st, const char *name, double value, unsigned int flags);

/* A key and value in the JSON's "context" (benchmark::AddCustomContext). */
void cbench_context(const char *key, const char *value);
/* The version of the Google Benchmark library this was built against. */
const char *cbench_library_version(void);

/*
 * Google Benchmark's main: parse its flags and --cbench_iterations=N, run
 * what they select; 0, or 2 on a bad flag (one line on stderr).  Once per
 * process (Google Benchmark 1.7.1 cannot run twice).  Google Benchmark's JSON context holds the machine's load
 * average ("load_avg": 1, 5, 15 minutes), read before the first benchmark,
 * when none of its threads exist yet.
 */
int cbench_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif /* SGT_CBENCH_H */
