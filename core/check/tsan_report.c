// SPDX-License-Identifier: GPL-2.0
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <check/tsan.h>
#if SGT_TSAN_ON
#include <sanitizer/common_interface_defs.h>
#endif
#include <check/tsan_report.h>
#include <check/wait.h>

#define MAX_TYPES 16
#define MAX_UNIQUE 32

/* Types are TSan's static strings; a slot is claimed once, then read-only. */
static _Atomic(const char *) types[MAX_TYPES];
static atomic_ulong type_counts[MAX_TYPES];
static atomic_ulong total;

/*
 * TSan reports one at a time (under its report lock): no lock of our own
 * needed.  TSan cannot see that lock, so the hook's own accesses are hidden
 * from it (see __tsan_on_report), or two reports in two threads would race.
 */
static struct sgt_tsan_unique uniques[MAX_UNIQUE];
static __attribute__((unused)) uint64_t unique_hash[MAX_UNIQUE];
static atomic_int nr_unique;

static void (*_Atomic report_handler)(const char *type, bool is_new);

void sgt_tsan_set_report_handler(void (*fn)(const char *type, bool is_new))
{
	atomic_store(&report_handler, fn);
}

int sgt_tsan_unique_reports(struct sgt_tsan_unique *out, int max)
{
	int n = atomic_load(&nr_unique);

	for (int i = 0; i < n && i < max; i++)
		out[i] = uniques[i];
	return n;
}

bool sgt_tsan_enabled(void)
{
	return SGT_TSAN_ON;
}

void sgt_tsan_set_log(const char *prefix)
{
#if SGT_TSAN_ON
	__sanitizer_set_report_path(prefix);
#else
	(void)prefix;
#endif
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
int __tsan_get_report_mop(void *report, unsigned long idx, int *tid, void **addr, int *size,
			  int *write, int *atomic, void **trace, unsigned long trace_size);
int __tsan_get_report_stack(void *report, unsigned long idx, void **trace,
			    unsigned long trace_size);
void __tsan_on_report(void *report);

/*
 * The report's first two stacks: its memory accesses, or else its plain
 * stacks.  Only indices the report has: TSan CHECKs them and dies otherwise
 * (a mutex misuse report has one stack and no access).
 */
static void report_stacks(void *report, int mops, int stacks, void *pcs[2][SGT_TSAN_FRAMES])
{
	for (int k = 0; k < 2; k++) {
		int tid, size, write, atomic;
		void *addr;

		memset(pcs[k], 0, sizeof(pcs[k]));
		if (k < mops)
			__tsan_get_report_mop(report, (unsigned long)k, &tid, &addr, &size, &write,
					      &atomic, pcs[k], SGT_TSAN_FRAMES);
		else if (!mops && k < stacks)
			__tsan_get_report_stack(report, (unsigned long)k, pcs[k], SGT_TSAN_FRAMES);
	}
}

/* Count the report among the uniques; true if it was not seen before. */
static bool count_unique(const char *type, void *pcs[2][SGT_TSAN_FRAMES])
{
	uint64_t h = 1469598103934665603ull;
	int n = atomic_load(&nr_unique);

	for (const char *c = type; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ull;
	for (int k = 0; k < 2; k++)
		for (int f = 0; f < SGT_TSAN_FRAMES && pcs[k][f]; f++)
			h = (h ^ (uintptr_t)pcs[k][f]) * 1099511628211ull;
	for (int i = 0; i < n; i++) {
		if (unique_hash[i] == h) {
			uniques[i].count++;
			return false;
		}
	}
	if (n == MAX_UNIQUE)
		return false;
	unique_hash[n] = h;
	uniques[n].type = type;
	uniques[n].count = 1;
	uniques[n].first_ns = sgt_now_ns();
	memcpy(uniques[n].pcs, pcs, sizeof(uniques[n].pcs));
	atomic_store(&nr_unique, n + 1);
	return true;
}

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

	void *pcs[2][SGT_TSAN_FRAMES];

	/*
	 * The hook runs inside TSan's report, holding its registry lock.  Were
	 * TSan to check the accesses below, the second report's read of what
	 * the first one wrote would be a race reported from inside a report:
	 * a self-deadlock on that lock.  Ignore this thread's accesses here.
	 */
	__tsan_ignore_thread_begin();
	__tsan_get_report_data(report, &description, &count, &stacks, &mops, &locs,
			       &mutexes, &threads, &tids, &sleep, 0);
	atomic_fetch_add(&total, 1);
	count_type(description);
	report_stacks(report, mops, stacks, pcs);
	bool is_new = count_unique(description, pcs);
	void (*fn)(const char *, bool) = atomic_load(&report_handler);

	if (fn)
		fn(description, is_new);
	__tsan_ignore_thread_end();
}
#endif
