// SPDX-License-Identifier: GPL-2.0
/* SetOnce: one winner; losers' values dropped; the initializer variant's rules; kref. */
#include <errno.h>
#include <stdlib.h>

#include <kernel/completion.h>
#include <kernel/kref.h>
#include <kernel/set_once.h>

#include "../sgt_test.h"

static atomic_int dropped;

static void value_drop(void *v)
{
	atomic_fetch_add(&dropped, 1);
	free(v);
}

static struct set_once race_so;

static void *populate_thread(void *arg)
{
	int *v = malloc(sizeof(*v));
	bool *won = arg;

	*v = 1;
	*won = set_once_populate(&race_so, v, value_drop);
	return NULL;
}

static void test_populate_once(void **state)
{
	for (int round = 0; round < 100; round++) {
		bool won[4] = { false };
		int winners = 0;
		int *v;

		atomic_store(&dropped, 0);
		set_once_init(&race_so);
		assert_null(set_once_as_ref(&race_so));
		sgt_run_threads(4, populate_thread, won, sizeof(won[0]));
		for (int i = 0; i < 4; i++)
			winners += won[i];
		assert_int_equal(winners, 1);
		assert_int_equal(atomic_load(&dropped), 3);	/* the losers' values */
		v = set_once_as_ref(&race_so);
		assert_non_null(v);
		assert_int_equal(*v, 1);
		set_once_destroy(&race_so, value_drop);
		assert_int_equal(atomic_load(&dropped), 4);
	}
	assert_no_violations();
}

static void test_loser_sees_empty_while_writer_writes(void **state)
{
	struct set_once so;
	int v = 5;

	set_once_init(&so);
	atomic_store(&so.init, 1);		/* a writer is inside populate */
	assert_null(set_once_as_ref(&so));	/* readers still see "empty" */
	assert_false(set_once_populate(&so, &v, NULL));	/* and a second writer loses */
	sgt_expect_violations();
	set_once_destroy(&so, NULL);
	assert_violations(SGT_V_SET_ONCE, 1);
}

/* populate_with: racers wait for the one initializer; a failure empties the slot. */
struct init_arg {
	struct completion *gate;
	atomic_int *calls;
	int fail_first;
};

static int slow_init(void *p, void **value)
{
	struct init_arg *a = p;
	int n = atomic_fetch_add(a->calls, 1);

	wait_for_completion(a->gate);
	if (n < a->fail_first)
		return -ENOMEM;
	*value = (void *)(intptr_t)(100 + n);
	return 0;
}

static struct set_once with_so;
static struct init_arg with_arg;

static void *populate_with_thread(void *arg)
{
	int *ret = arg;

	*ret = set_once_populate_with(&with_so, slow_init, &with_arg);
	return NULL;
}

static void run_populate_with(int fail_first, int expect_calls)
{
	struct completion gate;
	atomic_int calls;
	int rets[4];
	int failures = 0;
	pthread_t t[4];

	init_completion(&gate);
	atomic_init(&calls, 0);
	with_arg = (struct init_arg){ .gate = &gate, .calls = &calls, .fail_first = fail_first };
	set_once_init(&with_so);
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, populate_with_thread, &rets[i]);
	sgt_msleep(50);
	/* One initializer runs; the others wait rather than build a second value. */
	assert_int_equal(atomic_load(&calls), 1);
	assert_null(set_once_as_ref(&with_so));
	complete_all(&gate);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		failures += rets[i] != 0;
	}
	assert_int_equal(failures, fail_first);
	assert_int_equal(atomic_load(&calls), expect_calls);
	assert_int_equal((intptr_t)set_once_as_ref(&with_so), 100 + fail_first);
}

static void test_populate_with_one_initializer(void **state)
{
	run_populate_with(0, 1);
	assert_no_violations();
}

static void test_populate_with_failure_retries(void **state)
{
	run_populate_with(1, 2);	/* the failed caller gets -ENOMEM; a racer retries */
	assert_no_violations();
}

static atomic_int released;

static void kref_release(struct kref *k)
{
	atomic_fetch_add(&released, 1);
}

static void test_kref(void **state)
{
	struct kref k;

	atomic_store(&released, 0);
	kref_init(&k);
	kref_get(&k);
	assert_int_equal(kref_read(&k), 2);
	assert_int_equal(kref_put(&k, kref_release), 0);
	assert_int_equal(kref_put(&k, kref_release), 1);
	assert_int_equal(atomic_load(&released), 1);
	assert_no_violations();
}

static int null_initializer(void *arg, void **value)
{
	*value = NULL;
	return 0;
}

/* NULL is as_ref()'s None: both ways of populating refuse it, and say so. */
static void test_null_refused(void **state)
{
	struct set_once so;

	sgt_expect_violations();
	set_once_init(&so);
	assert_false(set_once_populate(&so, NULL, NULL));
	assert_violations(SGT_V_SET_ONCE, 1);
	assert_int_equal(set_once_populate_with(&so, null_initializer, NULL), -EINVAL);
	assert_violations(SGT_V_SET_ONCE, 2);
	assert_null(set_once_as_ref(&so));	/* still empty: a real value may follow */
	assert_true(set_once_populate(&so, &so, NULL));
	assert_ptr_equal(set_once_as_ref(&so), &so);
	set_once_destroy(&so, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGT_TEST(test_populate_once),
		SGT_TEST(test_loser_sees_empty_while_writer_writes),
		SGT_TEST(test_populate_with_one_initializer),
		SGT_TEST(test_populate_with_failure_retries),
		SGT_TEST(test_kref),
		SGT_TEST(test_null_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
