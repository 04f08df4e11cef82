// SPDX-License-Identifier: GPL-2.0
#include <stdatomic.h>
#include <string.h>

#include <sgt/tsan.h>
#include <sgt/tsan_report.h>

#define MAX_TYPES 16

/* Types are TSan's static strings; a slot is claimed once, then read-only. */
static _Atomic(const char *) types[MAX_TYPES];
static atomic_ulong type_counts[MAX_TYPES];
static atomic_ulong total;

bool sgt_tsan_enabled(void)
{
	return SGT_TSAN_ON;
}

unsigned long sgt_tsan_report_count(void)
{
	return atomic_load(&total);
}

unsigned long sgt_tsan_report_count_of(const char *type)
{
	for (int i = 0; i < MAX_TYPES; i++) {
		const char *t = atomic_load(&types[i]);

		if (t && !strcmp(t, type))
			return atomic_load(&type_counts[i]);
	}
	return 0;
}

#if SGT_TSAN_ON
int __tsan_get_report_data(void *report, const char **description, int *count,
			   int *stack_count, int *mop_count, int *loc_count,
			   int *mutex_count, int *thread_count, int *unique_tid_count,
			   void **sleep_trace, unsigned long trace_size);
void __tsan_on_report(void *report);

static void count_type(const char *type)
{
	for (int i = 0; i < MAX_TYPES; i++) {
		const char *expected = NULL;
		const char *t = atomic_load(&types[i]);

		if (!t && atomic_compare_exchange_strong(&types[i], &expected, type))
			t = type;
		else if (!t)
			t = expected;
		if (!strcmp(t, type)) {
			atomic_fetch_add(&type_counts[i], 1);
			return;
		}
	}
}

/* Called by TSan for every report it prints (replaces its weak default). */
void __tsan_on_report(void *report)
{
	const char *description = "unknown";
	int count, stacks, mops, locs, mutexes, threads, tids;
	void *sleep;

	__tsan_get_report_data(report, &description, &count, &stacks, &mops, &locs,
			       &mutexes, &threads, &tids, &sleep, 0);
	atomic_fetch_add(&total, 1);
	count_type(description);
}
#endif
