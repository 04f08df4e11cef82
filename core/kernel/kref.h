/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct kref, as include/linux/kref.h on refcount_t: a get on zero or a put
 * below zero is a use after free, reported as SGT_V_REFCOUNT.
 */
#ifndef SGT_KREF_H
#define SGT_KREF_H

#include <check/atomic.h>
#include <stdatomic.h>
#include <check/sched.h>
#include <check/violation.h>

struct kref {
	atomic_int refcount;
};

static inline void kref_init(struct kref *kref)
{
	atomic_init(&kref->refcount, 1);
}

static inline unsigned int kref_read(const struct kref *kref)
{
	/* Relaxed: a snapshot for checks and reports, as refcount_read(). */
	return (unsigned int)sgt_atomic_load_explicit(&kref->refcount, memory_order_relaxed);
}

static inline void kref_get(struct kref *kref)
{
	int old;

	sgt_sched_point(SGT_SP_REF, kref);
	/* Relaxed, as refcount_inc(): the caller's own reference keeps the object alive. */
	old = sgt_atomic_fetch_add_explicit(&kref->refcount, 1, memory_order_relaxed);
	if (unlikely(old <= 0))
		sgt_violation(SGT_V_REFCOUNT, "kref_get() on %p at refcount %d: use after free",
			      (void *)kref, old);
}

/* Drop a reference; on the last one call release and return 1. */
static inline int kref_put(struct kref *kref, void (*release)(struct kref *kref))
{
	int old;

	sgt_sched_point(SGT_SP_REF, kref);
	/*
	 * acq_rel, as refcount_dec_and_test(): release orders our accesses
	 * before the free; acquire makes the freer see everyone else's.  (An
	 * acquire fence on the last put only would do, but TSan ignores fences.)
	 */
	old = sgt_atomic_fetch_sub_explicit(&kref->refcount, 1, memory_order_acq_rel);
	if (old == 1) {
		release(kref);
		return 1;
	}
	if (unlikely(old <= 0))
		sgt_violation(SGT_V_REFCOUNT, "kref_put() on %p at refcount %d: underflow",
			      (void *)kref, old);
	return 0;
}

#endif /* SGT_KREF_H */
