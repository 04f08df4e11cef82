/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The controlled scheduler's policies, one per file behind one table.
 * sched_ctl.c keeps the turn hand-off, blocking, read-side counting, the
 * decisions and the trace; a policy says only who runs next.
 *
 * After shuttle's Scheduler trait (new_execution, next_task) and loom's
 * rt/path.rs: an execution starts, each decision asks pick(), and the
 * policy learns of each block and of each step's end.  Whether another
 * execution remains is said above the scheduler, by the exploration that
 * runs them: check.c's queue for plain enumeration, dpor.c's dpor_next()
 * for DPOR (whose state is plain data: its path of nodes).  random and pct
 * run as many executions as asked, replay one.
 *
 * Every call is made with sched_ctl.c's ctl_lock held, so a policy's own
 * state needs no lock of its own.  The calls go one way: sched_ctl.c calls
 * the policies, which see a decision as plain data (struct sched_view).
 */
#ifndef SGT_CHECK_SCHED_POLICY_H
#define SGT_CHECK_SCHED_POLICY_H

#include <check/footprint.h>
#include <check/sched_ctl.h>

/*
 * What a policy sees of a decision: plain data sched_ctl.c fills in, so no
 * policy calls back into it.
 */
struct sched_view {
	int nr_threads;
	uint64_t runnable;		/* bit t: thread t can run */
	uint64_t soft;			/* bit t: t sleeps only to let others run (a grace period) */
	int running;			/* who ran last; -1: nobody yet */
	size_t decision;		/* this decision's index in the execution */
	uint64_t steps;			/* schedule points so far */
	bool all_asleep;		/* out (bounded): only DPOR's sleepers could run here */
};

/* pick(): the recorded choice cannot be followed (replay). */
#define SCHED_PICK_DIVERGED	(-2)

struct sched_policy_ops {
	/* An execution begins (sched_ctl_init()), configured by cfg. */
	void (*start)(const struct sched_ctl_config *cfg);
	/*
	 * Who runs after current (-1: nobody ran yet); -1 when the policy
	 * sees nobody runnable (sched_ctl.c then wakes a grace period's
	 * sleeper, or reports the deadlock).
	 */
	int (*pick)(int current, struct sched_view *v);
	/* Thread t blocks (a contended lock, a wait, a grace period); may be NULL. */
	void (*blocked)(int t);
	/*
	 * Thread t's step, chosen at decision k, ended having touched fp
	 * (only while footprints are recorded); may be NULL.
	 */
	void (*step_end)(int t, size_t k, const struct sgt_footprint *fp);
};

extern const struct sched_policy_ops sched_random_policy;	/* sched_random.c */
extern const struct sched_policy_ops sched_pct_policy;		/* sched_pct.c */
extern const struct sched_policy_ops sched_replay_policy;	/* sched_replay.c */
extern const struct sched_policy_ops sched_bounded_policy;	/* sched_bounded.c */

static inline bool sched_view_runnable(const struct sched_view *v, int t)
{
	return v->runnable >> t & 1;
}

/* xorshift64*: the random policies' numbers, from a state seeded by sched_random_seed(). */
static inline uint64_t sched_random_next(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * 0x2545f4914f6cdd1dull;
}

static inline uint64_t sched_random_seed(uint64_t seed)
{
	return (seed ^ 0x9e3779b97f4a7c15ull) | 1;
}

#endif /* SGT_CHECK_SCHED_POLICY_H */
