// SPDX-License-Identifier: GPL-2.0
/*
 * c-helper-6.1: drm_gem_shmem_get_pages_sgt() before ddddedaa0db9
 * "drm/shmem-helper: Fix locking for drm_gem_shmem_get_pages_sgt()" (Asahi
 * Lina, Feb 2023; "Discovered while auditing locking to write the Rust
 * abstractions"):
 *
 *	if (shmem->sgt)
 *		return shmem->sgt;		-- unlocked check
 *	ret = drm_gem_shmem_get_pages(shmem);	-- takes the pages lock itself
 *	sgt = drm_gem_shmem_get_sg_table(shmem);
 *	ret = dma_map_sgtable(obj->dev->dev, sgt, DMA_BIDIRECTIONAL, 0);
 *	shmem->sgt = sgt;			-- unlocked publish
 *
 * Two callers can each build and publish a table: one is leaked, still
 * mapped, with its pages reference; and a caller races the shrinker's
 * purge, which unmaps and frees shmem->sgt under the lock.  R5.  The pages
 * lock of that time is the resv here: the lock purge takes.  As c-helper,
 * no Devres: unbind leaves the table mapped.
 */
#include <stdlib.h>

#include <check/atomic.h>

#include <sgtable/strategy.h>

static struct sg_table *helper_get_pages_sgt(struct drm_gem_shmem_object *shmem)
{
	struct drm_gem_object *obj = &shmem->base;
	struct sg_table *sgt;
	int ret;

	/* Unlocked, as before the fix: the race R5 reports (TSan sees it too). */
	sgt_sched_point(SGT_SP_LOAD, &shmem->sgt);
	if (sgt_plain_read(shmem->sgt))
		return sgt_plain_read(shmem->sgt);
	scoped_guard(dma_resv, obj->resv)	/* drm_gem_shmem_get_pages() locks */
		ret = drm_gem_shmem_get_pages_locked(shmem);
	if (ret)
		return ERR_PTR(ret);
	sgt = drm_gem_shmem_get_sg_table(shmem);
	if (IS_ERR(sgt))
		goto err_put_pages;
	ret = dma_map_sgtable(obj->dev->dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret) {
		sg_free_table(sgt);
		free(sgt);
		sgt = ERR_PTR(ret);
		goto err_put_pages;
	}
	sgt_sched_point(SGT_SP_STORE, &shmem->sgt);
	sgt_plain_write(shmem->sgt, sgt);	/* unlocked publish: a racer's table is overwritten, leaked */
	return sgt;

err_put_pages:
	scoped_guard(dma_resv, obj->resv)
		drm_gem_shmem_put_pages_locked(shmem);
	return sgt;
}

static struct sg_table *c_helper_6_1_sg_table(struct sgtable_object *obj,
					      const struct device_bound *dev)
{
	if (dev->dev != sgtable_object_device(obj))
		return ERR_PTR(-EINVAL);	/* a C driver maps for its own device only */
	return helper_get_pages_sgt(&obj->shmem);
}

static void c_helper_6_1_free(struct drm_gem_object *gem)
{
	struct sgtable_object *obj = container_of(gem, struct sgtable_object, shmem.base);

	drm_gem_shmem_release(&obj->shmem);
	sgtable_object_free(obj);
}

static const enum sgt_grade c_helper_6_1_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,	/* its own device only */
};

const struct sgtable_strategy_ops sgtable_c_helper_6_1_ops = {
	.name = "c-helper-6.1",
	.next = "c-helper",
	.kernel = "drm_gem_shmem_get_pages_sgt() before ddddedaa0db9 (Feb 2023)",
	.fast_path = "none: an unlocked shmem->sgt check",
	.slow_path = "get pages (locked), build and map unlocked, publish unlocked",
	.lock_choice = "none",
	.lockfree_fast_path = false,
	/* H11: the helper takes a pages use count, not a pin: a purge frees the table in use. */
	.inherent = SGTABLE_HAZ(H11),
	.reported = (const char *const[]){ "R5", NULL },
	/* An import's table is the attachment's: the helper hands it out as is. */
	.variants = SGTABLE_HAZ(H5),
	.clean_variants = SGTABLE_HAZ(H5),
	.unbind_keeps_mappings = true,
	.outcomes = c_helper_6_1_outcomes,
	.obj_size = sizeof(struct sgtable_object),
	.funcs = { .free = c_helper_6_1_free },
	.sg_table = c_helper_6_1_sg_table,
};
