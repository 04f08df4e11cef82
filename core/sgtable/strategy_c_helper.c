// SPDX-License-Identifier: GPL-2.0
/*
 * c-helper: what a C driver does, drm_gem_shmem_get_pages_sgt() on every
 * call, as the helper is today: under the object's dma_resv since
 * 21aa27ddc582 "drm/shmem-helper: Switch to reservation lock" (v6.5), and
 * under pages_lock in v6.2..v6.4 after ddddedaa0db9 "drm/shmem-helper: Fix
 * locking for drm_gem_shmem_get_pages_sgt()" (Feb 2023).  Both take the
 * lock every other function touching shmem->sgt takes -- purge included --
 * so in the model, with one lock for pages and table, they are one port:
 * R5's "after".  c-helper-6.1 is the helper before that fix.
 *
 * No Devres: the table stays in shmem->sgt until the object is freed
 * (drm_gem_shmem_release()) or purged.  Unbinding does not unmap it: a C
 * driver must drop its mappings in its own remove(), which the roles do not
 * model, so a run with revokers reports mapping-after-unbind.  A C driver
 * maps for its own device only: another device is refused (-EINVAL) here.
 * It carries H11: the helper takes a pages use count, not a pin.
 */
#include <sgtable/strategy.h>

static struct sg_table *c_helper_sg_table(struct sgtable_object *obj,
					  const struct device_bound *dev)
{
	if (dev->dev != sgtable_object_device(obj))
		return ERR_PTR(-EINVAL);
	return drm_gem_shmem_get_pages_sgt(&obj->shmem);	/* the resv, every call */
}

/* drm_gem_shmem_free(): release unmaps and frees the table and puts its pages. */
static void c_helper_free(struct drm_gem_object *gem)
{
	struct sgtable_object *obj = container_of(gem, struct sgtable_object, shmem.base);

	drm_gem_shmem_release(&obj->shmem);
	sgtable_object_free(obj);
}

static const enum sgt_grade c_helper_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,	/* its own device only */
};

const struct sgtable_strategy_ops sgtable_c_helper_ops = {
	.name = "c-helper",
	.shipped = true,
	.kernel = "drm_gem_shmem_get_pages_sgt(): dma_resv since 21aa27ddc582 (v6.5); pages_lock "
		  "v6.2..v6.4",
	.fast_path = "dma_resv_lock_interruptible() on every call, then shmem->sgt",
	.slow_path = "under the same lock: get pages, build, dma_map, publish",
	.lock_choice = "dma_resv",
	.lockfree_fast_path = false,
	/* H11: the helper takes a pages use count, not a pin: a purge frees the table in use. */
	.inherent = SGTABLE_HAZ(H11),
	/* An import's table is the attachment's: the helper hands it out as is. */
	.variants = SGTABLE_HAZ(H5),
	.clean_variants = SGTABLE_HAZ(H5),
	.unbind_keeps_mappings = true,
	.outcomes = c_helper_outcomes,
	.obj_size = sizeof(struct sgtable_object),
	.funcs = { .free = c_helper_free },
	.sg_table = c_helper_sg_table,
};
