// SPDX-License-Identifier: GPL-2.0
#include <check/atomic.h>
#include <kernel/revocable.h>

SGT_WINDOW_DEFINE(revoke_gp_window, "revoke-grace-period",
			 "between Revocable::revoke's swap and the end of its grace period");

void revocable_init(struct revocable *r, void *data, void (*drop)(void *data))
{
	r->data = data;
	r->drop = drop;
	atomic_init(&r->is_available, true);
}

void *revocable_try_access(struct revocable *r)
{
	rcu_read_lock();
	sgt_sched_point(SGT_SP_LOAD, r);
	/* Relaxed, as revocable.rs: the RCU read lock keeps data alive, not the flag. */
	if (sgt_atomic_load_explicit(&r->is_available, memory_order_relaxed))
		return r->data;
	rcu_read_unlock();
	return NULL;
}

bool revocable_is_available(struct revocable *r)
{
	return sgt_atomic_load_explicit(&r->is_available, memory_order_relaxed);
}

static bool revoke_internal(struct revocable *r, bool sync)
{
	bool revoke;

	sgt_sched_point(SGT_SP_XCHG, r);
	/* Relaxed: exactly one caller sees true; the grace period orders the rest. */
	revoke = sgt_atomic_exchange_explicit(&r->is_available, false, memory_order_relaxed);
	if (!revoke)
		return false;
	if (sync) {
		sgt_window_enter(&revoke_gp_window);
		synchronize_rcu();
		sgt_window_exit(&revoke_gp_window);
	}
	r->drop(r->data);
	return true;
}

bool revocable_revoke(struct revocable *r)
{
	return revoke_internal(r, true);
}

bool revocable_revoke_nosync(struct revocable *r)
{
	return revoke_internal(r, false);
}

void revocable_destroy(struct revocable *r)
{
	/* Relaxed: Drop has exclusive access (Rust's get_mut()). */
	if (sgt_atomic_load_explicit(&r->is_available, memory_order_relaxed))
		r->drop(r->data);
	sgt_atomic_store_explicit(&r->is_available, false, memory_order_relaxed);
}
