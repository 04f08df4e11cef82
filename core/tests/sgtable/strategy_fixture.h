/* SPDX-License-Identifier: GPL-2.0 */
/* Two bound devices, a DRM device on the first, and helpers to call a strategy. */
#ifndef SGT_STRATEGY_FIXTURE_H
#define SGT_STRATEGY_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/devres.h>
#include <sgtable/hazards.h>
#include <sgtable/strategy.h>

#include "../sgt_test.h"

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
	sgtable_object_quarantine_flush();
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

static const struct sgtable_strategy_ops *ops_of(void **state)
{
	return *state;
}

static bool carries(void **state, enum sgtable_hazard_id h)
{
	return ops_of(state)->inherent & SGTABLE_HAZ(h);
}

/* Does the port carry reported bug name (its ops' reported list)? */
static bool carries_report(void **state, const char *name)
{
	for (const char *const *r = ops_of(state)->reported; r && *r; r++)
		if (!strcmp(*r, name))
			return true;
	return false;
}

/* sg_table() inside a bound scope of dev; ERR_PTR(-ENODEV) if dev is unbound. */
static struct sg_table *sg_table_on(struct sgtable_object *obj, struct device *dev)
{
	CLASS(device_bound, b)(dev);

	if (!b.dev)
		return ERR_PTR(-ENODEV);
	return obj->ops->sg_table(obj, &b);
}

static struct sgtable_object *new_object(void **state, unsigned int hazards)
{
	return sgtable_object_create(ops_of(state), &ddev0, 4 * PAGE_SIZE, NULL, hazards);
}

/* A test of one strategy, by name (the strategy is the test's state). */
#define STRATEGY_TEST(fn, name) \
	{ #fn "/" name, fn, fixture_setup, fixture_teardown, (void *)sgtable_strategy_find(name) }
/* A test of the registry itself: run once, on the port declared clean. */
#define REGISTRY_TEST(fn) \
	{ #fn, fn, fixture_setup, fixture_teardown, (void *)sgtable_declared_clean() }
/* A test run once per registered strategy: listed with this, expanded by run_strategy_tests(). */
#define STRATEGY_TESTS(fn)	{ #fn, fn, fixture_setup, fixture_teardown, NULL }

/*
 * Run tests[]: an entry with a strategy as its state runs once; one without
 * runs once per strategy of the registry, named "test/strategy", so a new
 * port is tested without naming it here.
 */
static int run_strategy_tests(const char *group, const struct CMUnitTest *tests, size_t n)
{
	struct CMUnitTest *all = calloc(n * (size_t)sgtable_nr_strategies, sizeof(*all));
	size_t nr = 0;
	int ret;

	for (size_t i = 0; i < n; i++) {
		if (tests[i].initial_state) {
			all[nr++] = tests[i];
			continue;
		}
		for (int s = 0; sgtable_strategies[s]; s++) {
			size_t len = strlen(tests[i].name) + strlen(sgtable_strategies[s]->name) + 2;
			char *name = malloc(len);

			if (!name)
				abort();
			snprintf(name, len, "%s/%s", tests[i].name, sgtable_strategies[s]->name);
			all[nr] = tests[i];
			all[nr].name = name;
			all[nr++].initial_state = (void *)sgtable_strategies[s];
		}
	}
	ret = _cmocka_run_group_tests(group, all, nr, NULL, NULL);
	/* The expanded names are ours; a single test's name is a literal. */
	for (size_t i = 0, t = 0; t < n; t++)
		for (int s = 0; s < (tests[t].initial_state ? 1 : sgtable_nr_strategies); s++, i++)
			if (!tests[t].initial_state)
				free((char *)all[i].name);
	free(all);
	return ret;
}

#endif /* SGT_STRATEGY_FIXTURE_H */
