// SPDX-License-Identifier: GPL-2.0
/*
 * pct: probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010).
 * Distinct random priorities, the highest runnable runs; d-1 change points
 * at random steps each drop the running thread below every initial
 * priority, so a bug of depth d is found with probability at least
 * 1/(n k^(d-1)) per run.
 */
#include <check/sched_policy.h>

static struct sched_ctl_config cfg;
static uint64_t rng;
static int prio[SCHED_CTL_MAX_THREADS];
static uint64_t change_points[16];	/* steps at which the runner's priority drops */
static int nr_change_points;
static int lowest_prio;			/* a sleeper goes below everyone */

/* Distinct priorities d..d+n-1 at random; change points at random steps. */
static void pct_start(const struct sched_ctl_config *c)
{
	int n = c->nr_threads;
	int perm[SCHED_CTL_MAX_THREADS];

	cfg = *c;
	rng = sched_random_seed(c->seed);
	for (int i = 0; i < n; i++)
		perm[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = (int)(sched_random_next(&rng) % (uint64_t)(i + 1)), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	for (int i = 0; i < n; i++)
		prio[i] = cfg.depth + perm[i];
	lowest_prio = 0;
	nr_change_points = cfg.depth > 1 ? cfg.depth - 1 : 0;
	if (nr_change_points > 16)
		nr_change_points = 16;
	for (int k = 0; k < nr_change_points; k++)
		change_points[k] = 1 + sched_random_next(&rng) % (cfg.max_steps ? cfg.max_steps : 1);
}

static int pct_pick(int current, struct sched_view *v)
{
	int best = -1;

	if (!v->runnable)
		return -1;
	for (int k = 0; k < nr_change_points; k++)
		if (v->steps == change_points[k] && v->running >= 0)
			prio[v->running] = k;	/* below every initial priority */
	for (int i = 0; i < v->nr_threads; i++)
		if (sched_view_runnable(v, i) && (best < 0 || prio[i] > prio[best]))
			best = i;
	return best;
}

/*
 * A thread that blocks (a contended lock, a wait, a grace period) drops
 * below every other.  The torture's threads loop until the step budget is
 * spent; with fixed priorities the first would run alone until a change
 * point.  A plain delay keeps its priority (measured: demoting it too hid
 * H10, whose reader must keep running across the window).
 */
static void pct_blocked(int t)
{
	prio[t] = --lowest_prio;
}

const struct sched_policy_ops sched_pct_policy = {
	.start = pct_start,
	.pick = pct_pick,
	.blocked = pct_blocked,
};
