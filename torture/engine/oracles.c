// SPDX-License-Identifier: GPL-2.0
/*
 * The oracles of one run, in the child: every violation, TSan report,
 * graded outcome and crash is recorded into the shared struct
 * torture_result as it happens, with the timeline of the report the run
 * waits for.  run.c keeps the lifecycle; this file judges.
 */
#define _GNU_SOURCE
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <check/sched_ctl.h>
#include <check/thread.h>
#include <check/tsan_report.h>
#include <check/violation.h>
#include <check/wait.h>

#include "torture.h"

/* What the handlers need; set before the role threads start, read-only after. */
static struct {
	const struct torture_config *cfg;
	struct torture_result *res;
	struct trace_ring **rings;
	int nthreads;
	bool controlled;
	uint64_t start_ns;
} o;

static uint64_t since_start(void)
{
	return sgt_now_ns() - o.start_ns;
}

/*
 * sgtorture report: the reporter's stack now, and each timeline event's
 * from its ring.  backtrace() allocates nothing once warmed (trace_enable()),
 * so this may run inside a TSan report too.
 */
static void keep_stacks(struct torture_result *res)
{
	const char *name = sgt_current()->name;
	int n = backtrace(res->report_pcs, TRACE_PCS);
	size_t i;

	for (; n < TRACE_PCS; n++)
		res->report_pcs[n] = NULL;
	for (i = 0; i + 1 < sizeof(res->report_thread) && name[i]; i++)
		res->report_thread[i] = name[i];
	res->report_thread[i] = 0;
	for (int e = 0; e < res->nr_timeline; e++)
		trace_event_stack(o.rings, o.nthreads, &res->timeline[e], res->timeline_pcs[e]);
}

/*
 * Keep the threads' last events as the timeline of this report: the first
 * report of the run, or the one the run stops on (the callers decide).  Raw
 * copies only (it may run inside a TSan report); the parent prints them.
 */
static void keep_timeline(struct torture_result *res, const char *report, const void *focus)
{
	int expected = 0;
	size_t i;

	if (!o.cfg->timeline ||
	    !atomic_compare_exchange_strong(&res->timeline_claimed, &expected, 1))
		return;
	res->timeline_at_ns = trace_now();
	res->timeline_focus = focus;
	res->nr_timeline = trace_snapshot(o.rings, o.nthreads, focus,
					  res->timeline);

	for (i = 0; i + 1 < sizeof(res->timeline_report) && report[i]; i++)
		res->timeline_report[i] = report[i];	/* no libc: see trace_snapshot() */
	res->timeline_report[i] = 0;	/* a kept timeline may be claimed again (TSan) */
	if (o.cfg->stacks)
		keep_stacks(res);
}

/* The oracle the run waits for fired: note when; the controller stops the run. */
static void found(struct torture_result *res)
{
	int expected = 0;

	if (o.controlled)
		sched_ctl_freeze_trace();	/* a search's execution ends here */
	if (atomic_compare_exchange_strong(&res->found, &expected, 1))
		res->found_ns = since_start();
}

/*
 * Is v the report the run waits for?  Its kind, and with --until-match its
 * text too (H10's "unmapped sg_table", not H6's "NULL sg_table", both
 * use-after-unmap): so every report of the kind is checked, not the first.
 */
static bool oracle_fires(const struct sgt_violation *v)
{
	const struct torture_config *cfg = o.cfg;

	return cfg->stop_on == (int)v->kind &&
	       (!cfg->until_match || strstr(v->msg, cfg->until_match));
}

/* Every violation: counted into the shared result; the first of a kind kept and shown. */
static void record_violation(const struct sgt_violation *v)
{
	struct torture_result *res = o.res;
	const struct torture_config *cfg = o.cfg;
	bool fires = oracle_fires(v) && !atomic_load(&res->found);
	int expected = 0;
	char report[400];
	bool first;

	atomic_fetch_add(&res->violations[v->kind], 1);
	first = atomic_compare_exchange_strong(&res->first_claimed[v->kind], &expected, 1);
	if (first)
		res->first_ns[v->kind] = since_start();
	/*
	 * The oracle's own report replaces an earlier one of its kind that
	 * --until-match passed over.  Two threads firing at once (real threads
	 * only) may mix their texts: the counts and the verdict stand.
	 */
	if (first || fires)
		snprintf(res->first_violation[v->kind], sizeof(res->first_violation[v->kind]),
			 "%s [thread %s at %s:%d %s()]", v->msg, v->thread, v->site.file,
			 v->site.line, v->site.func);
	if (first && !cfg->quiet)
		fprintf(stderr, "sgtorture: VIOLATION %s: %s\n", sgt_violation_name[v->kind],
			res->first_violation[v->kind]);
	if (!fires && !(first && cfg->stop_on == SGT_ORACLE_NONE))
		return;
	snprintf(report, sizeof(report), "%s: VIOLATION %s: %s", v->thread,
		 sgt_violation_name[v->kind], v->msg);
	keep_timeline(res, report, v->obj);
	if (o.controlled)
		sched_ctl_mark_failure();	/* the schedule to replay ends here */
	if (fires)
		found(res);
}

/* Inside TSan's report: no locks, no allocation (see sgt_tsan_set_report_handler()). */
static void record_tsan_report(const char *type, bool is_new)
{
	struct torture_result *res = o.res;
	static const char prefix[] = "ThreadSanitizer: ";
	char report[64];
	size_t n = 0;

	if (!res->tsan_first_ns)
		res->tsan_first_ns = since_start();
	for (const char *c = prefix; *c && n + 1 < sizeof(report); c++)
		report[n++] = *c;
	for (const char *c = type; *c && n + 1 < sizeof(report); c++)
		report[n++] = *c;
	report[n] = 0;
	if (o.cfg->stop_on != SGT_ORACLE_NONE && o.cfg->stop_on != SGT_ORACLE_TSAN)
		return;		/* the run waits for a violation: its timeline is that one's */
	if (o.cfg->tsan_frame) {
		/*
		 * Only a report showing the frame counts, and only the parent
		 * can symbolize: keep the timeline of every new report until
		 * the parent says one matched.
		 */
		if (is_new && !atomic_load(&res->found))
			atomic_store(&res->timeline_claimed, 0);
		keep_timeline(res, report, NULL);
		return;
	}
	keep_timeline(res, report, NULL);
	if (o.cfg->stop_on == SGT_ORACLE_TSAN)
		found(res);
}

void torture_count_op(struct torture_thread *t, bool failed)
{
	struct torture_result *res = o.res;

	/* Relaxed: statistics, read by the controller and at the end. */
	atomic_fetch_add_explicit(&res->ops[t->role][t->idx], 1, memory_order_relaxed);
	if (failed)
		atomic_fetch_add_explicit(&res->fails[t->role][t->idx], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&t->progress, 1, memory_order_relaxed);
}

void torture_observe(struct torture_thread *t, int outcome)
{
	enum sgt_grade g = o.cfg->subject->grade(o.res->variant_index, outcome);

	/* Relaxed: a count, read after the join (or racily by a crash's copy). */
	atomic_fetch_add_explicit(&o.res->outcomes[outcome], 1, memory_order_relaxed);
	torture_count_op(t, g == SGT_FORBIDDEN || g == SGT_UNGRADED);
}

#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
/*
 * A fatal signal in the child: the crashing thread's frames into the shared
 * result (the parent symbolizes them), then the default action, so the
 * parent still sees the signal.  backtrace() was called once at set-up, so
 * here it allocates nothing.  A sanitizer's build keeps the sanitizer's
 * own handler and report.
 */
static void on_crash(int sig)
{
	struct torture_result *res = o.res;
	const char *name = sgt_current()->name;
	size_t i;

	res->crash.signal = sig;
	for (i = 0; i + 1 < sizeof(res->crash.thread) && name[i]; i++)
		res->crash.thread[i] = name[i];
	res->crash.thread[i] = 0;
	res->crash.nr_pcs = backtrace(res->crash.pcs, (int)(sizeof(res->crash.pcs) /
							   sizeof(res->crash.pcs[0])));
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_crashes(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	void *warm[1];

	backtrace(warm, 1);	/* loads libgcc's unwinder now, not in the handler */
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		signal(fatal[i], on_crash);
}
#else
static void catch_crashes(void)
{
}
#endif


void torture_oracles_start(const struct torture_config *cfg, struct torture_result *res,
			   struct trace_ring **rings, int nthreads, bool controlled)
{
	o.cfg = cfg;
	o.res = res;
	o.rings = rings;
	o.nthreads = nthreads;
	o.controlled = controlled;
	o.start_ns = sgt_now_ns();
	sgt_violation_set_handler(record_violation);
	sgt_tsan_set_report_handler(record_tsan_report);
	catch_crashes();
}

void torture_oracles_started(uint64_t start_ns)
{
	o.start_ns = start_ns;
}
