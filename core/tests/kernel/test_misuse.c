// SPDX-License-Identifier: GPL-2.0
/*
 * Detector tests: every misuse the core's checks must report, done on
 * purpose.  Each asserts the core's report; in the TSan build it also
 * asserts TSan's own report where TSan can see the misuse.
 */
#include <kernel/dma_resv.h>
#include <kernel/kref.h>
#include <check/lockdep.h>
#include <kernel/rcu.h>
#include <check/tsan_report.h>

#include "../sgt_test.h"

/* TSan's type strings vary across releases; where one is unstable, count reports. */
static void assert_tsan_saw(const char *type)
{
	if (sgt_tsan_enabled())
		assert_true(type ? sgt_tsan_report_count_of(type) >= 1 : sgt_tsan_report_count() >= 1);
}

static void test_assert_held(void **state)
{
	struct mutex m;

	sgt_expect_violations();
	mutex_init(&m);
	mutex_assert_held(&m);
	assert_violations(SGT_V_NOT_HELD, 1);
	mutex_destroy(&m);
}

static void test_unlock_not_held(void **state)
{
	struct mutex m;

	sgt_expect_violations();
	mutex_init(&m);
	mutex_unlock(&m);
	assert_violations(SGT_V_BAD_UNLOCK, 1);
	assert_false(mutex_is_locked(&m));
	assert_tsan_saw("mutex-bad-unlock");
	mutex_destroy(&m);
}

static void test_destroy_held(void **state)
{
	struct mutex m;

	sgt_expect_violations();
	mutex_init(&m);
	mutex_lock(&m);
	debug_check_no_locks_freed(&m, sizeof(m));
	assert_violations(SGT_V_LOCK_HELD_FREED, 1);
	mutex_destroy(&m);
	assert_violations(SGT_V_LOCK_HELD_FREED, 2);
	assert_tsan_saw(NULL);	/* "destroy of a locked mutex" */
}

static void test_use_after_destroy(void **state)
{
	struct dma_resv resv;

	sgt_expect_violations();
	dma_resv_init(&resv);
	dma_resv_fini(&resv);
	dma_resv_lock(&resv, NULL);	/* H1's shape: lock a finished resv */
	assert_violations(SGT_V_LOCK_DESTROYED, 1);
	dma_resv_unlock(&resv);
}

static void test_ww_ctx_rules(void **state)
{
	struct dma_resv a, b;
	struct ww_acquire_ctx ctx;

	sgt_expect_violations();
	dma_resv_init(&a);
	dma_resv_init(&b);
	ww_acquire_init(&ctx, &reservation_ww_class);
	assert_int_equal(dma_resv_lock(&a, &ctx), 0);
	ww_acquire_fini(&ctx);			/* with a lock held */
	assert_violations(SGT_V_WW_MISUSE, 1);
	ww_acquire_init(&ctx, &reservation_ww_class);
	ctx.acquired = 1;			/* pretend a lock is held */
	dma_resv_lock_slow(&b, &ctx);		/* must be entered holding nothing */
	assert_violations(SGT_V_WW_MISUSE, 2);
	dma_resv_unlock(&b);
	ww_acquire_done(&ctx);
	ww_mutex_unlock(&a.lock);
	dma_resv_fini(&a);
	dma_resv_fini(&b);
}

static void test_rcu_rules(void **state)
{
	sgt_expect_violations();
	rcu_read_lock();
	synchronize_rcu();			/* would deadlock in the kernel */
	assert_violations(SGT_V_RCU_MISUSE, 1);
	rcu_read_unlock();
	rcu_read_unlock();			/* unbalanced */
	assert_violations(SGT_V_RCU_MISUSE, 2);
}

static void noop_release(struct kref *k) { }

static void test_kref_underflow(void **state)
{
	struct kref k;

	sgt_expect_violations();
	kref_init(&k);
	assert_int_equal(kref_put(&k, noop_release), 1);
	kref_get(&k);				/* get on zero: use after free */
	assert_violations(SGT_V_REFCOUNT, 1);
	kref_put(&k, noop_release);
	kref_put(&k, noop_release);		/* underflow */
	assert_violations(SGT_V_REFCOUNT, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGT_TEST(test_assert_held),
		SGT_TEST(test_unlock_not_held),
		SGT_TEST(test_destroy_held),
		SGT_TEST(test_use_after_destroy),
		SGT_TEST(test_ww_ctx_rules),
		SGT_TEST(test_rcu_rules),
		SGT_TEST(test_kref_underflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
