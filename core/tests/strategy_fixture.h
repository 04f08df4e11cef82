/* SPDX-License-Identifier: GPL-2.0 */
/* Two bound devices, a DRM device on the first, and helpers to call a strategy. */
#ifndef SGT_STRATEGY_FIXTURE_H
#define SGT_STRATEGY_FIXTURE_H

#include <stdlib.h>

#include <sgt/devres.h>
#include <sgt/strategy.h>

#include "sgt_test.h"

static struct device gpu0, gpu1;
static struct drm_device ddev0 = { .dev = &gpu0 };
__attribute__((unused)) static struct drm_device ddev1 = { .dev = &gpu1 };

static int fixture_setup(void **state)
{
	sgt_test_setup(state);
	devres_set_model(DEVRES_2026);
	devres_set_release_nosync(false);
	device_init(&gpu0, "gpu0");
	device_init(&gpu1, "gpu1");
	device_bind(&gpu0);
	device_bind(&gpu1);
	return 0;
}

static int fixture_teardown(void **state)
{
	device_unbind(&gpu0);
	device_unbind(&gpu1);
	device_destroy(&gpu0);
	device_destroy(&gpu1);
	sgt_object_quarantine_flush();
	return 0;
}

/* Give back pages a hazard leaked (the kernel leaks them too), for LeakSanitizer. */
__attribute__((unused)) static void reclaim_leaked_pages(struct page **pages, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		free(pages[i]->vaddr);
		free(pages[i]);
	}
	free(pages);
}

static const struct sgt_strategy_ops *ops_of(void **state)
{
	return *state;
}

static bool carries(void **state, enum sgt_hazard_id h)
{
	return ops_of(state)->inherent & SGT_HAZ(h);
}

/* sg_table() inside a bound scope of dev; ERR_PTR(-ENODEV) if dev is unbound. */
static struct sg_table *sg_table_on(struct sgt_object *obj, struct device *dev)
{
	CLASS(device_bound, b)(dev);

	if (!b.dev)
		return ERR_PTR(-ENODEV);
	return obj->ops->sg_table(obj, &b);
}

static struct sgt_object *new_object(void **state, unsigned int hazards)
{
	return sgt_object_create(ops_of(state), &ddev0, 4 * PAGE_SIZE, NULL, hazards);
}

#define STRATEGY_TEST(fn, ops) \
	{ #fn "/" #ops, fn, fixture_setup, fixture_teardown, (void *)&sgt_##ops##_ops }
/* One test per strategy: the strategy is the test's state. */
#define STRATEGY_TESTS(fn)							\
	STRATEGY_TEST(fn, v12), STRATEGY_TEST(fn, v12_review), STRATEGY_TEST(fn, v19), \
	STRATEGY_TEST(fn, setonce_init), STRATEGY_TEST(fn, fixed)

#endif /* SGT_STRATEGY_FIXTURE_H */
