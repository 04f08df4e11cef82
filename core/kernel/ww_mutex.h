/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wound/wait mutexes, after kernel/locking/ww_mutex.h and
 * Documentation/locking/ww-mutex-design.rst.
 *
 * A ww_class hands out stamps from one atomic counter (smaller = older).
 * With a NULL ctx, ww_mutex_lock() is a plain non-recursive mutex: relocking
 * deadlocks (lockdep reports it first).  With a ctx:
 *  - relocking a lock the same ctx holds returns -EALREADY;
 *  - wait-die (DEFINE_WD_CLASS): a ctx that holds locks dies (-EDEADLK)
 *    when an older ctx holds the lock or waits for it; otherwise it waits;
 *  - wound-wait (DEFINE_WW_CLASS): an older ctx that holds locks wounds a
 *    younger holder; a wounded ctx that holds locks dies at its next lock
 *    attempt or while it waits (it notices within one 20 ms wait slice);
 *  - a ctx that holds nothing never dies, so ww_mutex_lock_slow() after
 *    unlocking everything always succeeds;
 *  - ww_acquire_fini() only after every lock is unlocked.
 * Rule breaks are reported as SGT_V_WW_MISUSE.
 *
 * ThreadSanitizer sees NULL-ctx acquisitions as blocking locks (so it reports
 * lock-order inversions among them) and ctx acquisitions as try-locks (a
 * correct backoff is not a deadlock), with -EDEADLK a failed try-lock.
 */
#ifndef SGT_WW_MUTEX_H
#define SGT_WW_MUTEX_H

#include <stdatomic.h>
#include <check/compiler.h>
#include <kernel/mutex.h>

struct ww_class {
	atomic_long stamp;
	const char *acquire_name;
	const char *mutex_name;
	bool is_wait_die;
};

#define __WW_CLASS_INITIALIZER(ww_class, _is_wait_die)			\
	{ .stamp = 0, .acquire_name = #ww_class "_acquire",		\
	  .mutex_name = #ww_class "_mutex", .is_wait_die = (_is_wait_die) }
#define DEFINE_WD_CLASS(classname) \
	struct ww_class classname = __WW_CLASS_INITIALIZER(classname, true)
#define DEFINE_WW_CLASS(classname) \
	struct ww_class classname = __WW_CLASS_INITIALIZER(classname, false)

struct ww_acquire_ctx {
	struct sgt_thread *task;
	long stamp;			/* immutable after ww_acquire_init() */
	unsigned int acquired;		/* owner task only */
	atomic_bool wounded;		/* set by an older ctx (wound-wait) */
	bool is_wait_die;
	bool done;
	struct ww_class *ww_class;
	struct ww_mutex *contending_lock;
};

struct ww_waiter;

struct ww_mutex {
	struct mutex base;		/* first: the lock's address is the base's */
	/*
	 * The holding ctx, or NULL when free or held without one.  Written by
	 * the holder; read by waiters under base.wait_lock to decide who dies.
	 */
	_Atomic(struct ww_acquire_ctx *) ctx;
	struct ww_class *ww_class;
	struct ww_waiter *waiters;	/* ctx waiters, under base.wait_lock */
};

void ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class);
void ww_mutex_destroy(struct ww_mutex *lock);
bool ww_mutex_is_locked(struct ww_mutex *lock);

void ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class);
void ww_acquire_done(struct ww_acquire_ctx *ctx);
void ww_acquire_fini(struct ww_acquire_ctx *ctx);

/* 0, -EALREADY or -EDEADLK (ctx only). */
int __ww_mutex_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
		    bool interruptible, struct sgt_site site);
#define ww_mutex_lock(lock, ctx) \
	__ww_mutex_lock((lock), (ctx), false, SGT_SITE_HERE)
/* As ww_mutex_lock, and may also return -EINTR (fault point "eintr"). */
#define ww_mutex_lock_interruptible(lock, ctx) \
	__ww_mutex_lock((lock), (ctx), true, SGT_SITE_HERE)

/* After -EDEADLK, with every other lock of ctx dropped: sleep until held. */
void __ww_mutex_lock_slow(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			  struct sgt_site site);
#define ww_mutex_lock_slow(lock, ctx) __ww_mutex_lock_slow((lock), (ctx), SGT_SITE_HERE)

/* 1 if taken, 0 otherwise.  Never sleeps. */
int __ww_mutex_trylock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
		       struct sgt_site site);
#define ww_mutex_trylock(lock, ctx) __ww_mutex_trylock((lock), (ctx), SGT_SITE_HERE)

void __ww_mutex_unlock(struct ww_mutex *lock, struct sgt_site site);
#define ww_mutex_unlock(lock)	__ww_mutex_unlock((lock), SGT_SITE_HERE)

#endif /* SGT_WW_MUTEX_H */
