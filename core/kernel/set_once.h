/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SetOnce<T>, after rust/kernel/sync/set_once.rs: a slot written at most once.
 *
 * init: 0 empty, 1 one writer has exclusive access, 2 readable.
 *  - populate(): CAS 0 -> 1 (relaxed: only the winner touches value, and it
 *    publishes it below), write value, store 2 (release).  A loser gets
 *    false at once, even while the winner is still in state 1, and readers
 *    meanwhile still see "empty"; the loser's value is destroyed.  So SetOnce
 *    alone does not serialise creation: two racers can both build a value
 *    (hazard H9) unless a lock is held around check-and-populate.
 *  - as_ref(): load (acquire) == 2, pairing with populate's release.
 *  - destroy(): drops the value only in state 2; state 1 at destruction
 *    means a populate is still running, which Rust's &mut self rules out.
 *
 * The Rust type owns a T; the port stores a pointer and takes the drop
 * function where Rust would run T's destructor.
 */
#ifndef SGT_SET_ONCE_H
#define SGT_SET_ONCE_H

#include <check/atomic.h>
#include <stdatomic.h>
#include <check/sched.h>

struct set_once {
	atomic_int init;
	void *value;	/* written in state 1 by the one writer; read in state 2 */
};

typedef void (*set_once_drop_t)(void *value);

static inline void set_once_init(struct set_once *so)
{
	atomic_init(&so->init, 0);
	so->value = NULL;
}

/* The value, or NULL while empty or being written.  Lock-free. */
static inline void *set_once_as_ref(struct set_once *so)
{
	sgt_sched_point(SGT_SP_LOAD, so);
	/* Acquire: pairs with populate's release store of 2; value is then complete. */
	if (sgt_atomic_load_explicit(&so->init, memory_order_acquire) == 2) {
		void *value = so->value;

		/*
		 * Never NULL (populate refuses it): NULL stands for None, as
		 * Option<&T>'s niche, so a caller's NULL test folds into the
		 * state test, as rustc's does.
		 */
		if (!value)
			__builtin_unreachable();
		return value;
	}
	return NULL;
}

/* true if value was stored; false (and drop(value), if drop) otherwise. */
bool set_once_populate(struct set_once *so, void *value, set_once_drop_t drop);

/*
 * populate from an initializer (the follow-up the series' review asked for;
 * a port builds on it).  Semantics defined by this project:
 *  - the winner of CAS 0 -> 1 runs init(arg, &value) with the slot in state 1;
 *  - racers that find state 1 sleep (wait_var_event, so the watchdog covers
 *    them) until it becomes 2 -- then they return 0, the value readable --
 *    or 0 again, when the winner's init failed: then they retry, and one of
 *    them becomes the next writer;
 *  - a failed init leaves the slot empty (state 0) and returns its error to
 *    its own caller only; nothing was stored, nothing is to be dropped.
 * Returns 0 when the slot is readable on return, else init's negative errno.
 */
int set_once_populate_with(struct set_once *so, int (*init)(void *arg, void **value),
			   void *arg);

/* Drop the value if populated; reports state 1 (a populate in flight). */
void set_once_destroy(struct set_once *so, set_once_drop_t drop);

#endif /* SGT_SET_ONCE_H */
