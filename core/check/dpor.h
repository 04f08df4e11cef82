/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Source-DPOR with sleep sets (Abdulla, Aronis, Jonsson and Sagonas, POPL
 * 2014, Algorithm 1; as Nidhugg implements it), for stateless search by
 * re-execution: sgtorture check runs one execution per schedule this
 * chooses, each a forked child under the bounded scheduler, and feeds each
 * execution's decisions back (sched_ctl_trace, with every step's footprint).
 *
 * The exploration is plain data: the path of nodes of the current
 * execution, each with who could run, who ran, what that step touched, and
 * the backtrack, done and sleep sets.  Between executions nothing else is
 * kept, so the state could be written out and resumed.
 *
 * One schedule is explored per class of equivalent interleavings, as far as
 * the footprints say which steps commute (docs/design.md, "The dependence
 * relation").  A preemption bound, when given, prunes the backtrack points
 * that would exceed it: then the search is a bounded sample, not a proof --
 * unless nothing was pruned (struct dpor's pruned), when the bound did not
 * bite and the search was the unbounded one.
 */
#ifndef SGT_CHECK_DPOR_H
#define SGT_CHECK_DPOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check/footprint.h>
#include <check/sched_ctl.h>

#define DPOR_MAX_THREADS	16

struct dpor_node {
	uint64_t enabled;		/* who could run here */
	int8_t current, chosen;
	bool current_runnable;
	int preemptions;		/* before this node's step */
	uint64_t backtrack, done, sleep;
	uint64_t elsewhere;		/* dealt to another part (dpor_deal()) */
	struct sgt_footprint fp[DPOR_MAX_THREADS];	/* each done or sleeping thread's step */
};

struct dpor {
	int nr_threads, bound;		/* bound < 0: none */
	struct dpor_node *nodes;
	size_t depth, cap;		/* nodes of the current path */
	size_t forced;			/* the next execution's prefix length */
	bool started, cut;		/* cut: an execution was not whole */
	bool pruned;			/* the bound kept a race from being reversed */
	unsigned long sleep_blocked;	/* executions ended where every runnable thread slept */
	uint32_t *prefix;		/* the next execution's choices */
	struct sched_ctl_sleeper sleepers[DPOR_MAX_THREADS];
	int nr_sleepers;
	/*
	 * sgt_fp_dependent(), set by dpor_init(): a test seeds a bug here
	 * (two writes commuting) to show the soundness tests catch one.
	 */
	bool (*dependent)(const struct sgt_footprint *x, const struct sgt_footprint *y);
};

void dpor_init(struct dpor *d, int nr_threads, int bound);
void dpor_free(struct dpor *d);
/*
 * The next execution: its forced choices, and the threads asleep at its
 * last forced decision with the steps they would take; false when every
 * class has been explored.
 */
bool dpor_next(struct dpor *d, const uint32_t **prefix, size_t *len,
	       const struct sched_ctl_sleeper **sleepers, int *nr_sleepers);
/* What the execution dpor_next() asked for did: its decisions and their steps. */
void dpor_record(struct dpor *d, const struct sched_ctl_trace *t);
/* Schedules the search still has to start from the current path (a part's share to deal). */
size_t dpor_pending(const struct dpor *d);
/*
 * --shard I/N: every part runs the same search up to here; the pending
 * schedules, numbered in the order every part sees them, are dealt round
 * the parts, and each part leaves the others' to them.  What a part finds
 * later it explores itself, so parts may repeat some of each other's work,
 * never skip any (docs/design.md, "Sharding DPOR").
 */
void dpor_deal(struct dpor *d, int shard, int nr_shards);

#endif /* SGT_CHECK_DPOR_H */
