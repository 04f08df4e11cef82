// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>

#include <check/thread.h>
#include <kernel/rcu.h>
#include <kernel/rcu_read.h>

char rcu_tsan_sync;
_Thread_local bool rcu_thread_registered;
_Thread_local int rcu_read_nesting;

static pthread_key_t unregister_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void unregister_at_exit(void *unused)
{
	if (rcu_thread_registered)
		rcu_unregister_thread();
}

static void make_key(void)
{
	pthread_key_create(&unregister_key, unregister_at_exit);
}

void rcu_register_thread(void)
{
	if (rcu_thread_registered)
		return;
	pthread_once(&key_once, make_key);
	urcu_memb_register_thread();
	rcu_thread_registered = true;
	/* Any non-NULL value makes the destructor run at thread exit. */
	pthread_setspecific(unregister_key, &rcu_thread_registered);
}

void rcu_unregister_thread(void)
{
	if (!rcu_thread_registered)
		return;
	SGT_WARN_ON(SGT_V_RCU_MISUSE, rcu_read_nesting,
		    "thread exits inside %d RCU read-side critical section(s)", rcu_read_nesting);
	urcu_memb_unregister_thread();
	rcu_thread_registered = false;
}

#ifndef SGT_INLINE_RCU
void rcu_read_lock(void)
{
	__rcu_read_lock();
}

void rcu_read_unlock(void)
{
	__rcu_read_unlock();
}
#endif

bool rcu_read_lock_held(void)
{
	return rcu_read_nesting > 0;
}

void synchronize_rcu(void)
{
	if (SGT_WARN_ON(SGT_V_RCU_MISUSE, rcu_read_nesting,
			"synchronize_rcu() inside an RCU read-side critical section"))
		return;
	sgt_sched_point(SGT_SP_GRACE_PERIOD, &rcu_tsan_sync);
	if (sched_ctl_active())
		sched_ctl_synchronize_readers("an RCU grace period");	/* yield to readers */
	else {
		sgt_thread_wait_begin("an RCU grace period", NULL);
		urcu_memb_synchronize_rcu();
		sgt_thread_wait_end();
	}
	sgt_tsan_acquire(&rcu_tsan_sync);
}
