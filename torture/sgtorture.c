// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture: for each (strategy, devres model) asked for, fork a child that
 * runs it; print each run's statistics, outcome table, race-window coverage
 * and problems, one "End of test" line echoing every parameter, the replay
 * command of every failure, a verdict table, and the JSON.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sgt/thread.h>
#include <sgt/wait.h>

#include "torture.h"

static volatile sig_atomic_t parent_interrupted;

static void parent_on_signal(int sig)
{
	parent_interrupted = 1;
}

/* The child: run, settle its own verdict, leave without TSan's exit hooks. */
static __attribute__((noreturn)) void child(const struct torture_config *cfg,
					    const struct sgt_strategy_ops *ops,
					    enum devres_model model, struct torture_result *res)
{
	sgt_thread_start("controller");
	torture_run(cfg, ops, model, res);
	res->finished = true;
	res->exit_code = torture_result_failed(res, ops) ? 1 : 0;
	sgt_exit_now(res->exit_code);
}

static void run_one(const struct torture_config *cfg, const struct sgt_strategy_ops *ops,
		    enum devres_model model, struct torture_result *res)
{
	int status;
	pid_t pid;

	if (cfg->no_fork) {
		sgt_thread_start("controller");
		torture_run(cfg, ops, model, res);
		res->finished = true;
		res->exit_code = torture_result_failed(res, ops) ? 1 : 0;
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(cfg, ops, model, res);
	while (waitpid(pid, &status, 0) < 0)
		;	/* EINTR from our own SIGINT: the child stops itself */
	if (!res->finished || WIFSIGNALED(status)) {
		/* Crashed (a sanitizer abort, a segfault): what it counted is kept. */
		snprintf(res->exit_reason, sizeof(res->exit_reason), "crash");
		res->exit_code = 1;
		res->finished = false;
	}
}

static void end_of_test(const struct torture_config *cfg, const struct sgt_strategy_ops *ops,
			enum devres_model model, const struct torture_result *res)
{
	char replay[1024];
	char faults[256] = "none";

	for (int i = 0, n = 0; i < cfg->nr_faults; i++)
		n += snprintf(faults + n, sizeof(faults) - (size_t)n, "%s%s", i ? "," : "",
			      cfg->faults[i]);
	printf("End of test: %s: strategy=%s devres-model=%s hazard=%s creators=%d accessors=%d "
	       "revokers=%d freers=%d objects=%d devices=%d duration=%g seed=%llu jitter=%g "
	       "stutter=%g faults=%s exit=%s\n",
	       res->exit_code ? "FAILURE" : "SUCCESS", ops->name, devres_model_name[model],
	       cfg->hazard ? cfg->hazard->name : "none", cfg->threads[ROLE_CREATOR],
	       cfg->threads[ROLE_ACCESSOR], cfg->threads[ROLE_REVOKER], cfg->threads[ROLE_FREER],
	       cfg->objects, cfg->devices, cfg->duration, (unsigned long long)cfg->seed,
	       cfg->jitter, cfg->stutter, faults, res->exit_reason);
	if (res->exit_code) {
		torture_replay_cmdline(cfg, ops, model, replay, sizeof(replay));
		printf("Replay: %s\n", replay);
	}
}

static void verdict_table(const struct torture_config *cfg, struct torture_result **res)
{
	printf("\n%-14s", "strategy");
	for (int m = 0; m < cfg->nr_models; m++)
		printf(" %-12s", devres_model_name[cfg->models[m]]);
	putchar('\n');
	for (int s = 0; s < cfg->nr_strategies; s++) {
		printf("%-14s", cfg->strategies[s]->name);
		for (int m = 0; m < cfg->nr_models; m++) {
			const struct torture_result *r = res[s * cfg->nr_models + m];
			const char *v = !r->exit_reason[0] ? "-" : r->exit_code == 3 ? "HANG" :
					!r->finished ? "CRASH" : r->exit_code ? "FAIL" : "PASS";

			printf(" %-12s", v);
		}
		putchar('\n');
	}
}

int main(int argc, char **argv)
{
	struct torture_config cfg;
	struct torture_result *res[8 * DEVRES_MODEL_NR];
	const struct sgt_strategy_ops *ops[8 * DEVRES_MODEL_NR];
	enum devres_model models[8 * DEVRES_MODEL_NR];
	int nr = 0, verdict = 0;

	torture_parse(argc, argv, &cfg);
	signal(SIGINT, parent_on_signal);
	signal(SIGTERM, parent_on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int s = 0; s < cfg.nr_strategies; s++) {
		for (int m = 0; m < cfg.nr_models; m++, nr++) {
			ops[nr] = cfg.strategies[s];
			models[nr] = cfg.models[m];
			res[nr] = torture_result_map();
			if (!res[nr]) {
				perror("sgtorture: mmap");
				return 1;
			}
		}
	}
	for (int i = 0; i < nr && !parent_interrupted; i++) {
		run_one(&cfg, ops[i], models[i], res[i]);
		if (!cfg.quiet || res[i]->exit_code)
			torture_print_result(res[i], ops[i], stdout);
		end_of_test(&cfg, ops[i], models[i], res[i]);
		if (res[i]->exit_code == 3)
			verdict = 3;
		else if (res[i]->exit_code && verdict != 3)
			verdict = 1;
	}
	if (nr > 1)
		verdict_table(&cfg, res);
	if (cfg.json && !torture_write_json(cfg.json, &cfg, res, ops, models, nr, verdict)) {
		fprintf(stderr, "sgtorture: cannot write --json '%s'\n", cfg.json);
		return verdict ? verdict : 1;
	}
	return verdict;
}
