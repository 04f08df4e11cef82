// SPDX-License-Identifier: GPL-2.0
/*
 * One run in a child process, watched by the parent: the child's counters
 * are in shared memory, so a crash, a hang or a signal still leaves its
 * partial result; and the "End of test" line that echoes every parameter.
 */
#define _GNU_SOURCE	/* sigabbrev_np */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check/sched_ctl.h>
#include <check/thread.h>
#include <check/wait.h>

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

void torture_install_signals(void)
{
	signal(SIGINT, parent_on_signal);
	signal(SIGTERM, parent_on_signal);
}

bool torture_interrupted(void)
{
	return parent_interrupted;
}

/* Run in this process, settle the verdict (every oracle counts). */
static void run_here(const struct torture_config *cfg, int variant, int model,
		     struct torture_result *res)
{
	sgt_thread_start("controller");
	torture_run(cfg, variant, model, res);
	res->finished = true;
	res->exit_code = torture_result_failed(cfg, res) ? 1 : 0;
}

/* The child: run, leave without TSan's exit hooks. */
static __attribute__((noreturn)) void child(const struct torture_config *cfg, int variant,
					    int model, struct torture_result *res)
{
	run_here(cfg, variant, model, res);
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
				"%.0f s; killed it\n", res->variant, res->model, limit / 1e9);
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

/* Crashed (a segfault on memory a port freed, a sanitizer abort): say why. */
static void note_crash(struct torture_result *res, int status)
{
	if (WIFSIGNALED(status))
		snprintf(res->exit_reason, sizeof(res->exit_reason), "crash-%s",
			 sigabbrev_np(WTERMSIG(status)) ?: "signal");
	else if (WEXITSTATUS(status) == 66)	/* TSan's exitcode, after its SEGV report */
		snprintf(res->exit_reason, sizeof(res->exit_reason), "crash-sanitizer");
	else if (strcmp(res->exit_reason, "watchdog") && strcmp(res->exit_reason, "deadlock"))
		snprintf(res->exit_reason, sizeof(res->exit_reason), "crash-exit-%d",
			 WEXITSTATUS(status));
	res->exit_code = res->exit_code == 3 ? 3 : 1;
	res->finished = false;
}

void torture_run_forked(const struct torture_config *cfg, int variant, int model,
			struct torture_result *res)
{
	uint64_t start;
	int status;
	pid_t pid;

	if (cfg->no_fork) {
		run_here(cfg, variant, model, res);
		torture_symbolize_tsan(res);
		return;
	}
	fflush(NULL);
	start = sgt_now_ns();
	pid = fork();
	if (pid == 0)
		child(cfg, variant, model, res);
	if (pid < 0) {
		perror("sgtorture: fork");
		snprintf(res->exit_reason, sizeof(res->exit_reason), "fork-failed");
		res->exit_code = 1;
		return;
	}
	running_child = pid;
	status = wait_child(cfg, pid, start, res);
	running_child = 0;
	/* A short run (a controlled schedule) may end before the parent looked. */
	torture_check_tsan_frame(cfg, res);
	if (atomic_load(&res->found) && !strcmp(res->exit_reason, "completed"))
		snprintf(res->exit_reason, sizeof(res->exit_reason), "found");
	torture_symbolize_tsan(res);
	torture_symbolize_crash(res);
	if (!res->elapsed)	/* a watchdog exit or a crash did not time itself */
		res->elapsed = (double)(sgt_now_ns() - start) / 1e9;
	if (!res->finished || WIFSIGNALED(status))
		note_crash(res, status);
}

#define TRACE_CAP	(1u << 16)

struct sched_ctl_trace *torture_trace_map(void)
{
	size_t bytes = sizeof(struct sched_ctl_trace) + TRACE_CAP * sizeof(struct sched_ctl_decision);
	struct sched_ctl_trace *t = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
					 MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (t == MAP_FAILED)
		return NULL;
	t->cap = TRACE_CAP;
	return t;
}

void torture_trace_unmap(struct sched_ctl_trace *t)
{
	munmap(t, sizeof(struct sched_ctl_trace) + TRACE_CAP * sizeof(struct sched_ctl_decision));
}

bool torture_expects_clean(const struct torture_config *cfg)
{
	if (cfg->expect != TORTURE_EXPECT_DEFAULT)
		return cfg->expect == TORTURE_EXPECT_CLEAN;
	return cfg->subject->declared_clean(cfg->variants[0]);
}

const char *torture_expect_label(const struct torture_config *cfg)
{
	if (cfg->expect != TORTURE_EXPECT_DEFAULT)
		return cfg->expect == TORTURE_EXPECT_CLEAN ? "expected clean" : "expected to show it";
	return torture_expects_clean(cfg) ? "declared clean" : "a port carrying hazards";
}

/*
 * The raw TSan log of the last controlled attempt, removed by the next one
 * unless torture_keep_schedule() kept it with its schedule: check and
 * explore run thousands of schedules and report two.
 */
static char pending_tsan_log[sizeof(((struct torture_result *)0)->tsan_log)];

bool torture_keep_schedule(const struct torture_config *cfg, struct torture_result *res,
			   int until)
{
	if (!torture_schedule_keep(cfg, res, until))
		return false;
	/* The schedule's raw TSan reports stay beside it. */
	if (res->tsan_reports && !strcmp(res->tsan_log, pending_tsan_log))
		pending_tsan_log[0] = 0;
	return true;
}

static void remove_pending_tsan_log(void)
{
	if (pending_tsan_log[0])
		unlink(pending_tsan_log);
	pending_tsan_log[0] = 0;
}

bool torture_attempt(struct torture_config *cfg, struct torture_result *res)
{
	static bool registered;

	if (!registered)
		registered = !atexit(remove_pending_tsan_log);	/* the last attempt's too */
	remove_pending_tsan_log();
	memset(res, 0, sizeof(*res));
	torture_run_forked(cfg, cfg->variants[0], cfg->models[0], res);
	if (cfg->sched != SCHED_OS && res->tsan_reports)
		snprintf(pending_tsan_log, sizeof(pending_tsan_log), "%s", res->tsan_log);
	return atomic_load(&res->found);
}

/*
 * locktorture's closing line: the verdict and every parameter, as the
 * options that replay the run, so the line alone says what ran.
 */
void torture_end_of_test(const struct torture_config *cfg, const struct torture_result *res)
{
	char args[1024], replay[1100], sched[1024];

	torture_args(cfg, res->variant_index, res->model_index, TP_RUN | TP_SHOWN | TP_POLICY, args,
		     sizeof(args));
	printf("End of test: %s: %s exit=%s\n", res->exit_code ? "FAILURE" : "SUCCESS", args,
	       res->exit_reason);

	if (cfg->sched != SCHED_OS && !cfg->quiet)
		printf("Schedule: %s, %llu steps, trace %016llx%s%s\n", sched_policy_name[cfg->sched],
		       (unsigned long long)res->sched_steps, (unsigned long long)res->sched_hash,
		       res->sched_file[0] ? ", kept in " : "", res->sched_file);
	if (!res->exit_code || cfg->sched == SCHED_REPLAY)
		return;		/* a replay's command is the one just run */
	snprintf(replay, sizeof(replay), "%s %s", cfg->argv0, args);
	printf("Replay: %s%s\n", replay, cfg->timeline ? "" : " --timeline");
	if (res->sched_file[0] && !cfg->quiet) {	/* --quiet: a failure's one replay */
		torture_replay_schedule_cmd(cfg, res->sched_file, sched, sizeof(sched));
		printf("Replay schedule: %s\n", sched);
	}
}
