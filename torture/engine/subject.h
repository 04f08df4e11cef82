/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the torture engine needs to know of the code it tortures, and
 * nothing more: a subject is threads in roles taking steps, observing
 * graded outcomes, on a matrix of variants (the ports) by models (what they
 * run on), with a catalogue of scenarios (the hazards) that repro, hunt and
 * explore run by id.  The engine -- fork, watchdog, statistics, oracles,
 * results, JSON, schedule files -- names no port, model or hazard; the
 * sg-table subject (torture/sgtable/) is the one implementation, as
 * locktorture's lock types are of kernel/torture.c.
 */
#ifndef SGT_TORTURE_SUBJECT_H
#define SGT_TORTURE_SUBJECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include <check/grade.h>
#include <check/sched.h>

struct torture_config;
struct torture_param;
struct torture_result;
struct torture_thread;

#define TORTURE_MAX_ROLES	6
#define TORTURE_MAX_OUTCOMES	16

/* A version a report names: see scenario_related. */
enum torture_related_kind {
	TORTURE_LATER_MODEL,		/* the same variant on a later model */
	TORTURE_LATER_VARIANT,		/* the variant's next version, on the same model */
	TORTURE_PROPOSED_FIX,		/* a variant declared clean that is not upstream */
	TORTURE_TODAY,			/* the code as it is in the kernel today */
};

struct torture_related {
	enum torture_related_kind kind;
	int variant, model;
};

struct torture_subject {
	const char *name;
	/* The two axes of the matrix: their option names and JSON keys. */
	const char *variant_key;	/* "strategy": --strategy, JSON "strategy" */
	const char *model_key;		/* "a-b": option --a-b, JSON key "a_b" */
	int (*nr_variants)(void);
	const char *(*variant_name)(int v);
	int nr_models;
	const char *(*model_name)(int m);
	int default_model;
	/* "accepted are ..." of each axis, from the subject's tables. */
	const char *(*variant_names)(void);
	const char *(*model_names)(void);

	/*
	 * A variant declared clean (it carries no known hazard): repro, hunt
	 * and explore judge it by every oracle staying quiet, a port by its
	 * scenario's oracle firing.
	 */
	bool (*declared_clean)(int variant);

	int nr_roles;
	const char *const *role_name;	/* "Accessors": statistics, timelines, JSON */
	const char *const *role_option;	/* "accessors": --threads */
	const int *role_default;
	int observer_role;		/* needs at least one thread: it grades outcomes */

	int nr_outcomes;
	const char *const *outcome_name;
	enum sgt_grade (*grade)(int variant, int outcome);

	/* The race windows that conflict, for coverage: the subject's and the variant's. */
	const struct sgt_window_conflict *common_conflicts;
	const struct sgt_window_conflict *(*conflicts)(int variant);

	/*
	 * The subject's own options: a new config (cfg->subject_cfg, zeroed;
	 * the rows' defaults fill it), and their rows of the options' table
	 * (params.h; offsets into that config), {0}-terminated.
	 */
	void *(*config_new)(void);
	const struct torture_param *params;
	/* After parsing: cross-checks (exit 2 through torture_usage_error()). */
	void (*check_options)(struct torture_config *cfg);

	/*
	 * Scenarios by id: repro, hunt and explore set cfg to scenario id's
	 * configuration (variant, model, threads, faults, jitter, the oracles
	 * to wait for); false if there is no such id.
	 */
	bool (*scenario_apply)(const char *id, struct torture_config *cfg);
	const char *(*scenario_ids)(void);	/* "H1..H10", for "accepted are" */
	/*
	 * sgtorture report: where the scenario comes from (its one line of the
	 * catalogue: a fix's commit and title, or a hazard's summary), and what
	 * a variant and a model port ("616c229ab010 (v21 4/4, ...)").
	 */
	const char *(*scenario_source)(const char *id, char *buf, size_t len);
	const char *(*variant_version)(int v);
	const char *(*model_version)(int m);
	/*
	 * The versions a report of scenario id on (variant, model) names beside
	 * it, in the order to try them: later models and later versions of the
	 * variant (the first clean one fixed it), the subject's own fix, and
	 * the code of today; returns how many, at most max.  The engine runs
	 * check on each and prints what it found.
	 */
	int (*scenario_related)(const char *id, int variant, int model,
				struct torture_related *out, int max);
	/* `sgtorture list [--json]`: the subject's tables. */
	void (*list)(FILE *out);
	json_t *(*list_json)(void);

	/*
	 * One run, in the child: set up (devices, objects, variant flags) and
	 * return the subject's state; a step of thread t in its role; and
	 * tear down, checking that nothing leaked (reported as violations and
	 * counted into res->leaks).
	 */
	void *(*setup)(const struct torture_config *cfg, int variant, int model);
	void (*step)(void *state, struct torture_thread *t);
	void (*teardown)(void *state, struct torture_result *res);
	/* What a timeline names a place by: "gpu" prints "gpu0". */
	const char *place_name;
};

#endif /* SGT_TORTURE_SUBJECT_H */
