// SPDX-License-Identifier: GPL-2.0
/* Fault injection: deterministic for a seed, nth and interval triggers, parsing. */
#include <check/fault.h>

#include "../sgt_test.h"

static uint64_t pattern(uint64_t seed, uint32_t ppm)
{
	struct sgt_fault_attr a = { .probability_ppm = ppm, .times = -1 };
	uint64_t bits = 0;

	sgt_fault_reset();
	sgt_fault_seed(seed);
	sgt_fault_set(SGT_FAULT_PAGE_ALLOC, &a);
	for (int i = 0; i < 64; i++)
		bits |= (uint64_t)sgt_should_fail(SGT_FAULT_PAGE_ALLOC) << i;
	return bits;
}

static void test_deterministic_for_a_seed(void **state)
{
	uint64_t a = pattern(42, 300000), b = pattern(42, 300000), c = pattern(43, 300000);
	int n = __builtin_popcountll(a);

	assert_true(a == b);
	assert_true(a != c);
	assert_in_range(n, 8, 32);	/* about 30% of 64 */
	assert_true(pattern(1, 0) == 0);
	assert_true(pattern(1, 1000000) == ~0ull);
}

static void test_nth_interval_times(void **state)
{
	struct sgt_fault_attr nth3 = { .nth = 3, .times = -1 };
	struct sgt_fault_attr every2 = { .interval = 2, .times = 2 };

	sgt_fault_set(SGT_FAULT_EINTR, &nth3);
	for (int i = 1; i <= 6; i++)
		assert_int_equal(sgt_should_fail(SGT_FAULT_EINTR), i == 3);
	sgt_fault_set(SGT_FAULT_DEVRES_ALLOC, &every2);
	for (int i = 1; i <= 8; i++)
		assert_int_equal(sgt_should_fail(SGT_FAULT_DEVRES_ALLOC), i == 2 || i == 4);
	assert_int_equal(sgt_fault_injected(SGT_FAULT_DEVRES_ALLOC), 2);
	assert_int_equal(sgt_fault_calls(SGT_FAULT_DEVRES_ALLOC), 8);
	assert_false(sgt_should_fail(SGT_FAULT_WW_EDEADLK));	/* not armed */
}

static void test_parse(void **state)
{
	char err[256];

	assert_int_equal(sgt_fault_parse("page-alloc=0.25", err, sizeof(err)), 0);
	assert_int_equal(sgt_fault_parse("devm-add-action=nth:2", err, sizeof(err)), 0);
	assert_int_equal(sgt_fault_parse("ww-edeadlk=every:10,times:3", err, sizeof(err)), 0);
	assert_int_equal(sgt_fault_parse("pagealloc=0.1", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "pagealloc"));
	assert_non_null(strstr(err, "devres-alloc"));
	assert_int_equal(sgt_fault_parse("eintr=1.5", err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "1.5"));
	assert_int_equal(sgt_fault_parse("eintr=every:0", err, sizeof(err)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		SGT_TEST(test_deterministic_for_a_seed),
		SGT_TEST(test_nth_interval_times),
		SGT_TEST(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
