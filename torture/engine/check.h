/* SPDX-License-Identifier: GPL-2.0 */
/*
 * check's search as a function (check.c): sgtorture check prints it, and
 * sgtorture report runs it for its counterexample and for each version it
 * names as fixed or still affected.
 */
#ifndef SGT_TORTURE_CHECK_H
#define SGT_TORTURE_CHECK_H

#include "torture.h"

/* A counterexample: the schedule, its preemptions, what it showed, its replay. */
struct torture_example {
	long schedule;			/* -1: none */
	int preemptions;
	uint32_t *prefix;		/* its forced choices (bounded: none after) */
	size_t len;
	char report[400], file[384], replay[1024];
};

/* The first schedule found (the scenario's oracle) and the first failed on another. */
struct torture_findings {
	struct torture_example found_first, other_first;
	unsigned long failed, found;
	/* Bit i: some schedule saw violation i, outcome i (the soundness cross-checks compare them). */
	uint64_t violations_seen, outcomes_seen;
};

/* What a search did: the counts the summary and the JSON print. */
struct torture_search {
	long schedules;
	long shared;			/* run by every part before the deal (--shard) */
	unsigned long shared_found, shared_failed;
	unsigned long cut;		/* schedules cut short: not whole */
	size_t longest, left;		/* decisions of the longest; schedules still queued */
	bool exhausted;			/* this search's whole tree, or with --shard its part */
	unsigned long sleep_blocked;	/* DPOR: executions that ran on with every thread asleep */
	/* DPOR: passes run, the last one's bound, its executions, whether the bound bit. */
	int passes, bound;
	long last_pass;
	bool pruned;
	/*
	 * --choices all: the data vectors run, and whether some execution
	 * made more data choices than can be directed (then not exhausted).
	 */
	int vectors;
	bool choices_overflow;
	struct data_space *space;
	double secs;
};

/* check's default --budget: schedules at most. */
#define CHECK_BUDGET	100000

enum torture_check_stop {
	TORTURE_STOP_NEVER,		/* the whole bound (a clean port's verdict) */
	TORTURE_STOP_FOUND,		/* at the scenario's oracle */
	TORTURE_STOP_FAILED,		/* at any oracle */
};

/*
 * Every schedule of cfg's (first variant, first model) within
 * cfg->preemptions, at most cfg->budget of them, in order of preemptions;
 * false if the shared memory could not be mapped.  Free f with
 * torture_findings_free().
 */
bool torture_check_search(struct torture_config *cfg, enum torture_check_stop stop,
			  struct torture_search *s, struct torture_findings *f);
void torture_findings_free(struct torture_findings *f);
/* check's configuration of a scenario: bounded, --ops, --seed, K (the verb's prepare). */
void torture_check_defaults(struct torture_config *cfg);
/* After the options: the bound (none with DPOR), and what DPOR refuses (exit 2). */
void torture_check_options(struct torture_config *cfg);
/* What a search will cover: "every schedule with at most 2 preemptions", and the like. */
const char *torture_check_bound(const struct torture_config *cfg, char *buf, size_t len);
/*
 * What an exhausted search covered: the interleavings (a bound, or every
 * one), the configuration, the data choices and the memory model.
 */
const char *torture_check_covered(const struct torture_config *cfg,
				  const struct torture_search *s, char *buf, size_t len);

#endif /* SGT_TORTURE_CHECK_H */
