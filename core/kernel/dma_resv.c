// SPDX-License-Identifier: GPL-2.0
#include <kernel/dma_resv.h>

/* As drivers/dma-buf/dma-resv.c: DEFINE_WD_CLASS(reservation_ww_class). */
DEFINE_WD_CLASS(reservation_ww_class);

void dma_resv_init(struct dma_resv *obj)
{
	ww_mutex_init(&obj->lock, &reservation_ww_class);
}

void dma_resv_fini(struct dma_resv *obj)
{
	ww_mutex_destroy(&obj->lock);
}
