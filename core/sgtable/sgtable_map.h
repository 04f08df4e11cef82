/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SGTableMap<T>: the Devres payload that unmaps and frees an object's sgt
 * when it is dropped, shared by the ported strategies.  Not a public API.
 */
#ifndef SGTABLE_SGTABLE_MAP_H
#define SGTABLE_SGTABLE_MAP_H

#include <check/atomic.h>
#include <sgtable/strategy.h>

/* Invariant: obj is valid and obj->shmem.sgt was created for this map. */
struct sgtable_map {
	struct sgtable_object *obj;
};

/* A moved-in map for Devres::new, and whether Devres::new consumed it. */
struct sgtable_map_init {
	struct sgtable_map value;
	bool consumed;
};

int sgtable_map_move_init(void *payload, void *arg);
/* Drop for SGTableMap: lock resv, __drm_gem_shmem_free_sgt_locked, unlock. */
void sgtable_map_drop(void *payload);
/* Deref of a map whose object was freed: reported (use after free); NULL. */
struct sg_table *sgtable_map_deref_dead(struct sgtable_map *map);

/*
 * impl Deref for SGTableMap: (*obj).sgt, read without the lock, as the
 * Rust's `(*obj.as_raw_shmem()).sgt`: it was written under resv before the
 * Devres holding this map was published (release/acquire), and is only
 * rewritten when the map is dropped, which unbind does after every bound
 * scope has left -- or by the shrinker's purge under resv (H11), which is
 * why the read is noted (check/atomic.h).  Inline, as everything on the
 * fast path.
 */
static inline struct sg_table *sgtable_map_deref(struct sgtable_map *map)
{
	if (unlikely(!sgtable_object_alive(map->obj)))
		return sgtable_map_deref_dead(map);	/* a tail call: no frame here */
	return sgt_plain_read(map->obj->shmem.sgt);
}

/*
 * v19's SGTableMap::new(obj): drm_gem_shmem_get_pages_sgt() (taking the resv
 * itself), then the map value.  0 or a negative errno; no map on error.
 */
int sgtable_map_new(struct sgtable_object *obj, struct sgtable_map_init *mi);
/* A built map nothing consumed, dropped as Rust drops an unused value (drop unpins). */
void sgtable_map_drop_unused(struct sgtable_map_init *mi, devres_drop_t drop);
/* Devres::new(dev, map): a map Devres::new did not consume is dropped. */
struct devres *sgtable_map_devres_wrap(const struct device_bound *dev, struct sgtable_map_init *mi,
				   devres_drop_t drop);

/*
 * v19's Devres::new(dev, SGTableMap::new(obj)): SGTableMap::new runs first
 * (drm_gem_shmem_get_pages_sgt, taking the resv itself); a map Devres::new
 * did not consume is dropped, as Rust drops an unused value.
 */
struct devres *sgtable_map_devres_new(const struct device_bound *dev, struct sgtable_object *obj,
				  devres_drop_t drop);

/* Devres::access(dev) then SGTableMap::deref: what sg_table() returns. */
static inline struct sg_table *sgtable_map_access(struct devres *res,
						  const struct device_bound *dev)
{
	/* Ok(sgt_res.access(dev)?) -- then the deref to &SGTable */
	struct sgtable_map *map = devres_access(res, dev);

	if (IS_ERR(map))
		return (struct sg_table *)map;
	return sgtable_map_deref(map);
}

void sgtable_devres_drop_cb(void *devres);	/* SetOnce's drop of a Devres */

#endif /* SGTABLE_SGTABLE_MAP_H */
