/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's atomic accesses: C11's, each noting what it touches in the
 * step's footprint (check/footprint.h) first, so that sgtorture check's
 * partial-order reduction knows which steps are dependent.  Same names as
 * C11's with sgt_ in front, same arguments, same memory orders; in a build
 * without SGT_FOOTPRINT (the benchmarks' core, the release preset) each is the C11 operation and
 * nothing else.  Every argument is evaluated once.
 */
#ifndef SGT_CHECK_ATOMIC_H
#define SGT_CHECK_ATOMIC_H

#include <stdatomic.h>
#include <check/footprint.h>

#define __sgt_atomic_read(op, p, ...) ({					\
	__typeof__(p) __sgt_p = (p);						\
	sgt_fp_note((const void *)__sgt_p, false);				\
	op(__sgt_p, ##__VA_ARGS__); })
#define __sgt_atomic_write(op, p, ...) ({					\
	__typeof__(p) __sgt_p = (p);						\
	sgt_fp_note((const void *)__sgt_p, true);				\
	op(__sgt_p, ##__VA_ARGS__); })

#define sgt_atomic_load(p)			__sgt_atomic_read(atomic_load, p)
#define sgt_atomic_load_explicit(p, mo)		__sgt_atomic_read(atomic_load_explicit, p, mo)
#define sgt_atomic_store(p, v)			__sgt_atomic_write(atomic_store, p, v)
#define sgt_atomic_store_explicit(p, v, mo)	__sgt_atomic_write(atomic_store_explicit, p, v, mo)
#define sgt_atomic_exchange(p, v)		__sgt_atomic_write(atomic_exchange, p, v)
#define sgt_atomic_exchange_explicit(p, v, mo)	__sgt_atomic_write(atomic_exchange_explicit, p, v, mo)
/* A failed compare-exchange writes nothing, but which one fails is the schedule's: a write. */
#define sgt_atomic_compare_exchange_strong(p, e, d) \
	__sgt_atomic_write(atomic_compare_exchange_strong, p, e, d)
#define sgt_atomic_compare_exchange_strong_explicit(p, e, d, s, f) \
	__sgt_atomic_write(atomic_compare_exchange_strong_explicit, p, e, d, s, f)
#define sgt_atomic_compare_exchange_weak_explicit(p, e, d, s, f) \
	__sgt_atomic_write(atomic_compare_exchange_weak_explicit, p, e, d, s, f)
#define sgt_atomic_fetch_add(p, v)		__sgt_atomic_write(atomic_fetch_add, p, v)
#define sgt_atomic_fetch_add_explicit(p, v, mo)	__sgt_atomic_write(atomic_fetch_add_explicit, p, v, mo)
#define sgt_atomic_fetch_sub(p, v)		__sgt_atomic_write(atomic_fetch_sub, p, v)
#define sgt_atomic_fetch_sub_explicit(p, v, mo)	__sgt_atomic_write(atomic_fetch_sub_explicit, p, v, mo)
#define sgt_atomic_fetch_or(p, v)		__sgt_atomic_write(atomic_fetch_or, p, v)
#define sgt_atomic_fetch_or_explicit(p, v, mo)	__sgt_atomic_write(atomic_fetch_or_explicit, p, v, mo)
#define sgt_atomic_fetch_and(p, v)		__sgt_atomic_write(atomic_fetch_and, p, v)
#define sgt_atomic_fetch_and_explicit(p, v, mo)	__sgt_atomic_write(atomic_fetch_and_explicit, p, v, mo)

#endif /* SGT_CHECK_ATOMIC_H */
