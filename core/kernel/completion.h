/* SPDX-License-Identifier: GPL-2.0 */
/* struct completion, as the kernel's; waits go through the watchdog. */
#ifndef SGT_COMPLETION_H
#define SGT_COMPLETION_H

#include <check/atomic.h>
#include <stdatomic.h>
#include <check/wait.h>

struct completion {
	atomic_uint done;	/* UINT_MAX after complete_all() */
};

static inline void init_completion(struct completion *x)
{
	atomic_init(&x->done, 0);
}

static inline void reinit_completion(struct completion *x)
{
	sgt_atomic_store_explicit(&x->done, 0, memory_order_relaxed);
}

/* Release: what the completer did happens-before what the waiter does next. */
void complete_all(struct completion *x);
/* Acquire, pairing with complete_all(). */
void wait_for_completion(struct completion *x);
bool completion_done(struct completion *x);

#endif /* SGT_COMPLETION_H */
