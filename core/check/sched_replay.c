// SPDX-License-Identifier: GPL-2.0
/*
 * replay: the recorded choices, each of which must be runnable (or the only
 * way on: a grace period's sleeper when nobody else can run); past the
 * recording, the lowest runnable thread.
 */
#include <check/sched_policy.h>

static struct sched_ctl_config cfg;

static void replay_start(const struct sched_ctl_config *c)
{
	cfg = *c;
}

static int replay_pick(int current, struct sched_view *v)
{
	if (v->decision < cfg.nr_replay) {
		int c = (int)cfg.replay[v->decision];

		if (c >= 0 && c < v->nr_threads &&
		    (v->runnable ? sched_view_runnable(v, c) : (v->soft >> c & 1)))
			return c;
		/* Never fall back quietly: the run says where it diverged, as shuttle's replay does. */
		if (cfg.diverged)
			return SCHED_PICK_DIVERGED;
	}
	return v->runnable ? __builtin_ctzll(v->runnable) : -1;
}

const struct sched_policy_ops sched_replay_policy = {
	.start = replay_start,
	.pick = replay_pick,
};
