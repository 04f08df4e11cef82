// SPDX-License-Identifier: GPL-2.0
#include <check/atomic.h>
#include <errno.h>

#include <kernel/set_once.h>
#include <check/violation.h>
#include <check/wait.h>

static bool set_once_claim(struct set_once *so)
{
	int empty = 0;

	sgt_sched_point(SGT_SP_XCHG, so);
	/* Relaxed, as set_once.rs: the claim publishes nothing; the store of 2 does. */
	return sgt_atomic_compare_exchange_strong_explicit(&so->init, &empty, 1,
						       memory_order_relaxed,
						       memory_order_relaxed);
}

static void set_once_publish(struct set_once *so, int state)
{
	sgt_sched_point(SGT_SP_STORE, so);
	/* Release: the value (state 2) is complete before anyone sees it. */
	sgt_atomic_store_explicit(&so->init, state, memory_order_release);
}

bool set_once_populate(struct set_once *so, void *value, set_once_drop_t drop)
{
	/* NULL is as_ref()'s None: a slot cannot hold it. */
	if (SGT_WARN_ON(SGT_V_SET_ONCE, !value, "SetOnce %p populated with NULL", (void *)so))
		return false;
	if (!set_once_claim(so)) {
		/* Rust drops the moved-in value of a losing populate. */
		if (drop)
			drop(value);
		return false;
	}
	so->value = value;	/* exclusive: we hold state 1 */
	set_once_publish(so, 2);
	return true;
}

int set_once_populate_with(struct set_once *so, int (*init)(void *arg, void **value),
			   void *arg)
{
	for (;;) {
		void *value;
		int ret;

		if (set_once_as_ref(so))
			return 0;
		if (!set_once_claim(so)) {
			/* Acquire: if we see 2, the value is complete. */
			wait_var_event(&so->init,
				       sgt_atomic_load_explicit(&so->init, memory_order_acquire) != 1);
			continue;
		}
		ret = init(arg, &value);
		if (!ret && SGT_WARN_ON(SGT_V_SET_ONCE, !value,
					"SetOnce %p initialized to NULL", (void *)so))
			ret = -EINVAL;	/* NULL is as_ref()'s None */
		if (!ret)
			so->value = value;	/* exclusive: we hold state 1 */
		set_once_publish(so, ret ? 0 : 2);
		wake_up_var(&so->init);
		if (ret)
			return ret;
	}
}

void set_once_destroy(struct set_once *so, set_once_drop_t drop)
{
	/* Acquire: pairs with the populating release, so value is complete. */
	int state = sgt_atomic_load_explicit(&so->init, memory_order_acquire);

	SGT_WARN_ON(SGT_V_SET_ONCE, state == 1, "SetOnce %p destroyed while being populated",
		    (void *)so);
	if (state == 2 && drop)
		drop(so->value);
}
