// SPDX-License-Identifier: GPL-2.0
#include <check/atomic.h>
#include <limits.h>

#include <kernel/completion.h>
#include <check/sched.h>

void complete_all(struct completion *x)
{
	sgt_sched_point(SGT_SP_STORE, x);
	sgt_atomic_store_explicit(&x->done, UINT_MAX, memory_order_release);
	wake_up_var(&x->done);
}

bool completion_done(struct completion *x)
{
	return sgt_atomic_load_explicit(&x->done, memory_order_acquire) != 0;
}

void wait_for_completion(struct completion *x)
{
	sgt_sched_point(SGT_SP_LOAD, x);
	wait_var_event(&x->done, completion_done(x));
}
