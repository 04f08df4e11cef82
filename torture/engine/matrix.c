// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture [run]: for each (variant, model) asked for, fork a child that
 * runs it; print each run's statistics, outcome table, race-window coverage
 * and problems, one "End of test" line echoing every parameter, the replay
 * command of every failure, a verdict table, and the JSON.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check/wait.h>

#include "verbs.h"

static const char *verdict_of(const struct torture_result *r)
{
	if (!strcmp(r->exit_reason, "other-shard"))
		return "(shard)";
	return !r->exit_reason[0] ? "-" : r->exit_code == 3 ? "HANG" :
	       !r->finished ? "CRASH" : r->exit_code ? "FAIL" :
	       !strcmp(r->exit_reason, "signal") ? "STOPPED" : "PASS";
}

static void verdict_table(const struct torture_config *cfg, struct torture_result **res)
{
	const struct torture_subject *s = cfg->subject;

	printf("\n%-14s", s->variant_key);
	for (int m = 0; m < cfg->nr_models; m++)
		printf(" %-18s", s->model_name(cfg->models[m]));
	putchar('\n');
	for (int v = 0; v < cfg->nr_variants; v++) {
		printf("%-14s", s->variant_name(cfg->variants[v]));
		for (int m = 0; m < cfg->nr_models; m++)
			printf(" %-18s", verdict_of(res[v * cfg->nr_models + m]));
		putchar('\n');
	}
	/* What each failure was, so the table can be read without the log. */
	for (int i = 0; i < cfg->nr_variants * cfg->nr_models; i++) {
		if (!res[i]->exit_code)
			continue;
		printf("  %s/%s:", res[i]->variant, res[i]->model);
		for (int k = 0; k < SGT_V_NR; k++)
			if (atomic_load(&res[i]->violations[k]))
				printf(" %s", sgt_violation_name[k]);
		if (res[i]->tsan_reports)
			printf(" tsan(%lu)", res[i]->tsan_reports);
		printf(" [%s]\n", res[i]->exit_reason);
	}
}

static int worse(int verdict, int exit_code)
{
	if (exit_code == 3 || verdict == 3)
		return 3;
	return exit_code ? 1 : verdict;
}

/*
 * Progress, on stderr so that stdout stays the report: "[12/33] PORT/MODEL
 * FAIL 3.0 s (elapsed 36 s, about 63 s left)".  On a terminal, and without
 * --quiet, a line as each run starts too; otherwise one line per run.  A
 * script that filters the lines says SGT_PROGRESS_STARTS=1 for the start lines.
 */
struct progress {
	int step;
	uint64_t start_ns, run_ns;
	bool starts;
};

static void progress_start(const struct torture_config *cfg, struct progress *p,
			   const struct torture_result *r)
{
	p->step++;
	p->run_ns = sgt_now_ns();
	if (cfg->progress_total && p->starts)
		fprintf(stderr, "[%d/%d] %s/%s ...\n", cfg->progress_done + p->step,
			cfg->progress_total, r->variant, r->model);
}

/*
 * Seconds left: this process's runs at their own pace, then the steps after
 * them as the caller expects (steps of other kinds take other times: a
 * benchmark step is not a 2-second run).
 */
static double progress_left(const struct torture_config *cfg, const struct progress *p,
			    double elapsed, int nr_runs)
{
	int done = cfg->progress_done + p->step, left = cfg->progress_total - done;
	double mine = (double)(sgt_now_ns() - p->start_ns) / 1e9 / p->step;

	if (cfg->progress_after < 0)
		return left > 0 ? elapsed / done * left : 0.0;
	return mine * (nr_runs - p->step) + cfg->progress_after;
}

static void progress_end(const struct torture_config *cfg, struct progress *p,
			 const struct torture_result *r, int nr_runs)
{
	double elapsed = (double)(sgt_now_ns() - p->start_ns) / 1e9 + cfg->progress_before;

	if (!cfg->progress_total)
		return;
	fprintf(stderr, "[%d/%d] %s/%s %s %.1f s (elapsed %.0f s, about %.0f s left)\n",
		cfg->progress_done + p->step, cfg->progress_total, r->variant, r->model,
		verdict_of(r), (double)(sgt_now_ns() - p->run_ns) / 1e9, elapsed,
		progress_left(cfg, p, elapsed, nr_runs));
}

static int run_main(struct torture_config *cfg)
{
	int nr = cfg->nr_variants * cfg->nr_models, verdict = 0, mine = 0;
	const char *starts = getenv("SGT_PROGRESS_STARTS");
	struct progress prog = {
		.start_ns = sgt_now_ns(),
		.starts = starts ? !strcmp(starts, "1") : !cfg->quiet && isatty(2),
	};
	struct torture_result **res = calloc((size_t)nr, sizeof(*res));

	if (!res)
		return 1;
	for (int i = 0; i < nr; i++) {
		res[i] = torture_result_map();
		if (!res[i]) {
			perror("sgtorture: mmap");
			return 1;
		}
		res[i]->variant_index = cfg->variants[i / cfg->nr_models];
		res[i]->model_index = cfg->models[i % cfg->nr_models];
		snprintf(res[i]->variant, sizeof(res[i]->variant), "%s",
			 cfg->subject->variant_name(res[i]->variant_index));
		snprintf(res[i]->model, sizeof(res[i]->model), "%s",
			 cfg->subject->model_name(res[i]->model_index));
	}
	for (int i = 0; i < nr; i++)
		mine += torture_in_shard(cfg, i);
	for (int i = 0; i < nr && !torture_interrupted(); i++) {
		if (!torture_in_shard(cfg, i)) {
			snprintf(res[i]->exit_reason, sizeof(res[i]->exit_reason), "other-shard");
			continue;
		}
		progress_start(cfg, &prog, res[i]);
		torture_run_forked(cfg, res[i]->variant_index, res[i]->model_index, res[i]);
		if (res[i]->exit_code == 2) {	/* a replay that could not follow its file */
			fprintf(stderr, "sgtorture: --sched replay:%s: %s", cfg->sched_replay_file,
				res[i]->dump);
			free(res);
			return 2;
		}
		if (res[i]->exit_code)	/* a failing controlled run: its schedule is reported */
			torture_keep_schedule(cfg, res[i], torture_failure_oracle(cfg, res[i]));
		progress_end(cfg, &prog, res[i], mine);
		if (!cfg->quiet)	/* --quiet: the End of test line and the verdict table */
			torture_print_result(cfg, res[i], stdout);
		torture_end_of_test(cfg, res[i]);
		verdict = worse(verdict, res[i]->exit_code);
	}
	if (nr > 1)
		verdict_table(cfg, res);
	if (cfg->json && !torture_write_json(cfg->json, cfg, res, nr, verdict)) {
		fprintf(stderr, "sgtorture: cannot write --json '%s'\n", cfg->json);
		verdict = verdict ? verdict : 1;
	}
	free(res);
	return verdict;
}

const struct torture_verb torture_verb_run = {
	.name = "run",
	.usage = "sgtorture [run] [OPTION]...      the matrix of variants x models, each for --duration",
	.main = run_main,
};
