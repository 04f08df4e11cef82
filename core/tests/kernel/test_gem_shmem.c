// SPDX-License-Identifier: GPL-2.0
/*
 * The GEM shmem model: page references taken and put where the kernel's
 * helpers take and put them, the release order, parent resv, imports, and
 * the shrinker (madvise, purgeable, purge) as mainline has it.
 */
#include <stdlib.h>

#include <kernel/gem_shmem.h>
#include <check/lockdep.h>

#include "../sgt_test.h"

static struct device dev;
static struct drm_device ddev = { .dev = &dev };
static atomic_int frees;
static long pages_before, pages_leaked;	/* a test that leaks says how much */

static void plain_free(struct drm_gem_object *obj)
{
	struct drm_gem_shmem_object *shmem = container_of(obj, struct drm_gem_shmem_object, base);

	drm_gem_shmem_release(shmem);
	debug_check_no_locks_freed(shmem, sizeof(*shmem));
	free(shmem);
	atomic_fetch_add(&frees, 1);
}

static const struct drm_gem_object_funcs funcs = { .free = plain_free };

static struct drm_gem_shmem_object *new_obj(struct dma_resv *parent)
{
	struct drm_gem_shmem_object *shmem = calloc(1, sizeof(*shmem));

	drm_gem_shmem_init(&ddev, shmem, 3 * PAGE_SIZE, parent, &funcs);
	return shmem;
}

static int setup(void **state)
{
	sgt_test_setup(state);
	atomic_store(&frees, 0);
	pages_before = drm_gem_shmem_pages_live();
	pages_leaked = 0;
	device_init(&dev, "gpu0");
	device_bind(&dev);
	return 0;
}

static int teardown(void **state)
{
	device_unbind(&dev);
	device_destroy(&dev);
	assert_int_equal(drm_gem_shmem_pages_live(), pages_before + pages_leaked);
	return 0;
}

#define SHMEM_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static void test_pages_sgt_lifecycle(void **state)
{
	struct drm_gem_shmem_object *shmem = new_obj(NULL);
	struct sg_table *sgt;

	sgt = drm_gem_shmem_get_pages_sgt(shmem);
	assert_false(IS_ERR(sgt));
	assert_int_equal(atomic_load(&shmem->pages_use_count), 1);
	assert_ptr_equal(drm_gem_shmem_get_pages_sgt(shmem), sgt);	/* cached */
	assert_int_equal(atomic_load(&shmem->pages_use_count), 1);
	assert_int_equal(sgt->nents, 3);
	assert_int_equal(dma_debug_check_sgtable(&dev, sgt), 0);
	sgt->sgl[2].page->vaddr[PAGE_SIZE - 1] = 0xaa;	/* real memory */
	assert_int_equal(drm_gem_shmem_pages_live(), 3);
	drm_gem_object_put(&shmem->base);	/* release unmaps, puts pages once */
	assert_int_equal(atomic_load(&frees), 1);
	assert_int_equal(dma_debug_mappings(&dev), 0);
	assert_no_violations();
}

static void test_free_sgt_puts_no_pages(void **state)
{
	struct drm_gem_shmem_object *shmem = new_obj(NULL);

	scoped_guard(dma_resv, shmem->base.resv) {
		assert_false(IS_ERR(drm_gem_shmem_get_pages_sgt_locked(shmem)));
		__drm_gem_shmem_free_sgt_locked(shmem);
		assert_null(shmem->sgt);
		assert_int_equal(atomic_load(&shmem->pages_use_count), 1);
	}
	drm_gem_object_put(&shmem->base);
	assert_no_violations();
}

static void test_second_page_reference_is_reported(void **state)
{
	struct drm_gem_shmem_object *shmem = new_obj(NULL);
	struct page **leaked;

	/* H3's shape: build, free the sgt (no page put), build again. */
	sgt_expect_violations();
	scoped_guard(dma_resv, shmem->base.resv) {
		drm_gem_shmem_get_pages_sgt_locked(shmem);
		__drm_gem_shmem_free_sgt_locked(shmem);
		drm_gem_shmem_get_pages_sgt_locked(shmem);
		assert_int_equal(atomic_load(&shmem->pages_use_count), 2);
	}
	leaked = shmem->pages;
	drm_gem_object_put(&shmem->base);
	assert_violations(SGT_V_PAGE_COUNT, 1);
	pages_leaked = 3;	/* the kernel leaks them too */
	assert_int_equal(drm_gem_shmem_pages_live(), pages_before + pages_leaked);
	/* Give the memory back behind the model's back, so LeakSanitizer stays quiet. */
	for (int i = 0; i < 3; i++) {
		free(leaked[i]->vaddr);
		free(leaked[i]);
	}
	free(leaked);
}

static void test_page_alloc_failure_leaves_no_reference(void **state)
{
	struct sgt_fault_attr once = { .nth = 1, .times = -1 };
	struct drm_gem_shmem_object *shmem = new_obj(NULL);

	sgt_fault_set(SGT_FAULT_PAGE_ALLOC, &once);
	assert_int_equal(PTR_ERR(drm_gem_shmem_get_pages_sgt(shmem)), -ENOMEM);
	assert_int_equal(atomic_load(&shmem->pages_use_count), 0);
	assert_false(IS_ERR(drm_gem_shmem_get_pages_sgt(shmem)));
	drm_gem_object_put(&shmem->base);
	assert_no_violations();
}

static void test_resv_held_asserted(void **state)
{
	struct drm_gem_shmem_object *shmem = new_obj(NULL);

	sgt_expect_violations();
	drm_gem_shmem_get_pages_sgt_locked(shmem);	/* without the lock */
	assert_true(sgt_violation_count(SGT_V_NOT_HELD) >= 1);
	sgt_violations_reset();
	drm_gem_object_put(&shmem->base);
	assert_no_violations();
}

static void test_parent_resv(void **state)
{
	struct drm_gem_shmem_object *parent = new_obj(NULL), *child = new_obj(parent->base.resv);

	assert_ptr_equal(child->base.resv, parent->base.resv);
	assert_false(IS_ERR(drm_gem_shmem_get_pages_sgt(child)));
	scoped_guard(dma_resv, parent->base.resv)
		assert_true(dma_resv_is_locked(child->base.resv));
	drm_gem_object_put(&child->base);
	drm_gem_object_put(&parent->base);
	assert_int_equal(atomic_load(&frees), 2);
	assert_no_violations();
}

static void test_import(void **state)
{
	struct drm_gem_shmem_object *exporter = new_obj(NULL);
	struct drm_gem_shmem_object *imp = calloc(1, sizeof(*imp));

	assert_int_equal(drm_gem_shmem_init_imported(&ddev, imp, exporter, &funcs), 0);
	assert_true(drm_gem_is_imported(&imp->base));
	assert_non_null(imp->sgt);
	assert_int_equal(atomic_load(&exporter->pages_use_count), 1);
	scoped_guard(dma_resv, imp->base.resv)
		assert_ptr_equal(drm_gem_shmem_get_pages_sgt_locked(imp), imp->sgt);
	drm_gem_object_put(&exporter->base);	/* the importer still holds it */
	assert_int_equal(atomic_load(&frees), 0);
	drm_gem_object_put(&imp->base);
	assert_int_equal(atomic_load(&frees), 2);
	assert_no_violations();
}

static void test_import_table_freed_by_importer(void **state)
{
	struct drm_gem_shmem_object *exporter = new_obj(NULL);
	struct drm_gem_shmem_object *imp = calloc(1, sizeof(*imp));

	/* H5's shape: the importer frees the exporter's table as if it were its own. */
	sgt_expect_violations();
	drm_gem_shmem_init_imported(&ddev, imp, exporter, &funcs);
	scoped_guard(dma_resv, imp->base.resv)
		__drm_gem_shmem_free_sgt_locked(imp);
	drm_gem_object_put(&exporter->base);
	drm_gem_object_put(&imp->base);
	assert_violations(SGT_V_DOUBLE_UNMAP, 1);
	sgt_violations_reset();
}

/* --- the shrinker ------------------------------------------------------------ */

static void test_purge_after_dontneed(void **state)
{
	struct drm_gem_shmem_object *shmem = new_obj(NULL);
	struct sg_table *sgt = drm_gem_shmem_get_pages_sgt(shmem);

	assert_false(IS_ERR(sgt));
	scoped_guard(dma_resv, shmem->base.resv) {
		assert_false(drm_gem_shmem_is_purgeable(shmem));	/* WILLNEED */
		assert_true(drm_gem_shmem_madvise_locked(shmem, DRM_GEM_MADV_DONTNEED));
		assert_true(drm_gem_shmem_is_purgeable(shmem));
		drm_gem_shmem_purge_locked(shmem);
		/* Unmapped, freed, sgt = NULL, pages put, purged for good. */
		assert_null(shmem->sgt);
		assert_int_equal(dma_debug_mappings(&dev), 0);
		assert_int_equal(atomic_load(&shmem->pages_use_count), 0);
		assert_int_equal(shmem->madv, -1);
		assert_false(drm_gem_shmem_madvise_locked(shmem, DRM_GEM_MADV_WILLNEED));
		assert_int_equal(shmem->madv, -1);
		assert_false(drm_gem_shmem_is_purgeable(shmem));
	}
	assert_int_equal(drm_gem_shmem_pages_live(), pages_before);
	drm_gem_object_put(&shmem->base);
	assert_no_violations();
}

/* H11's shape: a use count does not keep the pages; only a pin does. */
static void test_pin_keeps_purge_away(void **state)
{
	struct drm_gem_shmem_object *shmem = new_obj(NULL);

	assert_false(IS_ERR(drm_gem_shmem_get_pages_sgt(shmem)));
	scoped_guard(dma_resv, shmem->base.resv) {
		drm_gem_shmem_madvise_locked(shmem, DRM_GEM_MADV_DONTNEED);
		assert_int_equal(drm_gem_shmem_pin_locked(shmem), 0);
		assert_int_equal(atomic_load(&shmem->pages_pin_count), 1);
		assert_int_equal(atomic_load(&shmem->pages_use_count), 2);
		assert_false(drm_gem_shmem_is_purgeable(shmem));
		drm_gem_shmem_unpin_locked(shmem);
		assert_int_equal(atomic_load(&shmem->pages_use_count), 1);
		assert_true(drm_gem_shmem_is_purgeable(shmem));
	}
	drm_gem_object_put(&shmem->base);
	assert_no_violations();
}

/* Neither side of a dma-buf is purged: the importer's table is the exporter's, pinned. */
static void test_import_never_purgeable(void **state)
{
	struct drm_gem_shmem_object *exporter = new_obj(NULL);
	struct drm_gem_shmem_object *imp = calloc(1, sizeof(*imp));

	assert_false(IS_ERR(drm_gem_shmem_get_pages_sgt(exporter)));
	assert_int_equal(drm_gem_shmem_init_imported(&ddev, imp, exporter, &funcs), 0);
	scoped_guard(dma_resv, imp->base.resv) {
		drm_gem_shmem_madvise_locked(imp, DRM_GEM_MADV_DONTNEED);
		assert_false(drm_gem_shmem_is_purgeable(imp));
	}
	scoped_guard(dma_resv, exporter->base.resv) {
		drm_gem_shmem_madvise_locked(exporter, DRM_GEM_MADV_DONTNEED);
		assert_int_equal(atomic_load(&exporter->pages_pin_count), 1);
		assert_false(drm_gem_shmem_is_purgeable(exporter));
	}
	drm_gem_object_put(&imp->base);		/* unpins the exporter */
	scoped_guard(dma_resv, exporter->base.resv)
		assert_true(drm_gem_shmem_is_purgeable(exporter));
	drm_gem_object_put(&exporter->base);
	assert_int_equal(atomic_load(&frees), 2);
	assert_no_violations();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SHMEM_TEST(test_pages_sgt_lifecycle),
		SHMEM_TEST(test_free_sgt_puts_no_pages),
		SHMEM_TEST(test_page_alloc_failure_leaves_no_reference),
		SHMEM_TEST(test_resv_held_asserted),
		SHMEM_TEST(test_parent_resv),
		SHMEM_TEST(test_import),
		SHMEM_TEST(test_import_table_freed_by_importer),
		SHMEM_TEST(test_second_page_reference_is_reported),
		SHMEM_TEST(test_purge_after_dontneed),
		SHMEM_TEST(test_pin_keeps_purge_away),
		SHMEM_TEST(test_import_never_purgeable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
