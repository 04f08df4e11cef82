/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run's state in the child, shared by its lifecycle (run.c) and its
 * watching (watch.c).  Not for the verbs: they see torture.h.
 */
#ifndef SGT_TORTURE_RUN_H
#define SGT_TORTURE_RUN_H

#include "torture.h"

/* One run's state, in the child. */
struct torture_run {
	const struct torture_config *cfg;
	const struct torture_subject *subject;
	struct torture_result *res;
	void *state;			/* the subject's */
	atomic_bool stop;
	atomic_int exited;		/* threads that left their loop (--ops: all, at the end) */
	struct torture_thread *threads;
	struct trace_ring **rings;	/* each thread's, for trace_snapshot() */
	int nthreads;
	uint64_t start_ns;
	bool controlled;		/* --sched other than os */
};

/* Statistics, the progress and wait watchdogs (watch.c). */
void torture_watch_start(struct torture_run *ctx);
void torture_stats_line(struct torture_run *ctx, double t, FILE *out);
/* A thread made no progress for --watchdog seconds: the watchdog fires. */
void torture_watch_progress(struct torture_run *ctx, unsigned long *seen, uint64_t *since,
			    uint64_t now);
/* Say who is stuck where, holding what; keep it in the result; exit 3. */
__attribute__((noreturn)) void torture_watchdog_fire(const char *why);

#endif /* SGT_TORTURE_RUN_H */
