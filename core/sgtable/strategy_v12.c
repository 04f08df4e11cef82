// SPDX-License-Identifier: GPL-2.0
/*
 * v12: "[PATCH v12 4/5] rust: drm: gem: Introduce shmem::SGTable" (21 Apr
 * 2026), as posted.  sgt_res is a plain field (UnsafeCell<Option<Devres>>)
 * protected by the object's dma_resv, taken with a NULL context on every call.
 *
 * Hazards the faithful port carries: H1 (free_callback releases the shmem
 * object before sgt_res drops), H3 (Devres::new failure frees the sgt but
 * not its page reference), H4 (no device check), H6 (revoked stays
 * populated).  Variants: H2 (run on devres-6.16 with devm_add_action
 * failing), H5 (imported objects), H8 (the owned SGTable's unlocked read of
 * the plain field, ported literally onto the owned_sg_table() fast path),
 * H10 (devres release without a grace period).
 */
#include <kernel/dma_resv.h>
#include <sgtable/strategy.h>

#include "sgtable_map.h"

struct v12_object {
	struct sgtable_object base;
	/*
	 * sgt_res: UnsafeCell<Option<Devres<SGTableMap<T>>>>, NULL for None.
	 * "This is protected by the object's dma_resv lock."
	 */
	struct devres *sgt_res;
};

static SGT_WINDOW_DEFINE(v12_populate_window, "v12-populate",
			 "v12: under resv, between get_pages_sgt_locked and storing sgt_res");

static struct v12_object *to_v12(struct sgtable_object *obj)
{
	return container_of(obj, struct v12_object, base);
}

static void v12_init(struct sgtable_object *obj)
{
	/* sgt_res: UnsafeCell::new(None) -- calloc did it. */
}

/*
 * Object::get_sg_table(): the Devres, or ERR_PTR.  Rust lines, in order:
 *   dma_resv_lock(self.raw_dma_resv(), ptr::null_mut())
 *   let sgt_res = (*sgt_res_ptr).as_ref()  ->  Some: Ok(sgt_res)
 *   None: drm_gem_shmem_get_pages_sgt_locked(); Devres::new(dev, init!(SGTableMap{obj}))
 *         Ok: *sgt_res_ptr = Some(devres)   Err: __drm_gem_shmem_free_sgt_locked()
 *   dma_resv_unlock(self.raw_dma_resv())
 */
static struct devres *v12_get_sg_table(struct v12_object *o, const struct device_bound *dev)
{
	struct drm_gem_shmem_object *shmem = &o->base.shmem;
	struct devres *ret;

	dma_resv_lock(shmem->base.resv, NULL);
	if (o->sgt_res) {
		ret = o->sgt_res;	/* under resv: the lock orders it */
	} else {
		struct sg_table *sgt = drm_gem_shmem_get_pages_sgt_locked(shmem);

		if (IS_ERR(sgt)) {
			ret = (struct devres *)sgt;
		} else {
			/* init!(SGTableMap { obj }) is lazy: nothing to drop if it never runs. */
			struct sgtable_map_init mi = { .value = { .obj = &o->base } };

			sgt_window_enter(&v12_populate_window);
			/*
			 * With devres-6.16 a failing devm_add_action drops the map
			 * inside Devres::new, and its Drop relocks resv: H2.
			 */
			ret = devres_new(dev, sizeof(struct sgtable_map), sgtable_map_move_init, &mi,
					 sgtable_map_drop);
			if (!IS_ERR(ret))	/* noted: the owned Deref reads it unlocked (H8) */
				sgt_plain_write(o->sgt_res, ret);
			else	/* frees the sgt, not its page reference: H3 */
				__drm_gem_shmem_free_sgt_locked(shmem);
			sgt_window_exit(&v12_populate_window);
		}
	}
	dma_resv_unlock(shmem->base.resv);
	return ret;
}

/* sg_table(): let sgt = self.get_sg_table(dev)?; Ok(sgt.access(dev)?.deref()) */
static struct sg_table *v12_sg_table(struct sgtable_object *obj, const struct device_bound *dev)
{
	/* No check that dev is the object's device: H4. */
	struct devres *res = v12_get_sg_table(to_v12(obj), dev);

	if (IS_ERR(res))
		return (struct sg_table *)res;
	return sgtable_map_access(res, dev);
}

/*
 * The owned SGTable<T>'s Deref: (*self.0.sgt_res.get()).as_ref().unwrap_unchecked(),
 * a plain read with no lock, on the strength of the type's invariant.
 */
static struct devres *v12_owned_deref(struct sgtable_owned *owned)
{
	return sgt_plain_read(to_v12(owned->obj)->sgt_res);
}

/* owned_sg_table(): self.get_sg_table(dev)?; Ok(SGTable(self.into())) */
static int v12_owned_sg_table(struct sgtable_object *obj, const struct device_bound *dev,
			      struct sgtable_owned *out)
{
	struct v12_object *o = to_v12(obj);
	struct devres *res;

	/*
	 * H8 variant: the Deref's unlocked read, ported literally onto the
	 * entry: a populated field is trusted without the lock, with no
	 * acquire to pair with the populating thread's write.
	 */
	if ((obj->hazards & SGTABLE_HAZ(H8)) && v12_owned_deref(&(struct sgtable_owned){ obj }))
		goto out;
	res = v12_get_sg_table(o, dev);
	if (IS_ERR(res))
		return (int)PTR_ERR(res);
out:
	sgtable_object_get(obj);	/* self.into(): ARef<Object> */
	out->obj = obj;
	return 0;
}

/*
 * free_callback() as posted: drm_gem_shmem_release(this) first, then
 * KBox::from_raw(this) drops the fields in order, sgt_res first: its
 * SGTableMap then runs after the release freed the sgt and finished the
 * resv (H1).
 */
static void v12_free(struct drm_gem_object *gem)
{
	struct v12_object *o = to_v12(container_of(gem, struct sgtable_object, shmem.base));

	drm_gem_shmem_release(&o->base.shmem);
	if (o->sgt_res)
		devres_drop(o->sgt_res);
	sgtable_object_free(&o->base);
}

/*
 * No device check (H4): a foreign device that populates first gets a table
 * (TABLE_FOREIGN, forbidden) and the object's own device then gets -EINVAL
 * (EINVAL_OWN, forbidden).  Owned handles exist in v12 only.
 */
static const enum sgt_grade v12_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	/* Once populated on its own device, Devres::access refuses another. */
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,
	[SGTABLE_OUT_OWNED_TABLE] = SGT_ACCEPTABLE,
	[SGTABLE_OUT_OWNED_REVOKED] = SGT_ACCEPTABLE,
};

const struct sgtable_strategy_ops sgtable_v12_ops = {
	.name = "v12",
	.next = "v14-lazyinit",
	.kernel = "v12 4/5 (21 Apr 2026), as posted",
	.fast_path = "dma_resv (NULL ctx)",
	.slow_path = "dma_resv (NULL ctx); Devres::new under it",
	.lock_choice = "dma_resv",
	.lockfree_fast_path = false,
	.windows = (const struct sgt_window *const[]){ &v12_populate_window, NULL },
	.conflicts = (const struct sgt_window_conflict[]){
		{ &v12_populate_window, &v12_populate_window },
		{ NULL, NULL },
	},
	/* H11: its map takes a pages use count, not a pin: a purge frees the table under it. */
	.inherent = SGTABLE_HAZ(H1) | SGTABLE_HAZ(H3) | SGTABLE_HAZ(H4) | SGTABLE_HAZ(H6) |
		    SGTABLE_HAZ(H11),
	/* Its table is never repopulated: H6 is mostly a stale -ENODEV, a use after unmap in some runs. */
	.rare_in_short_runs = SGTABLE_HAZ(H6),
	.variants = SGTABLE_HAZ(H2) | SGTABLE_HAZ(H5) | SGTABLE_HAZ(H8) | SGTABLE_HAZ(H10),
	.outcomes = v12_outcomes,
	.obj_size = sizeof(struct v12_object),
	.funcs = { .free = v12_free },
	.init = v12_init,
	.sg_table = v12_sg_table,
	.owned_sg_table = v12_owned_sg_table,
	.owned_deref = v12_owned_deref,
};
