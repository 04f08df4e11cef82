// SPDX-License-Identifier: GPL-2.0
/* random: a runnable thread chosen uniformly at every decision, from --seed. */
#include <check/sched_policy.h>

static uint64_t rng;

static void random_start(const struct sched_ctl_config *c)
{
	rng = sched_random_seed(c->seed);
}

static int random_pick(int current, struct sched_view *v)
{
	int count = __builtin_popcountll(v->runnable), k;

	if (!count)
		return -1;
	k = (int)(sched_random_next(&rng) % (uint64_t)count);
	for (int i = 0; i < v->nr_threads; i++)
		if (sched_view_runnable(v, i) && k-- == 0)
			return i;
	return -1;
}

const struct sched_policy_ops sched_random_policy = {
	.start = random_start,
	.pick = random_pick,
};
