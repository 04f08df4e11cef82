/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The read side of kernel/rcu.h, written once: rcu.c wraps it out of line,
 * and with SGT_INLINE_RCU (the release preset, for benchmarks) rcu.h makes
 * it inline, so a fast path pays what liburcu's own inline read section
 * pays plus our bookkeeping: a registration check, the nesting count, two
 * schedule points and a hook check, each a thread-local or relaxed load and
 * a predicted branch.  Behaviour is the same either way.  Include
 * kernel/rcu.h, not this.
 *
 * Under TSan liburcu's read side stays out of line: its inlined internals
 * (_LGPL_SOURCE) are reported as races by TSan (measured with 0.13.2;
 * docs/design.md).
 */
#ifndef SGT_RCU_READ_H
#define SGT_RCU_READ_H

#if !defined(SGT_TSAN) && !defined(__SANITIZE_THREAD__) && !defined(_LGPL_SOURCE)
#define _LGPL_SOURCE
#endif
#include <check/atomic.h>
#include <stdatomic.h>
#include <stdbool.h>
/* Without URCU_API_MAP liburcu clears its kernel-name macros: ours are free. */
#include <urcu/urcu-memb.h>

#include <check/compiler.h>
#include <check/sched.h>
#include <check/sched_ctl.h>
#include <check/tsan.h>
#include <check/violation.h>

/* Owner-only, hence plain thread-locals. */
extern _Thread_local bool rcu_thread_registered;
extern _Thread_local int rcu_read_nesting;

void rcu_register_thread(void);

/* The sync object standing for "a grace period has elapsed" for TSan. */
extern char rcu_tsan_sync;

/*
 * The controlled scheduler counts read sections (sched_ctl_read_lock()); it
 * runs only with a schedule hook installed, so without one the fast path
 * pays one load and a predicted branch, as in sgt_sched_point().  Relaxed:
 * the hook is installed before the controlled threads start and removed
 * after they are joined; a thread that sees none is not controlled.
 */
static inline bool rcu_sched_hooked(void)
{
	return sgt_atomic_load_explicit(&sgt_sched_hook, memory_order_relaxed) != NULL;
}

static inline void __rcu_read_lock(void)
{
	sgt_sched_point(SGT_SP_RCU_LOCK, &rcu_tsan_sync);
	if (unlikely(!rcu_thread_registered))
		rcu_register_thread();
	urcu_memb_read_lock();
	rcu_read_nesting++;
	if (unlikely(rcu_sched_hooked()))
		sched_ctl_read_lock();	/* a controlled grace period waits for it */
}

static inline void __rcu_read_unlock(void)
{
	if (SGT_WARN_ON(SGT_V_RCU_MISUSE, rcu_read_nesting <= 0,
			"rcu_read_unlock() without rcu_read_lock()"))
		return;
	rcu_read_nesting--;
	if (unlikely(rcu_sched_hooked()))
		sched_ctl_read_unlock();
	sgt_tsan_release(&rcu_tsan_sync);
	urcu_memb_read_unlock();
	sgt_sched_point(SGT_SP_RCU_UNLOCK, &rcu_tsan_sync);
}

#endif /* SGT_RCU_READ_H */
