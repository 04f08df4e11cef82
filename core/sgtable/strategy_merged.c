// SPDX-License-Identifier: GPL-2.0
/*
 * merged: the code that shipped, 616c229ab010 "rust: drm: gem: Introduce
 * shmem::Object::sg_table()" (series v21, posted 12 Jun 2026; in
 * drm-rust-next by 28 Jun 2026, in drm-next by Aug 2026).  Its sg_table()
 * is v19's but for two things:
 *
 *  - the device check compares with the parent device:
 *	let parent = self.dev().as_ref();
 *	if dev.as_raw() != parent.as_ref().as_raw() { return Err(EINVAL); }
 *    (drm::Device's AsRef now yields the ParentDevice).  In C both name
 *    drm_device->dev, the device DMA maps for, so the check compares the
 *    same pointer as v19's; the change is in the Rust types.
 *  - Object has parent_resv_obj: Option<ARef<Object<T>>>, the parent
 *    object that owns this object's resv, held until the object's box is
 *    freed (struct sgtable_object's parent_resv_obj, common to every port).
 *
 * SGTableMap::{new,drop} and free_callback are unchanged from v19, so the
 * shipped code carries what v19 carries: H3 (a failing Devres::new drops a
 * map that frees the sgt but not its page reference), H6, H7 with the
 * Devres before R2/R3, and H11 (SGTableMap::new takes a pages use count,
 * not a pin: the shrinker purges under a live map).  Variants: H5 (the
 * map's drop frees an import's sgt), H9 (no sgt_lock), H10.
 */
#include <kernel/mutex.h>
#include <kernel/set_once.h>
#include <sgtable/strategy.h>

#include "sgtable_map.h"

struct merged_object {
	struct sgtable_object base;	/* obj: Opaque<drm_gem_shmem_object>; parent_resv_obj */
	struct set_once sgt_res;	/* ManuallyDrop<SetOnce<Devres<SGTableMap<T>>>> */
	struct mutex sgt_lock;		/* Lock for protecting initialization of `sgt_res` */
};

static SGT_WINDOW_DEFINE(merged_check_populate_window, "merged-check-populate",
			 "merged: between the SetOnce check and populate");

static struct merged_object *to_merged(struct sgtable_object *obj)
{
	return container_of(obj, struct merged_object, base);
}

static void merged_init(struct sgtable_object *obj)
{
	struct merged_object *o = to_merged(obj);

	set_once_init(&o->sgt_res);	/* sgt_res: ManuallyDrop::new(SetOnce::new()) */
	mutex_init(&o->sgt_lock);	/* sgt_lock <- new_mutex!(()) */
}

/* Slow path: Grab the lock and see if we need to initialize sgt_res. */
static struct devres *merged_populate(struct merged_object *o, const struct device_bound *dev)
{
	bool serialise = !(o->base.hazards & SGTABLE_HAZ(H9));
	struct devres *res;

	/* let _guard = self.sgt_lock.lock();   (H9: skipped) */
	if (serialise)
		mutex_lock(&o->sgt_lock);
	/* If someone initialized it while we were waiting, we can exit early. */
	res = set_once_as_ref(&o->sgt_res);
	if (res)
		goto out;
	sgt_window_enter(&merged_check_populate_window);
	/* self.sgt_res.populate(Devres::new(dev, SGTableMap::new(self))?); */
	res = sgtable_map_devres_new(dev, &o->base, sgtable_map_drop);
	if (!IS_ERR(res)) {
		/* "populate() cannot return false, as sgt_res must be unpopulated ..." */
		set_once_populate(&o->sgt_res, res, sgtable_devres_drop_cb);
		/* SAFETY: We just populated sgt_res above. */
		res = set_once_as_ref(&o->sgt_res);
	}
	sgt_window_exit(&merged_check_populate_window);
out:
	if (serialise)
		mutex_unlock(&o->sgt_lock);
	return res;
}

/* The slow path and the access after it, out of line: the fast path needs no frame. */
static __cold struct sg_table *merged_sg_table_slow(struct merged_object *o,
						    const struct device_bound *dev)
{
	struct devres *res = merged_populate(o, dev);

	if (IS_ERR(res))	/* the `?`s of the slow path */
		return (struct sg_table *)res;
	return sgtable_map_access(res, dev);
}

static struct sg_table *merged_sg_table(struct sgtable_object *obj,
					const struct device_bound *dev)
{
	struct merged_object *o = to_merged(obj);
	/* let parent = self.dev().as_ref();  -- drm_device->dev, the parent device */
	struct device *parent = obj->shmem.base.dev->dev;
	struct devres *res;

	/* if dev.as_raw() != parent.as_ref().as_raw() { return Err(EINVAL); } */
	if (dev->dev != parent)
		return ERR_PTR(-EINVAL);
	/* Fast path: sgt_res is already initialized */
	res = set_once_as_ref(&o->sgt_res);
	if (unlikely(!res))
		return merged_sg_table_slow(o, dev);
	return sgtable_map_access(res, dev);	/* Ok(sgt_res.access(dev)?) */
}

/*
 * free_callback(): "We need to drop `sgt_res` first, since doing so requires
 * that the GEM object is still alive", then drm_gem_shmem_release(base),
 * then KBox::from_raw(this), which drops parent_resv_obj.
 */
static void merged_free(struct drm_gem_object *gem)
{
	struct merged_object *o = to_merged(container_of(gem, struct sgtable_object,
							 shmem.base));

	set_once_destroy(&o->sgt_res, sgtable_devres_drop_cb);
	drm_gem_shmem_release(&o->base.shmem);
	mutex_destroy(&o->sgt_lock);
	sgtable_object_free(&o->base);
}

static const enum sgt_grade merged_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,	/* the parent device check */
};

const struct sgtable_strategy_ops sgtable_merged_ops = {
	.name = "merged",
	.shipped = true,
	.kernel = "616c229ab010 (v21 4/4, 12 Jun 2026; drm-rust-next, drm-next Aug 2026)",
	.fast_path = "none: parent device check, SetOnce acquire load",
	.slow_path = "sgt_lock (mutex); SGTableMap::new takes resv",
	.lock_choice = "mutex",
	.lockfree_fast_path = true,
	.windows = (const struct sgt_window *const[]){ &merged_check_populate_window, NULL },
	.conflicts = (const struct sgt_window_conflict[]){
		{ &merged_check_populate_window, &merged_check_populate_window },
		{ &merged_check_populate_window, &devres_release_window },
		{ NULL, NULL },
	},
	.inherent = SGTABLE_HAZ(H3) | SGTABLE_HAZ(H6) | SGTABLE_HAZ(H7) |
		    SGTABLE_HAZ(H11),
	.variants = SGTABLE_HAZ(H5) | SGTABLE_HAZ(H9) | SGTABLE_HAZ(H10),
	.outcomes = merged_outcomes,
	.obj_size = sizeof(struct merged_object),
	.funcs = { .free = merged_free },
	.init = merged_init,
	.sg_table = merged_sg_table,
};
