// SPDX-License-Identifier: GPL-2.0
/* struct mutex: exclusion, trylock, owner tracking, and the misuse it reports. */
#include <kernel/mutex.h>
#include <check/lockdep.h>
#include <check/thread.h>
#include <stdio.h>
#include <stdlib.h>

#include "../sgt_test.h"

#define ITERS 20000

struct counter {
	struct mutex lock;
	long value;	/* only under lock: TSan checks that claim */
};

static struct counter shared;

static void *inc_thread(void *arg)
{
	for (int i = 0; i < ITERS; i++) {
		guard(mutex)(&shared.lock);
		shared.value++;
	}
	return NULL;
}

static void test_mutual_exclusion(void **state)
{
	char args[4];

	mutex_init(&shared.lock);
	shared.value = 0;
	sgt_run_threads(4, inc_thread, args, 1);
	assert_int_equal(shared.value, 4 * ITERS);
	assert_false(mutex_is_locked(&shared.lock));
	mutex_destroy(&shared.lock);
	assert_no_violations();
}

static void *try_from_other(void *arg)
{
	struct mutex *m = arg;
	int got = mutex_trylock(m);

	if (got)
		mutex_unlock(m);
	return (void *)(intptr_t)got;
}

static void test_trylock_and_owner(void **state)
{
	struct mutex m;
	pthread_t t;
	void *got;

	mutex_init(&m);
	assert_int_equal(mutex_trylock(&m), 1);
	mutex_assert_held(&m);
	assert_true(lockdep_is_held(&m));
	pthread_create(&t, NULL, try_from_other, &m);
	pthread_join(t, &got);
	assert_int_equal((intptr_t)got, 0);	/* held by us */
	mutex_unlock(&m);
	pthread_create(&t, NULL, try_from_other, &m);
	pthread_join(t, &got);
	assert_int_equal((intptr_t)got, 1);
	assert_int_equal(lockdep_depth(), 0);
	mutex_destroy(&m);
	assert_no_violations();
}

static int guarded_early_return(struct mutex *m, int x)
{
	guard(mutex)(m);
	if (x)
		return 1;	/* the guard unlocks here too */
	return 0;
}

static void test_guard_unlocks_on_every_return(void **state)
{
	struct mutex m;

	mutex_init(&m);
	assert_int_equal(guarded_early_return(&m, 1), 1);
	assert_false(mutex_is_locked(&m));
	assert_int_equal(guarded_early_return(&m, 0), 0);
	assert_false(mutex_is_locked(&m));
	scoped_guard(mutex, &m)
		assert_true(mutex_is_locked(&m));
	assert_false(mutex_is_locked(&m));
	mutex_destroy(&m);
	assert_no_violations();
}

struct blocked {
	struct mutex *m;
	struct sgt_thread *_Atomic self;
};

static void *lock_blocked(void *arg)
{
	struct blocked *b = arg;

	atomic_store(&b->self, sgt_current());
	mutex_lock(b->m);
	mutex_unlock(b->m);
	return NULL;
}

/* The watchdog's dump says what a sleeping thread waits for, as a hung-task report does. */
static void test_dump_names_what_it_waits_for(void **state)
{
	struct blocked b = { 0 };
	struct mutex m;
	char *text = NULL, want[64];
	size_t len;
	pthread_t t;

	mutex_init(&m);
	b.m = &m;
	mutex_lock(&m);
	pthread_create(&t, NULL, lock_blocked, &b);
	/* No clock: it sleeps on m (we hold it) until we see it does. */
	while (!atomic_load(&b.self) ||
	       !atomic_load_explicit(&atomic_load(&b.self)->waiting_for, memory_order_relaxed))
		sched_yield();
	FILE *f = open_memstream(&text, &len);
	sgt_thread_dump(atomic_load(&b.self), f);
	fclose(f);
	mutex_unlock(&m);
	pthread_join(t, NULL);
	snprintf(want, sizeof(want), "(%p)", (void *)&m);
	assert_non_null(strstr(text, ", blocked on "));
	assert_non_null(strstr(text, want));
	free(text);
	mutex_destroy(&m);
	assert_no_violations();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGT_TEST(test_mutual_exclusion),
		SGT_TEST(test_trylock_and_owner),
		SGT_TEST(test_guard_unlocks_on_every_return),
		SGT_TEST(test_dump_names_what_it_waits_for),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
