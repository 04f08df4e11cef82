// SPDX-License-Identifier: GPL-2.0
/*
 * The three lock choices of the review, side by side, for every strategy:
 *
 *   floor/empty|raw|model          the loop alone; an RCU read section around an
 *                                  acquire load on liburcu alone, and through
 *                                  the project's rcu_read_lock() (floors.c)
 *   fastpath/S/shared|per_thread   sg_table on a populated object, one object
 *                                  for all threads or one per thread, 1..8 threads
 *   slowpath/S                     the first sg_table on a fresh object
 *   churn/S                        create, access, free (every 64th: unbind and
 *                                  rebind), with two readers calling sg_table
 *   revocation/S/N                 device_unbind with N objects populated and two
 *                                  readers calling sg_table
 *
 * The fast paths' objects are made once, before any benchmark runs, on a
 * device of their own that stays bound (fast_stage): so each thread of a
 * run can enter its bound scope before CBENCH_LOOP, whose start barrier is
 * the first thing in it, and the loop times sg_table calls only.  The other
 * families run in one thread and set their stage up themselves.
 * The ports' violations (v12's H1 on every free, say) are counted into a
 * "violations" counter rather than printed: a benchmark measures, the
 * torture run judges.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/device.h>
#include <kernel/rcu.h>
#include <sgtable/strategy.h>
#include <check/violation.h>

#include "cbench.h"
#include "floors.h"

#define MAX_THREADS	BENCH_MAX_THREADS
#define MAX_OBJECTS	256
#define sink(x)		bench_sink(x)

static struct device bench_dev;
static struct drm_device bench_ddev = { .dev = &bench_dev };
static struct sgtable_object *objs[MAX_OBJECTS];
static int nr_objs;

static void stage_init(void)
{
	device_init(&bench_dev, "gpu0");
	device_bind(&bench_dev);
}

static void stage_fini(void)
{
	device_unbind(&bench_dev);
	device_destroy(&bench_dev);
}

/* n objects of strategy ops on the bench device, each populated once. */
static void objects_create(const struct sgtable_strategy_ops *ops, int n, bool populate)
{
	for (nr_objs = 0; nr_objs < n; nr_objs++) {
		objs[nr_objs] = sgtable_object_create(ops, &bench_ddev, 2 * PAGE_SIZE, NULL, 0);
		if (!populate)
			continue;
		scoped_guard(device_bound, &bench_dev)
			if (scope.dev)
				sink(ops->sg_table(objs[nr_objs], &scope));
	}
}

static void objects_put(void)
{
	while (nr_objs)
		sgtable_object_put(objs[--nr_objs]);
}

static void report_violations(struct cbench_state *st, uint64_t before)
{
	cbench_counter(st, "violations", (double)(sgt_violation_total() - before), CBENCH_DEFAULT);
}

/* --- floor/model: the project's RCU read section ----------------------------- */

static atomic_uintptr_t floor_word = 1;

static void bm_floor_model(struct cbench_state *st, void *arg)
{
	rcu_register_thread();	/* not inside the timed loop */
	CBENCH_LOOP(st) {
		rcu_read_lock();
		sink(atomic_load_explicit(&floor_word, memory_order_acquire));
		rcu_read_unlock();
	}
}

/* --- fast path --------------------------------------------------------------- */

/* Every strategy's objects on a device bound for the program's life. */
static struct fast_stage {
	struct device dev;
	struct drm_device ddev;
	struct sgtable_object *(*objs)[MAX_THREADS];	/* [strategy][thread] */
} fast;

static void fast_stage_init(void)
{
	fast.objs = calloc(sgtable_nr_strategies, sizeof(*fast.objs));
	if (!fast.objs)
		abort();
	device_init(&fast.dev, "gpu-fast");
	device_bind(&fast.dev);
	fast.ddev.dev = &fast.dev;
	for (int s = 0; sgtable_strategies[s]; s++) {
		const struct sgtable_strategy_ops *ops = sgtable_strategies[s];

		for (int t = 0; t < MAX_THREADS; t++) {
			struct sgtable_object *obj =
				sgtable_object_create(ops, &fast.ddev, 2 * PAGE_SIZE, NULL, 0);

			scoped_guard(device_bound, &fast.dev)
				sink(ops->sg_table(obj, &scope));	/* populate */
			fast.objs[s][t] = obj;
		}
	}
}

static void fast_stage_fini(void)
{
	for (int s = 0; sgtable_strategies[s]; s++)
		for (int t = 0; t < MAX_THREADS; t++)
			sgtable_object_put(fast.objs[s][t]);
	device_unbind(&fast.dev);
	device_destroy(&fast.dev);
	free(fast.objs);
}

struct fast_arg {
	int strategy;		/* index in sgtable_strategies[] */
	bool per_thread;
};

static void bm_fastpath(struct cbench_state *st, void *arg)
{
	const struct fast_arg *a = arg;
	const struct sgtable_strategy_ops *ops = sgtable_strategies[a->strategy];
	int t = cbench_thread_index(st);
	struct sgtable_object *obj = fast.objs[a->strategy][a->per_thread ? t : 0];
	uint64_t v0 = sgt_violation_total();
	struct device_bound b;

	/* The caller's &Device<Bound>: a driver holds it across its calls. */
	if (device_bound_enter(&fast.dev, &b)) {
		cbench_skip_with_error(st, "device not bound");
		return;
	}
	CBENCH_LOOP(st)
		sink(ops->sg_table(obj, &b));
	device_bound_exit(&b);
	if (t == 0)
		report_violations(st, v0);
}

/* --- slow path --------------------------------------------------------------- */

static void bm_slowpath(struct cbench_state *st, void *arg)
{
	const struct sgtable_strategy_ops *ops = arg;
	uint64_t v0 = sgt_violation_total();

	stage_init();
	CBENCH_LOOP(st) {
		struct sgtable_object *obj;

		cbench_pause_timing(st);
		obj = sgtable_object_create(ops, &bench_ddev, 2 * PAGE_SIZE, NULL, 0);
		cbench_resume_timing(st);
		scoped_guard(device_bound, &bench_dev)
			sink(ops->sg_table(obj, &scope));	/* populates: pages, map, Devres */
		cbench_pause_timing(st);
		sgtable_object_put(obj);
		cbench_resume_timing(st);
	}
	report_violations(st, v0);
	stage_fini();
}

/* --- readers: helper threads calling sg_table on objs[] ----------------------- */

struct readers {
	const struct sgtable_strategy_ops *ops;
	pthread_mutex_t lock;		/* objs[] changes under it; readers take a reference */
	atomic_bool stop;
	atomic_ulong calls;
	pthread_t tid[2];
};

static void *reader(void *arg)
{
	struct readers *r = arg;
	unsigned int i = 0;

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		struct sgtable_object *obj = NULL;

		pthread_mutex_lock(&r->lock);
		if (nr_objs) {
			obj = objs[i++ % (unsigned int)nr_objs];
			sgtable_object_get(obj);
		}
		pthread_mutex_unlock(&r->lock);
		if (!obj)
			continue;
		/* A bound scope per call, so that unbind can proceed. */
		scoped_guard(device_bound, &bench_dev)
			if (scope.dev)
				sink(r->ops->sg_table(obj, &scope));
		sgtable_object_put(obj);
		atomic_fetch_add_explicit(&r->calls, 1, memory_order_relaxed);
	}
	return NULL;
}

static void readers_start(struct readers *r, const struct sgtable_strategy_ops *ops)
{
	*r = (struct readers){ .ops = ops, .lock = PTHREAD_MUTEX_INITIALIZER };
	for (int k = 0; k < 2; k++)
		pthread_create(&r->tid[k], NULL, reader, r);
}

static void readers_stop(struct readers *r)
{
	atomic_store(&r->stop, true);
	for (int k = 0; k < 2; k++)
		pthread_join(r->tid[k], NULL);
}

/* --- churn ------------------------------------------------------------------- */

#define CHURN_REBIND_EVERY 64

/* One iteration: create, access, free; every 64th also unbinds and rebinds. */
static void bm_churn(struct cbench_state *st, void *arg)
{
	const struct sgtable_strategy_ops *ops = arg;
	uint64_t v0 = sgt_violation_total();
	struct readers r;
	int64_t i = 0;

	stage_init();
	readers_start(&r, ops);
	pthread_mutex_lock(&r.lock);
	objects_create(ops, MAX_THREADS, true);
	pthread_mutex_unlock(&r.lock);
	CBENCH_LOOP(st) {
		struct sgtable_object *obj = sgtable_object_create(ops, &bench_ddev, 2 * PAGE_SIZE, NULL, 0);

		scoped_guard(device_bound, &bench_dev)
			if (scope.dev)
				sink(ops->sg_table(obj, &scope));
		sgtable_object_put(obj);
		if (++i % CHURN_REBIND_EVERY == 0) {
			device_unbind(&bench_dev);	/* revokes the readers' tables */
			device_bind(&bench_dev);
		}
	}
	readers_stop(&r);
	cbench_counter(st, "reader_calls", (double)atomic_load(&r.calls), CBENCH_RATE);
	report_violations(st, v0);
	objects_put();
	stage_fini();
}

/* --- revocation ---------------------------------------------------------------- */

static void bm_revocation(struct cbench_state *st, void *arg)
{
	struct readers r;
	int n = (int)cbench_range(st, 0);
	uint64_t v0 = sgt_violation_total();

	device_init(&bench_dev, "gpu0");
	readers_start(&r, arg);
	CBENCH_LOOP(st) {
		cbench_pause_timing(st);
		device_bind(&bench_dev);
		pthread_mutex_lock(&r.lock);
		objects_create(r.ops, n, true);
		pthread_mutex_unlock(&r.lock);
		cbench_resume_timing(st);
		device_unbind(&bench_dev);	/* waits for readers' scopes, releases N maps */
		cbench_pause_timing(st);
		pthread_mutex_lock(&r.lock);
		objects_put();
		pthread_mutex_unlock(&r.lock);
		cbench_resume_timing(st);
	}
	readers_stop(&r);
	report_violations(st, v0);
	device_destroy(&bench_dev);
}

/* --- registration ------------------------------------------------------------- */

static struct fast_arg (*fast_args)[2];	/* [strategy][per_thread] */

static void register_all(void)
{
	char name[96];

	fast_args = calloc(sgtable_nr_strategies, sizeof(*fast_args));
	if (!fast_args)
		abort();

	register_floors(bm_floor_model);
	for (int s = 0; sgtable_strategies[s]; s++) {
		const struct sgtable_strategy_ops *ops = sgtable_strategies[s];

		for (int pt = 0; pt < 2; pt++) {
			fast_args[s][pt] = (struct fast_arg){ s, pt };
			snprintf(name, sizeof(name), "fastpath/%s/%s", ops->name,
				 pt ? "per_thread" : "shared");
			cbench_use_real_time(cbench_thread_range(
				cbench_register(name, bm_fastpath, &fast_args[s][pt]), 1, MAX_THREADS));
		}
		snprintf(name, sizeof(name), "slowpath/%s", ops->name);
		cbench_register(name, bm_slowpath, (void *)ops);
		snprintf(name, sizeof(name), "churn/%s", ops->name);
		cbench_use_real_time(cbench_register(name, bm_churn, (void *)ops));
		snprintf(name, sizeof(name), "revocation/%s", ops->name);
		cbench_use_real_time(cbench_arg(cbench_arg(
			cbench_register(name, bm_revocation, (void *)ops), 16), 256));
	}
}

int main(int argc, char **argv)
{
	int ret;

	sgt_violation_set_quiet(true);
	sgt_thread_start("bench");
	register_all();
	fast_stage_init();
	ret = cbench_main(argc, argv);
	fast_stage_fini();
	free(fast_args);
	return ret;
}
