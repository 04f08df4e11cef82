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

#include <sgt/strategy.h>
#include <sgt/tsan_report.h>
#include <sgt/violation.h>

enum torture_role { ROLE_CREATOR, ROLE_ACCESSOR, ROLE_REVOKER, ROLE_FREER, NR_ROLES };
extern const char *const torture_role_name[NR_ROLES];

#define MAX_PER_ROLE	64
#define MAX_FAULTS	8
#define MAX_WINDOWS	16
#define MAX_TSAN_UNIQUE	16

struct torture_config {
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
		char text[1024];		/* symbolized */
	} tsan_unique[MAX_TSAN_UNIQUE];
	long objects_leaked, pages_leaked, mappings_leaked;
	double elapsed;
	char exit_reason[24];		/* completed, watchdog, signal, crash */
	int exit_code;			/* 0 clean, 1 failure, 3 watchdog */
	char dump[4096];		/* the watchdog's thread dump */
	char timeline[4096];		/* the operations around the first violation */
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

#endif /* SGT_TORTURE_H */
