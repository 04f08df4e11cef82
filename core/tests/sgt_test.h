/* SPDX-License-Identifier: GPL-2.0 */
/* What every core test needs: cmocka, a clean slate, threads, violation checks. */
#ifndef SGT_TEST_H
#define SGT_TEST_H

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>

#include <check/fault.h>
#include <check/violation.h>

/* cmocka setup: no violation, no armed fault, reports printed. */
static inline int sgt_test_setup(void **state)
{
	(void)state;
	sgt_violations_reset();
	sgt_fault_reset();
	sgt_violation_set_quiet(false);
	return 0;
}

/* The test expects violations: count them, do not print them. */
static inline void sgt_expect_violations(void)
{
	sgt_violation_set_quiet(true);
}

#define assert_no_violations() assert_int_equal(sgt_violation_total(), 0)
#define assert_violations(kind, n) assert_int_equal(sgt_violation_count(kind), (n))

static inline void sgt_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Run fn(arg_i) on n threads and join them; args is an array of n elements. */
static inline void sgt_run_threads(int n, void *(*fn)(void *), void *args, size_t arg_size)
{
	pthread_t t[64];

	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, fn, (char *)args + (size_t)i * arg_size);
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

#define SGT_TEST(fn) cmocka_unit_test_setup(fn, sgt_test_setup)

#endif /* SGT_TEST_H */
