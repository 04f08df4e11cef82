/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The GEM shmem object, after drivers/gpu/drm/drm_gem_shmem_helper.c, with
 * real page memory, including the series' exported
 * drm_gem_shmem_get_pages_sgt_locked() and __drm_gem_shmem_free_sgt_locked().
 *
 * Release order (drm_gem_shmem_release): under the resv lock free the sgt if
 * any, put the pages once, warn (SGT_V_PAGE_COUNT) if pages_use_count or
 * pages_pin_count is then non-zero; unlock; dma_resv_fini.  An imported
 * object's sgt belongs to the exporter: release gives it back through the
 * attachment instead.
 *
 * The shrinker, as mainline has it (drm_gem_shmem_madvise_locked(),
 * drm_gem_shmem_is_purgeable(), drm_gem_shmem_purge_locked()): user space
 * marks an object DONTNEED (madv > 0); a shrinker scanning the LRU purges a
 * purgeable one under its resv -- unmap and free the sgt, sgt = NULL, put
 * the pages, madv = -1 (purged for good).  Purgeable: madv > 0, no pin, a
 * table to free, neither imported nor exported (an exporter's pages are
 * pinned while an importer maps them).  A use count, as SGTableMap::new()
 * takes, does not keep an object from being purged; a pin does.
 */
#ifndef SGT_GEM_SHMEM_H
#define SGT_GEM_SHMEM_H

#include <stdatomic.h>
#include <kernel/device.h>
#include <kernel/dma_map.h>
#include <kernel/dma_resv.h>
#include <kernel/kref.h>

struct drm_device {
	struct device *dev;	/* the parent device DMA maps for */
};

struct drm_gem_object;
struct drm_gem_shmem_object;

struct drm_gem_object_funcs {
	/* Called on the last drm_gem_object_put(); frees the object. */
	void (*free)(struct drm_gem_object *obj);
};

/* dma-buf import: the exporter's pages, mapped for the importer's device. */
struct dma_buf_attachment {
	struct drm_gem_shmem_object *exporter;
	struct device *dev;
	struct sg_table *sgt;
	uint64_t dma_cookie;	/* the exporter's mapping, to see it outlive us */
};

struct drm_gem_object {
	struct kref refcount;
	struct drm_device *dev;
	size_t size;
	struct dma_resv *resv;		/* &_resv, or a parent object's */
	struct dma_resv _resv;
	const struct drm_gem_object_funcs *funcs;
	struct dma_buf_attachment *import_attach;
};

struct drm_gem_shmem_object {
	struct drm_gem_object base;
	struct page **pages;		/* under resv */
	atomic_int pages_use_count;	/* refcount_t; changed under resv */
	atomic_int pages_pin_count;
	struct sg_table *sgt;		/* under resv */
	int madv;			/* under resv: 0, DONTNEED (> 0), or -1 purged */
};

/* The drivers' madvise values (panfrost's, msm's): 0 keep, 1 may be purged. */
#define DRM_GEM_MADV_WILLNEED	0
#define DRM_GEM_MADV_DONTNEED	1

/* parent_resv: NULL for the object's own, else a parent object's resv. */
void drm_gem_shmem_init(struct drm_device *dev, struct drm_gem_shmem_object *shmem,
			size_t size, struct dma_resv *parent_resv,
			const struct drm_gem_object_funcs *funcs);
/* An object importing exporter's pages for dev: its sgt is the attachment's. */
int drm_gem_shmem_init_imported(struct drm_device *dev, struct drm_gem_shmem_object *shmem,
				struct drm_gem_shmem_object *exporter,
				const struct drm_gem_object_funcs *funcs);

static inline bool drm_gem_is_imported(const struct drm_gem_object *obj)
{
	return obj->import_attach != NULL;
}

void drm_gem_object_get(struct drm_gem_object *obj);
void drm_gem_object_put(struct drm_gem_object *obj);

int drm_gem_shmem_get_pages_locked(struct drm_gem_shmem_object *shmem);
void drm_gem_shmem_put_pages_locked(struct drm_gem_shmem_object *shmem);

/* A new table over the pages (not mapped); the caller holds a pages reference. */
struct sg_table *drm_gem_shmem_get_sg_table(struct drm_gem_shmem_object *shmem);
/* Pin pages, build and DMA-map the table on obj->dev; takes one pages_use_count. */
struct sg_table *drm_gem_shmem_get_pages_sgt_locked(struct drm_gem_shmem_object *shmem);
struct sg_table *drm_gem_shmem_get_pages_sgt(struct drm_gem_shmem_object *shmem);
/* Unmap and free the table, sgt = NULL; puts no page reference. */
void __drm_gem_shmem_free_sgt_locked(struct drm_gem_shmem_object *shmem);

/* Pin the pages (pages_pin_count), taking a use count with the first pin; under resv. */
int drm_gem_shmem_pin_locked(struct drm_gem_shmem_object *shmem);
void drm_gem_shmem_unpin_locked(struct drm_gem_shmem_object *shmem);

/* Set madv unless purged; returns whether the object is not purged (madv >= 0). */
int drm_gem_shmem_madvise_locked(struct drm_gem_shmem_object *shmem, int madv);
bool drm_gem_shmem_is_purgeable(struct drm_gem_shmem_object *shmem);
/* Under resv, of a purgeable object: unmap and free the sgt, put the pages, madv = -1. */
void drm_gem_shmem_purge_locked(struct drm_gem_shmem_object *shmem);

/* From the free callback, last: see the release order above. */
void drm_gem_shmem_release(struct drm_gem_shmem_object *shmem);

/* Pages allocated and not yet freed, over every object (leak checks). */
long drm_gem_shmem_pages_live(void);

#endif /* SGT_GEM_SHMEM_H */
