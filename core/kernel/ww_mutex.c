// SPDX-License-Identifier: GPL-2.0
/*
 * Wound/wait mutexes.  The decision rules follow kernel/locking/ww_mutex.h:
 * __ww_mutex_check_kill() (who dies), __ww_mutex_wound() (who is wounded),
 * and the acquired == 0 exemption that makes ww_mutex_lock_slow() safe.
 */
#include <check/atomic.h>
#include <check/fault.h>
#include <check/lockdep.h>
#include <check/sched.h>
#include <check/tsan.h>
#include <check/violation.h>
#include <check/wait.h>
#include <kernel/ww_mutex.h>

#include "mutex_internal.h"

struct ww_waiter {
	struct ww_acquire_ctx *ctx;
	struct ww_waiter *next;
};

void ww_mutex_init(struct ww_mutex *lock, struct ww_class *ww_class)
{
	__mutex_init(&lock->base, ww_class->mutex_name);
	atomic_init(&lock->ctx, NULL);
	lock->ww_class = ww_class;
	lock->waiters = NULL;
}

void ww_mutex_destroy(struct ww_mutex *lock)
{
	mutex_destroy(&lock->base);
}

bool ww_mutex_is_locked(struct ww_mutex *lock)
{
	return mutex_is_locked(&lock->base);
}

void ww_acquire_init(struct ww_acquire_ctx *ctx, struct ww_class *ww_class)
{
	ctx->task = sgt_current();
	/* Relaxed: stamps need uniqueness and order, not synchronisation. */
	ctx->stamp = sgt_atomic_fetch_add_explicit(&ww_class->stamp, 1, memory_order_relaxed);
	ctx->acquired = 0;
	atomic_init(&ctx->wounded, false);
	ctx->is_wait_die = ww_class->is_wait_die;
	ctx->done = false;
	ctx->ww_class = ww_class;
	ctx->contending_lock = NULL;
}

void ww_acquire_done(struct ww_acquire_ctx *ctx)
{
	ctx->done = true;
}

void ww_acquire_fini(struct ww_acquire_ctx *ctx)
{
	SGT_WARN_ON(SGT_V_WW_MISUSE, ctx->acquired,
		    "ww_acquire_fini() with %u locks still held", ctx->acquired);
	ctx->task = NULL;
}

/* Is a older than b?  Stamps are unique per class. */
static bool ww_ctx_older(const struct ww_acquire_ctx *a, const struct ww_acquire_ctx *b)
{
	return a->stamp < b->stamp;
}

static struct ww_acquire_ctx *ww_holder(struct ww_mutex *lock)
{
	/*
	 * seq_cst: pairs with the fast path's store of ctx followed by its load
	 * of the lock state (ww_set_context_fastpath), so a waiter that marked
	 * the lock contended after that load sees the holder's ctx.
	 */
	return sgt_atomic_load(&lock->ctx);
}

/* __ww_mutex_check_kill(): must ctx back off?  Called with wait_lock held. */
static int ww_check_kill(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	struct ww_acquire_ctx *hold = ww_holder(lock);

	if (ctx->acquired == 0)
		return 0;	/* holds nothing: cannot be part of a cycle */
	if (!ctx->is_wait_die)
		return sgt_atomic_load(&ctx->wounded) ? -EDEADLK : 0;
	if (hold && hold != ctx && ww_ctx_older(hold, ctx))
		return -EDEADLK;
	for (struct ww_waiter *w = lock->waiters; w; w = w->next)
		if (w->ctx != ctx && ww_ctx_older(w->ctx, ctx))
			return -EDEADLK;
	return 0;
}

/* __ww_mutex_wound(): an older ctx that holds locks wounds a younger holder. */
static void ww_wound_holder(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	struct ww_acquire_ctx *hold = ww_holder(lock);

	if (ctx->is_wait_die || ctx->acquired == 0 || !hold || hold == ctx)
		return;
	if (ww_ctx_older(ctx, hold))
		sgt_atomic_store(&hold->wounded, true);
}

static void ww_add_waiter(struct ww_mutex *lock, struct ww_waiter *me)
{
	me->next = lock->waiters;
	lock->waiters = me;
	/* Younger waiters re-check whether they must die now we wait too. */
	pthread_cond_broadcast(&lock->base.wait);
}

static void ww_del_waiter(struct ww_mutex *lock, struct ww_waiter *me)
{
	for (struct ww_waiter **pp = &lock->waiters; *pp; pp = &(*pp)->next) {
		if (*pp == me) {
			*pp = me->next;
			return;
		}
	}
}

static int ww_mutex_lock_slowpath(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	struct ww_waiter me = { .ctx = ctx };
	struct sgt_wait w;
	int ret = 0;

	sgt_wait_init(&w);
	sgt_raw_lock_data(&lock->base.wait_lock);
	ww_add_waiter(lock, &me);
	for (;;) {
		if (mutex_trylock_waiter(&lock->base))
			break;
		ret = ww_check_kill(lock, ctx);
		if (ret)
			break;
		ww_wound_holder(lock, ctx);
		sgt_cond_wait(&lock->base.wait, &lock->base.wait_lock, &w,
			      lock->base.name, lock);
	}
	ww_del_waiter(lock, &me);
	if (!ret)
		sgt_atomic_store(&lock->ctx, ctx);
	sgt_raw_unlock(&lock->base.wait_lock);
	return ret;
}

/*
 * ww_mutex_set_context_fastpath(): publish our ctx, then wake any waiter that
 * queued before it could see it, so it re-evaluates who must die.
 */
static void ww_set_context_fastpath(struct ww_mutex *lock, struct ww_acquire_ctx *ctx)
{
	sgt_atomic_store(&lock->ctx, ctx);
	if (sgt_atomic_load(&lock->base.state) == MUTEX_CONTENDED) {
		sgt_raw_lock_data(&lock->base.wait_lock);
		pthread_cond_broadcast(&lock->base.wait);
		sgt_raw_unlock(&lock->base.wait_lock);
	}
}

static bool ww_ctx_checks(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			  struct sgt_site site)
{
	bool ok = true;

	if (ctx->ww_class != lock->ww_class)
		ok = !SGT_WARN_ON(SGT_V_WW_MISUSE, true, "ctx of class %s used on a %s lock",
				  ctx->ww_class->acquire_name, lock->ww_class->mutex_name);
	if (ctx->done)
		ok = !SGT_WARN_ON(SGT_V_WW_MISUSE, true,
				  "ww_mutex_lock() after ww_acquire_done() at %s:%d",
				  site.file, site.line);
	if (ctx->task != sgt_current())
		ok = !SGT_WARN_ON(SGT_V_WW_MISUSE, true,
				  "ctx used by a thread that did not ww_acquire_init() it");
	return ok;
}

static void ww_acquired(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			struct sgt_site site)
{
	mutex_set_owner(&lock->base, sgt_current());
	if (ctx)
		ctx->acquired++;
	lockdep_acquire(lock, lock->base.name, site);
}

/* The ctx path; the caller has done the misuse checks. */
static int ww_mutex_lock_ctx(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			     struct sgt_site site)
{
	int ret = 0;

	if (ctx->acquired == 0)
		sgt_atomic_store_explicit(&ctx->wounded, false, memory_order_relaxed);

	sgt_tsan_mutex_pre_lock(lock, __tsan_mutex_try_lock);
	if (ctx->acquired > 0 && sgt_should_fail(SGT_FAULT_WW_EDEADLK))
		ret = -EDEADLK;		/* as CONFIG_DEBUG_WW_MUTEX_SLOWPATH */
	else if (mutex_trylock_fast(&lock->base))
		ww_set_context_fastpath(lock, ctx);
	else
		ret = ww_mutex_lock_slowpath(lock, ctx);
	sgt_tsan_mutex_post_lock(lock, __tsan_mutex_try_lock |
				 (ret ? __tsan_mutex_try_lock_failed : 0), 0);
	if (ret) {
		ctx->contending_lock = lock;
		return ret;
	}
	ww_acquired(lock, ctx, site);
	return 0;
}

int __ww_mutex_lock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
		    bool interruptible, struct sgt_site site)
{
	if (!ctx) {
		if (interruptible && sgt_should_fail(SGT_FAULT_EINTR))
			return -EINTR;
		__mutex_lock(&lock->base, site);
		return 0;
	}
	mutex_check_magic(&lock->base, site);
	sgt_sched_point(SGT_SP_LOCK, lock);
	ww_ctx_checks(lock, ctx, site);
	/* Relaxed: only this ctx's owner (us) ever stores ctx here. */
	if (sgt_atomic_load_explicit(&lock->ctx, memory_order_relaxed) == ctx)
		return -EALREADY;
	if (interruptible && sgt_should_fail(SGT_FAULT_EINTR))
		return -EINTR;
	lockdep_check_recursion(lock, lock->base.name, site);
	return ww_mutex_lock_ctx(lock, ctx, site);
}

void __ww_mutex_lock_slow(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
			  struct sgt_site site)
{
	int ret;

	if (ctx) {
		SGT_WARN_ON(SGT_V_WW_MISUSE, ctx->acquired,
			    "ww_mutex_lock_slow() with %u locks held", ctx->acquired);
		SGT_WARN_ON(SGT_V_WW_MISUSE, ctx->contending_lock && ctx->contending_lock != lock,
			    "ww_mutex_lock_slow() on a lock other than the contended one");
	}
	ret = __ww_mutex_lock(lock, ctx, false, site);
	SGT_WARN_ON(SGT_V_WW_MISUSE, ret, "ww_mutex_lock_slow() failed with %d", ret);
	if (ctx)
		ctx->contending_lock = NULL;
}

int __ww_mutex_trylock(struct ww_mutex *lock, struct ww_acquire_ctx *ctx,
		       struct sgt_site site)
{
	bool ok;

	if (!ctx)
		return __mutex_trylock(&lock->base, site);
	mutex_check_magic(&lock->base, site);
	sgt_sched_point(SGT_SP_LOCK, lock);
	ww_ctx_checks(lock, ctx, site);
	if (ctx->acquired == 0)
		sgt_atomic_store_explicit(&ctx->wounded, false, memory_order_relaxed);
	sgt_tsan_mutex_pre_lock(lock, __tsan_mutex_try_lock);
	ok = mutex_trylock_fast(&lock->base);
	if (ok)
		ww_set_context_fastpath(lock, ctx);
	sgt_tsan_mutex_post_lock(lock, __tsan_mutex_try_lock |
				 (ok ? 0 : __tsan_mutex_try_lock_failed), 0);
	if (ok)
		ww_acquired(lock, ctx, site);
	return ok;
}

void __ww_mutex_unlock(struct ww_mutex *lock, struct sgt_site site)
{
	/* Relaxed: the holder reads the ctx it stored itself. */
	struct ww_acquire_ctx *ctx = sgt_atomic_load_explicit(&lock->ctx, memory_order_relaxed);

	if (!ctx) {
		__mutex_unlock(&lock->base, site);
		return;
	}
	mutex_check_magic(&lock->base, site);
	sgt_sched_point(SGT_SP_UNLOCK, lock);
	if (mutex_owner(&lock->base) != sgt_current()) {
		lockdep_release(lock, lock->base.name, site);	/* reports */
		return;
	}
	lockdep_release(lock, lock->base.name, site);
	ctx->acquired--;
	sgt_atomic_store(&lock->ctx, NULL);
	mutex_set_owner(&lock->base, NULL);

	sgt_tsan_mutex_pre_unlock(lock, 0);
	mutex_unlock_wake(&lock->base);
	sgt_tsan_mutex_post_unlock(lock, 0);
}
