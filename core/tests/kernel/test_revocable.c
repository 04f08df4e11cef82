// SPDX-License-Identifier: GPL-2.0
/* RCU and Revocable: revoke waits for readers, revokes exactly once, drops once. */
#include <kernel/completion.h>
#include <kernel/rcu.h>
#include <kernel/revocable.h>

#include "../sgt_test.h"

struct payload {
	int value;
	atomic_int drops;
};

static void payload_drop(void *data)
{
	struct payload *p = data;

	p->value = -1;	/* poison: a reader still inside would see it */
	atomic_fetch_add(&p->drops, 1);
}

struct reader {
	struct revocable *r;
	struct completion inside, release;
	int seen;
	atomic_bool done;
};

static void *reader_thread(void *arg)
{
	struct reader *rd = arg;
	struct payload *p __free(revocable_guard) = revocable_try_access(rd->r);

	if (!p)
		return NULL;
	complete_all(&rd->inside);
	wait_for_completion(&rd->release);
	rd->seen = p->value;	/* still inside the read section */
	atomic_store(&rd->done, true);
	return NULL;
}

static void test_revoke_waits_for_readers(void **state)
{
	struct payload p = { .value = 42 };
	struct revocable r;
	struct reader rd = { .r = &r };
	pthread_t t;

	atomic_init(&p.drops, 0);
	init_completion(&rd.inside);
	init_completion(&rd.release);
	atomic_init(&rd.done, false);
	revocable_init(&r, &p, payload_drop);
	pthread_create(&t, NULL, reader_thread, &rd);
	wait_for_completion(&rd.inside);
	complete_all(&rd.release);
	/* The grace period cannot end before the reader leaves its section. */
	assert_true(revocable_revoke(&r));
	assert_true(atomic_load(&rd.done));
	assert_int_equal(rd.seen, 42);
	assert_int_equal(atomic_load(&p.drops), 1);
	pthread_join(t, NULL);
	assert_null(revocable_try_access(&r));
	assert_false(revocable_revoke(&r));
	assert_false(revocable_revoke_nosync(&r));
	revocable_destroy(&r);
	assert_int_equal(atomic_load(&p.drops), 1);
	assert_no_violations();
}

static struct revocable race_r;

static void *revoker_thread(void *arg)
{
	bool *won = arg;

	*won = revocable_revoke(&race_r);
	return NULL;
}

static void test_revoke_exactly_once(void **state)
{
	for (int round = 0; round < 50; round++) {
		struct payload p = { .value = 1 };
		bool won[4] = { false };
		int winners = 0;

		atomic_init(&p.drops, 0);
		revocable_init(&race_r, &p, payload_drop);
		sgt_run_threads(4, revoker_thread, won, sizeof(won[0]));
		for (int i = 0; i < 4; i++)
			winners += won[i];
		assert_int_equal(winners, 1);
		assert_int_equal(atomic_load(&p.drops), 1);
		revocable_destroy(&race_r);
		assert_int_equal(atomic_load(&p.drops), 1);
	}
	assert_no_violations();
}

static void test_nosync_and_destroy(void **state)
{
	struct payload p = { .value = 7 }, q = { .value = 8 };
	struct revocable r, s;

	atomic_init(&p.drops, 0);
	atomic_init(&q.drops, 0);
	revocable_init(&r, &p, payload_drop);
	assert_true(revocable_revoke_nosync(&r));
	assert_int_equal(atomic_load(&p.drops), 1);
	revocable_destroy(&r);
	assert_int_equal(atomic_load(&p.drops), 1);
	/* Dropping a still-available Revocable drops its payload. */
	revocable_init(&s, &q, payload_drop);
	assert_ptr_equal(revocable_access(&s), &q);
	revocable_destroy(&s);
	assert_int_equal(atomic_load(&q.drops), 1);
	assert_no_violations();
}

static void test_rcu_guard_nests(void **state)
{
	assert_false(rcu_read_lock_held());
	{
		CLASS(rcu, outer)();
		(void)outer;
		rcu_read_lock();
		assert_true(rcu_read_lock_held());
		rcu_read_unlock();
		assert_true(rcu_read_lock_held());
	}
	assert_false(rcu_read_lock_held());
	synchronize_rcu();
	assert_no_violations();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGT_TEST(test_revoke_waits_for_readers),
		SGT_TEST(test_revoke_exactly_once),
		SGT_TEST(test_nosync_and_destroy),
		SGT_TEST(test_rcu_guard_nests),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
