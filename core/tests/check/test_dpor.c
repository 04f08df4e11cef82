// SPDX-License-Identifier: GPL-2.0
/*
 * The dependence relation and source-DPOR on hand-made traces: two threads,
 * one step each, dependent (a write and a write, a write and a read, a
 * global step) or not (two reads, two locations).  A dependent pair is
 * explored in both orders, with the first thread asleep in the second; an
 * independent pair once.  No process is forked: dpor.c is plain data.
 */
#include <stdlib.h>
#include <check/dpor.h>

#include "../sgt_test.h"

static int loc_a, loc_b;

static struct sgt_footprint fp(const void *addr, bool write)
{
	struct sgt_footprint f = { 0 };

	sgt_fp_add(&f, addr, write);
	return f;
}

static void test_dependence(void **state)
{
	struct sgt_footprint wa = fp(&loc_a, true), ra = fp(&loc_a, false), wb = fp(&loc_b, true);
	struct sgt_footprint g = { .global = true }, none = { 0 };

	assert_true(sgt_fp_dependent(&wa, &wa));
	assert_true(sgt_fp_dependent(&wa, &ra));
	assert_false(sgt_fp_dependent(&ra, &ra));
	assert_false(sgt_fp_dependent(&wa, &wb));
	assert_true(sgt_fp_dependent(&g, &none));
	/* A read then a write of one location in a step: the step writes it. */
	struct sgt_footprint rb = fp(&loc_b, false), rb2 = fp(&loc_b, false);

	sgt_fp_add(&rb, &loc_b, true);
	assert_true(sgt_fp_dependent(&rb, &rb2));
	/* More locations than it keeps: global, not a silent loss. */
	struct sgt_footprint many = { 0 };
	int locs[SGT_FP_MAX + 1];

	for (int i = 0; i <= SGT_FP_MAX; i++)
		sgt_fp_add(&many, &locs[i], false);
	assert_true(many.global);
}

static struct sched_ctl_trace *trace_new(void)
{
	struct sched_ctl_trace *t = calloc(1, sizeof(*t) + 8 * sizeof(t->d[0]));

	assert_non_null(t);
	t->cap = 8;
	return t;
}

/* Two threads, one step each, run in order first, second: the execution's trace. */
static void two_steps(struct sched_ctl_trace *t, int first, struct sgt_footprint f_first,
		      int second, struct sgt_footprint f_second)
{
	t->n = 2;
	t->blocked_at = SIZE_MAX;
	t->d[0] = (struct sched_ctl_decision){ .chosen = (int8_t)first, .current = -1,
					       .runnable = 3, .fp = f_first };
	t->d[1] = (struct sched_ctl_decision){ .chosen = (int8_t)second, .current = (int8_t)first,
					       .runnable = 1u << second, .fp = f_second };
}

/* How many executions DPOR asks for when thread 0's step is s0 and thread 1's s1. */
static int executions(struct sgt_footprint s0, struct sgt_footprint s1)
{
	struct sched_ctl_trace *t = trace_new();
	const struct sched_ctl_sleeper *sleepers;
	const uint32_t *prefix;
	int n = 0, nr_sleepers;
	struct dpor d;
	size_t len;

	dpor_init(&d, 2, -1);
	while (dpor_next(&d, &prefix, &len, &sleepers, &nr_sleepers)) {
		int first = len ? (int)prefix[0] : 0;

		if (n == 1) {		/* the second order: thread 0 sleeps with its step */
			assert_int_equal(len, 1);
			assert_int_equal(first, 1);
			assert_int_equal(nr_sleepers, 1);
			assert_int_equal(sleepers[0].thread, 0);
		}
		two_steps(t, first, first ? s1 : s0, 1 - first, first ? s0 : s1);
		dpor_record(&d, t);
		assert_true(++n <= 2);
	}
	dpor_free(&d);
	free(t);
	return n;
}

static void test_dpor_orders(void **state)
{
	struct sgt_footprint g = { .global = true };

	assert_int_equal(executions(fp(&loc_a, true), fp(&loc_a, true)), 2);
	assert_int_equal(executions(fp(&loc_a, true), fp(&loc_a, false)), 2);
	assert_int_equal(executions(fp(&loc_a, false), fp(&loc_a, true)), 2);
	assert_int_equal(executions(g, fp(&loc_b, false)), 2);
	assert_int_equal(executions(fp(&loc_a, false), fp(&loc_a, false)), 1);
	assert_int_equal(executions(fp(&loc_a, true), fp(&loc_b, true)), 1);
}

/* A preemption bound of 0 prunes the second order when the first thread could go on. */
static void test_dpor_bound(void **state)
{
	struct sched_ctl_trace *t = trace_new();
	const struct sched_ctl_sleeper *sleepers;
	const uint32_t *prefix;
	int nr_sleepers;
	struct dpor d;
	size_t len;

	dpor_init(&d, 2, 0);
	assert_true(dpor_next(&d, &prefix, &len, &sleepers, &nr_sleepers));
	two_steps(t, 0, fp(&loc_a, true), 1, fp(&loc_a, true));
	t->d[0].current = 0;		/* thread 0 was running and could go on */
	t->d[0].current_runnable = true;
	dpor_record(&d, t);
	assert_false(dpor_next(&d, &prefix, &len, &sleepers, &nr_sleepers));
	dpor_free(&d);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dependence),
		cmocka_unit_test(test_dpor_orders),
		cmocka_unit_test(test_dpor_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
