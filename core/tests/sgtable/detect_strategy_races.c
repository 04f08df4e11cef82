// SPDX-License-Identifier: GPL-2.0
/*
 * The racy hazards, each forced into its interleaving with the schedule hook
 * (a thread is held inside a named race window until the other side has
 * acted), and shown both to be reported and to be absent where fixed:
 *   H7   v19 and setonce-init on devres-2026: free while unbind's release is
 *        in flight -> SGTableMap's drop on a freed object; devres-6.17 and
 *        `fixed` run the same schedule clean;
 *   H9   v19 without sgt_lock: two maps over one sgt -> use after unmap (and a
 *        TSan data race in the tsan build);
 *   H8   v12's unlocked read of sgt_res racing its population (TSan only);
 *   H10  a reader inside try_access while unbind revokes with no grace
 *        period (TSan only); the same with the grace period is quiet.
 * TSan's own exit code is off for this program: it asserts the reports.
 */
#include <check/sched.h>
#include <check/tsan_report.h>
#include <check/wait.h>

#include "strategy_fixture.h"

/* --- a gate: the hook holds a thread in a window until opened (or 300 ms) --- */

static const char *gate_window;
static atomic_int gate_entered, gate_open;

static void gate_hook(enum sgt_sp_kind kind, const void *addr)
{
	uint64_t until;

	if (kind != SGT_SP_WINDOW_ENTER || strcmp(((const struct sgt_window *)addr)->name,
						  gate_window))
		return;
	atomic_fetch_add(&gate_entered, 1);
	until = sgt_now_ns() + 300000000ull;
	while (!atomic_load(&gate_open) && sgt_now_ns() < until)
		sched_yield();
}

static void gate_arm(const char *window)
{
	gate_window = window;
	atomic_store(&gate_entered, 0);
	atomic_store(&gate_open, 0);
	sgt_sched_set_hook(gate_hook);
}

static void gate_wait_entered(int n)
{
	while (atomic_load(&gate_entered) < n)
		sched_yield();
}

static void gate_disarm(void)
{
	atomic_store(&gate_open, 1);
	sgt_sched_set_hook(NULL);
}

static void *unbind_gpu0(void *arg)
{
	device_unbind(&gpu0);
	return NULL;
}

/* --- H7 ------------------------------------------------------------------- */

static void free_during_inflight_release(void **state, enum devres_model model)
{
	struct sgtable_object *obj;
	pthread_t t;

	devres_set_model(model);
	obj = new_object(state, 0);
	assert_false(IS_ERR(sg_table_on(obj, &gpu0)));
	/* Unbind's release has revoked and waits out its grace period ... */
	gate_arm("revoke-grace-period");
	pthread_create(&t, NULL, unbind_gpu0, NULL);
	gate_wait_entered(1);
	/* ... while the last reference goes. */
	sgt_expect_violations();
	sgtable_object_put(obj);
	gate_disarm();
	pthread_join(t, NULL);
}

static void test_h7_free_vs_inflight_release(void **state)
{
	free_during_inflight_release(state, DEVRES_2026);
	if (carries(state, H7)) {
		assert_true(sgt_violation_count(SGT_V_USE_AFTER_FREE) >= 1);
		return;
	}
	assert_no_violations();
}

static void test_h7_gone_with_devres_6_17(void **state)
{
	free_during_inflight_release(state, DEVRES_6_17);	/* Drop waits for the release */
	assert_no_violations();
}

/* --- H9 ------------------------------------------------------------------- */

struct racer {
	struct sgtable_object *obj;
	struct sg_table *sgt;
};

static void *populate_thread(void *arg)
{
	struct racer *r = arg;

	r->sgt = sg_table_on(r->obj, &gpu0);
	return NULL;
}

static void test_h9_setonce_without_lock(void **state)
{
	struct sgtable_object *obj = new_object(state, SGTABLE_HAZ(H9));
	struct racer r[2] = { { obj, NULL }, { obj, NULL } };

	/* Both racers inside check-populate at once: nothing serialises them. */
	gate_arm("v19-check-populate");
	pthread_t t[2];
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, populate_thread, &r[i]);
	gate_wait_entered(2);
	gate_disarm();
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	sgt_expect_violations();
	/* The loser's map freed the table both were built on. */
	assert_int_equal(dma_debug_check_sgtable(&gpu0, sg_table_on(obj, &gpu0)), -EFAULT);
	assert_true(sgt_violation_count(SGT_V_USE_AFTER_UNMAP) >= 1);
	if (sgt_tsan_enabled())
		assert_true(sgt_tsan_report_count_of("data-race") >= 1);
	device_unbind(&gpu0);
	sgtable_object_put(obj);
}

/* --- H8 (TSan) -------------------------------------------------------------- */

static void *owned_thread(void *arg)
{
	struct sgtable_object *obj = arg;
	struct sgtable_owned owned;
	CLASS(device_bound, b)(&gpu0);

	if (!obj->ops->owned_sg_table(obj, &b, &owned))
		sgtable_owned_put(&owned);
	return NULL;
}

static void test_h8_unlocked_read(void **state)
{
	struct sgtable_object *obj = new_object(state, SGTABLE_HAZ(H8));
	unsigned long before = sgt_tsan_report_count_of("data-race");
	pthread_t t[2];

	if (!sgt_tsan_enabled()) {
		sgtable_object_put(obj);
		skip();
	}
	/* The populator is inside v12-populate (resv held) when the reader reads. */
	gate_arm("v12-populate");
	pthread_create(&t[0], NULL, populate_thread, &(struct racer){ obj, NULL });
	gate_wait_entered(1);
	pthread_create(&t[1], NULL, owned_thread, obj);
	sgt_msleep(50);
	gate_disarm();
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	assert_true(sgt_tsan_report_count_of("data-race") > before);
	sgtable_object_put(obj);
}

/* --- H10 (TSan) ------------------------------------------------------------- */

static atomic_int reader_inside, unbind_done;

struct long_term {
	struct sgtable_owned owned;
	uint64_t deadline;	/* the reader gives up waiting then */
};

static void *long_term_reader(void *arg)
{
	struct long_term *lt = arg;
	struct devres *res = lt->owned.obj->ops->owned_deref(&lt->owned);
	void *map = devres_try_access(res);	/* outside any bound scope: RCU only */
	struct sg_table *volatile sgt;

	if (!map)
		return NULL;
	atomic_store_explicit(&reader_inside, 1, memory_order_relaxed);
	/* Relaxed on purpose: waiting must not order us after the unbind for TSan. */
	while (!atomic_load_explicit(&unbind_done, memory_order_relaxed) &&
	       sgt_now_ns() < lt->deadline)
		sched_yield();
	sgt = sgtable_map_payload_sgt(map);		/* use the table, still inside the guard */
	(void)sgt;
	revocable_guard_release();
	return NULL;
}

static void revoke_under_reader(void **state, bool nosync)
{
	struct sgtable_object *obj = new_object(state, 0);
	struct long_term lt;
	pthread_t t;

	scoped_guard(device_bound, &gpu0)
		assert_int_equal(obj->ops->owned_sg_table(obj, &scope, &lt.owned), 0);
	devres_set_release_nosync(nosync);
	atomic_store(&reader_inside, 0);
	atomic_store(&unbind_done, 0);
	/* With the grace period, unbind waits for the reader: let it give up soon. */
	lt.deadline = sgt_now_ns() + (nosync ? 1000000000ull : 100000000ull);
	pthread_create(&t, NULL, long_term_reader, &lt);
	while (!atomic_load_explicit(&reader_inside, memory_order_relaxed))
		sched_yield();
	device_unbind(&gpu0);
	atomic_store_explicit(&unbind_done, 1, memory_order_relaxed);
	pthread_join(t, NULL);
	devres_set_release_nosync(false);
	sgtable_owned_put(&lt.owned);
	sgtable_object_put(obj);
}

static void test_h10_revoke_without_grace_period(void **state)
{
	if (!sgt_tsan_enabled())
		skip();
	revoke_under_reader(state, true);
	assert_true(sgt_tsan_report_count_of("data-race") >= 1);
}

static void test_h10_quiet_with_grace_period(void **state)
{
	unsigned long before = sgt_tsan_report_count();

	revoke_under_reader(state, false);
	assert_int_equal(sgt_tsan_report_count(), before);
	assert_no_violations();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		STRATEGY_TEST(test_h7_free_vs_inflight_release, "v19"),
		STRATEGY_TEST(test_h7_free_vs_inflight_release, "setonce-init"),
		STRATEGY_TEST(test_h7_free_vs_inflight_release, "fixed"),
		STRATEGY_TEST(test_h7_gone_with_devres_6_17, "v19"),
		STRATEGY_TEST(test_h9_setonce_without_lock, "v19"),
		/* Quiet twins first: TSan's counts only grow. */
		STRATEGY_TEST(test_h10_quiet_with_grace_period, "v12"),
		STRATEGY_TEST(test_h8_unlocked_read, "v12"),
		STRATEGY_TEST(test_h10_revoke_without_grace_period, "v12"),
	};
	return run_strategy_tests(__FILE__, tests, sizeof(tests) / sizeof(tests[0]));
}
