// SPDX-License-Identifier: GPL-2.0
/*
 * v12-review: Alexandre Courbot's rewrite of get_sg_table() in his review of
 * v12 (the seed): sgt_res becomes a SetOnce, and a DmaResvGuard (here
 * guard(dma_resv)) takes the resv with a NULL context on every call, fast
 * path included.  The rest of v12 -- free_callback, no device check -- is
 * unchanged, so it carries v12's H1, H3, H4 and H6.  Variants: H2, H5, H10.
 */
#include <kernel/dma_resv.h>
#include <kernel/set_once.h>
#include <sgtable/strategy.h>

#include "sgtable_map.h"

struct v12_review_object {
	struct sgtable_object base;
	struct set_once sgt_res;	/* sgt_res: SetOnce<Devres<SGTableMap<T>>> */
};

static SGT_WINDOW_DEFINE(v12r_populate_window, "v12-review-populate",
			 "v12-review: under resv, between get_pages_sgt_locked and populate");

static struct v12_review_object *to_v12r(struct sgtable_object *obj)
{
	return container_of(obj, struct v12_review_object, base);
}

static void v12r_init(struct sgtable_object *obj)
{
	set_once_init(&to_v12r(obj)->sgt_res);
}

static struct devres *v12r_get_sg_table(struct v12_review_object *o,
					const struct device_bound *dev)
{
	struct drm_gem_shmem_object *shmem = &o->base.shmem;
	struct sgtable_map_init mi = { .value = { .obj = &o->base } };
	struct devres *devres;
	struct sg_table *sgt;

	/* let _dma_resv = DmaResvGuard::new(self); */
	guard(dma_resv)(shmem->base.resv);

	/* if let Some(devres) = self.sgt_res.as_ref() { Ok(devres) } */
	devres = set_once_as_ref(&o->sgt_res);
	if (devres)
		return devres;

	/* from_err_ptr(drm_gem_shmem_get_pages_sgt_locked(self.as_raw_shmem()))?; */
	sgt = drm_gem_shmem_get_pages_sgt_locked(shmem);
	if (IS_ERR(sgt))
		return (struct devres *)sgt;

	sgt_window_enter(&v12r_populate_window);
	/* Devres::new(dev, init!(SGTableMap { obj })).inspect_err(|_| free_sgt_locked)? */
	devres = devres_new(dev, sizeof(struct sgtable_map), sgtable_map_move_init, &mi, sgtable_map_drop);
	if (IS_ERR(devres)) {
		__drm_gem_shmem_free_sgt_locked(shmem);	/* page reference kept: H3 */
		sgt_window_exit(&v12r_populate_window);
		return devres;
	}
	/* self.sgt_res.populate(devres);  -- under resv, so it cannot lose */
	set_once_populate(&o->sgt_res, devres, sgtable_devres_drop_cb);
	sgt_window_exit(&v12r_populate_window);
	/* PANIC: `populate` has just succeeded. Ok(self.sgt_res.as_ref().unwrap()) */
	return set_once_as_ref(&o->sgt_res);
}

static struct sg_table *v12r_sg_table(struct sgtable_object *obj, const struct device_bound *dev)
{
	struct devres *res = v12r_get_sg_table(to_v12r(obj), dev);

	if (IS_ERR(res))
		return (struct sg_table *)res;
	return sgtable_map_access(res, dev);
}

/* v12's free_callback, unchanged by the review: release first (H1). */
static void v12r_free(struct drm_gem_object *gem)
{
	struct v12_review_object *o =
		to_v12r(container_of(gem, struct sgtable_object, shmem.base));

	drm_gem_shmem_release(&o->base.shmem);
	set_once_destroy(&o->sgt_res, sgtable_devres_drop_cb);
	sgtable_object_free(&o->base);
}

/* As v12, without owned handles. */
static const enum sgt_grade v12r_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	/* Once populated on its own device, Devres::access refuses another. */
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,
};

const struct sgtable_strategy_ops sgtable_v12_review_ops = {
	.name = "v12-review",
	.next = "v14-lazyinit",
	.kernel = "v12 review rewrite (Courbot)",
	.fast_path = "dma_resv (NULL ctx), DmaResvGuard",
	.slow_path = "dma_resv (NULL ctx); Devres::new under it; SetOnce::populate",
	.lock_choice = "dma_resv",
	.lockfree_fast_path = false,
	.windows = (const struct sgt_window *const[]){ &v12r_populate_window, NULL },
	.conflicts = (const struct sgt_window_conflict[]){
		{ &v12r_populate_window, &v12r_populate_window },
		{ NULL, NULL },
	},
	/* H11: its map takes a pages use count, not a pin: a purge frees the table under it. */
	.inherent = SGTABLE_HAZ(H1) | SGTABLE_HAZ(H3) | SGTABLE_HAZ(H4) | SGTABLE_HAZ(H6) |
		    SGTABLE_HAZ(H11),
	.variants = SGTABLE_HAZ(H2) | SGTABLE_HAZ(H5) | SGTABLE_HAZ(H10),
	.outcomes = v12r_outcomes,
	.obj_size = sizeof(struct v12_review_object),
	.funcs = { .free = v12r_free },
	.init = v12r_init,
	.sg_table = v12r_sg_table,
};
