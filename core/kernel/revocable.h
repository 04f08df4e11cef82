/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Revocable<T>, after rust/kernel/revocable.rs.
 *
 *  - is_available starts true.
 *  - try_access(): RCU read lock, then a relaxed load of is_available; on
 *    true the payload is returned and the read lock stays held until the
 *    guard is released (the RevocableGuard); on false the lock is dropped.
 *  - revoke(): swap(false) (relaxed); only the winner waits a grace period
 *    (synchronize_rcu) and then destroys the payload, exactly once.
 *  - revoke_nosync(): the same without the grace period; the caller vouches
 *    that no reader is inside (Devres::drop).  Breaking that is hazard H10.
 *  - destroy(): a still-available Revocable destroys its payload (Drop).
 * Relaxed is enough for is_available: the grace period, not the flag,
 * orders readers against the destruction.
 *
 * The payload is not owned memory: drop() destroys it in place (Rust's
 * drop_in_place), whoever embeds it frees it.
 */
#ifndef SGT_REVOCABLE_H
#define SGT_REVOCABLE_H

#include <stdatomic.h>
#include <check/cleanup.h>
#include <kernel/rcu.h>
#include <check/sched.h>

struct revocable {
	atomic_bool is_available;
	void *data;
	void (*drop)(void *data);
};

void revocable_init(struct revocable *r, void *data, void (*drop)(void *data));

/*
 * The payload with the RCU read lock held, or NULL (lock not held).  Release
 * with revocable_guard_release(), or declare the result __free(revocable_guard).
 */
void *revocable_try_access(struct revocable *r);
static inline void revocable_guard_release(void)
{
	rcu_read_unlock();
}
DEFINE_FREE(revocable_guard, void *, if (_T) rcu_read_unlock())

/*
 * The payload without any check.  Only for a caller that proves otherwise
 * that it cannot be revoked meanwhile (Devres::access with a bound device).
 */
static inline void *revocable_access(struct revocable *r)
{
	return r->data;
}

bool revocable_is_available(struct revocable *r);
/* true if this call revoked (and destroyed) the payload. */
bool revocable_revoke(struct revocable *r);
bool revocable_revoke_nosync(struct revocable *r);
void revocable_destroy(struct revocable *r);

/* revoke(): between winning the swap and the end of its grace period. */
extern struct sgt_window revoke_gp_window;

#endif /* SGT_REVOCABLE_H */
