// SPDX-License-Identifier: GPL-2.0
/*
 * bounded: the policy under sgtorture check.  The given choices (a prefix
 * the exploration chose), then the current thread while it can run, else
 * the lowest: so an execution adds no preemption past its prefix.
 *
 * With DPOR's sleepers (check/dpor.h) the threads asleep at the prefix's
 * last choice are not chosen while another can run, and each wakes when a
 * step dependent with its own runs.  Where only sleepers could run, the
 * rest of the execution repeats an explored class: it runs on, and the
 * trace says where (sched_ctl_trace.blocked_at).
 */
#include <check/sched_policy.h>

static struct sched_ctl_config cfg;
static uint64_t sleep_mask;
static struct sgt_footprint sleep_fp[SCHED_CTL_MAX_THREADS];
static size_t sleep_at;			/* the decision after which sleepers sleep */

static void bounded_start(const struct sched_ctl_config *c)
{
	cfg = *c;
	sleep_mask = 0;
	sleep_at = SIZE_MAX;
	for (int i = 0; i < c->nr_sleepers; i++) {
		sleep_mask |= 1ull << c->sleepers[i].thread;
		sleep_fp[c->sleepers[i].thread] = c->sleepers[i].fp;
	}
	if (c->nr_sleepers && c->nr_replay)
		sleep_at = c->nr_replay - 1;
}

static int bounded_pick(int current, struct sched_view *v)
{
	uint64_t asleep = v->decision > sleep_at ? sleep_mask : 0, awake;

	if (v->decision < cfg.nr_replay) {
		uint32_t c = cfg.replay[v->decision];

		/* SCHED_CTL_ANY: no directive here, the default below. */
		if (c != SCHED_CTL_ANY && c < (uint32_t)v->nr_threads && sched_view_runnable(v, (int)c))
			return (int)c;
	}
	awake = v->runnable & ~asleep;
	if (!awake && asleep) {
		/* Every class from here was explored: run on, and say where. */
		v->all_asleep = v->runnable != 0;
		awake = v->runnable;
	}
	if (current >= 0 && (awake & (1ull << current)))
		return current;
	return awake ? __builtin_ctzll(awake) : -1;
}

/* The sleepers whose step does not commute with the one that just ended wake. */
static void bounded_step_end(int t, size_t k, const struct sgt_footprint *fp)
{
	if (k < sleep_at)
		return;
	for (int q = 0; q < cfg.nr_threads; q++)
		if ((sleep_mask & (1ull << q)) && sgt_fp_dependent(&sleep_fp[q], fp))
			sleep_mask &= ~(1ull << q);
}

const struct sched_policy_ops sched_bounded_policy = {
	.start = bounded_start,
	.pick = bounded_pick,
	.step_end = bounded_step_end,
};
