// SPDX-License-Identifier: GPL-2.0
/*
 * v19: "[PATCH v19 4/4] rust: drm: gem: Introduce shmem::Object::sg_table()"
 * (8 Jun 2026), the version after review (V13..V19).  Device check first; a
 * lock-free SetOnce fast path; a plain mutex sgt_lock serialising the slow
 * path; SGTableMap::new takes the resv itself (drm_gem_shmem_get_pages_sgt);
 * free_callback drops sgt_res (ManuallyDrop) before drm_gem_shmem_release.
 *
 * Hazards the faithful port carries: H3 (SGTableMap::new runs before
 * Devres::new; a failing Devres::new drops the map, which frees the sgt but
 * not its page reference), H6, and with devres-2026 H7 (free racing an
 * unbind whose release is in flight).  Variants: H5, H9 (no sgt_lock), H10.
 */
#include <kernel/mutex.h>
#include <kernel/set_once.h>
#include <sgtable/strategy.h>

#include "sgtable_map.h"

struct v19_object {
	struct sgtable_object base;
	struct set_once sgt_res;	/* ManuallyDrop<SetOnce<Devres<SGTableMap>>> */
	struct mutex sgt_lock;		/* Lock for protecting initialization of sgt_res */
};

static SGT_WINDOW_DEFINE(v19_check_populate_window, "v19-check-populate",
			 "v19: between the SetOnce check and populate");

static struct v19_object *to_v19(struct sgtable_object *obj)
{
	return container_of(obj, struct v19_object, base);
}

static void v19_init(struct sgtable_object *obj)
{
	struct v19_object *o = to_v19(obj);

	set_once_init(&o->sgt_res);	/* ManuallyDrop::new(SetOnce::new()) */
	mutex_init(&o->sgt_lock);	/* new_mutex!(()) */
}

/* Slow path: grab the lock and see if we need to initialize sgt_res. */
static struct devres *v19_populate(struct v19_object *o, const struct device_bound *dev)
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
	sgt_window_enter(&v19_check_populate_window);
	/* self.sgt_res.populate(Devres::new(dev, SGTableMap::new(self))?); */
	res = sgtable_map_devres_new(dev, &o->base, sgtable_map_drop);
	if (!IS_ERR(res)) {
		/*
		 * "populate() cannot return false, as sgt_res must be unpopulated,
		 * and we must hold sgt_lock" -- without the lock (H9) it can, and
		 * the loser's Devres is dropped, freeing the shared sgt.
		 */
		set_once_populate(&o->sgt_res, res, sgtable_devres_drop_cb);
		/* SAFETY: We just populated sgt_res above. */
		res = set_once_as_ref(&o->sgt_res);
	}
	sgt_window_exit(&v19_check_populate_window);
out:
	if (serialise)
		mutex_unlock(&o->sgt_lock);
	return res;
}

/*
 * The rest of sg_table() after the slow path, out of line with it: the fast
 * path then ends in a tail call, keeps nothing live across a call, and
 * needs no stack frame (the Rust is one function; the split is codegen only).
 */
static __cold struct sg_table *v19_sg_table_slow(struct v19_object *o,
						 const struct device_bound *dev)
{
	struct devres *res = v19_populate(o, dev);

	if (IS_ERR(res))	/* the `?`s of the slow path */
		return (struct sg_table *)res;
	return sgtable_map_access(res, dev);
}

static struct sg_table *v19_sg_table(struct sgtable_object *obj, const struct device_bound *dev)
{
	struct v19_object *o = to_v19(obj);
	struct devres *res;

	/* if dev.as_raw() != self.dev().as_ref().as_raw() { return Err(EINVAL); } */
	if (dev->dev != sgtable_object_device(obj))
		return ERR_PTR(-EINVAL);
	/* Fast path: sgt_res is already initialized */
	res = set_once_as_ref(&o->sgt_res);
	if (unlikely(!res))
		return v19_sg_table_slow(o, dev);
	return sgtable_map_access(res, dev);	/* Ok(sgt_res.access(dev)?) */
}

/*
 * free_callback(): "We need to drop sgt_res first, since doing so requires
 * that the GEM object is still alive": ManuallyDrop::drop(&mut sgt_res),
 * then drm_gem_shmem_release(base), then KBox::from_raw(this).
 */
static void v19_free(struct drm_gem_object *gem)
{
	struct v19_object *o = to_v19(container_of(gem, struct sgtable_object, shmem.base));

	set_once_destroy(&o->sgt_res, sgtable_devres_drop_cb);
	drm_gem_shmem_release(&o->base.shmem);
	mutex_destroy(&o->sgt_lock);
	sgtable_object_free(&o->base);
}

static const enum sgt_grade v19_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,	/* the device check */
};

const struct sgtable_strategy_ops sgtable_v19_ops = {
	.name = "v19",
	.next = "merged",
	.kernel = "v19 4/4 (8 Jun 2026), V13..V19",
	.fast_path = "none: device check, SetOnce acquire load",
	.slow_path = "sgt_lock (mutex); SGTableMap::new takes resv",
	.lock_choice = "mutex",
	.lockfree_fast_path = true,
	.bench_reference = true,
	.windows = (const struct sgt_window *const[]){ &v19_check_populate_window, NULL },
	.conflicts = (const struct sgt_window_conflict[]){
		{ &v19_check_populate_window, &v19_check_populate_window },
		{ &v19_check_populate_window, &devres_release_window },
		{ NULL, NULL },
	},
	/* H11: its map takes a pages use count, not a pin: a purge frees the table under it. */
	.inherent = SGTABLE_HAZ(H3) | SGTABLE_HAZ(H6) | SGTABLE_HAZ(H7) |
		    SGTABLE_HAZ(H11),
	.variants = SGTABLE_HAZ(H5) | SGTABLE_HAZ(H9) | SGTABLE_HAZ(H10),
	.outcomes = v19_outcomes,
	.obj_size = sizeof(struct v19_object),
	.funcs = { .free = v19_free },
	.init = v19_init,
	.sg_table = v19_sg_table,
};
