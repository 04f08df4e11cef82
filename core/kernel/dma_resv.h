/* SPDX-License-Identifier: GPL-2.0 */
/*
 * struct dma_resv: the reservation object of a buffer, reduced to its lock,
 * after drivers/dma-buf/dma-resv.c.  The class is wait-die, as the kernel's
 * DEFINE_WD_CLASS(reservation_ww_class).  dma_resv_lock(obj, NULL) is a plain
 * sleeping mutex: taking it twice in one thread deadlocks.
 */
#ifndef SGT_DMA_RESV_H
#define SGT_DMA_RESV_H

#include <check/cleanup.h>
#include <kernel/ww_mutex.h>

extern struct ww_class reservation_ww_class;

struct dma_resv {
	struct ww_mutex lock;
};

void dma_resv_init(struct dma_resv *obj);
/* The lock must be free; later use is reported (SGT_V_LOCK_DESTROYED). */
void dma_resv_fini(struct dma_resv *obj);

#define dma_resv_lock(obj, ctx)	ww_mutex_lock(&(obj)->lock, (ctx))
#define dma_resv_lock_interruptible(obj, ctx) \
	ww_mutex_lock_interruptible(&(obj)->lock, (ctx))
#define dma_resv_lock_slow(obj, ctx) ww_mutex_lock_slow(&(obj)->lock, (ctx))
#define dma_resv_trylock(obj)	(ww_mutex_trylock(&(obj)->lock, NULL) == 1)
#define dma_resv_unlock(obj)	ww_mutex_unlock(&(obj)->lock)
#define dma_resv_is_locked(obj)	ww_mutex_is_locked(&(obj)->lock)
#define dma_resv_assert_held(obj) mutex_assert_held(&(obj)->lock.base)

/* guard(dma_resv)(resv): NULL ctx, as the reviewer's DmaResvGuard. */
DEFINE_GUARD(dma_resv, struct dma_resv *, __ww_mutex_lock(&_T->lock, NULL, false, sgt_guard_site()),
	     dma_resv_unlock(_T))

#endif /* SGT_DMA_RESV_H */
