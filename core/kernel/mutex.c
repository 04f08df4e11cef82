// SPDX-License-Identifier: GPL-2.0
#include <check/atomic.h>
#include <check/lockdep.h>
#include <check/sched.h>
#include <check/tsan.h>
#include <check/violation.h>
#include <check/wait.h>

#include "mutex_internal.h"

void __mutex_init(struct mutex *lock, const char *name)
{
	atomic_init(&lock->state, MUTEX_UNLOCKED);
	atomic_init(&lock->owner, NULL);
	lock->name = name;
	pthread_mutex_init(&lock->wait_lock, NULL);
	sgt_cond_init(&lock->wait);
	sgt_atomic_store_explicit(&lock->magic, lock, memory_order_relaxed);
	sgt_tsan_mutex_create(lock, __tsan_mutex_not_static);
}

bool mutex_check_magic(struct mutex *lock, struct sgt_site site)
{
	/* Relaxed: a debug check; init and destroy are ordered by the object's lifetime rules. */
	if (likely(sgt_atomic_load_explicit(&lock->magic, memory_order_relaxed) == lock))
		return true;
	__sgt_violation(SGT_V_LOCK_DESTROYED, site, NULL, "use of destroyed or uninitialised lock %s (%p)",
			lock->name ? lock->name : "?", (void *)lock);
	return false;
}

void mutex_lock_slowpath(struct mutex *lock)
{
	struct sgt_wait w;

	sgt_wait_init(&w);
	sgt_raw_lock_data(&lock->wait_lock);
	while (!mutex_trylock_waiter(lock))
		sgt_cond_wait(&lock->wait, &lock->wait_lock, &w, lock->name, lock);
	sgt_raw_unlock(&lock->wait_lock);
}

/*
 * Release, and wake the waiters if any marked the lock contended.  Taking
 * wait_lock before the broadcast closes the window in which a waiter has
 * seen the lock held but not yet gone to sleep.
 */
void mutex_unlock_wake(struct mutex *lock)
{
	if (sgt_atomic_fetch_sub_explicit(&lock->state, 1, memory_order_release) == MUTEX_LOCKED)
		return;
	sgt_atomic_store_explicit(&lock->state, MUTEX_UNLOCKED, memory_order_release);
	sgt_raw_lock_data(&lock->wait_lock);
	pthread_cond_broadcast(&lock->wait);
	sgt_raw_unlock(&lock->wait_lock);
}

void __mutex_lock(struct mutex *lock, struct sgt_site site)
{
	mutex_check_magic(lock, site);
	sgt_sched_point(SGT_SP_LOCK, lock);
	lockdep_check_recursion(lock, lock->name, site);

	sgt_tsan_mutex_pre_lock(lock, 0);
	if (!mutex_trylock_fast(lock))
		mutex_lock_slowpath(lock);
	sgt_tsan_mutex_post_lock(lock, 0, 0);

	mutex_set_owner(lock, sgt_current());
	lockdep_acquire(lock, lock->name, site);
}

int __mutex_trylock(struct mutex *lock, struct sgt_site site)
{
	bool ok;

	mutex_check_magic(lock, site);
	sgt_sched_point(SGT_SP_LOCK, lock);
	sgt_tsan_mutex_pre_lock(lock, __tsan_mutex_try_lock);
	ok = mutex_trylock_fast(lock);
	sgt_tsan_mutex_post_lock(lock, __tsan_mutex_try_lock |
				 (ok ? 0 : __tsan_mutex_try_lock_failed), 0);
	if (ok) {
		mutex_set_owner(lock, sgt_current());
		lockdep_acquire(lock, lock->name, site);
	}
	return ok;
}

void __mutex_unlock(struct mutex *lock, struct sgt_site site)
{
	mutex_check_magic(lock, site);
	sgt_sched_point(SGT_SP_UNLOCK, lock);
	if (mutex_owner(lock) != sgt_current()) {
		/* Let TSan see the misuse too, then leave the lock as it is. */
		sgt_tsan_mutex_pre_unlock(lock, 0);
		sgt_tsan_mutex_post_unlock(lock, 0);
		lockdep_release(lock, lock->name, site);
		return;
	}
	lockdep_release(lock, lock->name, site);
	mutex_set_owner(lock, NULL);

	sgt_tsan_mutex_pre_unlock(lock, 0);
	mutex_unlock_wake(lock);
	sgt_tsan_mutex_post_unlock(lock, 0);
}

bool mutex_is_locked(struct mutex *lock)
{
	/* Relaxed: a snapshot, as the kernel's mutex_is_locked(). */
	return sgt_atomic_load_explicit(&lock->state, memory_order_relaxed) != MUTEX_UNLOCKED;
}

void __mutex_assert_held(struct mutex *lock, struct sgt_site site)
{
	if (unlikely(mutex_owner(lock) != sgt_current()))
		__sgt_violation(SGT_V_NOT_HELD, site, NULL, "%s (%p) is not held by this thread",
				lock->name, (void *)lock);
}

void mutex_destroy(struct mutex *lock)
{
	if (mutex_is_locked(lock)) {
		struct sgt_thread *o = mutex_owner(lock);

		sgt_violation(SGT_V_LOCK_HELD_FREED, "destroying %s (%p) while held by %s",
			      lock->name, (void *)lock, o ? o->name : "?");
	}
	sgt_tsan_mutex_destroy(lock, 0);
	/*
	 * Poison only: the wait queue stays usable, so a later use is reported
	 * (SGT_V_LOCK_DESTROYED) instead of crashing in pthread code.
	 */
	sgt_atomic_store_explicit(&lock->magic, NULL, memory_order_relaxed);
}
