// SPDX-License-Identifier: GPL-2.0
/*
 * One run in a child process, watched by the parent: the child's counters
 * are in shared memory, so a crash, a hang or a signal still leaves its
 * partial result; and the "End of test" line that echoes every parameter.
 */
#define _GNU_SOURCE	/* sigabbrev_np */
#include <errno.h>
#include <poll.h>
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

/* The run did not end in time: kill it, and the hang is the verdict. */
static void watchdog_kill(struct torture_result *res, pid_t pid, uint64_t limit)
{
	fprintf(stderr, "sgtorture: watchdog: the run of %s/%s did not end within %.0f s; "
		"killed it\n", res->variant, res->model, limit / 1e9);
	kill(pid, SIGKILL);
	snprintf(res->exit_reason, sizeof(res->exit_reason), "watchdog-killed");
	res->exit_code = 3;
	res->finished = true;	/* what it counted stands */
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
			watchdog_kill(res, pid, limit);
			waitpid(pid, &status, 0);
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

/*
 * The fork server.  A search compares what steps of different executions
 * touched, by address (check/footprint.h): DPOR's sleep sets carry a step
 * from one execution into the next.  A child forked from the searching
 * process starts from that process's heap, which grows as the search
 * records, so the same schedule would allocate at other addresses.  So a
 * search forks one server first, and the server forks every execution's
 * child from the same memory: the same schedule, the same addresses.  The
 * server allocates nothing once started: it reads a request (the schedule
 * in shared memory), forks, says the child's pid, waits, says its status.
 * The searching process keeps the watchdog and everything after the run.
 */
struct zygote_request {
	int variant, model;
	struct torture_result *res;
	size_t nr_replay;
	int nr_sleepers;
	struct sched_ctl_sleeper sleepers[SCHED_CTL_MAX_THREADS];
	bool data_forced;		/* check --choices all: this execution's data choices */
	uint8_t data[TORTURE_CHOICE_THREADS][TORTURE_MAX_CHOICES];
	uint32_t replay[];
};

#define ZYGOTE_REPLAY_CAP	(1u << 16)

static struct {
	pid_t pid;			/* 0: no server */
	int req, resp;			/* pipes' ends: requests out, pids and statuses in */
	struct zygote_request *shared;
	struct torture_result *res;	/* the result mapping it was started with */
} zygote;

static bool full_io(bool wr, int fd, void *buf, size_t len)
{
	for (size_t done = 0; done < len;) {
		ssize_t n = wr ? write(fd, (char *)buf + done, len - done)
			       : read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += (size_t)n;
	}
	return true;
}

static __attribute__((noreturn)) void zygote_serve(struct torture_config *cfg, int req, int resp)
{
	struct zygote_request *rq = zygote.shared;
	char go;

	while (full_io(false, req, &go, 1)) {
		int status = 0;
		pid_t pid, r;

		cfg->sched_replay = rq->replay;
		cfg->nr_sched_replay = rq->nr_replay;
		cfg->sched_sleepers = rq->nr_sleepers ? rq->sleepers : NULL;
		cfg->nr_sched_sleepers = rq->nr_sleepers;
		cfg->data_forced = rq->data_forced;
		memcpy(cfg->data, rq->data, sizeof(cfg->data));
		pid = fork();
		if (pid == 0) {
			close(req);
			close(resp);
			child(cfg, rq->variant, rq->model, rq->res);
		}
		if (!full_io(true, resp, &pid, sizeof(pid)))
			break;
		while (pid > 0 && (r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
			;
		if (!full_io(true, resp, &status, sizeof(status)))
			break;
	}
	_exit(0);	/* the searching process closed its end, or died */
}

bool torture_zygote_start(struct torture_config *cfg, struct torture_result *res)
{
	size_t bytes = sizeof(*zygote.shared) + ZYGOTE_REPLAY_CAP * sizeof(uint32_t);
	int req[2], resp[2];

	if (cfg->no_fork || zygote.pid)
		return false;
	zygote.shared = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			     -1, 0);
	if (zygote.shared == MAP_FAILED || pipe(req) || pipe(resp)) {
		perror("sgtorture: fork server");
		exit(1);
	}
	fflush(NULL);
	zygote.pid = fork();
	if (zygote.pid < 0) {
		perror("sgtorture: fork server");
		exit(1);
	}
	if (zygote.pid == 0) {
		close(req[1]);
		close(resp[0]);
		zygote_serve(cfg, req[0], resp[1]);
	}
	close(req[0]);
	close(resp[1]);
	zygote.req = req[1];
	zygote.resp = resp[0];
	zygote.res = res;
	return true;
}

void torture_zygote_stop(void)
{
	if (!zygote.pid)
		return;
	close(zygote.req);
	close(zygote.resp);
	waitpid(zygote.pid, NULL, 0);
	munmap(zygote.shared, sizeof(*zygote.shared) + ZYGOTE_REPLAY_CAP * sizeof(uint32_t));
	zygote.pid = 0;
}

/* Through the server: its child's pid, or -1 (the server is gone: a bug, said). */
static pid_t zygote_fork(const struct torture_config *cfg, int variant, int model,
			 struct torture_result *res)
{
	struct zygote_request *rq = zygote.shared;
	pid_t pid;

	rq->variant = variant;
	rq->model = model;
	rq->res = res;
	rq->nr_replay = cfg->nr_sched_replay;
	memcpy(rq->replay, cfg->sched_replay, cfg->nr_sched_replay * sizeof(*rq->replay));
	rq->nr_sleepers = cfg->nr_sched_sleepers;
	rq->data_forced = cfg->data_forced;
	memcpy(rq->data, cfg->data, sizeof(rq->data));
	if (cfg->nr_sched_sleepers)
		memcpy(rq->sleepers, cfg->sched_sleepers,
		       (size_t)cfg->nr_sched_sleepers * sizeof(*rq->sleepers));
	if (!full_io(true, zygote.req, &(char){ 'r' }, 1) ||
	    !full_io(false, zygote.resp, &pid, sizeof(pid)) || pid < 0) {
		fprintf(stderr, "sgtorture: the fork server did not fork a run\n");
		return -1;
	}
	return pid;
}

static bool zygote_serves(const struct torture_config *cfg, const struct torture_result *res)
{
	return zygote.pid && res == zygote.res && cfg->nr_sched_replay <= ZYGOTE_REPLAY_CAP &&
	       cfg->nr_sched_sleepers <= SCHED_CTL_MAX_THREADS;
}

/* wait_child() for the server's child: its status comes down the pipe. */
static int wait_zygote_child(const struct torture_config *cfg, pid_t pid, uint64_t start,
			     struct torture_result *res)
{
	uint64_t limit = (uint64_t)((cfg->duration + 2.0 * cfg->watchdog + 60.0) * 1e9);
	struct pollfd pfd = { .fd = zygote.resp, .events = POLLIN };
	int status = 0;

	for (;;) {
		/* Short at first: a controlled schedule often ends in a few ms. */
		int ms = sgt_now_ns() - start < 100000000ull ? 1 : 20;

		if (poll(&pfd, 1, ms) > 0)
			break;
		if (sgt_now_ns() - start > limit) {
			watchdog_kill(res, pid, limit);
			full_io(false, zygote.resp, &status, sizeof(status));
			return status;
		}
		torture_check_tsan_frame(cfg, res);
	}
	if (!full_io(false, zygote.resp, &status, sizeof(status)))
		status = SIGKILL;	/* the server died: say the run crashed */
	return status;
}

void torture_run_forked(const struct torture_config *cfg, int variant, int model,
			struct torture_result *res)
{
	bool served = zygote_serves(cfg, res);
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
	pid = served ? zygote_fork(cfg, variant, model, res) : fork();
	if (pid == 0)
		child(cfg, variant, model, res);
	if (pid < 0) {
		perror("sgtorture: fork");
		snprintf(res->exit_reason, sizeof(res->exit_reason), "fork-failed");
		res->exit_code = 1;
		return;
	}
	running_child = pid;
	status = served ? wait_zygote_child(cfg, pid, start, res)
			: wait_child(cfg, pid, start, res);
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
