/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one hook for schedule control.
 *
 * Every primitive calls sgt_sched_point() at each synchronisation point: lock,
 * unlock, an atomic access to shared state, RCU read lock and unlock, a grace
 * period, a refcount change, a Devres access, and before it blocks.  With no
 * hook installed that is one load and one well-predicted branch.  The torture
 * program installs jitter here (delays and yields that widen race windows);
 * a deterministic scheduler can install itself here too.
 *
 * Race windows of the port are named with struct sgt_window: the code marks
 * where a window opens and closes, and the hook sees both, so a torture run
 * can count how often a window was entered while another thread was inside a
 * conflicting one.
 */
#ifndef SGT_SCHED_H
#define SGT_SCHED_H

#include <pthread.h>
#include <stdatomic.h>
#include <check/compiler.h>
#include <check/footprint.h>

enum sgt_sp_kind {
	SGT_SP_LOCK,		/* before acquiring a lock */
	SGT_SP_UNLOCK,		/* before releasing a lock */
	SGT_SP_LOAD,		/* atomic load of shared state */
	SGT_SP_STORE,		/* atomic store */
	SGT_SP_XCHG,		/* atomic exchange / compare-exchange */
	SGT_SP_RCU_LOCK,
	SGT_SP_RCU_UNLOCK,
	SGT_SP_GRACE_PERIOD,	/* before synchronize_rcu() waits */
	SGT_SP_REF,		/* refcount get or put */
	SGT_SP_DEVRES,		/* Devres access, revoke, drop */
	SGT_SP_BLOCK,		/* about to sleep on a contended lock or a wait */
	SGT_SP_WINDOW_ENTER,	/* addr is a struct sgt_window */
	SGT_SP_WINDOW_EXIT,
	SGT_SP_FREE,		/* an object's memory is freed: addr is the object */
	SGT_SP_NR
};

extern const char *const sgt_sp_kind_name[SGT_SP_NR];

typedef void (*sgt_sched_hook_t)(enum sgt_sp_kind kind, const void *addr);

/* Installed before the threads it affects start, or while they run. */
extern _Atomic(sgt_sched_hook_t) sgt_sched_hook;

#if defined(SGT_SCHED_THUNK) && defined(__x86_64__)
/*
 * The default and release presets: call the hook through sgt_sched_thunk
 * (sched_thunk.S), which saves every register a call may clobber, so this
 * site clobbers only the three it passes and the fast path around it needs
 * no stack frame.  Built with -mno-red-zone, as the kernel is: the call's
 * return address may not land where a leaf function keeps its locals.
 */
static inline void sgt_sched_call(sgt_sched_hook_t hook, enum sgt_sp_kind kind,
				  const void *addr)
{
	register long rdi __asm__("rdi") = kind;
	register const void *rsi __asm__("rsi") = addr;
	register sgt_sched_hook_t rdx __asm__("rdx") = hook;

	__asm__ volatile("call sgt_sched_thunk"
			 : "+r"(rdi), "+r"(rsi), "+r"(rdx) : : "memory", "cc");
}
#else
static inline void sgt_sched_call(sgt_sched_hook_t hook, enum sgt_sp_kind kind,
				  const void *addr)
{
	hook(kind, addr);
}
#endif

static inline void sgt_sched_point(enum sgt_sp_kind kind, const void *addr)
{
	/*
	 * Relaxed: the hook is a pure function pointer with no data published
	 * through it; a thread that sees the old value merely misses one point.
	 */
	sgt_sched_hook_t hook = atomic_load_explicit(&sgt_sched_hook, memory_order_relaxed);

	if (unlikely(hook != NULL))
		sgt_sched_call(hook, kind, addr);
}

/*
 * Internal pthread lock sections of the core (a mutex's wait_lock, a wait
 * queue's lock): a controlled scheduler must not switch threads inside one,
 * or the next thread would block for real on a lock whose holder cannot run.
 */
extern _Thread_local int sgt_sched_nopreempt;
#define sgt_raw_lock(m)		do { sgt_sched_nopreempt++; pthread_mutex_lock(m); } while (0)
/*
 * A section over the modelled code's shared data (a mutex's wait list, a
 * pool slot): noted as a write of the lock in the step's footprint
 * (check/footprint.h).  The harness's own sections (wait-queue buckets,
 * the quarantine) are not: they are bookkeeping, and noting them would make
 * every two steps that wait or free dependent.
 */
#define sgt_raw_lock_data(m)	do { sgt_raw_lock(m); sgt_fp_note((m), SGT_FP_WRITE); } while (0)
#define sgt_raw_unlock(m)	do { pthread_mutex_unlock(m); sgt_sched_nopreempt--; } while (0)

/* Install a hook (NULL removes it); returns the previous one. */
sgt_sched_hook_t sgt_sched_set_hook(sgt_sched_hook_t hook);

/* A named race window of the port; defined statically where the race is. */
struct sgt_window {
	const char *name;
	const char *desc;
};
#define SGT_WINDOW_DEFINE(_var, _name, _desc) \
	struct sgt_window _var = { .name = (_name), .desc = (_desc) }

/*
 * Two windows whose overlap is a hazard's shape (a == b: two threads in the
 * same window).  A torture run counts an entry into a while another thread
 * is inside b as "contended": the coverage the race needs.
 */
struct sgt_window_conflict {
	const struct sgt_window *a, *b;
};

static inline void sgt_window_enter(const struct sgt_window *w)
{
	sgt_sched_point(SGT_SP_WINDOW_ENTER, w);
}

static inline void sgt_window_exit(const struct sgt_window *w)
{
	sgt_sched_point(SGT_SP_WINDOW_EXIT, w);
}

#endif /* SGT_SCHED_H */
