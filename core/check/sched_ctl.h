/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Controlled scheduling: the same threads and the same ported code, but one
 * thread runs at a time, and at every schedule point of the core (see
 * sched.h) the scheduler picks who runs next, after loom and shuttle.
 *
 *   random    a uniformly random runnable thread at each point
 *   pct       PCT (Burckhardt et al., ASPLOS 2010): random distinct thread
 *             priorities, depth-1 priority change points among the
 *             expected steps; the highest-priority runnable thread runs
 *   replay    the recorded choices, then the lowest-numbered runnable thread;
 *             a recorded choice that cannot run stops the run (diverged)
 *   bounded   the given choices (SCHED_CTL_ANY: none at that decision; one that
 *             cannot run is passed over), then no preemption: the running thread goes
 *             on while it can, else the lowest-numbered runnable one (the
 *             base schedule of iterative context bounding, sgtorture check)
 *
 * Each is deterministic for a seed: the choices, and so the interleaving,
 * the trace hash and the verdict, are the same every time.
 *
 * Blocking becomes yielding: sgt_cond_wait() and synchronize_rcu() yield
 * as "blocked" and re-check when scheduled again; a thread blocked is not
 * chosen again until another thread has made a step.  When every thread is
 * blocked, no schedule can go on: the deadlock handler gets each thread's
 * position.  A schedule point inside an internal pthread lock section
 * (sgt_sched_nopreempt > 0) never switches, so no thread waits on a lock
 * held by a thread that is not running.
 *
 * The hand-offs are hidden from TSan (the scheduler's lock, under
 * AnnotateIgnoreSync): a switch orders nothing for it, so in the tsan build a
 * data race between controlled threads is reported as with free threads.
 */
#ifndef SGT_SCHED_CTL_H
#define SGT_SCHED_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <check/footprint.h>
#include <check/sched.h>

enum sched_policy { SCHED_OS, SCHED_RANDOM, SCHED_PCT, SCHED_REPLAY, SCHED_BOUNDED };

/*
 * One decision, as a bounded search needs it: who ran before (current, -1
 * at the start), whether it could have gone on (a switch away from it is a
 * preemption), who was runnable, who was chosen.
 */
struct sched_ctl_decision {
	int8_t chosen, current;
	bool current_runnable;
	uint64_t runnable;		/* bit i: thread i could run */
	/* What the chosen thread's step touched, up to its next point (check/footprint.h). */
	struct sgt_footprint fp;
};

/* DPOR: a thread asleep (its step, explored already, commutes so far), and that step. */
struct sched_ctl_sleeper {
	int thread;
	struct sgt_footprint fp;
};

#define SCHED_CTL_MAX_THREADS 64

/* Where the decisions go (memory the caller may share with a parent process). */
struct sched_ctl_trace {
	size_t n, cap;			/* decisions recorded; room for cap */
	bool overflow;			/* more decisions than room */
	/*
	 * With sleepers: the first decision where every runnable thread was
	 * asleep (the schedule from there repeats an explored one); SIZE_MAX
	 * when none was.
	 */
	size_t blocked_at;
	/*
	 * Where the path DPOR analyses ends (blocked_at, else the end of a
	 * deadlocked execution): each thread blocked there and the step it
	 * waits to take (a lock's acquisition, a wait's retry).  DPOR races
	 * them with what ran (dpor.c): an attempt that has not completed is
	 * still an event whose order matters.
	 */
	int nr_pending;
	struct sched_ctl_sleeper pending[SCHED_CTL_MAX_THREADS];
	struct sched_ctl_decision d[];
};
extern const char *const sched_policy_name[];

/* bounded: a choice that directs nothing (the default at that decision), for shrinking. */
#define SCHED_CTL_ANY UINT32_MAX


struct sched_ctl_config {
	enum sched_policy policy;
	uint64_t seed;
	int depth;			/* pct: bug depth d (d-1 change points) */
	uint64_t max_steps;		/* schedule points before the run ends */
	const uint32_t *replay;		/* replay: the choices */
	size_t nr_replay;
	int nr_threads;			/* controlled threads that will register */
	struct sched_ctl_trace *trace;	/* NULL: no decisions recorded */
	/*
	 * bounded: the threads asleep at the last given choice (DPOR's sleep
	 * set, check/dpor.h).  After it, a thread asleep is not chosen while
	 * another can run, and wakes when a step dependent with its own runs.
	 */
	const struct sched_ctl_sleeper *sleepers;
	int nr_sleepers;
	/* Every thread blocked: called once, by the last thread to block. */
	void (*deadlock)(const char *positions);
	/* replay: a recorded choice that cannot run; NULL falls back to the lowest runnable. */
	void (*diverged)(const char *why);
};

/* Set up before the controlled threads start; installs the schedule hook. */
void sched_ctl_init(const struct sched_ctl_config *cfg, sgt_sched_hook_t chain);
void sched_ctl_fini(void);
bool sched_ctl_active(void);		/* the calling thread is controlled */

/*
 * A controlled thread: first thing it does; returns when it is its turn.
 * index: its fixed number, 0..nr_threads-1 (not the order threads happen
 * to start in, which would make the choices differ from run to run).
 */
void sched_ctl_register(int index, const char *name);
/* ... and last: hands the turn on for good. */
void sched_ctl_exit(void);
/* The controller: wait for all threads to register, then start the first. */
void sched_ctl_start(void);

/* A yield point outside the core (a delay in the torture's roles). */
void sched_ctl_yield(void);
/* Blocked on what: yield, and be chosen again only after another thread's step. */
void sched_ctl_block(const char *what, const void *addr);
/*
 * Read-side sections, for a grace-period wait (RCU's): a controlled thread
 * counts its own, and sched_ctl_synchronize_readers() yields until every
 * thread that was inside one at the call has left it.  The scheduler knows
 * no RCU: the kernel layer's rcu.c calls these, so the include direction
 * stays check <- kernel.  No-ops in a thread that is not controlled.
 */
void sched_ctl_read_lock(void);
void sched_ctl_read_unlock(void);
void sched_ctl_synchronize_readers(const char *what);

/* The run used up max_steps: controlled threads should end their loops. */
bool sched_ctl_expired(void);
uint64_t sched_ctl_steps(void);
/* Switches so far away from a thread that could have gone on. */
uint64_t sched_ctl_preemptions(void);
/* The choices so far (one per decision), and a hash of the trace. */
const uint32_t *sched_ctl_choices(size_t *n);
uint64_t sched_ctl_trace_hash(void);
/* Freeze the recorded schedule here (the failure it led to was just seen). */
void sched_ctl_mark_failure(void);
/*
 * The run's own oracle fired: the trace a search reads ends with the step
 * in progress (what it touched so far).  What the threads do until the
 * child exits depends on when its controller looks, so it is not recorded:
 * a search must see the same execution every time it runs one schedule.
 */
void sched_ctl_freeze_trace(void);
size_t sched_ctl_failure_choices(void);	/* choices up to the mark, 0 if none */
uint64_t sched_ctl_failure_hash(void);

#endif /* SGT_SCHED_CTL_H */
