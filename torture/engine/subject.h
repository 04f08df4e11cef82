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
