// SPDX-License-Identifier: GPL-2.0
/*
 * Under TSan liburcu's read side must stay out of line: its inlined
 * internals (_LGPL_SOURCE) are reported as races by TSan (measured with
 * 0.13.2; docs/design.md).  Elsewhere inline them, for the fast paths we benchmark.
 */
#if !defined(SGT_TSAN) && !defined(__SANITIZE_THREAD__)
#define _LGPL_SOURCE
#endif
#include <pthread.h>
#include <urcu/urcu-memb.h>
/* liburcu maps the kernel names onto its own with macros; we define them. */
#undef rcu_read_lock
#undef rcu_read_unlock
#undef synchronize_rcu
#undef rcu_register_thread
#undef rcu_unregister_thread

#include <kernel/rcu.h>
#include <check/sched_ctl.h>
#include <check/sched.h>
#include <check/tsan.h>
#include <check/violation.h>

/*
 * The controlled scheduler counts read sections (sched_ctl_read_lock()); it
 * runs only with a schedule hook installed, so without one the fast path
 * pays one load and a predicted branch, as in sgt_sched_point().  Relaxed:
 * the hook is installed before the controlled threads start and removed
 * after they are joined; a thread that sees none is not controlled.
 */
static inline bool sched_hooked(void)
{
	return atomic_load_explicit(&sgt_sched_hook, memory_order_relaxed) != NULL;
}

/* The sync object standing for "a grace period has elapsed" for TSan. */
static char rcu_tsan_sync;

static _Thread_local bool registered;
static _Thread_local int read_nesting;

static pthread_key_t unregister_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void unregister_at_exit(void *unused)
{
	if (registered)
		rcu_unregister_thread();
}

static void make_key(void)
{
	pthread_key_create(&unregister_key, unregister_at_exit);
}

void rcu_register_thread(void)
{
	if (registered)
		return;
	pthread_once(&key_once, make_key);
	urcu_memb_register_thread();
	registered = true;
	/* Any non-NULL value makes the destructor run at thread exit. */
	pthread_setspecific(unregister_key, &registered);
}

void rcu_unregister_thread(void)
{
	if (!registered)
		return;
	SGT_WARN_ON(SGT_V_RCU_MISUSE, read_nesting,
		    "thread exits inside %d RCU read-side critical section(s)", read_nesting);
	urcu_memb_unregister_thread();
	registered = false;
}

void rcu_read_lock(void)
{
	sgt_sched_point(SGT_SP_RCU_LOCK, &rcu_tsan_sync);
	if (unlikely(!registered))
		rcu_register_thread();
	urcu_memb_read_lock();
	read_nesting++;
	if (unlikely(sched_hooked()))
		sched_ctl_read_lock();	/* a controlled grace period waits for it */
}

void rcu_read_unlock(void)
{
	if (SGT_WARN_ON(SGT_V_RCU_MISUSE, read_nesting <= 0,
			"rcu_read_unlock() without rcu_read_lock()"))
		return;
	read_nesting--;
	if (unlikely(sched_hooked()))
		sched_ctl_read_unlock();
	sgt_tsan_release(&rcu_tsan_sync);
	urcu_memb_read_unlock();
	sgt_sched_point(SGT_SP_RCU_UNLOCK, &rcu_tsan_sync);
}

bool rcu_read_lock_held(void)
{
	return read_nesting > 0;
}

void synchronize_rcu(void)
{
	if (SGT_WARN_ON(SGT_V_RCU_MISUSE, read_nesting,
			"synchronize_rcu() inside an RCU read-side critical section"))
		return;
	sgt_sched_point(SGT_SP_GRACE_PERIOD, &rcu_tsan_sync);
	if (sched_ctl_active())
		sched_ctl_synchronize_readers("an RCU grace period");	/* yield to readers */
	else
		urcu_memb_synchronize_rcu();
	sgt_tsan_acquire(&rcu_tsan_sync);
}
