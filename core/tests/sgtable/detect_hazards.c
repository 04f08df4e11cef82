// SPDX-License-Identifier: GPL-2.0
/*
 * The hazard detectors, one table over the hazard registry: for each hazard
 * with a scenario here, the scenario forces the hazard's interleaving (a
 * thread held inside a named race window until the other side has acted, or
 * a deadlock the watchdog ends) on the port of the hazard's repro
 * configuration with its variant switched on, and the registry's oracle must
 * fire; then the same scenario runs on its clean twin -- the registry's port
 * declared clean, or the same port without the variant where only that port
 * has the call -- and
 * every oracle must stay quiet: no violation of any kind, no TSan report,
 * no hang.  A TSan oracle is asserted in the tsan build; elsewhere the
 * hazard's oracle under a controlled schedule stands in where it has one.
 *
 * Each case runs in a child of its own (H2 deadlocks by design); the child's
 * counts come back through shared memory.  TSan's exit code is off for this
 * program: it asserts the reports.
 *
 *   detect_hazards          every case; exit 0 when each is as expected
 *   detect_hazards ID       one hazard's cases
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check/fault.h>
#include <check/sched.h>
#include <check/thread.h>
#include <check/tsan_report.h>
#include <check/violation.h>
#include <check/wait.h>
#include <kernel/dma_map.h>
#include <sgtable/hazards.h>
#include <sgtable/strategy.h>

static struct device gpu0, gpu1;
static struct drm_device ddev0 = { .dev = &gpu0 };

/* What a child saw, in memory shared with the parent. */
struct seen {
	unsigned long violations[SGT_V_NR];
	unsigned long tsan_reports, data_races;
	bool hung, finished;
};
static struct seen *seen;

static void record(bool hung)
{
	for (int k = 0; k < SGT_V_NR; k++)
		seen->violations[k] = sgt_violation_count(k);
	seen->tsan_reports = sgt_tsan_report_count();
	seen->data_races = sgt_tsan_report_count_of("data-race");
	seen->hung = hung;
	seen->finished = true;
}

/* A wait outlived the watchdog: record it and end the child (its thread is stuck). */
static void on_hang(const char *what, const void *addr)
{
	record(true);
	sgt_exit_now(0);
}

/* --- a gate: the hook holds a thread in a window until opened (or 300 ms) --- */

static const struct sgt_window *gate_window;
static atomic_int gate_entered, gate_open;

static void gate_hook(enum sgt_sp_kind kind, const void *addr)
{
	uint64_t until;

	if (kind != SGT_SP_WINDOW_ENTER || addr != gate_window)
		return;
	atomic_fetch_add(&gate_entered, 1);
	until = sgt_now_ns() + 300000000ull;
	while (!atomic_load(&gate_open) && sgt_now_ns() < until)
		sched_yield();
}

static void gate_arm(const struct sgt_window *w)
{
	gate_window = w;
	atomic_store(&gate_entered, 0);
	atomic_store(&gate_open, 0);
	sgt_sched_set_hook(gate_hook);
}

/* Wait until n threads entered the window, or 500 ms: a serialised port lets in one. */
static void gate_wait_entered(int n)
{
	uint64_t until = sgt_now_ns() + 500000000ull;

	while (atomic_load(&gate_entered) < n && sgt_now_ns() < until)
		sched_yield();
}

static void gate_disarm(void)
{
	atomic_store(&gate_open, 1);
	sgt_sched_set_hook(NULL);
}

static struct sg_table *sg_table_on(struct sgtable_object *obj, struct device *dev)
{
	CLASS(device_bound, b)(dev);

	if (!b.dev)
		return ERR_PTR(-ENODEV);
	return obj->ops->sg_table(obj, &b);
}

static void *unbind_gpu0(void *arg)
{
	device_unbind(&gpu0);
	return NULL;
}

static void *populate_thread(void *arg)
{
	sg_table_on(arg, &gpu0);
	return NULL;
}

/* --- the scenarios -------------------------------------------------------- */

/* H1: the last put before any unbind: the port's free releases the shmem object first. */
static void scenario_h1(const struct sgtable_strategy_ops *ops, unsigned int flags)
{
	struct sgtable_object *obj = sgtable_object_create(ops, &ddev0, PAGE_SIZE, NULL, flags);

	sg_table_on(obj, &gpu0);
	sgtable_object_put(obj);
}

/* H2: Devres::new fails after the map exists, inside get_sg_table (devres-6.16). */
static void scenario_h2(const struct sgtable_strategy_ops *ops, unsigned int flags)
{
	struct sgtable_object *obj = sgtable_object_create(ops, &ddev0, PAGE_SIZE, NULL, flags);

	sgt_watchdog_set_timeout_ms(300);
	sg_table_on(obj, &gpu0);	/* H2's port: deadlocks here */
	sg_table_on(obj, &gpu0);	/* the retry works where nothing is held */
	device_unbind(&gpu0);
	sgtable_object_put(obj);
}

/* H7: the last put while unbind's release of the map waits out its grace period. */
static void scenario_h7(const struct sgtable_strategy_ops *ops, unsigned int flags)
{
	struct sgtable_object *obj = sgtable_object_create(ops, &ddev0, PAGE_SIZE, NULL, flags);
	pthread_t t;

	sg_table_on(obj, &gpu0);
	gate_arm(&revoke_gp_window);
	pthread_create(&t, NULL, unbind_gpu0, NULL);
	gate_wait_entered(1);
	sgtable_object_put(obj);
	gate_disarm();
	pthread_join(t, NULL);
}

/* H9: two populators inside the port's check-populate window at once. */
static void scenario_h9(const struct sgtable_strategy_ops *ops, unsigned int flags)
{
	struct sgtable_object *obj = sgtable_object_create(ops, &ddev0, PAGE_SIZE, NULL, flags);
	pthread_t t[2];

	gate_arm(ops->windows ? ops->windows[0] : NULL);
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, populate_thread, obj);
	gate_wait_entered(2);
	gate_disarm();
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	dma_debug_check_sgtable(&gpu0, sg_table_on(obj, &gpu0));	/* the winner's table */
	device_unbind(&gpu0);
	sgtable_object_put(obj);
}

static void *owned_thread(void *arg)
{
	struct sgtable_object *obj = arg;
	struct sgtable_owned owned;
	CLASS(device_bound, b)(&gpu0);

	if (!obj->ops->owned_sg_table(obj, &b, &owned))
		sgtable_owned_put(&owned);
	return NULL;
}

/* H8: an owned handle's read of sgt_res while the populator is inside its window. */
static void scenario_h8(const struct sgtable_strategy_ops *ops, unsigned int flags)
{
	struct sgtable_object *obj = sgtable_object_create(ops, &ddev0, PAGE_SIZE, NULL, flags);
	pthread_t t[2];

	gate_arm(ops->windows[0]);
	pthread_create(&t[0], NULL, populate_thread, obj);
	gate_wait_entered(1);
	pthread_create(&t[1], NULL, owned_thread, obj);
	usleep(50000);
	gate_disarm();
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	device_unbind(&gpu0);
	sgtable_object_put(obj);
}

static atomic_int reader_inside, unbind_done;

struct long_term {
	struct sgtable_owned owned;
	uint64_t deadline;	/* the reader gives up waiting then */
};

static void *long_term_reader(void *arg)
{
	struct long_term *lt = arg;
	void *map = devres_try_access(lt->owned.obj->ops->owned_deref(&lt->owned));
	struct sg_table *volatile sgt;

	if (!map)
		return NULL;
	atomic_store_explicit(&reader_inside, 1, memory_order_relaxed);
	/* Relaxed on purpose: waiting must not order us after the unbind for TSan. */
	while (!atomic_load_explicit(&unbind_done, memory_order_relaxed) &&
	       sgt_now_ns() < lt->deadline)
		sched_yield();
	sgt = sgtable_map_payload_sgt(map);	/* use the table, still inside the guard */
	dma_debug_check_sgtable(&gpu0, sgt);	/* without a grace period: unmapped under us */
	revocable_guard_release();
	return NULL;
}

/* H10: unbind revokes while a long-term reader is inside try_access. */
static void scenario_h10(const struct sgtable_strategy_ops *ops, unsigned int flags)
{
	struct sgtable_object *obj = sgtable_object_create(ops, &ddev0, PAGE_SIZE, NULL, flags);
	struct long_term lt = { .deadline = sgt_now_ns() + 300000000ull };
	pthread_t t;

	scoped_guard(device_bound, &gpu0)
		if (ops->owned_sg_table(obj, &scope, &lt.owned))
			return;
	pthread_create(&t, NULL, long_term_reader, &lt);
	while (!atomic_load_explicit(&reader_inside, memory_order_relaxed) &&
	       sgt_now_ns() < lt.deadline)
		sched_yield();
	device_unbind(&gpu0);	/* with the grace period, waits for the reader */
	atomic_store_explicit(&unbind_done, 1, memory_order_relaxed);
	pthread_join(t, NULL);
	sgtable_owned_put(&lt.owned);
	sgtable_object_put(obj);
}

/*
 * The table: a hazard's scenario and its clean twin.  clean_twin false: the
 * same port without the variant (the clean port has no owned handle to run
 * it on).
 */
static const struct {
	const char *hazard;
	void (*scenario)(const struct sgtable_strategy_ops *ops, unsigned int flags);
	bool clean_twin;
} detectors[] = {
	{ "H1", scenario_h1, true },
	{ "H2", scenario_h2, true },
	{ "H7", scenario_h7, true },
	{ "H8", scenario_h8, false },
	{ "H9", scenario_h9, true },
	{ "H10", scenario_h10, false },
};

/* --- the runner ----------------------------------------------------------- */


static __attribute__((noreturn)) void child(const struct sgtable_hazard *h,
					    const struct sgtable_strategy_ops *ops,
					    bool variant, void (*scenario)(const struct sgtable_strategy_ops *,
									   unsigned int))
{
	unsigned int flags = 0;
	bool imported;

	sgt_thread_start("detector");
	sgt_set_hang_handler(on_hang);
	sgt_violation_set_quiet(true);
	device_init(&gpu0, "gpu0");
	device_init(&gpu1, "gpu1");
	device_bind(&gpu0);
	device_bind(&gpu1);
	devres_set_model(h->repro.model);
	if (variant)
		flags = sgtable_hazard_apply(h, &imported) & ops->variants;
	scenario(ops, flags);
	record(false);
	sgt_exit_now(0);
}

static struct seen run_case(const struct sgtable_hazard *h, const struct sgtable_strategy_ops *ops,
			    bool variant, void (*scenario)(const struct sgtable_strategy_ops *,
							   unsigned int))
{
	int status;
	pid_t pid;

	memset(seen, 0, sizeof(*seen));
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(h, ops, variant, scenario);
	waitpid(pid, &status, 0);
	return *seen;
}

static unsigned long total(const struct seen *s)
{
	unsigned long n = 0;

	for (int k = 0; k < SGT_V_NR; k++)
		n += s->violations[k];
	return n;
}

/* The oracle the registry names for h, in this build: -2 when it cannot be seen here. */
static int oracle_here(const struct sgtable_hazard *h)
{
	if (h->repro.oracle != SGT_ORACLE_TSAN || sgt_tsan_enabled())
		return h->repro.oracle;
	return h->repro.sched_oracle == SGT_ORACLE_NONE ? -2 : h->repro.sched_oracle;
}

static bool fired(const struct seen *s, int oracle)
{
	if (oracle == SGT_ORACLE_TSAN)
		return s->data_races > 0;
	return s->violations[oracle] > 0;
}

static int check_hazard(const char *id, void (*scenario)(const struct sgtable_strategy_ops *,
							 unsigned int), bool clean_twin)
{
	const struct sgtable_hazard *h = sgtable_hazard_find(id);
	const struct sgtable_strategy_ops *port = h ? sgtable_strategy_find(h->repro.strategy) : NULL;
	const struct sgtable_strategy_ops *twin = clean_twin ? sgtable_declared_clean() : port;
	int oracle = h ? oracle_here(h) : -2, failed = 0;
	struct seen s;

	if (!h || !port || !twin) {
		printf("FAIL %s: not in the registry\n", id);
		return 1;
	}
	if (oracle == -2) {
		printf("SKIP %s: its oracle is ThreadSanitizer (the tsan build runs it)\n", id);
	} else {
		s = run_case(h, port, true, scenario);
		if (!fired(&s, oracle)) {
			printf("FAIL %s on %s: %s did not fire (%lu violations, %lu TSan reports)\n",
			       id, port->name, sgt_oracle_name(oracle), total(&s), s.tsan_reports);
			failed++;
		} else {
			printf("ok   %s on %s: %s%s\n", id, port->name, sgt_oracle_name(oracle),
			       s.hung ? ", then the watchdog" : "");
		}
	}
	s = run_case(h, twin, twin != port, scenario);
	if (total(&s) || s.tsan_reports || s.hung || !s.finished) {
		printf("FAIL %s twin %s%s: not clean: %lu violations, %lu TSan reports%s%s\n", id,
		       twin->name, twin == port ? " without the variant" : "", total(&s),
		       s.tsan_reports, s.hung ? ", hung" : "", s.finished ? "" : ", crashed");
		for (int k = 0; k < SGT_V_NR; k++)
			if (s.violations[k])
				printf("       %s x%lu\n", sgt_violation_name[k], s.violations[k]);
		failed++;
	} else {
		printf("ok   %s twin %s%s: clean on every oracle\n", id, twin->name,
		       twin == port ? " without the variant" : "");
	}
	return failed;
}

int main(int argc, char **argv)
{
	int failed = 0, ran = 0;

	seen = mmap(NULL, sizeof(*seen), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (seen == MAP_FAILED)
		return 1;
	for (size_t i = 0; i < sizeof(detectors) / sizeof(detectors[0]); i++) {
		if (argc > 1 && strcasecmp(argv[1], detectors[i].hazard))
			continue;
		failed += check_hazard(detectors[i].hazard, detectors[i].scenario,
				     detectors[i].clean_twin);
		ran++;
	}
	if (!ran) {
		fprintf(stderr, "detect_hazards: no scenario for '%s'\n", argc > 1 ? argv[1] : "");
		return 2;
	}
	printf("detect_hazards: %d hazard%s, %d case%s failed\n", ran, ran == 1 ? "" : "s", failed,
	       failed == 1 ? "" : "s");
	return failed ? 1 : 0;
}
