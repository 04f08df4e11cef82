// SPDX-License-Identifier: GPL-2.0
#include <check/atomic.h>
#include <stdlib.h>
#include <string.h>

#include <check/fault.h>
#include <check/quarantine.h>
#include <kernel/gem_shmem.h>
#include <check/violation.h>

static atomic_long pages_live;

long drm_gem_shmem_pages_live(void)
{
	return sgt_atomic_load(&pages_live);
}

static unsigned int shmem_npages(const struct drm_gem_shmem_object *shmem)
{
	return (unsigned int)(shmem->base.size / PAGE_SIZE);
}

void drm_gem_shmem_init(struct drm_device *dev, struct drm_gem_shmem_object *shmem,
			size_t size, struct dma_resv *parent_resv,
			const struct drm_gem_object_funcs *funcs)
{
	struct drm_gem_object *obj = &shmem->base;

	kref_init(&obj->refcount);
	obj->dev = dev;
	obj->size = (size + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
	dma_resv_init(&obj->_resv);	/* always, as drm_gem_private_object_init() */
	obj->resv = parent_resv ? parent_resv : &obj->_resv;
	obj->funcs = funcs;
	obj->import_attach = NULL;
	shmem->pages = NULL;
	atomic_init(&shmem->pages_use_count, 0);
	atomic_init(&shmem->pages_pin_count, 0);
	sgt_plain_write(shmem->sgt, NULL);
	shmem->madv = DRM_GEM_MADV_WILLNEED;
}

static void drm_gem_object_free(struct kref *kref)
{
	struct drm_gem_object *obj = container_of(kref, struct drm_gem_object, refcount);

	obj->funcs->free(obj);
}

void drm_gem_object_get(struct drm_gem_object *obj)
{
	kref_get(&obj->refcount);
}

void drm_gem_object_put(struct drm_gem_object *obj)
{
	kref_put(&obj->refcount, drm_gem_object_free);
}

static void free_pages_array(struct page **pages, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		/* An accessor may still be walking them (H11): freed later. */
		sgt_quarantine_free(pages[i]->vaddr);
		sgt_quarantine_free(pages[i]);
	}
	sgt_quarantine_free(pages);
	sgt_atomic_sub(&pages_live, n);	/* a count: read after the run */
}

static struct page **alloc_pages_array(unsigned int n)
{
	struct page **pages;

	if (sgt_should_fail(SGT_FAULT_PAGE_ALLOC))
		return ERR_PTR(-ENOMEM);
	pages = calloc(n, sizeof(*pages));
	for (unsigned int i = 0; pages && i < n; i++) {
		pages[i] = malloc(sizeof(**pages));
		if (pages[i])
			pages[i]->vaddr = calloc(1, PAGE_SIZE);
		if (!pages[i] || !pages[i]->vaddr)
			abort();	/* the model's own allocation: not a fault point */
	}
	if (!pages)
		return ERR_PTR(-ENOMEM);
	sgt_atomic_add(&pages_live, n);
	return pages;
}

int drm_gem_shmem_get_pages_locked(struct drm_gem_shmem_object *shmem)
{
	struct page **pages;

	dma_resv_assert_held(shmem->base.resv);
	/* refcount_inc_not_zero(): changed under resv, atomic for readers of the count. */
	if (sgt_atomic_load(&shmem->pages_use_count) > 0) {
		sgt_atomic_fetch_add(&shmem->pages_use_count, 1);
		return 0;
	}
	pages = alloc_pages_array(shmem_npages(shmem));
	if (IS_ERR(pages))
		return (int)PTR_ERR(pages);
	shmem->pages = pages;
	sgt_atomic_store(&shmem->pages_use_count, 1);
	return 0;
}

void drm_gem_shmem_put_pages_locked(struct drm_gem_shmem_object *shmem)
{
	int old;

	dma_resv_assert_held(shmem->base.resv);
	old = sgt_atomic_fetch_sub(&shmem->pages_use_count, 1);
	if (old <= 0) {
		sgt_atomic_fetch_add(&shmem->pages_use_count, 1);
		sgt_violation(SGT_V_PAGE_COUNT, "put_pages with pages_use_count %d", old);
		return;
	}
	if (old == 1) {
		free_pages_array(shmem->pages, shmem_npages(shmem));
		shmem->pages = NULL;
	}
}

struct sg_table *drm_gem_shmem_get_sg_table(struct drm_gem_shmem_object *shmem)
{
	struct sg_table *sgt = calloc(1, sizeof(*sgt));

	if (!sgt)
		return ERR_PTR(-ENOMEM);
	if (sg_alloc_table_from_pages(sgt, shmem->pages, shmem_npages(shmem))) {
		free(sgt);
		return ERR_PTR(-ENOMEM);
	}
	return sgt;
}

struct sg_table *drm_gem_shmem_get_pages_sgt_locked(struct drm_gem_shmem_object *shmem)
{
	struct drm_gem_object *obj = &shmem->base;
	struct sg_table *sgt;
	int ret;

	dma_resv_assert_held(obj->resv);
	if (sgt_plain_read(shmem->sgt))
		return sgt_plain_read(shmem->sgt);

	ret = drm_gem_shmem_get_pages_locked(shmem);
	if (ret)
		return ERR_PTR(ret);
	sgt = drm_gem_shmem_get_sg_table(shmem);
	if (IS_ERR(sgt)) {
		ret = (int)PTR_ERR(sgt);
		goto err_put_pages;
	}
	ret = dma_map_sgtable(obj->dev->dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (ret)
		goto err_free_sgt;
	sgt_plain_write(shmem->sgt, sgt);
	return sgt;

err_free_sgt:
	sg_free_table(sgt);
	free(sgt);
err_put_pages:
	drm_gem_shmem_put_pages_locked(shmem);
	return ERR_PTR(ret);
}

struct sg_table *drm_gem_shmem_get_pages_sgt(struct drm_gem_shmem_object *shmem)
{
	struct sg_table *sgt;
	int ret;

	ret = dma_resv_lock_interruptible(shmem->base.resv, NULL);
	if (ret)
		return ERR_PTR(ret);
	sgt = drm_gem_shmem_get_pages_sgt_locked(shmem);
	dma_resv_unlock(shmem->base.resv);
	return sgt;
}

void __drm_gem_shmem_free_sgt_locked(struct drm_gem_shmem_object *shmem)
{
	/* Noted: a map's user reads shmem->sgt without resv (sgtable_map_deref()). */
	struct sg_table *sgt = sgt_plain_read(shmem->sgt);

	dma_resv_assert_held(shmem->base.resv);
	dma_unmap_sgtable(shmem->base.dev->dev, sgt, DMA_BIDIRECTIONAL, 0);
	if (sgt)
		sg_free_table(sgt);
	sgt_quarantine_free(sgt);
	sgt_plain_write(shmem->sgt, NULL);
}

int drm_gem_shmem_pin_locked(struct drm_gem_shmem_object *shmem)
{
	int ret;

	dma_resv_assert_held(shmem->base.resv);
	/* refcount_inc_not_zero(&pages_pin_count): under resv, atomic for the shrinker's reads. */
	if (sgt_atomic_load(&shmem->pages_pin_count) > 0) {
		sgt_atomic_fetch_add(&shmem->pages_pin_count, 1);
		return 0;
	}
	ret = drm_gem_shmem_get_pages_locked(shmem);
	if (!ret)
		sgt_atomic_store(&shmem->pages_pin_count, 1);
	return ret;
}

void drm_gem_shmem_unpin_locked(struct drm_gem_shmem_object *shmem)
{
	dma_resv_assert_held(shmem->base.resv);
	if (sgt_atomic_fetch_sub(&shmem->pages_pin_count, 1) == 1)
		drm_gem_shmem_put_pages_locked(shmem);
}

int drm_gem_shmem_madvise_locked(struct drm_gem_shmem_object *shmem, int madv)
{
	dma_resv_assert_held(shmem->base.resv);
	if (shmem->madv >= 0)
		shmem->madv = madv;
	return shmem->madv >= 0;
}

bool drm_gem_shmem_is_purgeable(struct drm_gem_shmem_object *shmem)
{
	dma_resv_assert_held(shmem->base.resv);
	/* Exported: its pages are pinned while an importer maps them (map_attachment). */
	return shmem->madv > 0 && !sgt_atomic_load(&shmem->pages_pin_count) &&
	       sgt_plain_read(shmem->sgt) && !drm_gem_is_imported(&shmem->base);
}

void drm_gem_shmem_purge_locked(struct drm_gem_shmem_object *shmem)
{
	struct drm_gem_object *obj = &shmem->base;
	struct sg_table *sgt = sgt_plain_read(shmem->sgt);

	dma_resv_assert_held(obj->resv);
	/* drm_WARN_ON(!drm_gem_shmem_is_purgeable()): the callers check it first. */
	dma_unmap_sgtable(obj->dev->dev, sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(sgt);
	sgt_quarantine_free(sgt);
	sgt_plain_write(shmem->sgt, NULL);
	drm_gem_shmem_put_pages_locked(shmem);
	shmem->madv = -1;
}

/* dma_buf_map_attachment(): the exporter pins its pages and maps them for us. */
static int dma_buf_map_attachment(struct dma_buf_attachment *attach)
{
	struct drm_gem_shmem_object *exp = attach->exporter;
	struct sg_table *sgt;
	int ret;

	guard(dma_resv)(exp->base.resv);
	/* drm_gem_map_attach() -> drm_gem_shmem_pin(): an exporter is never purged. */
	ret = drm_gem_shmem_pin_locked(exp);
	if (ret)
		return ret;
	sgt = drm_gem_shmem_get_sg_table(exp);
	if (IS_ERR(sgt)) {
		drm_gem_shmem_unpin_locked(exp);
		return (int)PTR_ERR(sgt);
	}
	dma_map_sgtable(attach->dev, sgt, DMA_BIDIRECTIONAL, DMA_ATTR_SGT_DMABUF);
	attach->sgt = sgt;
	attach->dma_cookie = sgt->dma_cookie;
	return 0;
}

int drm_gem_shmem_init_imported(struct drm_device *dev, struct drm_gem_shmem_object *shmem,
				struct drm_gem_shmem_object *exporter,
				const struct drm_gem_object_funcs *funcs)
{
	struct dma_buf_attachment *attach = calloc(1, sizeof(*attach));
	int ret;

	if (!attach)
		return -ENOMEM;
	drm_gem_shmem_init(dev, shmem, exporter->base.size, NULL, funcs);
	attach->exporter = exporter;
	attach->dev = dev->dev;
	drm_gem_object_get(&exporter->base);
	ret = dma_buf_map_attachment(attach);
	if (ret) {
		drm_gem_object_put(&exporter->base);
		dma_resv_fini(&shmem->base._resv);
		free(attach);
		return ret;
	}
	sgt_plain_write(shmem->sgt, attach->sgt);
	shmem->base.import_attach = attach;
	return 0;
}

/* drm_prime_gem_destroy(obj, shmem->sgt): hand the exporter's table back. */
static void drm_prime_gem_destroy(struct drm_gem_object *obj, struct sg_table *sg)
{
	struct dma_buf_attachment *attach = obj->import_attach;
	struct drm_gem_shmem_object *exp = attach->exporter;

	if (sg) {
		dma_unmap_sgtable(attach->dev, sg, DMA_BIDIRECTIONAL, 0);
		sg_free_table(sg);
		sgt_quarantine_free(sg);
	} else if (!dma_debug_mapping_live(attach->dma_cookie)) {
		sgt_violation(SGT_V_DOUBLE_UNMAP, "the exporter's sg_table of an imported object "
			      "was unmapped and freed by the importer");
	}
	scoped_guard(dma_resv, exp->base.resv)
		drm_gem_shmem_unpin_locked(exp);
	drm_gem_object_put(&exp->base);
	free(attach);
	obj->import_attach = NULL;
}

void drm_gem_shmem_release(struct drm_gem_shmem_object *shmem)
{
	struct drm_gem_object *obj = &shmem->base;

	if (drm_gem_is_imported(obj)) {
		drm_prime_gem_destroy(obj, sgt_plain_read(shmem->sgt));
	} else {
		guard(dma_resv)(obj->resv);
		if (sgt_plain_read(shmem->sgt))
			__drm_gem_shmem_free_sgt_locked(shmem);
		if (shmem->pages)
			drm_gem_shmem_put_pages_locked(shmem);
		SGT_WARN_ON(SGT_V_PAGE_COUNT, sgt_atomic_load(&shmem->pages_use_count),
			    "object %p released with pages_use_count %d", (void *)shmem,
			    sgt_atomic_load(&shmem->pages_use_count));
		SGT_WARN_ON(SGT_V_PAGE_COUNT, sgt_atomic_load(&shmem->pages_pin_count),
			    "object %p released with pages_pin_count %d", (void *)shmem,
			    sgt_atomic_load(&shmem->pages_pin_count));
	}
	/* drm_gem_object_release() */
	dma_resv_fini(&obj->_resv);
}
