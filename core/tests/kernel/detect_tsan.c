// SPDX-License-Identifier: GPL-2.0
/*
 * Detectors that ThreadSanitizer must fire on, and their correct twins it
 * must stay quiet on:
 *   revoke-good    a reader inside try_access, revoke() with its grace
 *                  period: no report (the RCU annotation orders them);
 *   revoke-nosync  the same with revoke_nosync(): a data race (H10's shape);
 *   abba           two NULL-ctx dma_resv locks taken A->B then B->A (not
 *                  concurrently): a lock-order-inversion report.
 * Exit 0 when TSan's count matches the expectation.
 */
#include <stdio.h>
#include <string.h>

#include <kernel/dma_resv.h>
#include <kernel/revocable.h>
#include <check/tsan_report.h>
#include <check/wait.h>

struct payload {
	int value;
};

static void payload_drop(void *data)
{
	((struct payload *)data)->value = -1;
}

static struct revocable rev;
static struct payload payload = { .value = 42 };
/* Relaxed handshakes on purpose: they must not order the accesses for TSan. */
static atomic_int inside, revoked;

static void spin_until(atomic_int *flag)
{
	while (!atomic_load_explicit(flag, memory_order_relaxed))
		;
}

static void *reader(void *arg)
{
	bool wait_for_revoke = *(bool *)arg;
	struct payload *p = revocable_try_access(&rev);
	int seen;

	if (!p)
		return NULL;
	atomic_store_explicit(&inside, 1, memory_order_relaxed);
	if (wait_for_revoke)
		spin_until(&revoked);	/* the payload is being dropped under us */
	else
		for (volatile int i = 0; i < 1000000; i++)
			;		/* revoke() cannot finish while we are here */
	seen = p->value;
	revocable_guard_release();
	return (void *)(intptr_t)seen;
}

static int run_revoke(bool sync)
{
	pthread_t t;
	void *seen;

	revocable_init(&rev, &payload, payload_drop);
	pthread_create(&t, NULL, reader, &(bool){ !sync });
	spin_until(&inside);
	if (sync)
		revocable_revoke(&rev);
	else
		revocable_revoke_nosync(&rev);
	atomic_store_explicit(&revoked, 1, memory_order_relaxed);
	pthread_join(t, &seen);
	printf("reader saw %d; TSan reports: %lu (data-race: %lu)\n", (int)(intptr_t)seen,
	       sgt_tsan_report_count(), sgt_tsan_report_count_of("data-race"));
	if (sync)	/* quiet, and the reader saw the live payload */
		return sgt_tsan_report_count() == 0 && (intptr_t)seen == 42 ? 0 : 1;
	return sgt_tsan_report_count_of("data-race") >= 1 ? 0 : 1;
}

static void *lock_pair(void *arg)
{
	struct dma_resv **pair = arg;

	dma_resv_lock(pair[0], NULL);
	dma_resv_lock(pair[1], NULL);
	dma_resv_unlock(pair[1]);
	dma_resv_unlock(pair[0]);
	return NULL;
}

static int run_abba(void)
{
	struct dma_resv a, b;
	struct dma_resv *ab[2] = { &a, &b }, *ba[2] = { &b, &a };
	pthread_t t;

	dma_resv_init(&a);
	dma_resv_init(&b);
	pthread_create(&t, NULL, lock_pair, ab);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, lock_pair, ba);
	pthread_join(t, NULL);
	printf("TSan lock-order-inversion reports: %lu\n",
	       sgt_tsan_report_count_of("lock-order-inversion"));
	return sgt_tsan_report_count_of("lock-order-inversion") >= 1 ? 0 : 1;
}

/*
 * A report with one stack and no memory access (unlock of an unlocked
 * mutex): the hook must read only the stacks it has.  Reading a second one
 * made TSan die with "CHECK failed: tsan_debugging.cpp:101", which this
 * test's TSAN_OPTIONS turn into exit 66.  It leaves without TSan's exit
 * hooks, which would exit 66 for the report itself.
 */
static int run_one_stack(void)
{
	struct sgt_tsan_unique u[4];
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	int n;
	bool ok;

	pthread_mutex_unlock(&m);
	n = sgt_tsan_unique_reports(u, 4);
	ok = n == 1 && u[0].pcs[0][0] && !u[0].pcs[1][0];
	printf("TSan reports: %lu, unique %d (%s), one stack: %s\n", sgt_tsan_report_count(), n,
	       n ? u[0].type : "none", ok ? "yes" : "no");
	fflush(stdout);
	sgt_exit_now(ok ? 0 : 1);
}

int main(int argc, char **argv)
{
	const char *mode = argc == 2 ? argv[1] : "";

	if (!strcmp(mode, "revoke-good"))
		return run_revoke(true);
	if (!sgt_tsan_enabled()) {
		fprintf(stderr, "detect_tsan %s: needs the tsan build\n", mode);
		return 77;
	}
	if (!strcmp(mode, "revoke-nosync"))
		return run_revoke(false);
	if (!strcmp(mode, "abba"))
		return run_abba();
	if (!strcmp(mode, "one-stack"))
		return run_one_stack();
	fprintf(stderr, "detect_tsan: unknown mode '%s': accepted are revoke-good, "
		"revoke-nosync, abba, one-stack\n", mode);
	return 2;
}
