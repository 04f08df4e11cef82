/* SPDX-License-Identifier: GPL-2.0 */
/* The lock word of struct mutex, shared with ww_mutex.c.  Not a public API. */
#ifndef SGT_MUTEX_INTERNAL_H
#define SGT_MUTEX_INTERNAL_H

#include <check/atomic.h>
#include <kernel/mutex.h>

enum { MUTEX_UNLOCKED = 0, MUTEX_LOCKED = 1, MUTEX_CONTENDED = 2 };

/* Uncontended acquire: 0 -> 1.  Acquire pairs with the unlocker's release. */
static inline bool mutex_trylock_fast(struct mutex *lock)
{
	int old = MUTEX_UNLOCKED;

	return sgt_atomic_compare_exchange_strong_explicit(&lock->state, &old, MUTEX_LOCKED,
						       memory_order_acquire,
						       memory_order_relaxed);
}

/*
 * A waiter's attempt, with wait_lock held: mark the lock contended so the
 * unlocker wakes us; we own it if it was free.
 */
static inline bool mutex_trylock_waiter(struct mutex *lock)
{
	return sgt_atomic_exchange_explicit(&lock->state, MUTEX_CONTENDED,
					memory_order_acquire) == MUTEX_UNLOCKED;
}

void mutex_unlock_wake(struct mutex *lock);
void mutex_lock_slowpath(struct mutex *lock);
bool mutex_check_magic(struct mutex *lock, struct sgt_site site);

static inline void mutex_set_owner(struct mutex *lock, struct sgt_thread *t)
{
	sgt_atomic_store_explicit(&lock->owner, t, memory_order_relaxed);
}

static inline struct sgt_thread *mutex_owner(struct mutex *lock)
{
	return sgt_atomic_load_explicit(&lock->owner, memory_order_relaxed);
}

#endif /* SGT_MUTEX_INTERNAL_H */
