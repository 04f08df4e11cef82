// SPDX-License-Identifier: GPL-2.0
/* The DMA mapping registry: every misuse it must catch, and silence when right. */
#include <stdlib.h>

#include <kernel/device.h>
#include <kernel/dma_map.h>

#include "../sgt_test.h"

static struct device dev, other;
static struct page page_store[4], *pages[4];

static int setup(void **state)
{
	sgt_test_setup(state);
	device_init(&dev, "gpu0");
	device_init(&other, "gpu1");
	device_bind(&dev);
	device_bind(&other);
	for (int i = 0; i < 4; i++) {
		page_store[i].vaddr = calloc(1, PAGE_SIZE);
		pages[i] = &page_store[i];
	}
	return 0;
}

static int teardown(void **state)
{
	device_unbind(&dev);
	device_unbind(&other);
	sgt_violation_set_quiet(true);	/* leftovers are the test's business */
	device_destroy(&dev);
	device_destroy(&other);
	for (int i = 0; i < 4; i++)
		free(page_store[i].vaddr);
	return 0;
}

#define MAP_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static void map(struct device *d, struct sg_table *sgt)
{
	assert_int_equal(sg_alloc_table_from_pages(sgt, pages, 4), 0);
	assert_int_equal(dma_map_sgtable(d, sgt, DMA_BIDIRECTIONAL, 0), 0);
}

static void test_map_check_unmap(void **state)
{
	struct sg_table sgt;

	map(&dev, &sgt);
	assert_int_equal(dma_debug_mappings(&dev), 1);
	assert_int_equal(dma_debug_check_sgtable(&dev, &sgt), 0);
	dma_unmap_sgtable(&dev, &sgt, DMA_BIDIRECTIONAL, 0);
	assert_int_equal(dma_debug_mappings(&dev), 0);
	sg_free_table(&sgt);
	assert_no_violations();
}

static void test_use_after_unmap(void **state)
{
	struct sg_table sgt;

	sgt_expect_violations();
	map(&dev, &sgt);
	dma_unmap_sgtable(&dev, &sgt, DMA_BIDIRECTIONAL, 0);
	assert_int_equal(dma_debug_check_sgtable(&dev, &sgt), -EFAULT);
	assert_violations(SGT_V_USE_AFTER_UNMAP, 1);
	assert_int_equal(dma_debug_check_sgtable(&dev, NULL), -EFAULT);
	assert_violations(SGT_V_USE_AFTER_UNMAP, 2);
	sg_free_table(&sgt);
}

static void test_foreign_device(void **state)
{
	struct sg_table sgt;

	sgt_expect_violations();
	map(&other, &sgt);
	assert_int_equal(dma_debug_check_sgtable(&dev, &sgt), -EFAULT);
	assert_violations(SGT_V_FOREIGN_DEVICE, 1);
	dma_unmap_sgtable(&dev, &sgt, DMA_BIDIRECTIONAL, 0);	/* wrong device */
	assert_violations(SGT_V_FOREIGN_DEVICE, 2);
	assert_int_equal(dma_debug_mappings(&other), 1);	/* still mapped */
	dma_unmap_sgtable(&other, &sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(&sgt);
}

static void test_double_unmap(void **state)
{
	struct sg_table sgt;

	sgt_expect_violations();
	map(&dev, &sgt);
	dma_unmap_sgtable(&dev, &sgt, DMA_BIDIRECTIONAL, 0);
	dma_unmap_sgtable(&dev, &sgt, DMA_BIDIRECTIONAL, 0);
	assert_violations(SGT_V_DOUBLE_UNMAP, 1);
	dma_unmap_sgtable(&dev, NULL, DMA_BIDIRECTIONAL, 0);
	assert_violations(SGT_V_DOUBLE_UNMAP, 2);
	sg_free_table(&sgt);
}

static void test_mapping_after_unbind(void **state)
{
	struct sg_table sgt;

	sgt_expect_violations();
	map(&dev, &sgt);
	device_unbind(&dev);
	assert_violations(SGT_V_MAPPING_AFTER_UNBIND, 1);
	dma_unmap_sgtable(&dev, &sgt, DMA_BIDIRECTIONAL, 0);
	sg_free_table(&sgt);
	assert_int_equal(sgt_violation_total(), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MAP_TEST(test_map_check_unmap),
		MAP_TEST(test_use_after_unmap),
		MAP_TEST(test_foreign_device),
		MAP_TEST(test_double_unmap),
		MAP_TEST(test_mapping_after_unbind),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
