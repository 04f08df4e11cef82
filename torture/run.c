// SPDX-License-Identifier: GPL-2.0
/*
 * One run, in the child: set up devices and the object pool, start the role
 * threads, watch them (statistics, stutter, the progress watchdog), stop,
 * tear down, and check that nothing leaked.  Everything it learns goes into
 * the shared struct torture_result as it happens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sgt/dma_map.h>
#include <sgt/fault.h>
#include <sgt/sched_ctl.h>
#include <sgt/wait.h>

#include "run.h"

static struct torture_ctx *the_ctx;	/* for the violation and hang handlers */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = 1;
}

static uint64_t since_start(void)
{
	return sgt_now_ns() - the_ctx->start_ns;
}

/*
 * Keep the threads' last events as the timeline of this report: the first
 * report of the run, or the one the run stops on (the callers decide).  Raw
 * copies only (it may run inside a TSan report); the parent prints them.
 */
static void keep_timeline(struct torture_result *res, const char *report, const void *focus)
{
	int expected = 0;

	if (!the_ctx->cfg->timeline ||
	    !atomic_compare_exchange_strong(&res->timeline_claimed, &expected, 1))
		return;
	res->timeline_at_ns = sgt_now_ns();
	res->nr_timeline = trace_snapshot(the_ctx->rings, the_ctx->nthreads, focus,
					  res->timeline);
	for (size_t i = 0; i + 1 < sizeof(res->timeline_report) && report[i]; i++)
		res->timeline_report[i] = report[i];	/* no libc: see trace_snapshot() */
}

/* The oracle the run waits for fired: note when; the controller stops the run. */
static void found(struct torture_result *res)
{
	int expected = 0;

	if (atomic_compare_exchange_strong(&res->found, &expected, 1))
		res->found_ns = since_start();
}

/* The object a report names ("... on object 0x7f...", "lock ... (0x...)"), or NULL. */
static const void *report_object(const char *msg)
{
	const char *p = strstr(msg, "object 0x");

	return p ? (const void *)(uintptr_t)strtoull(p + 7, NULL, 16) : NULL;
}

/*
 * Is v the report the run waits for?  Its kind, and with --until-match its
 * text too (H10's "unmapped sg_table", not H6's "NULL sg_table", both
 * use-after-unmap): so every report of the kind is checked, not the first.
 */
static bool oracle_fires(const struct sgt_violation *v)
{
	const struct torture_config *cfg = the_ctx->cfg;

	return cfg->stop_on == (int)v->kind &&
	       (!cfg->until_match || strstr(v->msg, cfg->until_match));
}

/* Every violation: counted into the shared result; the first of a kind kept and shown. */
static void record_violation(const struct sgt_violation *v)
{
	struct torture_result *res = the_ctx->res;
	const struct torture_config *cfg = the_ctx->cfg;
	bool fires = oracle_fires(v) && !atomic_load(&res->found);
	int expected = 0;
	char report[400];
	bool first;

	atomic_fetch_add(&res->violations[v->kind], 1);
	first = atomic_compare_exchange_strong(&res->first_claimed[v->kind], &expected, 1);
	if (first)
		res->first_ns[v->kind] = since_start();
	/*
	 * The oracle's own report replaces an earlier one of its kind that
	 * --until-match passed over.  Two threads firing at once (real threads
	 * only) may mix their texts: the counts and the verdict stand.
	 */
	if (first || fires)
		snprintf(res->first_violation[v->kind], sizeof(res->first_violation[v->kind]),
			 "%s [thread %s at %s:%d %s()]", v->msg, v->thread, v->site.file,
			 v->site.line, v->site.func);
	if (first && !cfg->quiet)
		fprintf(stderr, "sgtorture: VIOLATION %s: %s\n", sgt_violation_name[v->kind],
			res->first_violation[v->kind]);
	if (!fires && !(first && cfg->stop_on == STOP_NEVER))
		return;
	snprintf(report, sizeof(report), "%s: VIOLATION %s: %s", v->thread,
		 sgt_violation_name[v->kind], v->msg);
	keep_timeline(res, report, report_object(v->msg));
	if (the_ctx->controlled)
		sched_ctl_mark_failure();	/* the schedule to replay ends here */
	if (fires)
		found(res);
}

/* Inside TSan's report: no locks, no allocation (see sgt_tsan_set_report_handler()). */
static void record_tsan_report(const char *type, bool is_new)
{
	struct torture_result *res = the_ctx->res;
	static const char prefix[] = "ThreadSanitizer: ";
	char report[64];
	size_t n = 0;

	if (!res->tsan_first_ns)
		res->tsan_first_ns = since_start();
	for (const char *c = prefix; *c && n + 1 < sizeof(report); c++)
		report[n++] = *c;
	for (const char *c = type; *c && n + 1 < sizeof(report); c++)
		report[n++] = *c;
	report[n] = 0;
	if (the_ctx->cfg->stop_on != STOP_NEVER && the_ctx->cfg->stop_on != STOP_ON_TSAN)
		return;		/* the run waits for a violation: its timeline is that one's */
	if (the_ctx->cfg->tsan_frame) {
		/*
		 * Only a report showing the frame counts, and only the parent
		 * can symbolize: keep the timeline of every new report until
		 * the parent says one matched.
		 */
		if (is_new && !atomic_load(&res->found))
			atomic_store(&res->timeline_claimed, 0);
		keep_timeline(res, report, NULL);
		return;
	}
	keep_timeline(res, report, NULL);
	if (the_ctx->cfg->stop_on == STOP_ON_TSAN)
		found(res);
}

/* Watchdog: say who is stuck where, holding what; keep it in the result; exit 3. */
static __attribute__((noreturn)) void watchdog_fire(const char *why)
{
	struct torture_result *res = the_ctx->res;
	FILE *dump = fmemopen(res->dump, sizeof(res->dump) - 1, "w");

	if (dump) {
		fprintf(dump, "watchdog: %s\n", why);
		for (int i = 0; i < the_ctx->nthreads; i++)
			if (the_ctx->threads[i].sgt)
				sgt_thread_dump(the_ctx->threads[i].sgt, dump);
		fclose(dump);
	}
	fprintf(stderr, "sgtorture: %s", res->dump);
	snprintf(res->exit_reason, sizeof(res->exit_reason), "watchdog");
	res->exit_code = 3;
	res->finished = true;
	sgt_exit_now(3);
}

static void on_hang(const char *what, const void *addr)
{
	char why[160];

	snprintf(why, sizeof(why), "%s waited for %s (%p) past the timeout",
		 sgt_current() ? sgt_current()->name : "a thread", what, addr);
	watchdog_fire(why);
}

static void stats_line(struct torture_ctx *ctx, double t, FILE *out)
{
	const struct torture_config *cfg = ctx->cfg;

	fprintf(out, "sgtorture %s/%s t=%.1fs:", ctx->ops->name, ctx->res->model, t);
	for (int r = 0; r < NR_ROLES; r++) {
		unsigned long total = 0, fails = 0, max = 0, min = ~0ul;

		if (!cfg->threads[r])
			continue;
		for (int i = 0; i < cfg->threads[r]; i++) {
			unsigned long n = atomic_load(&ctx->res->ops[r][i]);

			total += n;
			fails += atomic_load(&ctx->res->fails[r][i]);
			max = n > max ? n : max;
			min = n < min ? n : min;
		}
		/* locktorture's flags: ??? for unfairness, !!! for failure. */
		fprintf(out, " %s: Total: %lu Max/Min: %lu/%lu %sFail: %lu%s", torture_role_name[r],
			total, max, min, max - min > max / 2 ? "??? " : "", fails,
			fails ? " !!!" : "");
	}
	fputc('\n', out);
}

static void watch_progress(struct torture_ctx *ctx, unsigned long *seen, uint64_t *since,
			   uint64_t now)
{
	for (int i = 0; i < ctx->nthreads; i++) {
		unsigned long p = atomic_load_explicit(&ctx->threads[i].progress,
						       memory_order_relaxed);

		if (p != seen[i] || torture_stutter_paused()) {
			seen[i] = p;
			since[i] = now;
		} else if (now - since[i] > ctx->cfg->watchdog * 1000000000ull) {
			char why[128];

			snprintf(why, sizeof(why), "no progress in %s for %u s",
				 ctx->threads[i].sgt ? ctx->threads[i].sgt->name : "a thread",
				 ctx->cfg->watchdog);
			watchdog_fire(why);
		}
	}
}

/* The controller: statistics, stutter and the watchdog until the time is up. */
static void control(struct torture_ctx *ctx, uint64_t start)
{
	const struct torture_config *cfg = ctx->cfg;
	unsigned long seen[NR_ROLES * MAX_PER_ROLE] = { 0 };
	uint64_t since[NR_ROLES * MAX_PER_ROLE], next_stat = start, now;

	for (int i = 0; i < ctx->nthreads; i++)
		since[i] = start;
	torture_stutter_init(cfg->stutter, start);
	uint64_t last_steps = 0, steps_since = start;

	while (!interrupted && !atomic_load(&ctx->res->found)) {
		now = sgt_now_ns();
		if (ctx->controlled) {
			/*
			 * The step count ends a controlled run (deterministically);
			 * the clock only watches that the scheduler moves.
			 */
			if (sched_ctl_expired())
				break;
			if (sched_ctl_steps() != last_steps) {
				last_steps = sched_ctl_steps();
				steps_since = now;
			} else if (now - steps_since > cfg->watchdog * 1000000000ull) {
				watchdog_fire("the controlled scheduler made no step");
			}
		} else {
			if (now - start >= (uint64_t)(cfg->duration * 1e9))
				break;
			torture_stutter_tick(now);
			watch_progress(ctx, seen, since, now);
		}
		/*
		 * Racy on purpose: a report being counted in another thread may
		 * be copied half-done; the copy after the join is the exact
		 * one, this one is what a crash leaves.
		 */
		torture_collect_tsan(ctx->res);
		if (cfg->stat_interval > 0 && now >= next_stat) {
			if (now > start && !cfg->quiet)
				stats_line(ctx, (double)(now - start) / 1e9, stdout);
			next_stat = now + (uint64_t)(cfg->stat_interval * 1e9);
		}
		usleep(10000);
	}
}

/*
 * A failing controlled run's schedule, up to the failure: a comment line
 * saying what it was, then the choices.  --sched replay:FILE reads it.
 */
static void write_schedule(struct torture_ctx *ctx)
{
	const struct torture_config *cfg = ctx->cfg;
	struct torture_result *res = ctx->res;
	size_t n, upto = sched_ctl_failure_choices();
	const uint32_t *c = sched_ctl_choices(&n);
	FILE *f;

	res->sched_steps = sched_ctl_steps();
	res->sched_hash = upto ? sched_ctl_failure_hash() : sched_ctl_trace_hash();
	res->sched_choices = upto ? upto : n;
	if (!upto)
		return;		/* no failure was seen: nothing to replay */
	snprintf(res->sched_file, sizeof(res->sched_file), "%s/sgtorture-%s-%s-%s-%llu.sched",
		 cfg->sched_dir, ctx->ops->name, res->model, sched_policy_name[cfg->sched],
		 (unsigned long long)cfg->seed);
	f = fopen(res->sched_file, "w");
	if (!f) {
		res->sched_file[0] = 0;
		return;
	}
	fprintf(f, "# sgtorture schedule: strategy=%s devres-model=%s policy=%s seed=%llu "
		"choices=%zu hash=%016llx\n", ctx->ops->name, res->model,
		sched_policy_name[cfg->sched], (unsigned long long)cfg->seed, res->sched_choices,
		(unsigned long long)res->sched_hash);
	for (size_t i = 0; i < res->sched_choices; i++)
		fprintf(f, "%u%c", c[i], i % 32 == 31 ? '\n' : ' ');
	fputc('\n', f);
	fclose(f);
}

uint32_t *torture_read_schedule(const char *path, size_t *n)
{
	uint32_t *c = NULL;
	size_t cap = 0;
	char line[4096];
	FILE *f;

	*n = 0;
	f = fopen(path, "r");
	if (!f)
		return NULL;	/* errno says why */
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		if (line[0] == '#')
			continue;	/* the comment write_schedule() starts with */
		for (unsigned long v; (v = strtoul(p, &end, 10)), end != p; p = end) {
			if (*n == cap)
				c = realloc(c, (cap = cap ? 2 * cap : 4096) * sizeof(*c));
			c[(*n)++] = (uint32_t)v;
		}
	}
	fclose(f);
	errno = 0;
	return c;
}

/* No controlled thread can run: report where each is, keep the schedule, end the run. */
static __attribute__((noreturn)) void on_deadlock(const char *positions)
{
	struct torture_result *res = the_ctx->res;

	sgt_violation(SGT_V_DEADLOCK, "no thread can run after %llu schedule points",
		      (unsigned long long)sched_ctl_steps());
	sched_ctl_mark_failure();
	snprintf(res->dump, sizeof(res->dump), "deadlock: no thread can run\n%s", positions);
	fprintf(stderr, "sgtorture: %s", res->dump);
	res->elapsed = (double)(sgt_now_ns() - the_ctx->start_ns) / 1e9;
	write_schedule(the_ctx);
	torture_collect_tsan(res);
	snprintf(res->exit_reason, sizeof(res->exit_reason), "deadlock");
	res->exit_code = 1;
	res->finished = true;
	sgt_exit_now(1);
}

static void sched_start(struct torture_ctx *ctx)
{
	const struct torture_config *cfg = ctx->cfg;
	struct sched_ctl_config sc = {
		.policy = (enum sched_policy)cfg->sched, .seed = cfg->seed,
		.depth = cfg->sched_depth, .max_steps = cfg->sched_steps,
		.replay = cfg->sched_replay, .nr_replay = cfg->nr_sched_replay,
		.nr_threads = ctx->nthreads, .deadlock = on_deadlock,
	};

	/* The torture's hook (coverage, timeline) runs first at every point. */
	sched_ctl_init(&sc, sgt_sched_set_hook(NULL));
}

static void setup(struct torture_ctx *ctx, enum devres_model model)
{
	const struct torture_config *cfg = ctx->cfg;
	char err[200];

	sgt_violations_reset();
	sgt_violation_set_handler(record_violation);
	sgt_tsan_set_report_handler(record_tsan_report);
	trace_enable(cfg->timeline);
	sgt_watchdog_set_timeout_ms(cfg->watchdog * 1000);
	sgt_set_hang_handler(on_hang);
	sgt_fault_reset();
	sgt_fault_seed(cfg->seed);
	devres_set_model(model);
	devres_set_release_nosync(false);
	ctx->imports = cfg->imports;
	if (cfg->hazard) {
		bool imported;

		ctx->obj_flags = sgt_hazard_apply(cfg->hazard, &imported);
		ctx->imports |= imported;
	}
	for (int i = 0; i < cfg->nr_faults; i++)
		sgt_fault_parse(cfg->faults[i], err, sizeof(err));	/* validated already */
	for (int d = 0; d < ctx->ndev; d++) {
		char name[16];

		snprintf(name, sizeof(name), "gpu%d", d);
		device_init(&ctx->dev[d], name);
		device_bind(&ctx->dev[d]);
		ctx->ddev[d].dev = &ctx->dev[d];
	}
	torture_pool_fill(ctx);
}

static void start_threads(struct torture_ctx *ctx)
{
	int n = 0;

	for (int r = 0; r < NR_ROLES; r++) {
		for (int i = 0; i < ctx->cfg->threads[r]; i++, n++) {
			struct torture_thread *t = &ctx->threads[n];

			t->ctx = ctx;
			t->role = (enum torture_role)r;
			t->idx = i;
			torture_random_init(&t->rng, ctx->cfg->seed, (uint64_t)n);
			pthread_create(&t->tid, NULL, torture_role_thread, t);
		}
	}
}

/* Joining is a wait too: a thread that does not stop within the watchdog time is stuck. */
static void join_threads(struct torture_ctx *ctx)
{
	for (int i = 0; i < ctx->nthreads; i++) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += ctx->cfg->watchdog;
		if (pthread_timedjoin_np(ctx->threads[i].tid, NULL, &ts)) {
			char why[128];

			snprintf(why, sizeof(why), "%s did not stop within %u s",
				 ctx->threads[i].sgt ? ctx->threads[i].sgt->name : "a thread",
				 ctx->cfg->watchdog);
			watchdog_fire(why);
		}
	}
}

/* The final leak check: every object freed, every mapping gone, every page released. */
static void teardown_and_check(struct torture_ctx *ctx)
{
	struct torture_result *res = ctx->res;

	torture_pool_drain(ctx);
	for (int d = 0; d < ctx->ndev; d++)
		device_unbind(&ctx->dev[d]);
	res->objects_leaked = sgt_objects_live();
	res->pages_leaked = drm_gem_shmem_pages_live();
	res->mappings_leaked = (long)dma_debug_mappings(NULL);
	SGT_WARN_ON(SGT_V_LEAK, res->objects_leaked, "%ld objects never freed", res->objects_leaked);
	SGT_WARN_ON(SGT_V_LEAK, res->pages_leaked, "%ld pages never released", res->pages_leaked);
	SGT_WARN_ON(SGT_V_LEAK, res->mappings_leaked, "%ld DMA mappings never unmapped",
		    res->mappings_leaked);
	for (int d = 0; d < ctx->ndev; d++)
		device_destroy(&ctx->dev[d]);
	sgt_object_quarantine_flush();
}

int torture_run(const struct torture_config *cfg, const struct sgt_strategy_ops *ops,
		enum devres_model model, struct torture_result *res)
{
	struct torture_thread threads[NR_ROLES * MAX_PER_ROLE] = { 0 };
	struct pool_slot *slots = calloc((size_t)cfg->objects, sizeof(*slots));
	struct torture_ctx ctx = {
		.cfg = cfg, .ops = ops, .res = res, .ndev = cfg->devices, .slots = slots,
		.nslots = cfg->objects, .threads = threads,
	};
	struct trace_ring *rings[NR_ROLES * MAX_PER_ROLE];
	uint64_t start;

	for (int r = 0; r < NR_ROLES; r++)
		ctx.nthreads += cfg->threads[r];
	for (int i = 0; i < ctx.nthreads; i++)
		rings[i] = &threads[i].ring;
	ctx.rings = rings;
	snprintf(res->strategy, sizeof(res->strategy), "%s", ops->name);
	snprintf(res->model, sizeof(res->model), "%s", devres_model_name[model]);
	the_ctx = &ctx;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	ctx.controlled = cfg->sched != SCHED_OS;
	setup(&ctx, model);
	/* Under a controlled scheduler the schedule is the jitter. */
	torture_hook_install(res, ctx.controlled ? 0 : cfg->jitter, cfg->seed);
	start = ctx.start_ns = res->start_ns = sgt_now_ns();
	if (cfg->inject_hang > 0)
		ctx.hang_at_ns = start + (uint64_t)(cfg->inject_hang * 1e9);
	if (ctx.controlled)
		sched_start(&ctx);
	start_threads(&ctx);
	if (ctx.controlled)
		sched_ctl_start();
	control(&ctx, start);
	atomic_store(&ctx.stop, true);
	if (!atomic_load(&res->found))
		join_threads(&ctx);
	/*
	 * Again after the join: under a controlled scheduler the threads'
	 * last iterations after the step budget are part of the schedule, and
	 * what they find must not depend on when the controller looked.
	 */
	if (atomic_load(&res->found)) {
		/*
		 * The oracle the run waited for fired: that is the verdict.
		 * The threads may be deadlocked by what it found (H2), and
		 * what happens after it is noise: no join, no leak check.
		 */
		res->elapsed = (double)(sgt_now_ns() - start) / 1e9;
		torture_collect_tsan(res);
		if (ctx.controlled)
			write_schedule(&ctx);
		snprintf(res->exit_reason, sizeof(res->exit_reason), "found");
		return 0;
	}
	torture_hook_remove();
	res->elapsed = (double)(sgt_now_ns() - start) / 1e9;
	if (!cfg->quiet && cfg->stat_interval > 0)
		stats_line(&ctx, res->elapsed, stdout);
	teardown_and_check(&ctx);
	free(slots);
	torture_collect_tsan(res);
	if (ctx.controlled) {
		write_schedule(&ctx);
		sched_ctl_fini();
	}
	snprintf(res->exit_reason, sizeof(res->exit_reason), interrupted ? "signal" : "completed");
	return 0;
}
