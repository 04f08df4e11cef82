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
	sgt_fp_note((const void *)__sgt_p, SGT_FP_READ);			\
	op(__sgt_p, ##__VA_ARGS__); })
#define __sgt_atomic_write(op, p, ...) ({					\
	__typeof__(p) __sgt_p = (p);						\
	sgt_fp_note((const void *)__sgt_p, SGT_FP_WRITE);			\
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
/*
 * The kernel's void atomic_add() and atomic_sub(): no old value comes back,
 * so two of them commute (check/footprint.h's SGT_FP_ADD); relaxed.
 */
#define sgt_atomic_add(p, v) ({							\
	__typeof__(p) __sgt_p = (p);						\
	sgt_fp_note((const void *)__sgt_p, SGT_FP_ADD);				\
	(void)atomic_fetch_add_explicit(__sgt_p, v, memory_order_relaxed); })
#define sgt_atomic_sub(p, v) ({							\
	__typeof__(p) __sgt_p = (p);						\
	sgt_fp_note((const void *)__sgt_p, SGT_FP_ADD);				\
	(void)atomic_fetch_sub_explicit(__sgt_p, v, memory_order_relaxed); })

/*
 * Plain accesses the footprint must see, with no ordering of their own.
 * A plain access ordered by a lock or by a publishing atomic needs no note:
 * the steps that order it are dependent already.  The ones that need one:
 *  - a racy access, which ThreadSanitizer would report (an unlocked check
 *    of shmem->sgt, v12's unlocked sgt_res);
 *  - memory a racing free may take (a table's entries, a page: a purge
 *    frees them under resv while a map's user reads them without it);
 *  - an oracle's observation (the mapping registry, which TSan must not
 *    see, so it orders nothing).
 * sgt_plain_read(x) and sgt_plain_write(x, v) take an lvalue (evaluated
 * twice: no side effects in it); sgt_fp_read(p) and sgt_fp_write(p) note a
 * whole object (a table, a page) as one location.  A free is a write of
 * what it frees (check/quarantine.c).
 */
#define sgt_plain_read(x)	({ sgt_fp_note(&(x), SGT_FP_READ); (x); })
#define sgt_plain_write(x, v)	((void)(sgt_fp_note(&(x), SGT_FP_WRITE), (x) = (v)))
#define sgt_fp_read(p)		sgt_fp_note((p), SGT_FP_READ)
#define sgt_fp_write(p)		sgt_fp_note((p), SGT_FP_WRITE)

#endif /* SGT_CHECK_ATOMIC_H */
