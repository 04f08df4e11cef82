// SPDX-License-Identifier: GPL-2.0
/*
 * fixed: the project's proposal.  v19's lock choice -- a lock-free fast path
 * (one acquire load and a generation compare) and a plain mutex for
 * population -- plus a fix for every hazard of the catalogue (docs/hazards.md) that applies:
 *
 *  H1  free drops the map before drm_gem_shmem_release (as v19);
 *  H3  each map owns the page reference SGTableMap::new takes, and puts it
 *      when dropped, on every error path too;
 *  H4  the device is checked before anything is populated;
 *  H5  an imported object's table is the exporter's: it is handed out as is
 *      (mapped for this device by the attachment), never wrapped in a map
 *      that would free it;
 *  H6  a resource is tagged with the device's bind generation; after an
 *      unbind and rebind it is stale, dropped, and populated again;
 *  H11 a map pins the pages (pages_pin_count) for its lifetime, so the
 *      shrinker never finds a mapped object purgeable;
 *  H7  free waits until every map of the object has been dropped, so an
 *      unbind release in flight finishes before the object goes away; and
 *      the mirror image: free drops its Devres inside a bound scope (or after
 *      an unbind in progress has finished), because on devres-2026 an unbind
 *      does not wait for a Devres::drop that won revoke_nosync(), and would
 *      otherwise complete with that drop's unmap still in flight.
 * H2 cannot happen: no lock is held across Devres::new.  H8..H10 are misuses
 * this code does not make.
 */
#include <check/atomic.h>
#include <stdlib.h>

#include <kernel/mutex.h>
#include <sgtable/strategy.h>
#include <check/wait.h>

#include "sgtable_map.h"

/* One population, valid for one binding of the device. */
struct fixed_res {
	struct devres *devres;		/* NULL once dropped (stale) */
	unsigned int bind_gen;		/* dev->bind_count when populated */
	struct fixed_res *older;	/* stale ones, kept until the object is freed */
};

struct fixed_object {
	struct sgtable_object base;
	/* Published with release under sgt_lock; read with acquire, no lock. */
	_Atomic(struct fixed_res *) res;
	struct mutex sgt_lock;
	atomic_int maps_live;		/* maps not yet dropped (H7) */
};

static SGT_WINDOW_DEFINE(fixed_check_populate_window, "fixed-check-populate",
			 "fixed: between the generation check and publishing");

static struct fixed_object *to_fixed(struct sgtable_object *obj)
{
	return container_of(obj, struct fixed_object, base);
}

static void fixed_init(struct sgtable_object *obj)
{
	struct fixed_object *o = to_fixed(obj);

	atomic_init(&o->res, NULL);
	mutex_init(&o->sgt_lock);
	atomic_init(&o->maps_live, 0);
}

/* The map's Drop: free the sgt and put the page reference its creation took (H3). */
static void fixed_map_drop(void *payload)
{
	struct sgtable_object *obj = ((struct sgtable_map *)payload)->obj;
	struct fixed_object *o = to_fixed(obj);
	struct drm_gem_shmem_object *shmem = &o->base.shmem;

	if (!sgtable_object_check_alive(obj, "fixed SGTableMap::drop")) {
		sgtable_object_unpin(obj);	/* never, by fixed_free()'s wait; reported if it were */
		return;
	}

	scoped_guard(dma_resv, shmem->base.resv) {
		__drm_gem_shmem_free_sgt_locked(shmem);
		drm_gem_shmem_put_pages_locked(shmem);
		drm_gem_shmem_unpin_locked(shmem);	/* H11: the map's pin */
	}
	sgtable_object_unpin(obj);
	/* The last thing touching o: free may proceed once this reaches 0 (H7). */
	if (sgt_atomic_fetch_sub(&o->maps_live, 1) == 1)
		wake_up_var(&o->maps_live);
}

static struct devres *fixed_map_devres_new(struct fixed_object *o,
					   const struct device_bound *dev)
{
	struct drm_gem_shmem_object *shmem = &o->base.shmem;
	struct sgtable_map_init mi;
	int ret;

	/* H11: pinned before the table exists, so no purge ever frees it under the map. */
	scoped_guard(dma_resv, shmem->base.resv)
		ret = drm_gem_shmem_pin_locked(shmem);
	if (ret)
		return ERR_PTR(ret);
	ret = sgtable_map_new(&o->base, &mi);
	if (ret) {
		scoped_guard(dma_resv, shmem->base.resv)
			drm_gem_shmem_unpin_locked(shmem);
		return ERR_PTR(ret);
	}
	sgt_atomic_fetch_add(&o->maps_live, 1);	/* a map exists from here on */
	return sgtable_map_devres_wrap(dev, &mi, fixed_map_drop);
}

/* dev is bound for the caller's whole scope, so bind_count cannot change under it. */
static unsigned int bound_gen(const struct device_bound *dev)
{
	/* Relaxed: the scope's entry (seq_cst) already ordered us after the bind. */
	return sgt_atomic_load_explicit(&dev->dev->bind_count, memory_order_relaxed);
}

static struct fixed_res *fixed_populate(struct fixed_object *o, const struct device_bound *dev)
{
	struct fixed_res *old, *r;
	struct devres *res;

	guard(mutex)(&o->sgt_lock);
	/* Relaxed: sgt_lock orders us after the previous publisher. */
	old = sgt_atomic_load_explicit(&o->res, memory_order_relaxed);
	if (old && old->bind_gen == bound_gen(dev))
		return old;
	if (old && old->devres) {
		/* Stale: revoked by the unbind that ended its binding, which has finished. */
		devres_drop(old->devres);
		old->devres = NULL;
	}
	sgt_window_enter(&fixed_check_populate_window);
	res = fixed_map_devres_new(o, dev);
	sgt_window_exit(&fixed_check_populate_window);
	if (IS_ERR(res))
		return (struct fixed_res *)res;
	r = malloc(sizeof(*r));
	if (!r)
		abort();
	*r = (struct fixed_res){ .devres = res, .bind_gen = bound_gen(dev), .older = old };
	/* Release: the Devres and the sgt behind it are complete before r is seen. */
	sgt_atomic_store_explicit(&o->res, r, memory_order_release);
	return r;
}

/* H5: an import's table belongs to the attachment, already mapped for its device. */
static struct sg_table *fixed_imported_sg_table(struct sgtable_object *obj)
{
	/* Set at import, before the object was shared; never rewritten by us. */
	return obj->shmem.sgt;
}

/* The slow path and the access after it, out of line: the fast path needs no frame. */
static __cold struct sg_table *fixed_sg_table_slow(struct fixed_object *o,
						   const struct device_bound *dev)
{
	struct fixed_res *r = fixed_populate(o, dev);

	if (IS_ERR(r))
		return (struct sg_table *)r;
	return sgtable_map_access(r->devres, dev);
}

static struct sg_table *fixed_sg_table(struct sgtable_object *obj, const struct device_bound *dev)
{
	struct fixed_object *o = to_fixed(obj);
	struct fixed_res *r;

	if (dev->dev != sgtable_object_device(obj))		/* H4 */
		return ERR_PTR(-EINVAL);
	if (drm_gem_is_imported(&obj->shmem.base))	/* H5 */
		return fixed_imported_sg_table(obj);
	sgt_sched_point(SGT_SP_LOAD, &o->res);
	/* Acquire: pairs with fixed_populate()'s release. */
	r = sgt_atomic_load_explicit(&o->res, memory_order_acquire);
	if (unlikely(!r || r->bind_gen != bound_gen(dev)))	/* H6 */
		return fixed_sg_table_slow(o, dev);
	return sgtable_map_access(r->devres, dev);
}

/* Drop the Devres so that no unbind of dev completes while its map is being dropped. */
static void fixed_drop_devres(struct devres *res, struct device *dev)
{
	struct device_bound b;

	if (!device_bound_enter(dev, &b)) {
		devres_drop(res);		/* unbind waits for our scope */
		device_bound_exit(&b);
		return;
	}
	device_wait_for_unbind(dev);		/* its release revokes the map */
	devres_drop(res);
}

static void fixed_free(struct drm_gem_object *gem)
{
	struct fixed_object *o = to_fixed(container_of(gem, struct sgtable_object, shmem.base));
	/* Relaxed: the last reference is gone; kref_put's acquire ordered us. */
	struct fixed_res *r = sgt_atomic_load_explicit(&o->res, memory_order_relaxed);

	if (r && r->devres)					/* H1: before the release */
		fixed_drop_devres(r->devres, sgtable_object_device(&o->base));
	/* H7: a release in flight drops the map later; wait for it. */
	wait_var_event(&o->maps_live, sgt_atomic_load(&o->maps_live) == 0);
	while (r) {
		struct fixed_res *older = r->older;

		free(r);
		r = older;
	}
	drm_gem_shmem_release(&o->base.shmem);
	mutex_destroy(&o->sgt_lock);
	sgtable_object_free(&o->base);
}

static const enum sgt_grade fixed_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,
};

const struct sgtable_strategy_ops sgtable_fixed_ops = {
	.name = "fixed",
	.kernel = "this project's proposal (v19 + fixes)",
	.fast_path = "none: device check, acquire load, generation compare",
	.slow_path = "sgt_lock (mutex); repopulates after rebind",
	.lock_choice = "mutex",
	.lockfree_fast_path = true,
	.declared_clean = true,
	.windows = (const struct sgt_window *const[]){ &fixed_check_populate_window, NULL },
	.conflicts = (const struct sgt_window_conflict[]){
		{ &fixed_check_populate_window, &fixed_check_populate_window },
		{ &fixed_check_populate_window, &devres_release_window },
		{ NULL, NULL },
	},
	.inherent = 0,
	.variants = SGTABLE_HAZ(H5) | SGTABLE_HAZ(H10),
	.clean_variants = SGTABLE_HAZ(H5) | SGTABLE_HAZ(H10),
	.outcomes = fixed_outcomes,
	.obj_size = sizeof(struct fixed_object),
	.funcs = { .free = fixed_free },
	.init = fixed_init,
	.sg_table = fixed_sg_table,
};
