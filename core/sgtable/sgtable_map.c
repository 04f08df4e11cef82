// SPDX-License-Identifier: GPL-2.0
/* SGTableMap<T> of v12 4/5 and v19 4/4 (the Drop and Deref impls are the same in both). */
#include <stdlib.h>

#include "sgtable_map.h"

int sgtable_map_move_init(void *payload, void *arg)
{
	struct sgtable_map_init *mi = arg;

	*(struct sgtable_map *)payload = mi->value;
	mi->consumed = true;
	sgtable_object_pin(mi->value.obj);	/* the payload names it until its drop */
	return 0;
}

/* impl Drop for SGTableMap */
void sgtable_map_drop(void *payload)
{
	struct sgtable_object *obj = ((struct sgtable_map *)payload)->obj;
	/* SAFETY (Rust): `obj` is always valid via our type invariants.  H7 breaks that. */
	struct drm_gem_shmem_object *shmem = &obj->shmem;

	if (sgtable_object_check_alive(obj, "SGTableMap::drop")) {
		/* let _lock = DmaResvGuard::new(obj);  (v12: dma_resv_lock(obj, NULL)) */
		guard(dma_resv)(shmem->base.resv);
		__drm_gem_shmem_free_sgt_locked(shmem);
	}
	sgtable_object_unpin(obj);	/* the map's last touch of obj */
}

int sgtable_map_new(struct sgtable_object *obj, struct sgtable_map_init *mi)
{
	/* from_err_ptr(drm_gem_shmem_get_pages_sgt(obj.as_raw_shmem()))?; Ok(Self { obj }) */
	struct sg_table *sgt = drm_gem_shmem_get_pages_sgt(&obj->shmem);

	if (IS_ERR(sgt))
		return (int)PTR_ERR(sgt);
	*mi = (struct sgtable_map_init){ .value = { .obj = obj } };
	return 0;
}

struct devres *sgtable_map_devres_wrap(const struct device_bound *dev, struct sgtable_map_init *mi,
				   devres_drop_t drop)
{
	struct devres *res = devres_new(dev, sizeof(struct sgtable_map), sgtable_map_move_init, mi,
					drop);

	/* The SGTableMap value was built eagerly: an unused one is dropped. */
	if (IS_ERR(res))
		sgtable_map_drop_unused(mi, drop);
	return res;
}

void sgtable_map_drop_unused(struct sgtable_map_init *mi, devres_drop_t drop)
{
	if (mi->consumed)
		return;
	sgtable_object_pin(mi->value.obj);	/* the drop unpins */
	drop(&mi->value);
}

struct devres *sgtable_map_devres_new(const struct device_bound *dev, struct sgtable_object *obj,
				  devres_drop_t drop)
{
	struct sgtable_map_init mi;
	int ret = sgtable_map_new(obj, &mi);

	if (ret)
		return ERR_PTR(ret);
	return sgtable_map_devres_wrap(dev, &mi, drop);
}

void sgtable_devres_drop_cb(void *devres)
{
	devres_drop(devres);
}

struct sg_table *sgtable_map_deref_dead(struct sgtable_map *map)
{
	sgtable_object_report_dead(map->obj, "SGTableMap::deref");
	return NULL;
}

struct sg_table *sgtable_map_payload_sgt(void *payload)
{
	return sgtable_map_deref(payload);
}
