/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small lockdep: each thread's stack of held locks.
 *
 * It reports, through the violation reporter:
 *  - recursive locking of a non-recursive lock, with both acquisition sites,
 *    before the thread would block forever (SGT_V_RECURSIVE_LOCK);
 *  - release of a lock the thread does not hold (SGT_V_BAD_UNLOCK);
 *  - memory freed while it holds a lock inside it (SGT_V_LOCK_HELD_FREED).
 * Lock-order inversion is left to ThreadSanitizer, which the locks are
 * annotated for (see tsan.h).
 */
#ifndef SGT_LOCKDEP_H
#define SGT_LOCKDEP_H

#include <check/compiler.h>
#include <check/thread.h>

/*
 * Call before blocking on lock.  Reports and returns true if the calling
 * thread already holds it; the caller then goes on and deadlocks, as the
 * kernel does after its lockdep splat, and the watchdog ends the run.
 */
bool lockdep_check_recursion(const void *lock, const char *name, struct sgt_site site);

/* Push a held lock after acquiring it. */
void lockdep_acquire(const void *lock, const char *name, struct sgt_site site);

/* Pop a held lock; returns false (and reports) if the thread did not hold it. */
bool lockdep_release(const void *lock, const char *name, struct sgt_site site);

/* Does the calling thread hold lock? */
bool lockdep_is_held(const void *lock);

/* Number of locks the calling thread holds. */
int lockdep_depth(void);

/* Report any lock the calling thread holds inside [mem, mem + len). */
void debug_check_no_locks_freed(const void *mem, size_t len);

#endif /* SGT_LOCKDEP_H */
