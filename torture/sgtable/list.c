// SPDX-License-Identifier: GPL-2.0
/*
 * `sgtorture list [--json]`: the strategy, hazard and Devres model
 * registries with their fields.  The JSON is what scripts/, reports/, the
 * Python tests, CMake and docs/hazards.md read instead of repeating a name.
 */
#include <stdio.h>
#include <string.h>

#include "sgtable_subject.h"
#include "state.h"

/* "H3 H6 H7": the hazards in a SGTABLE_HAZ() mask. */
static json_t *hazard_set(unsigned int mask)
{
	json_t *a = json_array();

	for (int i = 0; i < SGTABLE_NR_HAZARDS; i++)
		if (mask & SGTABLE_HAZ(sgtable_hazards[i].id))
			json_array_append_new(a, json_string(sgtable_hazards[i].name));
	return a;
}

static json_t *strategy_json(const struct sgtable_strategy_ops *ops)
{
	json_t *reported = json_array(), *windows = json_array(), *conflicts = json_array();
	json_t *outcomes = json_object();

	for (const struct sgt_window *const *w = ops->windows; w && *w; w++)
		json_array_append_new(windows, json_string((*w)->name));
	for (const struct sgt_window_conflict *c = ops->conflicts; c && c->a; c++)
		json_array_append_new(conflicts, json_pack("[s,s]", c->a->name, c->b->name));
	for (int o = 0; o < SGTABLE_OUT_NR; o++)
		if (ops->outcomes[o] != SGT_UNGRADED)
			json_object_set_new(outcomes, sgtable_outcome_name[o],
					    json_string(sgt_grade_name(ops->outcomes[o])));
	for (const char *const *r = ops->reported; r && *r; r++)
		json_array_append_new(reported, json_string(*r));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
			 "name", ops->name, "kernel", ops->kernel, "fast_path", ops->fast_path,
			 "slow_path", ops->slow_path, "lock_choice", ops->lock_choice,
			 "lockfree_fast_path", ops->lockfree_fast_path,
			 "declared_clean", ops->declared_clean, "bench_reference", ops->bench_reference,
			 "owned_sg_table", ops->owned_sg_table != NULL,
			 "inherent", hazard_set(ops->inherent), "variants", hazard_set(ops->variants),
			 "clean_variants", hazard_set(ops->clean_variants), "reported", reported,
			 "rare_in_short_runs", hazard_set(ops->rare_in_short_runs),
			 "windows", windows, "conflicts", conflicts, "outcomes", outcomes);
}

static json_t *strings(const char *const *s, int max)
{
	json_t *a = json_array();

	for (int i = 0; i < max && s[i]; i++)
		json_array_append_new(a, json_string(s[i]));
	return a;
}

static json_t *repro_json(const struct sgtable_hazard *h)
{
	const struct sgtable_repro *r = &h->repro;
	json_t *threads = json_object();

	for (int i = 0; i < SGTABLE_NR_ROLES; i++)
		json_object_set_new(threads, sgtable_role_option[i], json_integer(r->threads[i]));
	return json_pack("{s:s,s:s,s:o,s:o,s:i,s:i,s:f,s:s,s:s?,s:b,s:s,s:s?,s:o,s:i,s:I,s:i}",
			 "strategy", r->strategy, "devres_model", devres_models[r->model].name,
			 "faults", strings(r->faults, SGTABLE_MAX_REPRO_FAULTS), "threads", threads,
			 "objects", r->objects, "devices", r->devices, "jitter", r->jitter,
			 "oracle", sgt_oracle_name(r->oracle), "tsan_frame", r->tsan_frame,
			 "needs_tsan", sgtable_hazard_needs_tsan(h),
			 "sched_oracle", sgt_oracle_name(r->sched_oracle),
			 "sched_match", r->sched_match, "timeline", strings(r->timeline, 4),
			 "check_ops", r->check_ops ? (int)r->check_ops : 2,
			 "check_seed", (json_int_t)(r->check_seed ? r->check_seed : 1),
			 "check_preemptions", r->check_preemptions ? r->check_preemptions : 2);
}

/* The Devres models a hazard shows on, from the models' own data. */
static json_t *hazard_models(const struct sgtable_hazard *h)
{
	json_t *models = json_array();

	for (int m = 0; m < DEVRES_MODEL_NR; m++) {
		bool drop_waits = !strncmp(devres_models[m].drop_waits, "yes", 3);

		if (h->needs_drop_not_waiting && drop_waits)
			continue;
		json_array_append_new(models, json_string(devres_models[m].name));
	}
	return models;
}

static json_t *hazard_json(const struct sgtable_hazard *h)
{
	json_t *carried_by = json_array();

	for (int i = 0; sgtable_strategies[i]; i++)
		if (sgtable_strategies[i]->inherent & SGTABLE_HAZ(h->id))
			json_array_append_new(carried_by, json_string(sgtable_strategies[i]->name));
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:b,s:b,s:b,s:b,s:o}",
			 "name", h->name, "desc", h->desc, "where", h->where, "oracle", h->oracle,
			 "race", h->race, "carried_by", carried_by, "models", hazard_models(h),
			 "object_flag", h->obj_flag != 0, "devres_6_16_add_fails",
			 h->devres_6_16_add_fails, "imported", h->imported,
			 "release_nosync", h->release_nosync, "repro", repro_json(h));
}

/*
 * What runs after the fix, as options for `check` (after_args) and as a
 * label (after): the Devres model after it, or the port that fixes it.
 */
static json_t *report_after_args(const struct sgtable_report *r)
{
	if (r->after_strategy)
		return json_pack("[s,s]", "--strategy", r->after_strategy);
	return json_pack("[s,s]", "--devres-model", devres_models[r->after].name);
}

static json_t *report_json(const struct sgtable_report *r)
{
	json_t *threads = json_object();

	for (int i = 0; i < SGTABLE_NR_ROLES; i++)
		json_object_set_new(threads, sgtable_role_option[i], json_integer(r->threads[i]));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:i,s:i,s:f,s:s,s:i,s:I,s:o}",
			 "name", r->name, "commit", r->commit, "title", r->title,
			 "reported", r->reported, "desc", r->desc,
			 "before", r->after_strategy ? r->strategy : devres_models[r->before].name,
			 "after", r->after_strategy ? r->after_strategy
						    : devres_models[r->after].name,
			 "after_args", report_after_args(r), "strategy", r->strategy,
			 "threads", threads, "objects", r->objects, "devices", r->devices,
			 "jitter", r->jitter, "oracle", sgt_oracle_name(r->oracle),
			 "check_ops", r->check_ops ? (int)r->check_ops : 2,
			 "check_seed", (json_int_t)(r->check_seed ? r->check_seed : 1),
			 "findings", hazard_set(r->findings));
}

json_t *sgtable_list_json(void)
{
	json_t *strategies = json_array(), *hazards = json_array(), *models = json_array();
	json_t *reports = json_array();

	for (int i = 0; sgtable_strategies[i]; i++)
		json_array_append_new(strategies, strategy_json(sgtable_strategies[i]));
	for (int i = 0; i < SGTABLE_NR_HAZARDS; i++)
		json_array_append_new(hazards, hazard_json(&sgtable_hazards[i]));
	for (int i = 0; i < sgtable_nr_reports; i++)
		json_array_append_new(reports, report_json(&sgtable_reports[i]));
	for (int m = 0; m < DEVRES_MODEL_NR; m++)
		json_array_append_new(models, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b}",
			"name", devres_models[m].name, "upstream", devres_models[m].upstream,
			"drop_waits", devres_models[m].drop_waits,
			"release_waits", devres_models[m].release_waits,
			"summary", devres_models[m].summary, "default", m == DEVRES_2026));
	return json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "strategies", strategies, "hazards", hazards,
			 "reported_races", reports, "devres_models", models,
			 "roles", strings(sgtable_role_option, SGTABLE_NR_ROLES),
			 "outcomes", strings(sgtable_outcome_name, SGTABLE_OUT_NR));
}

static void list_strategies(FILE *out)
{
	fprintf(out, "strategies (--strategy):\n");
	for (int i = 0; sgtable_strategies[i]; i++) {
		const struct sgtable_strategy_ops *ops = sgtable_strategies[i];

		fprintf(out, "  %-13s %s\n", ops->name, ops->kernel);
		fprintf(out, "                lock: %s; fast path: %s\n", ops->lock_choice,
			ops->fast_path);
		fprintf(out, "                slow path: %s\n", ops->slow_path);
	}
}

static void list_hazards(FILE *out)
{
	fprintf(out, "\nhazards (--hazard, repro, hunt, explore):\n");
	for (int i = 0; i < SGTABLE_NR_HAZARDS; i++) {
		const struct sgtable_hazard *h = &sgtable_hazards[i];

		fprintf(out, "  %-4s %s\n", h->name, h->desc);
		fprintf(out, "       belongs to: %s\n", h->where);
		fprintf(out, "       oracle: %s; %s\n", h->oracle,
			h->race ? "needs a race (hunted with jitter)" :
				  "deterministic once the configuration reaches it");
		fprintf(out, "       repro: %s on %s, waits for %s%s\n", h->repro.strategy,
			devres_models[h->repro.model].name, sgt_oracle_name(h->repro.oracle),
			sgtable_hazard_needs_tsan(h) ? " (the tsan build)" : "");
	}
}

static void list_reports(FILE *out)
{
	fprintf(out, "\nreported races and bugs (repro, hunt, explore, check):\n");
	for (int i = 0; i < sgtable_nr_reports; i++) {
		const struct sgtable_report *r = &sgtable_reports[i];

		fprintf(out, "  %-4s %s \"%s\"\n", r->name, r->commit, r->title);
		fprintf(out, "       reported: %s\n", r->reported);
		fprintf(out, "       %s\n", r->desc);
		for (int h = H1; r->findings && h <= SGTABLE_NR_HAZARDS; h++)
			if (r->findings & SGTABLE_HAZ(h))
				fprintf(out, "       finding %s: sgtorture check %s --strategy %s\n",
					sgtable_hazards[h - 1].name, sgtable_hazards[h - 1].name,
					r->strategy);
		if (r->after_strategy)
			fprintf(out, "       before: %s, after: %s; on %s, waits for %s\n",
				r->strategy, r->after_strategy, devres_models[r->before].name,
				sgt_oracle_name(r->oracle));
		else
			fprintf(out, "       before: %s, after: %s; %s, waits for %s\n",
				devres_models[r->before].name, devres_models[r->after].name,
				r->strategy, sgt_oracle_name(r->oracle));
	}
}

static void list_roles(FILE *out)
{
	fprintf(out, "\nroles (--threads ROLE=N,...):\n");
	for (int r = 0; r < SGTABLE_NR_ROLES; r++)
		fprintf(out, "  %-10s %d by default: %s\n", sgtable_role_option[r],
			sgtable_role_default[r], sgtable_role_help[r]);
}

/* Every outcome an accessor can observe and the grade each port gives it. */
static void list_outcomes(FILE *out)
{
	fprintf(out, "\noutcomes, graded by each port (-: ungraded, fails a run):\n  %-26s", "");
	for (int i = 0; sgtable_strategies[i]; i++)
		fprintf(out, " %-*s", sgtable_strategies[i + 1] ? 13 : 0, sgtable_strategies[i]->name);
	fputc('\n', out);
	for (int o = 0; o < SGTABLE_OUT_NR; o++) {
		fprintf(out, "  %-26s", sgtable_outcome_name[o]);
		for (int i = 0; sgtable_strategies[i]; i++) {
			enum sgt_grade g = sgtable_strategies[i]->outcomes[o];

			fprintf(out, " %-*s", sgtable_strategies[i + 1] ? 13 : 0,
				g == SGT_UNGRADED ? "-" : sgt_grade_name(g));
		}
		fputc('\n', out);
	}
}

void sgtable_list(FILE *out)
{
	list_strategies(out);
	list_roles(out);
	list_outcomes(out);
	list_hazards(out);
	list_reports(out);
	fprintf(out, "\ndevres models (--devres-model):\n");
	for (int m = 0; m < DEVRES_MODEL_NR; m++)
		fprintf(out, "  %-13s %s\n                %s\n", devres_models[m].name,
			devres_models[m].upstream, devres_models[m].summary);
}
