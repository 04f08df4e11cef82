// SPDX-License-Identifier: GPL-2.0
/*
 * Device binding, the Device<Bound> scope, the devres core (LIFO release at
 * unbind, remove vs. detach) and each Devres model's rules.
 */
#include <kernel/completion.h>
#include <kernel/devres.h>
#include <kernel/dma_map.h>

#include "../sgt_test.h"

static struct device dev, other;

static int setup_devices(void **state)
{
	sgt_test_setup(state);
	devres_set_model(DEVRES_2026);
	device_init(&dev, "dev0");
	device_init(&other, "dev1");
	device_bind(&dev);
	device_bind(&other);
	return 0;
}

static int teardown_devices(void **state)
{
	device_unbind(&dev);
	device_unbind(&other);
	device_destroy(&dev);
	device_destroy(&other);
	return 0;
}

#define DEVRES_TEST(fn) cmocka_unit_test_setup_teardown(fn, setup_devices, teardown_devices)

static void test_bind_unbind_rebind(void **state)
{
	struct device_bound b;

	assert_int_equal(device_bind(&dev), -EBUSY);
	assert_int_equal(device_bound_enter(&dev, &b), 0);
	device_bound_exit(&b);
	assert_int_equal(device_unbind(&dev), 0);
	assert_int_equal(device_unbind(&dev), -ENODEV);
	assert_int_equal(device_bound_enter(&dev, &b), -ENODEV);
	assert_null(b.dev);
	assert_int_equal(device_bind(&dev), 0);		/* rebind: same identity */
	assert_int_equal(atomic_load(&dev.bind_count), 2);
	{
		CLASS(device_bound, scope)(&dev);
		assert_ptr_equal(scope.dev, &dev);
	}
	assert_int_equal(atomic_load(&dev.bound_scopes), 0);
	assert_no_violations();
}

struct unbinder {
	struct device *dev;
	atomic_bool done;
};

static void *unbind_thread(void *arg)
{
	struct unbinder *u = arg;

	device_unbind(u->dev);
	atomic_store(&u->done, true);
	return NULL;
}

static void test_unbind_waits_for_bound_scopes(void **state)
{
	struct unbinder u = { .dev = &dev };
	struct device_bound b, late;
	pthread_t t;

	atomic_init(&u.done, false);
	assert_int_equal(device_bound_enter(&dev, &b), 0);
	pthread_create(&t, NULL, unbind_thread, &u);
	while (atomic_load(&dev.state) != DEVICE_UNBINDING)
		sgt_msleep(1);
	/* Unbinding has begun: no new scope, and it waits for ours. */
	assert_int_equal(device_bound_enter(&dev, &late), -ENODEV);
	sgt_msleep(50);
	assert_false(atomic_load(&u.done));
	device_bound_exit(&b);
	pthread_join(t, NULL);
	assert_true(atomic_load(&u.done));
	assert_false(device_is_bound(&dev));
	assert_no_violations();
}

static int release_order[8], nreleased;

struct order_node {
	struct devres_node node;
	int id;
};

static void order_release(struct device *d, struct devres_node *node)
{
	release_order[nreleased++] = container_of(node, struct order_node, node)->id;
}

static void order_free(struct devres_node *node) { }

static void test_release_all_is_lifo(void **state)
{
	struct order_node n[4];

	nreleased = 0;
	for (int i = 0; i < 4; i++) {
		n[i].id = i;
		devres_node_init(&n[i].node, order_release, order_free, "order");
		devres_node_add(&dev, &n[i].node);
	}
	assert_true(devres_node_remove(&dev, &n[1].node));
	assert_int_equal(devres_count(&dev), 3);
	device_unbind(&dev);
	assert_int_equal(nreleased, 3);
	assert_int_equal(release_order[0], 3);
	assert_int_equal(release_order[1], 2);
	assert_int_equal(release_order[2], 0);
	/* Detached by unbind: a late remove fails. */
	assert_false(devres_node_remove(&dev, &n[0].node));
	assert_no_violations();
}

/* A payload that counts its drops and can hold its drop back. */
struct tracked {
	int magic;
	struct completion *hold;	/* drop waits on it if set */
	atomic_int *drops;
};

static atomic_int drops;

static int tracked_init(void *payload, void *arg)
{
	struct tracked *t = payload;

	t->magic = 0x5e7;
	t->hold = arg;
	t->drops = &drops;
	return 0;
}

static int failing_init(void *payload, void *arg)
{
	return -EIO;
}

static void tracked_drop(void *payload)
{
	struct tracked *t = payload;

	if (t->hold)
		wait_for_completion(t->hold);
	t->magic = 0;
	atomic_fetch_add(t->drops, 1);
}

static struct devres *new_tracked(struct device *d, struct completion *hold)
{
	CLASS(device_bound, b)(d);
	return devres_new(&b, sizeof(struct tracked), tracked_init, hold, tracked_drop);
}

static void test_access_checks_identity_only(void **state)
{
	struct devres *res;
	struct tracked *t;

	atomic_store(&drops, 0);
	res = new_tracked(&dev, NULL);
	assert_false(IS_ERR(res));
	{
		CLASS(device_bound, b)(&dev);
		CLASS(device_bound, o)(&other);

		t = devres_access(res, &b);
		assert_int_equal(t->magic, 0x5e7);
		assert_int_equal(PTR_ERR(devres_access(res, &o)), -EINVAL);
	}
	device_unbind(&dev);
	assert_int_equal(atomic_load(&drops), 1);	/* revoked and dropped at unbind */
	assert_null(devres_try_access(res));
	device_bind(&dev);
	{
		/* Rebound, same identity: access hands out the dropped payload (H6). */
		CLASS(device_bound, b)(&dev);
		t = devres_access(res, &b);
		assert_int_equal(t->magic, 0);
	}
	devres_drop(res);
	assert_int_equal(atomic_load(&drops), 1);
	assert_no_violations();
}

static void test_drop_before_unbind(void **state)
{
	for (int m = 0; m < DEVRES_MODEL_NR; m++) {
		struct devres *res;

		devres_set_model((enum devres_model)m);
		atomic_store(&drops, 0);
		res = new_tracked(&dev, NULL);
		assert_false(IS_ERR(res));
		assert_int_equal(devres_count(&dev), 1);
		devres_drop(res);
		assert_int_equal(atomic_load(&drops), 1);
		assert_int_equal(devres_count(&dev), 0);	/* the node was removed */
	}
	assert_no_violations();
}

static void test_new_failures(void **state)
{
	struct sgt_fault_attr once = { .nth = 1, .times = -1 };
	struct devres *res;

	/* devres-2026 fails only before the payload exists. */
	atomic_store(&drops, 0);
	sgt_fault_set(SGT_FAULT_DEVRES_ALLOC, &once);
	res = new_tracked(&dev, NULL);
	assert_int_equal(PTR_ERR(res), -ENOMEM);
	assert_int_equal(atomic_load(&drops), 0);
	{
		CLASS(device_bound, b)(&dev);
		res = devres_new(&b, sizeof(struct tracked), failing_init, NULL, tracked_drop);
		assert_int_equal(PTR_ERR(res), -EIO);
	}
	sgt_fault_reset();

	/* devres-6.16: devm_add_action fails after the payload exists: dropped in new. */
	devres_set_model(DEVRES_6_16);
	sgt_fault_set(SGT_FAULT_DEVM_ADD_ACTION, &once);
	res = new_tracked(&dev, NULL);
	assert_int_equal(PTR_ERR(res), -ENOMEM);
	assert_int_equal(atomic_load(&drops), 1);
	assert_int_equal(devres_count(&dev), 0);
	assert_no_violations();
}

/* Unbind releasing a payload whose drop we hold back, while Devres is dropped. */
struct inflight {
	struct devres *res;
	atomic_bool dropped;
};

static void *drop_thread(void *arg)
{
	struct inflight *f = arg;

	devres_drop(f->res);
	atomic_store(&f->dropped, true);
	return NULL;
}

static bool drop_waits_for_inflight_release(enum devres_model model)
{
	struct completion hold;
	struct inflight f;
	struct unbinder u = { .dev = &dev };
	pthread_t tu, td;
	bool waited;

	devres_set_model(model);
	atomic_store(&drops, 0);
	init_completion(&hold);
	atomic_init(&f.dropped, false);
	atomic_init(&u.done, false);
	f.res = new_tracked(&dev, &hold);
	pthread_create(&tu, NULL, unbind_thread, &u);
	while (devres_try_access(f.res)) {	/* until unbind has revoked */
		revocable_guard_release();
		sgt_msleep(1);
	}
	sgt_msleep(20);				/* ... and sits in the payload's drop */
	pthread_create(&td, NULL, drop_thread, &f);
	sgt_msleep(100);
	waited = !atomic_load(&f.dropped);
	complete_all(&hold);
	pthread_join(tu, NULL);
	pthread_join(td, NULL);
	assert_int_equal(atomic_load(&drops), 1);
	device_bind(&dev);
	return waited;
}

static void test_drop_vs_inflight_release(void **state)
{
	/*
	 * Drop waits for a release in flight only on devres-6.17 (its devm
	 * completion) and devres-2026-fixed (acc516dfa197's revocation
	 * completion): H7's hinge.
	 */
	assert_false(drop_waits_for_inflight_release(DEVRES_6_15));
	assert_false(drop_waits_for_inflight_release(DEVRES_6_16));
	assert_true(drop_waits_for_inflight_release(DEVRES_6_17));
	assert_false(drop_waits_for_inflight_release(DEVRES_7_0));
	assert_false(drop_waits_for_inflight_release(DEVRES_2026));
	assert_true(drop_waits_for_inflight_release(DEVRES_2026_FIXED));
	assert_no_violations();
}

static void test_model_names(void **state)
{
	enum devres_model m;
	char err[160];

	assert_int_equal(devres_model_parse("devres-6.17", &m, err, sizeof(err)), 0);
	assert_int_equal(m, DEVRES_6_17);
	assert_int_equal(devres_model_parse("devres-2026-fixed", &m, err, sizeof(err)), 0);
	assert_int_equal(m, DEVRES_2026_FIXED);
	assert_int_equal(devres_model_parse("devres-5.0", &m, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "devres-5.0"));
	assert_non_null(strstr(err, "devres-2026"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		DEVRES_TEST(test_bind_unbind_rebind),
		DEVRES_TEST(test_unbind_waits_for_bound_scopes),
		DEVRES_TEST(test_release_all_is_lifo),
		DEVRES_TEST(test_access_checks_identity_only),
		DEVRES_TEST(test_drop_before_unbind),
		DEVRES_TEST(test_new_failures),
		DEVRES_TEST(test_drop_vs_inflight_release),
		DEVRES_TEST(test_model_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
