/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct mutex: a sleeping, non-recursive, owner-tracked lock, as the
 * kernel's.
 *
 * Fast path: one compare-and-swap (acquire) to lock, one fetch-sub (release)
 * to unlock.  Contended: the waiter sleeps on a condition variable through
 * sgt_cond_wait(), so a deadlock ends in the watchdog, never in a hang.
 * State: 0 unlocked, 1 locked, 2 locked with (possible) waiters.
 *
 * Checked, as with CONFIG_DEBUG_MUTEXES + lockdep: recursive locking
 * (reported before the thread deadlocks), unlock by a non-owner, use after
 * mutex_destroy(), destroying a held mutex.  Annotated for ThreadSanitizer.
 */
#ifndef SGT_MUTEX_H
#define SGT_MUTEX_H

#include <pthread.h>
#include <stdatomic.h>
#include <check/cleanup.h>
#include <check/compiler.h>
#include <check/thread.h>

struct mutex {
	atomic_int state;
	/* Relaxed: written by the owner only, read for assert_held and reports. */
	_Atomic(struct sgt_thread *) owner;
	/* == self while initialised; relaxed, a debug check as DEBUG_MUTEXES' magic. */
	_Atomic(const void *) magic;
	const char *name;
	pthread_mutex_t wait_lock;	/* the waiters' sleep, not the lock itself */
	pthread_cond_t wait;
};

void __mutex_init(struct mutex *lock, const char *name);
#define mutex_init(lock)	__mutex_init((lock), #lock)

/* Sleep until lock is ours.  Must not be held by the caller. */
void __mutex_lock(struct mutex *lock, struct sgt_site site);
#define mutex_lock(lock)	__mutex_lock((lock), SGT_SITE_HERE)

/* 1 if taken, 0 if it was held.  Never sleeps. */
int __mutex_trylock(struct mutex *lock, struct sgt_site site);
#define mutex_trylock(lock)	__mutex_trylock((lock), SGT_SITE_HERE)

/* Only the owner may unlock. */
void __mutex_unlock(struct mutex *lock, struct sgt_site site);
#define mutex_unlock(lock)	__mutex_unlock((lock), SGT_SITE_HERE)

bool mutex_is_locked(struct mutex *lock);

/* Reports SGT_V_NOT_HELD unless the caller owns lock. */
void __mutex_assert_held(struct mutex *lock, struct sgt_site site);
#define mutex_assert_held(lock)	__mutex_assert_held((lock), SGT_SITE_HERE)

/* The lock must be unlocked; later use is reported. */
void mutex_destroy(struct mutex *lock);

DEFINE_GUARD(mutex, struct mutex *, __mutex_lock(_T, sgt_guard_site()),
	     __mutex_unlock(_T, SGT_SITE_HERE))

#endif /* SGT_MUTEX_H */
