/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The torture engine, after kernel/torture.c and locktorture.c: threads in
 * a subject's roles (subject.h) race for a while; every oracle is counted.
 *
 * The parent process parses the options and forks one child per (variant,
 * model) run; the child's counters live in shared memory (struct
 * torture_result), so a run that crashes, hangs or is interrupted still
 * leaves its partial results for the parent to print and write.
 */
#ifndef SGT_TORTURE_H
#define SGT_TORTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <check/sched_ctl.h>
#include <check/tsan_report.h>
#include <check/violation.h>

#include "helpers.h"
#include "params.h"
#include "subject.h"
#include "trace.h"

#define MAX_PER_ROLE	64
#define MAX_FAULTS	8
#define MAX_WINDOWS	16
#define MAX_TSAN_UNIQUE	16
#define MAX_LEAKS	4
/* check --choices all: the threads and each thread's data choices it can direct. */
#define TORTURE_CHOICE_THREADS	16
#define TORTURE_MAX_CHOICES	32

/* --expect: what a verb's exit status judges (the port's own declaration by default). */
enum torture_expect { TORTURE_EXPECT_DEFAULT, TORTURE_EXPECT_CLEAN, TORTURE_EXPECT_FOUND };

struct torture_config {
	const struct torture_subject *subject;
	const char *verb;		/* "run", "repro", ... */
	const char *scenario;		/* repro, hunt, explore: the scenario's id */
	double budget;			/* repro: in all; hunt: per seed; explore: schedules */
	int seeds;			/* hunt */
	/* --sched: who runs next (sched_ctl.h); SCHED_OS is the kernel's choice. */
	int sched;			/* enum sched_policy */
	int sched_depth;
	unsigned long sched_steps;
	uint32_t *sched_replay;		/* --sched replay:FILE, read */
	size_t nr_sched_replay;
	const char *sched_replay_file;
	const char *sched_dir;		/* where failing schedules are kept */
	char sched_dir_default[256];
	char sched_pending[320];	/* where the child writes one; "" writes none */
	bool shrink;			/* explore: shrink the first failing schedule */
	int shard, nr_shards;		/* --shard I/N: this process runs part I of N */
	/*
	 * --progress DONE/TOTAL@SECONDS+AFTER: number this process's runs on
	 * from DONE of TOTAL steps; AFTER: the seconds expected of the steps
	 * after them (-1: estimate those from this process's runs too).
	 */
	int progress_done, progress_total, progress_before, progress_after;
	int *variants;			/* indices into the subject's variants */
	int nr_variants;
	int *models;
	int nr_models;
	int threads[TORTURE_MAX_ROLES];
	double duration, stutter, stat_interval, jitter, inject_hang, inject_crash;
	unsigned int watchdog;			/* seconds without progress */
	uint64_t seed;
	const char *faults[MAX_FAULTS];
	int nr_faults;
	const char *json;
	bool quiet, no_fork;
	bool timeline;				/* keep the timeline of the first report */
	bool stacks;				/* and its events' stacks (sgtorture report) */
	int stop_on;				/* SGT_ORACLE_NONE, a violation kind or SGT_ORACLE_TSAN */
	const char *tsan_frame;			/* SGT_ORACLE_TSAN: only a report showing this */
	const char *until_match;		/* a violation: only one whose text has this */
	/* A scenario's oracle under a controlled schedule (explore). */
	int sched_stop_on;
	const char *sched_match;
	void *subject_cfg;			/* the subject's own options */
	unsigned long ops;			/* --ops N: each thread's operations (0: no end) */
	unsigned long check_ops;		/* a scenario's for check (0: check's default) */
	uint64_t check_seed;
	int check_preemptions;			/* a scenario's bound for check (0: check's 2) */
	struct sched_ctl_trace *sched_trace;	/* check: the decisions, in shared memory */
	int preemptions;			/* check: the bound K; -1: none (DPOR only) */
	bool dpor;				/* check: DPOR (the default), not plain enumeration */
	/* check with DPOR: the threads asleep at the prefix's last choice. */
	const struct sched_ctl_sleeper *sched_sleepers;
	int nr_sched_sleepers;
	int expect;				/* enum torture_expect */
	/*
	 * check --choices all explores the roles' data choices; each
	 * execution takes the classes in data[thread][k] (--data-choices),
	 * class 0 where none is given, and none comes from the seed.
	 */
	bool all_choices;
	bool data_forced;
	uint8_t data[TORTURE_CHOICE_THREADS][TORTURE_MAX_CHOICES];
	const char *argv0;
};

/*
 * --threads "role=N,...": into threads[] (by role_option's order); 0, or
 * -EINVAL with one line in err naming the bad part and the accepted ones.
 */
int torture_threads_parse(const char *arg, int nr_roles, const char *const *role_option,
			  int observer, int *threads, char *err, size_t len);
/* Parse the options after the verb (and its id), then check them; on bad usage exit 2. */
void torture_parse_options(int argc, char **argv, struct torture_config *cfg);
/* Only the getopt loop: the options given override cfg's (replay, after a file's). */
void torture_parse_args(int argc, char **argv, struct torture_config *cfg);
/* Once every option is in: cross-checks, outputs, a replay's file; exit 2 on bad usage. */
void torture_options_done(struct torture_config *cfg);

/* --- results, in memory shared with the parent ---------------------------- */

struct torture_result {
	char variant[32], model[32];
	int variant_index, model_index;
	atomic_ulong ops[TORTURE_MAX_ROLES][MAX_PER_ROLE];
	atomic_ulong fails[TORTURE_MAX_ROLES][MAX_PER_ROLE];
	atomic_ulong outcomes[TORTURE_MAX_OUTCOMES];
	atomic_ulong violations[SGT_V_NR];
	atomic_int first_claimed[SGT_V_NR];
	char first_violation[SGT_V_NR][320];
	struct {
		char name[32];
		atomic_ulong entered, contended;
	} windows[MAX_WINDOWS];
	atomic_int nr_windows;
	unsigned long tsan_reports;
	int nr_tsan_unique;
	struct {
		char type[32];
		unsigned long count;
		void *pcs[2][SGT_TSAN_FRAMES];	/* raw, symbolized by the parent */
		uint64_t first_ns;		/* since the start of the run */
		bool symbolized;
		int dropped;			/* runtime frames (libtsan) left out of text */
		char text[1024];		/* symbolized, program frames only */
	} tsan_unique[MAX_TSAN_UNIQUE];
	/* What the subject's final check found still alive ("objects", 0). */
	struct {
		char name[16];
		long count;
	} leaks[MAX_LEAKS];
	int nr_leaks;
	double elapsed;
	char exit_reason[24];		/* completed, found, watchdog, signal, crash, deadlock */
	int exit_code;			/* 0 clean, 1 failure, 3 watchdog */
	char dump[4096];		/* the watchdog's thread dump */
	char tsan_log[400];		/* TSan's raw reports of this run (tsan build) */
	/* A crash (a fatal signal in the child): who, which signal, its frames raw, then symbolized. */
	struct {
		char thread[32];
		int signal, nr_pcs;
		void *pcs[24];
		char text[1536];
	} crash;
	/* Times since the start of the run, 0 when it never happened. */
	uint64_t first_ns[SGT_V_NR], tsan_first_ns;
	uint64_t start_ns;		/* the child's sgt_now_ns() at the start */
	atomic_int found;		/* the stop_on oracle fired */
	uint64_t found_ns;
	/* The threads' last events when the first report (or the stop_on one) came. */
	atomic_int timeline_claimed;
	int nr_timeline;
	uint64_t timeline_at_ns;
	char timeline_report[400];
	struct trace_event timeline[TIMELINE_MAX];
	/* cfg->stacks (sgtorture report): each timeline event's stack, and the reporter's. */
	void *timeline_pcs[TIMELINE_MAX][TRACE_PCS];
	void *report_pcs[TRACE_PCS];
	char report_thread[32];
	const void *timeline_focus;	/* the object the report names (NULL: none) */
	/* --sched: what the controlled scheduler did. */
	uint64_t sched_steps, sched_hash;
	size_t sched_choices;		/* in the schedule written (to the failure) */
	char sched_file[384];
	/*
	 * With data choices forced: how many classes each thread's kth choice
	 * had (0: not reached), for check's enumeration of them; and whether
	 * a thread made more than it can direct.
	 */
	uint8_t choices_seen[TORTURE_CHOICE_THREADS][TORTURE_MAX_CHOICES];
	bool choices_overflow;
	bool finished;
};

struct torture_result *torture_result_map(void);
void torture_result_unmap(struct torture_result *res);
void torture_result_leak(struct torture_result *res, const char *what, long count);
/*
 * In the child, every controller tick and at the end: copy TSan's count and
 * deduplicated reports (raw frames) into the shared result, so a child that
 * crashes still leaves them.  In the parent: symbolize them.
 */
void torture_collect_tsan(struct torture_result *res);
void torture_symbolize_tsan(struct torture_result *res);
/* In the parent: the crash's frames, symbolized into res->crash.text. */
void torture_symbolize_crash(struct torture_result *res);
/* In the parent, while the child runs: has a report shown cfg->tsan_frame? Then stop it. */
void torture_check_tsan_frame(const struct torture_config *cfg, struct torture_result *res);
/*
 * Did this run fail on any oracle: a violation of any kind, a TSan report,
 * a forbidden or ungraded outcome, a leak, a watchdog, a crash?
 */
bool torture_result_failed(const struct torture_config *cfg, const struct torture_result *res);
/* The oracle a failed run failed on first: a violation kind, SGT_ORACLE_TSAN, or NONE. */
int torture_failure_oracle(const struct torture_config *cfg, const struct torture_result *res);
void torture_print_result(const struct torture_config *cfg, const struct torture_result *res,
			  FILE *out);
/* Every run's result as one JSON document; false on I/O error. */
bool torture_write_json(const char *path, const struct torture_config *cfg,
			struct torture_result *const *res, int nr_runs, int verdict);
/* Can path be written?  Checked before a run, so a result is never lost at the end. */
bool torture_path_writable(const char *path);

/* --- one run, in the child (run.c) ---------------------------------------- */

/* A thread in a role, as the subject's step sees it. */
struct torture_thread {
	struct torture_run *run;
	void *subject;			/* the subject's state of this run */
	int role, idx;
	int index;			/* among every role's threads: its random stream */
	uint32_t nr_choices;		/* torture_choose() calls so far */
	pthread_t tid;
	struct sgt_thread *sgt;		/* for the watchdog's dump */
	atomic_ulong progress;		/* operations done; the watchdog watches it */
	struct torture_random_state rng;
	struct trace_ring ring;		/* its last events, for the timeline */
	bool controlled;		/* --sched other than os */
	uint64_t hang_at_ns;		/* --inject-hang: when thread 0 of the observers hangs */
	uint64_t crash_at_ns;		/* --inject-crash: when it writes through NULL */
};

/*
 * A role's data choice (which object, which device, which path): uniform
 * in [0, n) from the thread's random stream.  Values fall into nr classes
 * that behave differently, class i starting at class_start[i] (NULL: each
 * value its own class, nr = n).  Under check --choices all, the value is
 * the start of the class the search gives this choice, so every class of
 * every choice is explored (docs/sgtorture.md).
 */
uint32_t torture_choose(struct torture_thread *t, uint32_t n, const uint32_t *class_start,
			uint32_t nr);

/* One operation done (failed: it failed); grading an outcome counts one. */
void torture_count_op(struct torture_thread *t, bool failed);
void torture_observe(struct torture_thread *t, int outcome);
/* Up to max_us; under a controlled scheduler, a yield (no clock in a schedule). */
void torture_delay(struct torture_thread *t, uint32_t max_us);

int torture_run(const struct torture_config *cfg, int variant, int model,
		struct torture_result *res);

/* --- the oracles of one run, in the child (oracles.c) ----------------------- */

/*
 * Record every violation, TSan report, outcome and crash of this run into
 * res (the timeline from the threads' rings); before the threads start.
 */
void torture_oracles_start(const struct torture_config *cfg, struct torture_result *res,
			   struct trace_ring **rings, int nthreads, bool controlled);
/* The run's clock starts: report times count from start_ns. */
void torture_oracles_started(uint64_t start_ns);

/* --- in the parent (fork.c) ------------------------------------------------- */

/* Fork a child that runs one (variant, model); wait for it, with a watchdog. */
void torture_run_forked(const struct torture_config *cfg, int variant, int model,
			struct torture_result *res);
/*
 * A fork server for a search: every later torture_run_forked() with this res
 * forks from one process started here, so the same schedule allocates the
 * same addresses (DPOR compares steps' footprints across executions).
 */
bool torture_zygote_start(struct torture_config *cfg, struct torture_result *res);
void torture_zygote_stop(void);
/* Room for a controlled run's decisions, shared with the child (check, explore's shrink). */
struct sched_ctl_trace *torture_trace_map(void);
void torture_trace_unmap(struct sched_ctl_trace *t);
/*
 * Keep the last attempt's pending schedule (torture_schedule_keep()) and,
 * beside it, its raw TSan log, which the next attempt would remove.
 */
bool torture_keep_schedule(const struct torture_config *cfg, struct torture_result *res,
			   int until);
/* One run of cfg's first variant and model, forked: did the stop_on oracle fire? */
bool torture_attempt(struct torture_config *cfg, struct torture_result *res);
/* Is the i-th run (or seed) of a matrix this shard's?  Round robin, so parts stay even. */
static inline bool torture_in_shard(const struct torture_config *cfg, int i)
{
	return cfg->nr_shards <= 1 || i % cfg->nr_shards == cfg->shard - 1;
}
/*
 * A scenario under a controlled schedule (explore, check): its TSan oracle in
 * the tsan build, else its controlled-schedule oracle; exit 2 if it has none.
 */
void torture_controlled_oracle(struct torture_config *cfg);
/*
 * Judge by every oracle, exit 0 only when none fired (--expect clean, or a
 * port declared clean), rather than by the scenario's oracle firing?
 */
bool torture_expects_clean(const struct torture_config *cfg);
/* "declared clean", "expected clean", ...: how a verdict line names that choice. */
const char *torture_expect_label(const struct torture_config *cfg);
/* SIGINT or SIGTERM came: start nothing more. */
bool torture_interrupted(void);
void torture_install_signals(void);
/* The "End of test" line echoing every parameter, and the replay lines of a failure. */
void torture_end_of_test(const struct torture_config *cfg, const struct torture_result *res);

/* --- schedule files (schedule.c) -------------------------------------------- */

/*
 * In the child: a failing controlled run's schedule, up to the failure, to
 * cfg->sched_pending (nothing when that is empty: a replay writes nothing).
 * Only the parent decides which schedules a verb reports and keeps them.
 */
void torture_write_schedule(const struct torture_config *cfg, struct torture_result *res);
/* In the parent: a pending file in cfg->sched_dir, removed at exit. */
void torture_schedule_pending(struct torture_config *cfg);
/*
 * Keep the last attempt's pending schedule as a file of its own, named by
 * scenario, variant, model, oracle and trace hash and never overwritten,
 * whose configuration stops at until (the oracle it is reported for);
 * res->sched_file names it.  False (res->sched_file empty) if there was none.
 */
bool torture_schedule_keep(const struct torture_config *cfg, struct torture_result *res,
			   int until);
/* The same from choices the caller has (a crashed child's, from the shared trace). */
bool torture_schedule_keep_choices(const struct torture_config *cfg, struct torture_result *res,
				   int until, const uint32_t *choices, size_t nr);

/* A schedule file, read and checked line by line. */
#define SCHEDULE_MAX_OPTIONS	64

struct torture_schedule {
	char for_line[512];		/* "variant=PORT model=MODEL threads=0,1,1,1 ..." */
	/* The run's configuration: one "option: NAME=VALUE" line per value of a row. */
	struct {
		char name[32];
		char value[TP_VALUE_LEN];
		int line;
	} options[SCHEDULE_MAX_OPTIONS];
	int nr_options;
	int choices_line;		/* the first line of choices */
	uint32_t *choices;		/* malloc'ed */
	size_t nr, expected;
	char error[768];		/* "FILE:LINE: what is wrong", when the read failed */
};
/* Read path into s; false with s->error naming the first bad line. */
bool torture_read_schedule(const char *path, struct torture_schedule *s);
/* The same from an open stream (the fuzz target reads from memory); path names it. */
bool torture_read_schedule_stream(FILE *f, const char *path, struct torture_schedule *s);
/*
 * Set cfg's options from s's (a replay runs the file's configuration); exit 2
 * naming the line of an option there is no row for.
 */
void torture_schedule_apply(const struct torture_schedule *s, const char *path,
			    struct torture_config *cfg);
/*
 * Was s written for cfg's configuration, option by option (those that only
 * change what is shown aside)?  Else false with s->error naming the first
 * that differs.
 */
bool torture_schedule_fits(const struct torture_config *cfg, struct torture_schedule *s,
			   const char *path);

#endif /* SGT_TORTURE_H */
