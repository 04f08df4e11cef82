// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture: for each (strategy, devres model) asked for, fork a child that
 * runs it; print each run's statistics, outcome table, race-window coverage
 * and problems, one "End of test" line echoing every parameter, the replay
 * command of every failure, a verdict table, and the JSON.
 */
#define _GNU_SOURCE	/* sigabbrev_np */
#include <signal.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sgt/sched_ctl.h>
#include <sgt/thread.h>
#include <sgt/wait.h>

#include "torture.h"

static volatile sig_atomic_t parent_interrupted;
static volatile pid_t running_child;

/*
 * SIGINT/SIGTERM: pass it to the running child, which stops its threads and
 * finishes its result (so --json still holds it), and run nothing more.
 */
static void parent_on_signal(int sig)
{
	parent_interrupted = 1;
	if (running_child > 0)
		kill(running_child, sig);
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

/*
 * The parent's watchdog over the child's.  The child's own watchdog cannot
 * fire when the child is stuck below it (a deadlock inside a sanitizer's
 * runtime, a thread spinning with signals blocked): past the run's length
 * plus twice the watchdog plus a minute for teardown and symbolizing, kill
 * it and call it a hang.
 */
static int wait_child(const struct torture_config *cfg, pid_t pid, uint64_t start,
		      struct torture_result *res)
{
	uint64_t limit = (uint64_t)((cfg->duration + 2.0 * cfg->watchdog + 60.0) * 1e9);
	int status;
	pid_t r;

	while ((r = waitpid(pid, &status, WNOHANG)) == 0 || (r < 0 && errno == EINTR)) {
		if (sgt_now_ns() - start > limit) {
			fprintf(stderr, "sgtorture: watchdog: the run of %s/%s did not end within "
				"%.0f s; killed it\n", res->strategy, res->model, limit / 1e9);
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(res->exit_reason, sizeof(res->exit_reason), "watchdog-killed");
			res->exit_code = 3;
			res->finished = true;	/* what it counted stands; the hang is the verdict */
			return status;
		}
		torture_check_tsan_frame(cfg, res);
		/* Short at first: a controlled schedule often ends in a few ms. */
		usleep(sgt_now_ns() - start < 100000000ull ? 500 : 20000);
	}
	return status;
}

bool torture_interrupted(void)
{
	return parent_interrupted;
}

void torture_run_forked(const struct torture_config *cfg, const struct sgt_strategy_ops *ops,
			enum devres_model model, struct torture_result *res)
{
	uint64_t start;
	int status;
	pid_t pid;

	if (cfg->no_fork) {
		sgt_thread_start("controller");
		torture_run(cfg, ops, model, res);
		res->finished = true;
		res->exit_code = torture_result_failed(res, ops) ? 1 : 0;
		torture_symbolize_tsan(res);
		return;
	}
	fflush(NULL);
	start = sgt_now_ns();
	pid = fork();
	if (pid == 0)
		child(cfg, ops, model, res);
	if (pid < 0) {
		perror("sgtorture: fork");
		snprintf(res->exit_reason, sizeof(res->exit_reason), "fork-failed");
		res->exit_code = 1;
		return;
	}
	running_child = pid;
	status = wait_child(cfg, pid, start, res);
	running_child = 0;
	torture_symbolize_tsan(res);
	if (!res->elapsed)	/* a watchdog exit or a crash did not time itself */
		res->elapsed = (double)(sgt_now_ns() - start) / 1e9;
	if (!res->finished || WIFSIGNALED(status)) {
		/*
		 * Crashed (a segfault on memory a port freed, a sanitizer
		 * abort): what it counted up to then is kept, and says why.
		 */
		if (WIFSIGNALED(status))
			snprintf(res->exit_reason, sizeof(res->exit_reason), "crash-%s",
				 sigabbrev_np(WTERMSIG(status)) ?: "signal");
		else if (WEXITSTATUS(status) == 66)	/* TSan's exitcode, after its SEGV report */
			snprintf(res->exit_reason, sizeof(res->exit_reason), "crash-sanitizer");
		else if (strcmp(res->exit_reason, "watchdog"))
			snprintf(res->exit_reason, sizeof(res->exit_reason), "crash-exit-%d",
				 WEXITSTATUS(status));
		res->exit_code = res->exit_code == 3 ? 3 : 1;
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
	if (cfg->sched != SCHED_OS)
		printf("Schedule: %s, %llu steps, trace %016llx%s%s\n", sched_policy_name[cfg->sched],
		       (unsigned long long)res->sched_steps, (unsigned long long)res->sched_hash,
		       res->sched_file[0] ? ", written to " : "", res->sched_file);
	if (res->exit_code) {
		torture_replay_cmdline(cfg, ops, model, replay, sizeof(replay));
		printf("Replay: %s\n", replay);
		if (res->sched_file[0])
			printf("Replay schedule: %s --sched replay:%s\n", replay, res->sched_file);
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
					!r->finished ? "CRASH" : r->exit_code ? "FAIL" :
					!strcmp(r->exit_reason, "signal") ? "STOPPED" : "PASS";

			if (!strcmp(r->exit_reason, "other-shard"))
				v = "(shard)";

			printf(" %-12s", v);
		}
		putchar('\n');
	}
	/* What each failure was, so the table can be read without the log. */
	for (int i = 0; i < cfg->nr_strategies * cfg->nr_models; i++) {
		if (!res[i]->exit_code)
			continue;
		printf("  %s/%s:", res[i]->strategy, res[i]->model);
		for (int k = 0; k < SGT_V_NR; k++)
			if (atomic_load(&res[i]->violations[k]))
				printf(" %s", sgt_violation_name[k]);
		if (res[i]->tsan_reports)
			printf(" tsan(%lu)", res[i]->tsan_reports);
		printf(" [%s]\n", res[i]->exit_reason);
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
	if (cfg.mode == MODE_REPRO)
		return repro_main(&cfg);
	if (cfg.mode == MODE_HUNT)
		return hunt_main(&cfg);
	if (cfg.mode == MODE_EXPLORE)
		return explore_main(&cfg);
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
		if (!torture_in_shard(&cfg, i)) {
			snprintf(res[i]->exit_reason, sizeof(res[i]->exit_reason), "other-shard");
			continue;
		}
		torture_run_forked(&cfg, ops[i], models[i], res[i]);
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
