// SPDX-License-Identifier: GPL-2.0
/*
 * One run, in the child: the subject sets up its state (setup()), the role
 * threads start, the controller watches them (statistics, stutter, the
 * progress watchdog), they stop, and the subject tears down and checks that
 * nothing leaked (teardown()).  Everything the run learns goes into the
 * shared struct torture_result as it happens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check/fault.h>
#include <check/sched_ctl.h>
#include <check/thread.h>
#include <check/wait.h>

#include "run.h"

static struct torture_run *the_ctx;	/* for the watchdog, deadlock and divergence handlers */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
}

/* The controller: statistics, stutter and the watchdog until the time is up. */
static void control(struct torture_run *ctx, uint64_t start)
{
	const struct torture_config *cfg = ctx->cfg;
	unsigned long seen[TORTURE_MAX_ROLES * MAX_PER_ROLE] = { 0 };
	uint64_t since[TORTURE_MAX_ROLES * MAX_PER_ROLE], next_stat = start, now;

	for (int i = 0; i < ctx->nthreads; i++)
		since[i] = start;
	torture_stutter_init(cfg->stutter, start);
	uint64_t last_steps = 0, steps_since = start;

	/* With --ops, the run ends when every thread has done its operations. */
	while (!interrupted && !atomic_load(&ctx->res->found) &&
	       atomic_load(&ctx->exited) < ctx->nthreads) {
		now = sgt_now_ns();
		if (ctx->controlled) {
			/*
			 * The step count ends a controlled run (deterministically);
			 * the clock only watches that the scheduler moves.
			 */
			if (sched_ctl_expired())
				break;
			if (sched_ctl_steps() != last_steps) {
				last_steps = sched_ctl_steps();
				steps_since = now;
			} else if (now - steps_since > cfg->watchdog * 1000000000ull) {
				torture_watchdog_fire("the controlled scheduler made no step");
			}
		} else {
			if (now - start >= (uint64_t)(cfg->duration * 1e9))
				break;
			torture_stutter_tick(now);
			torture_watch_progress(ctx, seen, since, now);
		}
		/*
		 * Racy on purpose: a report being counted in another thread may
		 * be copied half-done; the copy after the join is the exact
		 * one, this one is what a crash leaves.
		 */
		torture_collect_tsan(ctx->res);
		if (cfg->stat_interval > 0 && now >= next_stat) {
			if (now > start && !cfg->quiet)
				torture_stats_line(ctx, (double)(now - start) / 1e9, stdout);
			next_stat = now + (uint64_t)(cfg->stat_interval * 1e9);
		}
		/* Short at first: a controlled run of a few operations ends in a millisecond. */
		usleep(now - start < 100000000ull ? 200 : 10000);
	}
}

/* No controlled thread can run: report where each is, keep the schedule, end the run. */
static __attribute__((noreturn)) void on_deadlock(const char *positions)
{
	struct torture_result *res = the_ctx->res;

	sgt_violation(SGT_V_DEADLOCK, "no thread can run after %llu schedule points",
		      (unsigned long long)sched_ctl_steps());
	sched_ctl_mark_failure();
	snprintf(res->dump, sizeof(res->dump), "deadlock: no thread can run\n%s", positions);
	res->elapsed = (double)(sgt_now_ns() - the_ctx->start_ns) / 1e9;
	torture_write_schedule(the_ctx->cfg, res);
	torture_collect_tsan(res);
	snprintf(res->exit_reason, sizeof(res->exit_reason), "deadlock");
	res->exit_code = 1;
	res->finished = true;
	sgt_exit_now(1);
}

/* A replay whose schedule cannot be followed: bad usage of that file, exit 2. */
static __attribute__((noreturn)) void on_diverged(const char *why)
{
	struct torture_result *res = the_ctx->res;

	snprintf(res->dump, sizeof(res->dump), "%s\n", why);
	snprintf(res->exit_reason, sizeof(res->exit_reason), "diverged");
	res->exit_code = 2;
	res->finished = true;
	sgt_exit_now(2);
}

static void sched_start(struct torture_run *ctx)
{
	const struct torture_config *cfg = ctx->cfg;
	struct sched_ctl_config sc = {
		.policy = (enum sched_policy)cfg->sched, .seed = cfg->seed,
		.depth = cfg->sched_depth, .max_steps = cfg->sched_steps,
		.replay = cfg->sched_replay, .nr_replay = cfg->nr_sched_replay,
		.nr_threads = ctx->nthreads, .deadlock = on_deadlock, .trace = cfg->sched_trace,
		.sleepers = cfg->sched_sleepers, .nr_sleepers = cfg->nr_sched_sleepers,
		.diverged = cfg->sched == SCHED_REPLAY ? on_diverged : NULL,
	};

	/* The torture's hook (coverage, timeline) runs first at every point. */
	sched_ctl_init(&sc, sgt_sched_set_hook(NULL));
}

static void setup(struct torture_run *ctx, int variant, int model)
{
	const struct torture_config *cfg = ctx->cfg;
	char err[200];

	sgt_violations_reset();
	torture_oracles_start(cfg, ctx->res, ctx->rings, ctx->nthreads, ctx->controlled);
	/* TSan's own text goes to a file of the run's, not to the terminal. */
	if (sgt_tsan_enabled()) {
		char prefix[300];

		snprintf(prefix, sizeof(prefix), "%s/sgtorture-tsan-%s-%s", cfg->sched_dir,
			 ctx->res->variant, ctx->res->model);
		sgt_tsan_set_log(prefix);
		snprintf(ctx->res->tsan_log, sizeof(ctx->res->tsan_log), "%s.%d", prefix,
			 (int)getpid());
	}
	trace_enable(cfg->timeline, cfg->sched != SCHED_OS, cfg->stacks);
	sgt_watchdog_set_timeout_ms(cfg->watchdog * 1000);
	torture_watch_start(ctx);
	sgt_fault_reset();
	sgt_fault_seed(cfg->seed);
	ctx->state = ctx->subject->setup(cfg, variant, model);
	/* After the subject's setup: a scenario may have armed a fault of its own. */
	for (int i = 0; i < cfg->nr_faults; i++)
		sgt_fault_parse(cfg->faults[i], err, sizeof(err));	/* validated already */
}

void torture_delay(struct torture_thread *t, uint32_t max_us)
{
	uint32_t us = torture_random_below(&t->rng, max_us);

	if (t->controlled)
		sched_ctl_yield();
	else
		usleep(us);
}

uint32_t torture_choose(struct torture_thread *t, uint32_t n, const uint32_t *class_start,
			uint32_t nr)
{
	const struct torture_config *cfg = t->run->cfg;
	struct torture_result *res = t->run->res;
	uint32_t k = t->nr_choices++, c = 0;

	if (!cfg->data_forced)
		return torture_random_below(&t->rng, n);
	if (t->index >= TORTURE_CHOICE_THREADS || k >= TORTURE_MAX_CHOICES) {
		res->choices_overflow = true;	/* class 0: the search says it was cut */
	} else {
		/* Written by this thread only; the parent reads it after the child exited. */
		if (nr > res->choices_seen[t->index][k])
			res->choices_seen[t->index][k] = (uint8_t)(nr < 255 ? nr : 255);
		c = cfg->data[t->index][k];
	}
	if (c >= nr)
		c = nr - 1;
	return class_start ? class_start[c] : c;
}

/* --inject-crash: the bug a crash report exists for, a write through NULL. */
static __attribute__((noinline)) void inject_crash(void)
{
	sgt_thread_set_op("injected crash");
	*(volatile int *)NULL = 1;
}

static void *role_thread(void *arg)
{
	struct torture_thread *t = arg;
	struct torture_run *ctx = t->run;
	const char *role = ctx->subject->role_name[t->role];
	const atomic_bool *stop = &ctx->stop;

	sgt_thread_start("%s-%d", role, t->idx);
	t->sgt = sgt_current();
	trace_thread_start(&t->ring, t->role, t->idx);
	if (t->controlled)
		sched_ctl_register((int)(t - ctx->threads), t->sgt->name);
	/*
	 * Controlled: the scheduler's step count ends the run, the same way
	 * every time; with --ops N, each thread's N operations do.
	 */
	for (unsigned long ops = 0; !atomic_load_explicit(stop, memory_order_relaxed) &&
	     !(t->controlled && sched_ctl_expired()) &&
	     !(ctx->cfg->ops && ops == ctx->cfg->ops); ops++) {
		torture_stutter_wait(stop);
		if (unlikely(t->crash_at_ns) && sgt_now_ns() >= t->crash_at_ns)
			inject_crash();
		sgt_thread_set_op(role);
		ctx->subject->step(ctx->state, t);
		atomic_fetch_add_explicit(&t->progress, 1, memory_order_relaxed);
	}
	sgt_thread_set_op("exited");
	atomic_fetch_add(&ctx->exited, 1);
	sched_ctl_exit();
	/*
	 * Controlled: the thread's teardown (glibc gives its malloc caches
	 * back to the arenas) waits until no thread takes controlled steps,
	 * or it would move where the others' allocations land, and the same
	 * schedule would touch other addresses from one execution to the next
	 * (check's DPOR compares them: docs/design.md).  A found oracle or a
	 * deadlock ends the process without a join, so nobody waits forever.
	 * Relaxed, as the loop's own test of stop: a flag to end a wait, it
	 * orders nothing.
	 */
	while (t->controlled && atomic_load(&ctx->exited) < ctx->nthreads &&
	       !atomic_load_explicit(stop, memory_order_relaxed))
		usleep(100);
	sgt_thread_stop();
	return NULL;
}

static void start_threads(struct torture_run *ctx, uint64_t hang_at_ns, uint64_t crash_at_ns)
{
	int n = 0;

	for (int r = 0; r < ctx->subject->nr_roles; r++) {
		for (int i = 0; i < ctx->cfg->threads[r]; i++, n++) {
			struct torture_thread *t = &ctx->threads[n];

			t->run = ctx;
			t->subject = ctx->state;
			t->role = r;
			t->idx = i;
			t->controlled = ctx->controlled;
			if (r == ctx->subject->observer_role && i == 0)
			{
				t->hang_at_ns = hang_at_ns;
				t->crash_at_ns = crash_at_ns;
			}
			t->index = n;
			torture_random_init(&t->rng, ctx->cfg->seed, (uint64_t)n);
			pthread_create(&t->tid, NULL, role_thread, t);
		}
	}
}

/* Joining is a wait too: a thread that does not stop within the watchdog time is stuck. */
static void join_threads(struct torture_run *ctx)
{
	for (int i = 0; i < ctx->nthreads; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ctx->cfg->watchdog;
		if (pthread_timedjoin_np(ctx->threads[i].tid, NULL, &ts)) {
			char why[128];

			snprintf(why, sizeof(why), "%s did not stop within %u s",
				 ctx->threads[i].sgt ? ctx->threads[i].sgt->name : "a thread",
				 ctx->cfg->watchdog);
			torture_watchdog_fire(why);
		}
	}
}

/*
 * The oracle the run waited for fired: that is the verdict.  The threads
 * may be deadlocked by what it found (a self-deadlock), and what happens
 * after it is noise: no join, no leak check.
 */
/*
 * A controlled run that failed on an oracle it was not waiting for (a TSan
 * report, which comes from inside TSan where the schedule cannot be marked,
 * or another violation) keeps its whole schedule: replaying every choice
 * made reproduces it exactly.
 */
static void keep_tsan_schedule(struct torture_run *ctx)
{
	unsigned long violations = 0;

	for (int k = 0; k < SGT_V_NR; k++)
		violations += atomic_load(&ctx->res->violations[k]);
	if (ctx->controlled && (ctx->res->tsan_reports || violations) &&
	    !sched_ctl_failure_choices())
		sched_ctl_mark_failure();
}

static void end_found(struct torture_run *ctx, uint64_t start)
{
	struct torture_result *res = ctx->res;

	res->elapsed = (double)(sgt_now_ns() - start) / 1e9;
	torture_collect_tsan(res);
	keep_tsan_schedule(ctx);
	if (ctx->controlled)
		torture_write_schedule(ctx->cfg, res);
	snprintf(res->exit_reason, sizeof(res->exit_reason), "found");
}

static void end_completed(struct torture_run *ctx, uint64_t start)
{
	const struct torture_config *cfg = ctx->cfg;
	struct torture_result *res = ctx->res;

	torture_hook_remove();
	res->elapsed = (double)(sgt_now_ns() - start) / 1e9;
	if (!cfg->quiet && cfg->stat_interval > 0)
		torture_stats_line(ctx, res->elapsed, stdout);
	ctx->subject->teardown(ctx->state, res);	/* the final leak check */
	torture_collect_tsan(res);
	keep_tsan_schedule(ctx);
	if (ctx->controlled) {
		torture_write_schedule(cfg, res);
		sched_ctl_fini();
	}
	snprintf(res->exit_reason, sizeof(res->exit_reason), interrupted ? "signal" : "completed");
}

int torture_run(const struct torture_config *cfg, int variant, int model,
		struct torture_result *res)
{
	const struct torture_subject *s = cfg->subject;
	/* Static: 384 threads' rings are megabytes, more than a main thread's stack. */
	static struct torture_thread threads[TORTURE_MAX_ROLES * MAX_PER_ROLE];
	static struct trace_ring *rings[TORTURE_MAX_ROLES * MAX_PER_ROLE];
	struct torture_run ctx = {
		.cfg = cfg, .subject = s, .res = res, .threads = threads, .rings = rings,
		.controlled = cfg->sched != SCHED_OS,
	};
	uint64_t start;

	for (int r = 0; r < s->nr_roles; r++)
		ctx.nthreads += cfg->threads[r];
	/* Only the threads this run has: a page touched is a page faulted in. */
	memset(threads, 0, (size_t)ctx.nthreads * sizeof(threads[0]));
	for (int i = 0; i < ctx.nthreads; i++)
		rings[i] = &threads[i].ring;
	snprintf(res->variant, sizeof(res->variant), "%s", s->variant_name(variant));
	snprintf(res->model, sizeof(res->model), "%s", s->model_name(model));
	res->variant_index = variant;
	res->model_index = model;
	the_ctx = &ctx;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setup(&ctx, variant, model);
	/* Under a controlled scheduler the schedule is the jitter. */
	torture_hook_install(res, ctx.controlled ? 0 : cfg->jitter, cfg->seed,
			     s->common_conflicts, s->conflicts(variant));
	start = ctx.start_ns = res->start_ns = sgt_now_ns();
	torture_oracles_started(start);
	if (ctx.controlled)
		sched_start(&ctx);
	start_threads(&ctx, cfg->inject_hang > 0 ? start + (uint64_t)(cfg->inject_hang * 1e9) : 0,
		      cfg->inject_crash > 0 ? start + (uint64_t)(cfg->inject_crash * 1e9) : 0);
	if (ctx.controlled)
		sched_ctl_start();
	control(&ctx, start);
	atomic_store(&ctx.stop, true);
	if (!atomic_load(&res->found))
		join_threads(&ctx);
	/*
	 * Found is checked again after the join: under a controlled scheduler
	 * the threads' last iterations after the step budget are part of the
	 * schedule, and what they find must not depend on when the controller
	 * looked.
	 */
	if (atomic_load(&res->found))
		end_found(&ctx, start);
	else
		end_completed(&ctx, start);
	return 0;
}
