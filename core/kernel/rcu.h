/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU on liburcu's urcu-memb flavour, under the kernel's names.
 *
 * A thread is registered with liburcu on its first rcu_read_lock() and
 * unregistered when it exits; rcu_register_thread() does it explicitly.
 *
 * ThreadSanitizer does not see a grace period as synchronisation (Debian's
 * liburcu 0.13 has no TSan support), so every correct "unpublish,
 * synchronize_rcu(), free" would be reported as a race.  The wrapper tells
 * it: rcu_read_unlock() releases one sync object, synchronize_rcu() acquires
 * it after the grace period.  Everything a reader did in a read section then
 * happens-before what the updater does after its grace period, while a free
 * with no grace period (revoke_nosync with a reader inside) stays a race.
 */
#ifndef SGT_RCU_H
#define SGT_RCU_H

#include <stdbool.h>
#include <check/cleanup.h>

void rcu_register_thread(void);
void rcu_unregister_thread(void);

/*
 * Nests.  Never sleeps.  Must be paired with rcu_read_unlock() in the same
 * thread.  Out of line, except with SGT_INLINE_RCU (the release preset):
 * the same code then inlines into the fast paths the benchmarks measure.
 */
#ifdef SGT_INLINE_RCU
#include <kernel/rcu_read.h>
static inline void rcu_read_lock(void) { __rcu_read_lock(); }
static inline void rcu_read_unlock(void) { __rcu_read_unlock(); }
#else
void rcu_read_lock(void);
void rcu_read_unlock(void);
#endif
bool rcu_read_lock_held(void);

/*
 * Wait for every read-side critical section that began before the call.
 * Must not be called inside one (reported as SGT_V_RCU_MISUSE, then returns
 * at once instead of deadlocking).
 */
void synchronize_rcu(void);

/* guard(rcu)(); as the kernel's. */
DEFINE_CLASS(rcu, int, rcu_read_unlock(), ({ rcu_read_lock(); 1; }), void)

#endif /* SGT_RCU_H */
