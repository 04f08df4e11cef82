// SPDX-License-Identifier: GPL-2.0
/*
 * v14-lazyinit: "[PATCH v14 6/6] rust: drm: gem: Introduce
 * shmem::Object::sg_table()" (26 May 2026; v15 6/6 the same): sgt_res is a
 * LazyInit<Devres<SGTableMap<T>>> (kernel/lazy_init.h) instead of v13's
 * Mutex<SetOnce<>>, and sg_table() is one init() call:
 *
 *	match self.sgt_res.init(Devres::new(dev, SGTableMap::new(self))) {
 *	    Ok(ret) | Err(LazyInitError::AlreadyInit(ret)) => Ok(ret.access(dev)?),
 *	    Err(LazyInitError::DuringInit(e)) => Err(e),
 *	}
 *
 * The argument is evaluated before init() is entered, and SGTableMap::new
 * does its work when called (drm_gem_shmem_get_pages_sgt()).  On every call
 * after the first, init() returns AlreadyInit and the unused initializer is
 * dropped with the SGTableMap it holds: its drop frees the shared
 * shmem->sgt, which the cached map still hands out (a NULL table, then a
 * table freed again), and the next call's SGTableMap::new takes another
 * pages use count for the table it rebuilds.  The review of v15 (29 May
 * 2026) rated it critical; no race is needed: R4.  v16 (2 Jun 2026) went
 * back to SetOnce and a mutex: v19's shape.
 */
#include <kernel/lazy_init.h>
#include <sgtable/strategy.h>

#include "sgtable_map.h"

struct v14_object {
	struct sgtable_object base;
	struct lazy_init sgt_res;	/* LazyInit<Devres<SGTableMap<T>>> */
};

/* Devres::new(dev, SGTableMap::new(self)), built: the map made, its Devres still to come. */
struct v14_initializer {
	const struct device_bound *dev;
	struct sgtable_map_init map;
	int map_err;			/* SGTableMap::new's error, for DuringInit */
};

static struct v14_object *to_v14(struct sgtable_object *obj)
{
	return container_of(obj, struct v14_object, base);
}

static void v14_init(struct sgtable_object *obj)
{
	lazy_init_new(&to_v14(obj)->sgt_res);	/* sgt_res <- new_lazy_init!() */
}

/* The initializer, run by init() only when the slot is empty: Devres::new consumes the map. */
static void *v14_devres_init(void *arg)
{
	struct v14_initializer *in = arg;

	if (in->map_err)
		return ERR_PTR(in->map_err);
	return sgtable_map_devres_wrap(in->dev, &in->map, sgtable_map_drop);
}

static struct sg_table *v14_sg_table(struct sgtable_object *obj, const struct device_bound *dev)
{
	struct v14_object *o = to_v14(obj);
	struct v14_initializer in = { .dev = dev };
	void *res;
	int ret;

	/* if dev.as_raw() != self.dev().as_ref().as_raw() { return Err(EINVAL); } */
	if (dev->dev != sgtable_object_device(obj))
		return ERR_PTR(-EINVAL);
	/* Devres::new(dev, SGTableMap::new(self)): the argument, built on every call. */
	in.map_err = sgtable_map_new(obj, &in.map);
	ret = lazy_init_init(&o->sgt_res, v14_devres_init, &in, &res);
	if (ret == LAZY_INIT_ALREADY && !in.map_err)
		/* The initializer was not run: dropping it drops its SGTableMap (R4). */
		sgtable_map_drop_unused(&in.map, sgtable_map_drop);
	else if (ret < 0)
		return ERR_PTR(ret);	/* Err(LazyInitError::DuringInit(e)) => Err(e) */
	return sgtable_map_access(res, dev);	/* Ok(ret.access(dev)?) */
}

/*
 * free_callback(): "We need to reset `sgt_res` first, since doing so
 * requires that the GEM object is still alive": sgt_res.reset(), then
 * drm_gem_shmem_release(base), then the box.
 */
static void v14_free(struct drm_gem_object *gem)
{
	struct v14_object *o = to_v14(container_of(gem, struct sgtable_object, shmem.base));

	lazy_init_reset(&o->sgt_res, sgtable_devres_drop_cb);
	drm_gem_shmem_release(&o->base.shmem);
	mutex_destroy(&o->sgt_res.lock);
	sgtable_object_free(&o->base);
}

static const enum sgt_grade v14_outcomes[SGTABLE_OUT_NR] = {
	SGTABLE_COMMON_OUTCOMES,
	[SGTABLE_OUT_EINVAL_FOREIGN] = SGT_ACCEPTABLE,	/* the device check */
};

const struct sgtable_strategy_ops sgtable_v14_lazyinit_ops = {
	.name = "v14-lazyinit",
	.next = "v19",
	.kernel = "v14 6/6 (26 May 2026), v15 the same",
	.fast_path = "LazyInit's mutex; SGTableMap::new built on every call",
	.slow_path = "the same call: init() runs Devres::new when empty",
	.lock_choice = "mutex",
	.lockfree_fast_path = false,
	/* H11: its map takes a pages use count, not a pin: a purge frees the table under it. */
	.inherent = SGTABLE_HAZ(H6) | SGTABLE_HAZ(H11),
	.reported = (const char *const[]){ "R4", NULL },
	.variants = SGTABLE_HAZ(H5) | SGTABLE_HAZ(H10),
	.outcomes = v14_outcomes,
	.obj_size = sizeof(struct v14_object),
	.funcs = { .free = v14_free },
	.init = v14_init,
	.sg_table = v14_sg_table,
};
