// SPDX-License-Identifier: GPL-2.0
/*
 * The controlled scheduler (sched_ctl.h): one turn, passed between the
 * controlled threads under ctl_lock; each thread waits on its own condition
 * variable until the turn is its own.  Who gets it next is the policy's
 * (sched_policy.h, a file each).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/sched_ctl.h>
#include <check/sched_policy.h>
#include <check/thread.h>
#include <check/tsan.h>

const char *const sched_policy_name[] = {
	[SCHED_OS] = "os", [SCHED_RANDOM] = "random", [SCHED_PCT] = "pct",
	[SCHED_REPLAY] = "replay", [SCHED_BOUNDED] = "bounded",
};

struct ctl_thread {
	pthread_cond_t turn;
	const char *name;
	const char *blocked_on;		/* non-NULL: yielded as blocked, not chosen */
	const void *blocked_addr;
	const char *last_point;		/* its position, for a deadlock report */
	/*
	 * Its read-side sections (sched_ctl_read_lock()): written in its own
	 * turn, read in another's, so the turn orders them.
	 */
	int read_nesting;
	unsigned long read_unlocks;
	bool soft;			/* blocked only to let others run (a grace period) */
	/*
	 * Since it came back from blocking on last_wait/last_addr it made no
	 * schedule point: if it blocks on the same again, it only re-checked
	 * that condition and changed nothing another blocked thread waits on.
	 */
	bool rechecking;
	const char *last_wait;
	const void *last_addr;
	bool done;
	/*
	 * Its next step, from where it waits: the point's kind and object,
	 * or global (a thread's start, a wait's retry: see resume_step()),
	 * and the decision that chose it (its footprint goes there).
	 */
	enum sgt_sp_kind pend_kind;
	const void *pend_addr;
	bool pend_global;
	size_t event_at;
};

static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The turn is handed over through ctl_lock and condition variables, which
 * TSan would read as synchronisation between every two steps, hiding every
 * data race between controlled threads.  So the scheduler is invisible to
 * TSan: its hand-offs order nothing (AnnotateIgnoreSync) and its own state,
 * read and written under ctl_lock or during the reader's turn, is not
 * checked (ignore_thread).  A race between two controlled threads is then
 * reported as it would be with free threads.
 */
#define ctl_enter()	do { sgt_tsan_oracle_begin(); pthread_mutex_lock(&ctl_lock); } while (0)
#define ctl_leave()	do { pthread_mutex_unlock(&ctl_lock); sgt_tsan_oracle_end(); } while (0)
static pthread_cond_t ctl_all_registered = PTHREAD_COND_INITIALIZER;
static struct sched_ctl_config cfg;
static struct ctl_thread threads[SCHED_CTL_MAX_THREADS];
static int nr_registered, running = -1;
/* Set before the controlled threads are created and cleared after they are joined. */
static bool active_global;
static _Thread_local int self = -1;
static sgt_sched_hook_t chained;

static uint64_t hash = 1469598103934665603ull;	/* under ctl_lock */
/*
 * Decisions so far: written under ctl_lock, read without it by the
 * controller (watching that it moves) and by a controlled thread at the top
 * of its loop (which holds the turn, so the last writer handed it over under
 * ctl_lock).  Relaxed: a count that orders nothing.
 */
static _Atomic uint64_t steps;
static _Atomic uint64_t preemptions;	/* switches away from a thread that could go on */
static uint32_t *choices;
static size_t nr_choices, cap_choices, failure_choices;
/* DPOR's sleep set (sched_ctl_config.sleepers), from decision sleep_at on. */
static const struct sched_policy_ops *policy;
/*
 * The run's oracle fired (sched_ctl_freeze_trace()): the trace ends there.
 * Relaxed: set and read by the running thread, or by a TSan report handler
 * in it; the parent reads the trace after the child exited.
 */
static atomic_bool trace_frozen;
static uint64_t failure_hash;

static void record(uint32_t choice, enum sgt_sp_kind kind)
{
	if (nr_choices == cap_choices) {
		cap_choices = cap_choices ? 2 * cap_choices : 4096;
		choices = realloc(choices, cap_choices * sizeof(*choices));
	}
	choices[nr_choices++] = choice;
	hash = (hash ^ ((uint64_t)choice << 8 | (uint64_t)kind)) * 1099511628211ull;
}

static bool runnable(int i)
{
	return !threads[i].done && !threads[i].blocked_on;
}

#ifdef SGT_FOOTPRINT
/*
 * What thread t's next step touches first: what its schedule point names (a
 * wait's retry: see block_as()).  A free writes the object's first byte
 * here; the freeing code notes the whole object (sgtable_object_free(), the
 * quarantine), so that an access anywhere in it depends on the free.
 */
static void point_footprint(const struct ctl_thread *t, struct sgt_footprint *fp)
{
	memset(fp, 0, sizeof(*fp));
	if (t->pend_global) {
		fp->global = true;
		return;
	}
	switch (t->pend_kind) {
	case SGT_SP_LOAD:
	case SGT_SP_RCU_LOCK:
	case SGT_SP_RCU_UNLOCK:
		sgt_fp_add(fp, t->pend_addr, SGT_FP_READ);
		break;
	case SGT_SP_LOCK:
		sgt_fp_add(fp, t->pend_addr, SGT_FP_ACQUIRE);
		break;
	case SGT_SP_UNLOCK:
		sgt_fp_add(fp, t->pend_addr, SGT_FP_RELEASE);
		break;
	case SGT_SP_STORE:
	case SGT_SP_XCHG:
	case SGT_SP_REF:
	case SGT_SP_DEVRES:
	case SGT_SP_GRACE_PERIOD:	/* writes what rcu_read_lock() reads */
	case SGT_SP_FREE:
		sgt_fp_add(fp, t->pend_addr, SGT_FP_WRITE);
		break;
	default:			/* a window's edge, a yield: nothing shared */
		break;
	}
}
#endif

/* The calling thread's step begins (it was chosen): its footprint starts as its point's. */
static void resume_step(int me)
{
#ifdef SGT_FOOTPRINT
	if (sgt_fp_on)
		point_footprint(&threads[me], &sgt_fp_current);
#else
	(void)me;
#endif
}

/*
 * Every runnable thread is asleep: DPOR's analysis of this execution ends
 * here.  A thread blocked here still waits to retry; its retry is an event
 * after the path, racing with the steps that blocked it (dpor.c), or the
 * order that lets it through first is never tried.
 */
static void trace_blocked(struct sched_ctl_trace *t)
{
	t->blocked_at = nr_choices;
	t->nr_pending = 0;
#ifdef SGT_FOOTPRINT
	for (int i = 0; i < cfg.nr_threads && sgt_fp_on; i++) {
		if (threads[i].done || !threads[i].blocked_on)
			continue;
		t->pending[t->nr_pending].thread = i;
		point_footprint(&threads[i], &t->pending[t->nr_pending++].fp);
	}
#endif
}

/* Nobody can run: a grace period's sleep ends by itself; -1 if there is none. */
static int pick_soft(void)
{
	for (int i = 0; i < cfg.nr_threads; i++)
		if (!threads[i].done && threads[i].soft) {
			threads[i].blocked_on = NULL;
			return i;
		}
	return -1;
}

/* bounded: what the search needs of this decision (before the choice is made). */
static void trace_decision(int current, int chosen)
{
	struct sched_ctl_trace *t = cfg.trace;
	struct sched_ctl_decision *d;

	if (!t || atomic_load_explicit(&trace_frozen, memory_order_relaxed))
		return;
	if (t->n == t->cap) {
		t->overflow = true;
		return;
	}
	d = &t->d[t->n++];
	d->chosen = (int8_t)chosen;
	d->current = (int8_t)current;
	d->current_runnable = current >= 0 && runnable(current);
	d->runnable = 0;
	for (int i = 0; i < cfg.nr_threads; i++)
		if (runnable(i))
			d->runnable |= 1ull << i;
}

/*
 * A replay's recorded choice cannot be followed: say where, which thread it
 * expected and which could run, as shuttle's replay does; never fall back.
 */
static __attribute__((noreturn)) void diverge(int expected)
{
	char why[512];
	size_t used;

	used = (size_t)snprintf(why, sizeof(why), "replay diverged at choice %zu (step %llu): "
				"the schedule runs thread %d (%s), which cannot run; runnable:",
				nr_choices, (unsigned long long)atomic_load(&steps), expected,
				expected < cfg.nr_threads && threads[expected].name ?
				threads[expected].name : "no such thread");
	for (int i = 0; i < cfg.nr_threads && used < sizeof(why); i++)
		if (runnable(i))
			used += (size_t)snprintf(why + used, sizeof(why) - used, " %d (%s)", i,
						 threads[i].name ?: "?");
	ctl_leave();
	cfg.diverged(why);	/* does not return */
	abort();
}

/*
 * The calling thread's step ends here: its footprint into the decision
 * that chose it, and the sleepers whose step does not commute with it wake.
 */
static void end_step(int me)
{
#ifdef SGT_FOOTPRINT
	struct sched_ctl_trace *t = cfg.trace;
	size_t k;

	if (!t || me < 0 || me != self || !sgt_fp_on ||
	    atomic_load_explicit(&trace_frozen, memory_order_relaxed))
		return;
	k = threads[me].event_at;
	if (k >= t->n)
		return;
	t->d[k].fp = sgt_fp_current;
	if (policy->step_end)
		policy->step_end(me, k, &sgt_fp_current);
#else
	(void)me;
#endif
}

/* What the policy sees of this decision (steps: relaxed, written under ctl_lock, which we hold). */
static void view_of(struct sched_view *v)
{
	*v = (struct sched_view){ .nr_threads = cfg.nr_threads, .running = running,
				  .decision = nr_choices,
				  .steps = atomic_load_explicit(&steps, memory_order_relaxed) };
	for (int i = 0; i < cfg.nr_threads; i++) {
		v->runnable |= (uint64_t)runnable(i) << i;
		v->soft |= (uint64_t)(threads[i].soft && !threads[i].done) << i;
	}
}

/* Who runs next after current (-1: none was); -1 when no thread can. */
static int pick(int current)
{
	struct sched_view v;
	int best;

	end_step(current);
	view_of(&v);
	best = policy->pick(current, &v);
	if (best == SCHED_PICK_DIVERGED)
		diverge((int)cfg.replay[nr_choices]);
	if (v.all_asleep && cfg.trace && cfg.trace->blocked_at == SIZE_MAX &&
	    !atomic_load_explicit(&trace_frozen, memory_order_relaxed))
		trace_blocked(cfg.trace);
	if (best < 0)
		best = pick_soft();
	else
		threads[best].blocked_on = NULL;	/* a grace period's sleeper, chosen by replay */
	if (best >= 0) {
		trace_decision(current, best);
		if (cfg.trace && cfg.trace->n)
			threads[best].event_at = cfg.trace->n - 1;
	}
	return best;
}

static void deadlock(void)
{
	char positions[2048];
	size_t used = 0;

	for (int i = 0; i < cfg.nr_threads && used < sizeof(positions); i++)
		used += (size_t)snprintf(positions + used, sizeof(positions) - used,
					 "  %s: %s%s (last schedule point: %s; read-side nesting %d)\n",
					 threads[i].name ? threads[i].name : "?",
					 threads[i].done ? "exited" : "blocked on ",
					 threads[i].done ? "" : (threads[i].blocked_on ?: "?"),
					 threads[i].last_point ?: "none",
					 threads[i].done ? 0 : threads[i].read_nesting);
	ctl_leave();
	cfg.deadlock(positions);	/* does not return */
	abort();
}

/* With ctl_lock held: hand the turn to the next thread, wait for ours again. */
static void switch_from(int me, enum sgt_sp_kind kind)
{
	int next = pick(me);

	if (next < 0)
		deadlock();
	/* Relaxed, as steps: written with ctl_lock held, read for diagnostics. */
	atomic_fetch_add_explicit(&steps, 1, memory_order_relaxed);
	if (next != me && runnable(me))
		atomic_fetch_add_explicit(&preemptions, 1, memory_order_relaxed);
	record((uint32_t)next, kind);
	running = next;
	if (next != me) {
		pthread_cond_signal(&threads[next].turn);
		while (running != me)
			pthread_cond_wait(&threads[me].turn, &ctl_lock);
	}
	resume_step(me);
}

/* A step that is not a blocked re-check: whoever was blocked may go on now. */
static void unblock_all(void)
{
	for (int i = 0; i < cfg.nr_threads; i++) {
		threads[i].blocked_on = NULL;
		threads[i].soft = false;
	}
}

static void ctl_point(enum sgt_sp_kind kind, const void *addr)
{
	if (chained)
		chained(kind, addr);
	if (self < 0 || sgt_sched_nopreempt || kind == SGT_SP_BLOCK)
		return;
	ctl_enter();
	threads[self].last_point = kind < SGT_SP_NR ? sgt_sp_kind_name[kind] : "yield";
	threads[self].pend_kind = kind;
	threads[self].pend_addr = addr;
	threads[self].pend_global = false;
	threads[self].rechecking = false;
	unblock_all();
	switch_from(self, kind);
	ctl_leave();
}

static const struct sched_policy_ops *policy_of(enum sched_policy p)
{
	switch (p) {
	case SCHED_PCT:
		return &sched_pct_policy;
	case SCHED_REPLAY:
		return &sched_replay_policy;
	case SCHED_BOUNDED:
		return &sched_bounded_policy;
	default:
		return &sched_random_policy;
	}
}

void sched_ctl_init(const struct sched_ctl_config *c, sgt_sched_hook_t chain)
{
	cfg = *c;
	memset(threads, 0, sizeof(threads));
	for (int i = 0; i < SCHED_CTL_MAX_THREADS; i++)
		pthread_cond_init(&threads[i].turn, NULL);
	nr_registered = 0;
	running = -1;
	atomic_store(&steps, 0);
	atomic_store(&preemptions, 0);
	nr_choices = failure_choices = 0;
	hash = 1469598103934665603ull;
	policy = policy_of(cfg.policy);
	if (policy->start)
		policy->start(&cfg);
	atomic_store_explicit(&trace_frozen, false, memory_order_relaxed);
	if (cfg.trace) {
		cfg.trace->blocked_at = SIZE_MAX;
		/*
		 * At a deadlock, none: a contended lock's attempt is a step of
		 * its own here (it writes the lock's state, then blocks), so a
		 * deadlocked thread's attempt is on the path already.
		 */
		cfg.trace->nr_pending = 0;
	}
#ifdef SGT_FOOTPRINT
	sgt_fp_on = cfg.trace != NULL && cfg.policy == SCHED_BOUNDED;
#endif
	chained = chain;
	active_global = true;
	sgt_sched_set_hook(ctl_point);
}

void sched_ctl_fini(void)
{
#ifdef SGT_FOOTPRINT
	sgt_fp_on = false;
#endif
	sgt_sched_set_hook(chained);
	active_global = false;
}

bool sched_ctl_active(void)
{
	return self >= 0;
}

void sched_ctl_register(int index, const char *name)
{
	ctl_enter();
	self = index;
	nr_registered++;
	threads[self].name = name;
	threads[self].read_nesting = 0;
	threads[self].read_unlocks = 0;
	/* A start: nothing yet; what it touches before its first point, its atomics note. */
	threads[self].pend_kind = SGT_SP_NR;
	threads[self].pend_global = false;
	if (nr_registered == cfg.nr_threads)
		pthread_cond_broadcast(&ctl_all_registered);
	while (running != self)
		pthread_cond_wait(&threads[self].turn, &ctl_lock);
	resume_step(self);
	ctl_leave();
}

void sched_ctl_start(void)
{
	ctl_enter();
	while (nr_registered < cfg.nr_threads)
		pthread_cond_wait(&ctl_all_registered, &ctl_lock);
	running = pick(-1);
	if (running >= 0) {
		record((uint32_t)running, SGT_SP_NR);
		pthread_cond_signal(&threads[running].turn);
	}
	ctl_leave();
}

void sched_ctl_exit(void)
{
	int next;

	if (self < 0)
		return;
	ctl_enter();
	threads[self].done = true;
	unblock_all();
	next = pick(self);
	if (next < 0) {
		bool all_done = true;

		for (int i = 0; i < cfg.nr_threads; i++)
			all_done &= threads[i].done;
		if (!all_done)
			deadlock();
	} else {
		atomic_fetch_add_explicit(&steps, 1, memory_order_relaxed);
		record((uint32_t)next, SGT_SP_NR);
		running = next;
		pthread_cond_signal(&threads[next].turn);
	}
	self = -1;
	ctl_leave();
}

/* The calling thread blocks: its policy may mind (pct drops its priority). */
static void policy_blocked(void)
{
	if (policy->blocked)
		policy->blocked(self);
}

void sched_ctl_yield(void)
{
	if (self < 0)
		return;
	ctl_point(SGT_SP_NR, NULL);
}

/*
 * Blocked on what: the retry's step re-reads the condition, so it starts as
 * a kind access of addr (a load of what a wait waits on; a grace period's
 * write of what read-side sections read); what the retry touches after
 * that, its atomics note.  Without an address: global.
 */
static void block_as(const char *what, const void *addr, enum sgt_sp_kind kind)
{
	ctl_enter();
	/*
	 * A thread that did anything since it last came back from a block
	 * may have made another's condition true without a schedule point (a
	 * plain decrement, then wake_up_var(), then its own wait): the others
	 * re-check before anyone is called deadlocked.  One that only
	 * re-checked its own condition changed nothing, so two threads
	 * waiting on each other still end in a deadlock report, not a loop.
	 */
	if (!threads[self].rechecking || threads[self].last_wait != what ||
	    threads[self].last_addr != addr)
		unblock_all();
	threads[self].blocked_on = what;
	threads[self].blocked_addr = addr;
	threads[self].last_point = "block";
	threads[self].pend_kind = kind;
	threads[self].pend_addr = addr;
	threads[self].pend_global = !addr;
	policy_blocked();
	switch_from(self, SGT_SP_BLOCK);
	threads[self].blocked_on = NULL;
	threads[self].rechecking = true;
	threads[self].last_wait = what;
	threads[self].last_addr = addr;
	ctl_leave();
}

void sched_ctl_block(const char *what, const void *addr)
{
	block_as(what, addr, SGT_SP_LOAD);
}

/* The scheduler's state, hidden from TSan as under ctl_lock (see ctl_enter()). */
void sched_ctl_read_lock(void)
{
	if (self < 0)
		return;
	sgt_tsan_oracle_begin();
	threads[self].read_nesting++;
	sgt_tsan_oracle_end();
}

void sched_ctl_read_unlock(void)
{
	if (self < 0)
		return;
	sgt_tsan_oracle_begin();
	if (threads[self].read_nesting > 0) {
		threads[self].read_nesting--;
		threads[self].read_unlocks++;
	}
	sgt_tsan_oracle_end();
}

/* Has every thread left the read section it was in at the snapshot? */
static bool readers_gone(const int *nesting, const unsigned long *unlocks)
{
	bool clear = true;

	sgt_tsan_oracle_begin();
	for (int i = 0; i < cfg.nr_threads; i++)
		if (i != self && !threads[i].done && nesting[i] &&
		    threads[i].read_unlocks == unlocks[i])
			clear = false;	/* still in the section it was in */
	sgt_tsan_oracle_end();
	return clear;
}

void sched_ctl_synchronize_readers(const char *what)
{
	int nesting[SCHED_CTL_MAX_THREADS];
	unsigned long unlocks[SCHED_CTL_MAX_THREADS];
	const void *gp = threads[self].pend_addr;	/* the grace period's point named it */

	/* Only we run: the other threads' counters are still while we read them. */
	sgt_tsan_oracle_begin();
	for (int i = 0; i < cfg.nr_threads; i++) {
		nesting[i] = threads[i].read_nesting;
		unlocks[i] = threads[i].read_unlocks;
	}
	sgt_tsan_oracle_end();
	/*
	 * A grace period takes time: the waiter sleeps at least until another
	 * thread has made a step, or a schedule could never put anything
	 * inside it (H7's window is the grace period of an unbind's release).
	 */
	ctl_enter();
	for (int i = 0; i < cfg.nr_threads; i++)
		if (i != self && runnable(i)) {
			threads[self].blocked_on = what;
			threads[self].last_point = "synchronize_rcu";
			threads[self].pend_kind = SGT_SP_GRACE_PERIOD;
			threads[self].pend_addr = gp;
			threads[self].pend_global = !gp;
			threads[self].soft = true;
			policy_blocked();
			switch_from(self, SGT_SP_GRACE_PERIOD);
			threads[self].blocked_on = NULL;
			threads[self].soft = false;
			break;
		}
	ctl_leave();
	while (!readers_gone(nesting, unlocks))
		block_as(what, gp, SGT_SP_GRACE_PERIOD);
}

bool sched_ctl_expired(void)
{
	return active_global && cfg.max_steps &&
	       atomic_load_explicit(&steps, memory_order_relaxed) >= cfg.max_steps;
}

uint64_t sched_ctl_steps(void)
{
	return atomic_load_explicit(&steps, memory_order_relaxed);
}

uint64_t sched_ctl_preemptions(void)
{
	return atomic_load_explicit(&preemptions, memory_order_relaxed);
}

const uint32_t *sched_ctl_choices(size_t *n)
{
	*n = nr_choices;
	return choices;
}

uint64_t sched_ctl_trace_hash(void)
{
	return hash;
}

void sched_ctl_freeze_trace(void)
{
	/*
	 * The step in progress ends here, as at a schedule point.  No lock: a
	 * TSan report handler may call this; the others wait for their turn.
	 */
	if (self >= 0 && self == running)
		end_step(self);
	atomic_store_explicit(&trace_frozen, true, memory_order_relaxed);
}

void sched_ctl_mark_failure(void)
{
	if (!failure_choices) {
		failure_choices = nr_choices;
		failure_hash = hash;
	}
}

size_t sched_ctl_failure_choices(void)
{
	return failure_choices;
}

uint64_t sched_ctl_failure_hash(void)
{
	return failure_hash;
}
