// SPDX-License-Identifier: GPL-2.0
/*
 * Watching one run, in the child: locktorture's statistics line, the
 * progress watchdog and the wait watchdog, whose dump says per thread what
 * it does, what it holds and what it is blocked on.
 */
#define _GNU_SOURCE
#include <stdio.h>

#include <check/thread.h>
#include <check/wait.h>

#include "run.h"

static struct torture_run *watched;	/* for the hang handler, called from any thread */

/* Watchdog: say who is stuck where, holding what; keep it in the result; exit 3. */
__attribute__((noreturn)) void torture_watchdog_fire(const char *why)
{
	struct torture_result *res = watched->res;
	FILE *dump = fmemopen(res->dump, sizeof(res->dump) - 1, "w");

	if (dump) {
		fprintf(dump, "watchdog: %s\n", why);
		for (int i = 0; i < watched->nthreads; i++)
			if (watched->threads[i].sgt)
				sgt_thread_dump(watched->threads[i].sgt, dump);
		fclose(dump);
	}
	/* The parent prints the dump with the result: once. */
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
	torture_watchdog_fire(why);
}

void torture_stats_line(struct torture_run *ctx, double t, FILE *out)
{
	const struct torture_config *cfg = ctx->cfg;

	fprintf(out, "sgtorture %s/%s t=%.1fs:", ctx->res->variant, ctx->res->model, t);
	for (int r = 0; r < ctx->subject->nr_roles; r++) {
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
		fprintf(out, " %s: Total: %lu Max/Min: %lu/%lu %sFail: %lu%s",
			ctx->subject->role_name[r],
			total, max, min, max - min > max / 2 ? "??? " : "", fails,
			fails ? " !!!" : "");
	}
	fputc('\n', out);
}

void torture_watch_progress(struct torture_run *ctx, unsigned long *seen, uint64_t *since,
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
			torture_watchdog_fire(why);
		}
	}
}

void torture_watch_start(struct torture_run *ctx)
{
	watched = ctx;
	sgt_set_hang_handler(on_hang);
}
