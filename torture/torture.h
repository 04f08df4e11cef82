/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgtorture: threads in four roles racing creation, access and revocation
 * of shmem GEM objects' sg tables, after kernel/locking/locktorture.c.
 *
 * The parent process parses the options and forks one child per
 * (strategy, devres model) run; the child's counters live in shared memory
 * (struct torture_result), so a run that crashes, hangs or is interrupted
 * still leaves its partial results for the parent to print and write.
 */
#ifndef SGT_TORTURE_H
#define SGT_TORTURE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include <sgt/strategy.h>
#include <sgt/tsan_report.h>
#include <sgt/violation.h>

#include "trace.h"

enum torture_role { ROLE_CREATOR, ROLE_ACCESSOR, ROLE_REVOKER, ROLE_FREER, NR_ROLES };
extern const char *const torture_role_name[NR_ROLES];

#define MAX_PER_ROLE	64
#define MAX_FAULTS	8
#define MAX_WINDOWS	16
#define MAX_TSAN_UNIQUE	16

enum torture_mode { MODE_RUN, MODE_REPRO, MODE_HUNT, MODE_EXPLORE };

#define STOP_NEVER	(-1)
#define STOP_ON_TSAN	SGT_V_NR	/* any ThreadSanitizer report */

/* The smallest configuration that exposes one hazard (repro.c). */
struct repro_spec {
	const char *id;
	const char *strategy;
	enum devres_model model;
	const char *faults[3];
	int threads[NR_ROLES];
	int objects, devices;
	double jitter;
	int oracle;			/* a violation kind, or STOP_ON_TSAN */
	const char *tsan_frame;		/* a TSan oracle: its report must show this */
};

struct torture_config {
	enum torture_mode mode;
	const struct repro_spec *repro;	/* repro and hunt */
	double budget;			/* repro: in all; hunt: per seed */
	int seeds;			/* hunt */
	/* --sched: who runs next (sched_ctl.h); SCHED_OS is the kernel's choice. */
	int sched;			/* enum sched_policy */
	int sched_depth;
	unsigned long sched_steps;
	uint32_t *sched_replay;		/* --sched replay:FILE, read */
	size_t nr_sched_replay;
	const char *sched_replay_file;
	const char *sched_dir;		/* where failing schedules are written */
	bool shrink;			/* explore: shrink the first failing schedule */
	int shard, nr_shards;		/* --shard I/N: this process runs part I of N */
	const struct sgt_strategy_ops *strategies[8];
	int nr_strategies;
	enum devres_model models[DEVRES_MODEL_NR];
	int nr_models;
	const struct sgt_hazard *hazard;	/* NULL: none */
	int threads[NR_ROLES];
	int objects, devices;
	double duration, stutter, stat_interval, jitter, inject_hang;
	unsigned int watchdog;			/* seconds without progress */
	uint64_t seed;
	const char *faults[MAX_FAULTS];
	int nr_faults;
	bool imports;				/* creators also make imported objects */
	const char *json;
	bool quiet, no_fork;
	bool timeline;				/* keep the timeline of the first report */
	int stop_on;				/* STOP_NEVER, a violation kind or STOP_ON_TSAN */
	const char *tsan_frame;			/* STOP_ON_TSAN: only a report showing this */
	const char *until_match;		/* a violation: only one whose text has this */
	const char *argv0;
};


/* Parse argv; on bad usage print one line naming the value and the accepted ones, exit 2. */
void torture_parse(int argc, char **argv, struct torture_config *cfg);
/* The command line that replays one run: same configuration, same seed. */
void torture_replay_cmdline(const struct torture_config *cfg,
			    const struct sgt_strategy_ops *ops, enum devres_model model,
			    char *buf, size_t len);

/* --- results, in memory shared with the parent ---------------------------- */

struct torture_result {
	char strategy[24], model[16];
	atomic_ulong ops[NR_ROLES][MAX_PER_ROLE];
	atomic_ulong fails[NR_ROLES][MAX_PER_ROLE];
	atomic_ulong outcomes[SGT_OUT_NR];
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
		char text[1024];		/* symbolized */
	} tsan_unique[MAX_TSAN_UNIQUE];
	long objects_leaked, pages_leaked, mappings_leaked;
	double elapsed;
	char exit_reason[24];		/* completed, watchdog, signal, crash */
	int exit_code;			/* 0 clean, 1 failure, 3 watchdog */
	char dump[4096];		/* the watchdog's thread dump */
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
	/* --sched: what the controlled scheduler did. */
	uint64_t sched_steps, sched_hash;
	size_t sched_choices;		/* in the schedule written (to the failure) */
	char sched_file[256];
	bool finished;
};

struct torture_result *torture_result_map(void);
/*
 * In the child, every controller tick and at the end: copy TSan's count and
 * deduplicated reports (raw frames) into the shared result, so a child that
 * crashes still leaves them.  In the parent: symbolize them.
 */
void torture_collect_tsan(struct torture_result *res);
void torture_symbolize_tsan(struct torture_result *res);
/* In the parent, while the child runs: has a report shown cfg->tsan_frame? Then stop it. */
void torture_check_tsan_frame(const struct torture_config *cfg, struct torture_result *res);
/* Did this run fail on its own account (violations, TSan, outcomes, leaks)? */
bool torture_result_failed(const struct torture_result *res, const struct sgt_strategy_ops *ops);
void torture_print_result(const struct torture_result *res, const struct sgt_strategy_ops *ops,
			  FILE *out);
/* Write every run's result as one JSON document; false on I/O error. */
bool torture_write_json(const char *path, const struct torture_config *cfg,
			struct torture_result *const *res,
			const struct sgt_strategy_ops *const *ops, const enum devres_model *models,
			int nr_runs, int verdict);

/* --- one run, in the child ----------------------------------------------- */

int torture_run(const struct torture_config *cfg, const struct sgt_strategy_ops *ops,
		enum devres_model model, struct torture_result *res);

/* --- in the parent (sgtorture.c, repro.c) ------------------------------------ */

/* Fork a child that runs one (strategy, model); wait for it, with a watchdog. */
void torture_run_forked(const struct torture_config *cfg, const struct sgt_strategy_ops *ops,
			enum devres_model model, struct torture_result *res);
/* Is the i-th run (or seed) of a matrix this shard's?  Round robin, so parts stay even. */
static inline bool torture_in_shard(const struct torture_config *cfg, int i)
{
	return cfg->nr_shards <= 1 || i % cfg->nr_shards == cfg->shard - 1;
}
/* SIGINT or SIGTERM came: start nothing more. */
bool torture_interrupted(void);

/* One run of cfg's one strategy and model, forked; did the stop_on oracle fire? */
bool torture_attempt(struct torture_config *cfg, struct torture_result *res);
/* A schedule file's choices (malloc'ed; *n of them); NULL with errno if unreadable. */
uint32_t *torture_read_schedule(const char *path, size_t *n);

const struct repro_spec *repro_find(const char *id);
const char *repro_oracle_name(int oracle);
void repro_apply(const struct repro_spec *spec, struct torture_config *cfg);
void repro_list(FILE *out);
int repro_main(struct torture_config *cfg);
int hunt_main(struct torture_config *cfg);
/* explore: the hazard's configuration under a controlled scheduler. */
void explore_apply(struct torture_config *cfg);
int explore_main(struct torture_config *cfg);

#endif /* SGT_TORTURE_H */
