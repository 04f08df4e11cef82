// SPDX-License-Identifier: GPL-2.0
/*
 * ww_mutex semantics, after the scenarios of kernel/locking/test-ww_mutex.c:
 * AA, ABBA and cycles with backoff that completes, stress in order and
 * reordered, the wait-die and wound-wait rules, and -EDEADLK injection.
 */
#include <stdlib.h>

#include <kernel/completion.h>
#include <kernel/dma_resv.h>
#include <kernel/ww_mutex.h>

#include "../sgt_test.h"

static DEFINE_WW_CLASS(test_ww_class);

static void test_aa(void **state)
{
	struct ww_mutex m;
	struct ww_acquire_ctx ctx;

	ww_mutex_init(&m, &reservation_ww_class);
	ww_acquire_init(&ctx, &reservation_ww_class);
	assert_int_equal(ww_mutex_lock(&m, &ctx), 0);
	assert_int_equal(ww_mutex_lock(&m, &ctx), -EALREADY);
	assert_int_equal(ww_mutex_trylock(&m, &ctx), 0);
	assert_int_equal(ww_mutex_trylock(&m, NULL), 0);
	ww_mutex_unlock(&m);
	ww_acquire_fini(&ctx);
	ww_mutex_destroy(&m);
	assert_no_violations();
}

/*
 * Lock every lock of locks[] with ctx, backing off on -EDEADLK as
 * Documentation/locking/ww-mutex-design.rst shows: unlock everything, sleep
 * on the contended lock with ww_mutex_lock_slow(), retry the rest.
 */
static void lock_all(struct ww_mutex **locks, int n, struct ww_acquire_ctx *ctx,
		     long *backoffs)
{
	struct ww_mutex *contended = NULL;
	int i, ret;

retry:
	for (i = 0; i < n; i++) {
		if (locks[i] == contended) {
			contended = NULL;	/* held already, from the slow path */
			continue;
		}
		ret = ww_mutex_lock(locks[i], ctx);
		if (!ret)
			continue;
		for (int j = 0; j < i; j++)
			ww_mutex_unlock(locks[j]);
		if (contended)
			ww_mutex_unlock(contended);
		contended = locks[i];
		(*backoffs)++;
		ww_mutex_lock_slow(contended, ctx);
		goto retry;
	}
}

static void unlock_all(struct ww_mutex **locks, int n)
{
	for (int i = 0; i < n; i++)
		ww_mutex_unlock(locks[i]);
}

#define NLOCKS 16

static struct ww_mutex stress_locks[NLOCKS];
static long stress_count[NLOCKS];	/* each under its lock */

struct stress_arg {
	int iters;
	bool reorder;
	unsigned int seed;
	long backoffs;
	long errors;
};

static void shuffle(struct ww_mutex **v, int n, unsigned int *seed)
{
	for (int i = n - 1; i > 0; i--) {
		int j = rand_r(seed) % (i + 1);
		struct ww_mutex *t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

static void *stress_thread(void *p)
{
	struct stress_arg *a = p;

	for (int it = 0; it < a->iters; it++) {
		struct ww_mutex *order[NLOCKS];
		struct ww_acquire_ctx ctx;
		int n = 2 + rand_r(&a->seed) % (NLOCKS - 2);

		for (int i = 0; i < NLOCKS; i++)
			order[i] = &stress_locks[i];
		if (a->reorder)
			shuffle(order, NLOCKS, &a->seed);
		ww_acquire_init(&ctx, &reservation_ww_class);
		lock_all(order, n, &ctx, &a->backoffs);
		ww_acquire_done(&ctx);
		for (int i = 0; i < n; i++)
			stress_count[order[i] - stress_locks]++;
		unlock_all(order, n);
		ww_acquire_fini(&ctx);
	}
	return NULL;
}

static long run_stress(bool reorder, int threads, int iters)
{
	struct stress_arg args[8];
	long backoffs = 0, total = 0;

	for (int i = 0; i < NLOCKS; i++) {
		ww_mutex_init(&stress_locks[i], &reservation_ww_class);
		stress_count[i] = 0;
	}
	for (int i = 0; i < threads; i++)
		args[i] = (struct stress_arg){ .iters = iters, .reorder = reorder,
					       .seed = 1234u + (unsigned int)i };
	sgt_run_threads(threads, stress_thread, args, sizeof(args[0]));
	for (int i = 0; i < threads; i++)
		backoffs += args[i].backoffs;
	for (int i = 0; i < NLOCKS; i++) {
		assert_false(ww_mutex_is_locked(&stress_locks[i]));
		total += stress_count[i];
		ww_mutex_destroy(&stress_locks[i]);
	}
	assert_true(total > 0);
	return backoffs;
}

static void test_stress_inorder(void **state)
{
	/* One global order; wait-die still kills a younger ctx that meets an older holder. */
	run_stress(false, 4, 2000);
	assert_no_violations();
}

static void test_stress_reordered(void **state)
{
	run_stress(true, 4, 1000);	/* completes only if backoff works */
	assert_no_violations();
}

static void test_stress_with_injected_edeadlk(void **state)
{
	/*
	 * A fixed interval shorter than the lock set would livelock (the
	 * kernel's injection grows its interval for that reason): use 2%.
	 */
	struct sgt_fault_attr two_percent = { .probability_ppm = 20000, .times = -1 };

	sgt_fault_set(SGT_FAULT_WW_EDEADLK, &two_percent);
	assert_true(run_stress(false, 2, 500) > 0);	/* in order, yet backs off */
	assert_true(sgt_fault_injected(SGT_FAULT_WW_EDEADLK) > 0);
	assert_no_violations();
}

/* ABBA and a cycle: thread i takes lock i then lock i+1 (mod n), again and again. */
struct cycle_arg {
	struct ww_mutex *locks;
	int n, me, iters;
	long backoffs;
};

static void *cycle_thread(void *p)
{
	struct cycle_arg *a = p;

	for (int it = 0; it < a->iters; it++) {
		struct ww_mutex *order[2] = { &a->locks[a->me], &a->locks[(a->me + 1) % a->n] };
		struct ww_acquire_ctx ctx;

		ww_acquire_init(&ctx, &reservation_ww_class);
		lock_all(order, 2, &ctx, &a->backoffs);
		unlock_all(order, 2);
		ww_acquire_fini(&ctx);
	}
	return NULL;
}

static void run_cycle(int n)
{
	struct ww_mutex locks[8];
	struct cycle_arg args[8];

	for (int i = 0; i < n; i++) {
		ww_mutex_init(&locks[i], &reservation_ww_class);
		args[i] = (struct cycle_arg){ .locks = locks, .n = n, .me = i, .iters = 2000 };
	}
	sgt_run_threads(n, cycle_thread, args, sizeof(args[0]));
	for (int i = 0; i < n; i++) {
		assert_false(ww_mutex_is_locked(&locks[i]));
		ww_mutex_destroy(&locks[i]);
	}
	assert_no_violations();
}

static void test_abba(void **state)
{
	run_cycle(2);
}

static void test_cycle(void **state)
{
	run_cycle(4);
}

/* --- the decision rules, deterministic: an older and a younger context --- */

struct rules {
	struct ww_class *class;
	struct ww_mutex a, b;
	struct completion older_ready, older_holds, younger_holds, done;
	atomic_int older_ret;
	atomic_bool older_returned;
};

/* Older thread: init first (smaller stamp), take b, then want a. */
static void *older_thread(void *p)
{
	struct rules *r = p;
	struct ww_acquire_ctx ctx;

	ww_acquire_init(&ctx, r->class);
	complete_all(&r->older_ready);
	assert_int_equal(ww_mutex_lock(&r->b, &ctx), 0);
	complete_all(&r->older_holds);
	wait_for_completion(&r->younger_holds);
	atomic_store(&r->older_ret, ww_mutex_lock(&r->a, &ctx));
	atomic_store(&r->older_returned, true);
	if (atomic_load(&r->older_ret) == 0)
		ww_mutex_unlock(&r->a);
	wait_for_completion(&r->done);
	ww_mutex_unlock(&r->b);
	ww_acquire_fini(&ctx);
	return NULL;
}

static void rules_init(struct rules *r, struct ww_class *class)
{
	r->class = class;
	ww_mutex_init(&r->a, class);
	ww_mutex_init(&r->b, class);
	init_completion(&r->older_ready);
	init_completion(&r->older_holds);
	init_completion(&r->younger_holds);
	init_completion(&r->done);
	atomic_init(&r->older_ret, 1);
	atomic_init(&r->older_returned, false);
}

static void test_wait_die_rules(void **state)
{
	struct rules r;
	struct ww_acquire_ctx young;
	pthread_t t;

	rules_init(&r, &reservation_ww_class);
	pthread_create(&t, NULL, older_thread, &r);
	wait_for_completion(&r.older_ready);
	ww_acquire_init(&young, r.class);	/* younger: stamp taken after */
	assert_int_equal(ww_mutex_lock(&r.a, &young), 0);
	wait_for_completion(&r.older_holds);
	complete_all(&r.younger_holds);

	/* The older one wants a, held by us (younger): it waits, never dies. */
	sgt_msleep(100);
	assert_false(atomic_load(&r.older_returned));
	/* We hold a lock and want b, held by an older ctx: we die. */
	assert_int_equal(ww_mutex_lock(&r.b, &young), -EDEADLK);
	ww_mutex_unlock(&r.a);			/* back off ... */
	while (!atomic_load(&r.older_returned))
		sgt_msleep(1);
	assert_int_equal(atomic_load(&r.older_ret), 0);	/* ... and it proceeds */

	/* Holding nothing, a ctx never dies: it sleeps until b is free. */
	complete_all(&r.done);
	ww_mutex_lock_slow(&r.b, &young);
	ww_mutex_unlock(&r.b);
	ww_acquire_fini(&young);
	pthread_join(t, NULL);
	ww_mutex_destroy(&r.a);
	ww_mutex_destroy(&r.b);
	assert_no_violations();
}

static void test_wound_wait_rules(void **state)
{
	struct rules r;
	struct ww_acquire_ctx young;
	pthread_t t;

	rules_init(&r, &test_ww_class);
	pthread_create(&t, NULL, older_thread, &r);
	wait_for_completion(&r.older_ready);
	ww_acquire_init(&young, r.class);
	assert_int_equal(ww_mutex_lock(&r.a, &young), 0);
	wait_for_completion(&r.older_holds);
	complete_all(&r.younger_holds);

	/* The older one wants a, held by us: it wounds us and waits. */
	while (!atomic_load(&young.wounded))
		sgt_msleep(1);
	assert_false(atomic_load(&r.older_returned));
	/* Wounded and holding a lock: our next lock attempt dies. */
	assert_int_equal(ww_mutex_lock(&r.b, &young), -EDEADLK);
	ww_mutex_unlock(&r.a);
	while (!atomic_load(&r.older_returned))
		sgt_msleep(1);
	assert_int_equal(atomic_load(&r.older_ret), 0);
	complete_all(&r.done);
	ww_mutex_lock_slow(&r.b, &young);	/* acquired == 0 clears the wound */
	assert_false(atomic_load(&young.wounded));
	ww_mutex_unlock(&r.b);
	ww_acquire_fini(&young);
	pthread_join(t, NULL);
	ww_mutex_destroy(&r.a);
	ww_mutex_destroy(&r.b);
	assert_no_violations();
}

static void test_stamps_order_contexts(void **state)
{
	struct ww_acquire_ctx c1, c2;

	ww_acquire_init(&c1, &reservation_ww_class);
	ww_acquire_init(&c2, &reservation_ww_class);
	assert_true(c1.stamp < c2.stamp);
	assert_true(c1.is_wait_die);
	ww_acquire_fini(&c1);
	ww_acquire_init(&c1, &test_ww_class);
	assert_false(c1.is_wait_die);
	ww_acquire_fini(&c1);
	ww_acquire_fini(&c2);
}

/* --- NULL ctx: a plain mutex; and the dma_resv wrappers --- */

static struct dma_resv resv;
static long resv_counter;

static void *resv_thread(void *p)
{
	for (int i = 0; i < 5000; i++) {
		guard(dma_resv)(&resv);
		dma_resv_assert_held(&resv);
		resv_counter++;
	}
	return NULL;
}

static void test_null_ctx_plain_mutex(void **state)
{
	char args[4];

	dma_resv_init(&resv);
	resv_counter = 0;
	sgt_run_threads(4, resv_thread, args, 1);
	assert_int_equal(resv_counter, 4 * 5000);
	assert_true(dma_resv_trylock(&resv));
	assert_true(dma_resv_is_locked(&resv));
	dma_resv_unlock(&resv);
	dma_resv_fini(&resv);
	assert_no_violations();
}

static void test_interruptible_eintr(void **state)
{
	struct sgt_fault_attr first = { .nth = 1, .times = -1 };
	struct ww_acquire_ctx ctx;

	dma_resv_init(&resv);
	sgt_fault_set(SGT_FAULT_EINTR, &first);
	assert_int_equal(dma_resv_lock_interruptible(&resv, NULL), -EINTR);
	assert_false(dma_resv_is_locked(&resv));
	assert_int_equal(dma_resv_lock_interruptible(&resv, NULL), 0);
	dma_resv_unlock(&resv);
	ww_acquire_init(&ctx, &reservation_ww_class);
	assert_int_equal(dma_resv_lock_interruptible(&resv, &ctx), 0);
	dma_resv_unlock(&resv);
	ww_acquire_fini(&ctx);
	dma_resv_fini(&resv);
	assert_no_violations();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGT_TEST(test_aa),
		SGT_TEST(test_abba),
		SGT_TEST(test_cycle),
		SGT_TEST(test_stress_inorder),
		SGT_TEST(test_stress_reordered),
		SGT_TEST(test_stress_with_injected_edeadlk),
		SGT_TEST(test_wait_die_rules),
		SGT_TEST(test_wound_wait_rules),
		SGT_TEST(test_stamps_order_contexts),
		SGT_TEST(test_null_ctx_plain_mutex),
		SGT_TEST(test_interruptible_eintr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
