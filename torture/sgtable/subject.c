// SPDX-License-Identifier: GPL-2.0
/*
 * The sg-table subject: the ports of get_sg_table() (variants) on the Devres
 * models (models), the hazard catalogue (scenarios), four roles, and their
 * options.  Everything here is read from core/sgtable's registries; the
 * engine sees only struct torture_subject.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/fault.h>
#include <check/quarantine.h>
#include <kernel/dma_map.h>

#include "sgtable_subject.h"
#include "state.h"


/* The subject's own windows and the kernel's, whose overlap is a hazard's shape. */
static const struct sgt_window_conflict common_conflicts[] = {
	{ &revoke_gp_window, &devres_drop_window },	/* H7's window */
	{ &devres_release_window, &devres_drop_window },
	{ &revoke_gp_window, &owned_access_window },	/* H10's window */
	{ &devres_release_window, &access_window },	/* bound scopes: never */
	{ NULL, NULL },
};

static struct sgtable_options *opts(const struct torture_config *cfg)
{
	return cfg->subject_cfg;
}

static int nr_variants(void)
{
	return sgtable_nr_strategies;
}

static const char *variant_name(int v)
{
	return sgtable_strategies[v]->name;
}

static const char *model_name(int m)
{
	return devres_models[m].name;
}

static bool declared_clean(int v)
{
	return sgtable_strategies[v]->declared_clean;
}

static enum sgt_grade grade(int v, int outcome)
{
	return sgtable_strategies[v]->outcomes[outcome];
}

static const struct sgt_window_conflict *conflicts(int v)
{
	return sgtable_strategies[v]->conflicts;
}

/* --- options: the subject's rows of the options' table ----------------------------- */

static void set_hazard(struct torture_config *cfg, const struct torture_param *p,
		       const char *arg)
{
	char err[200];

	if (!strcmp(arg, "none"))
		opts(cfg)->hazard = NULL;
	else if (sgtable_hazard_parse(arg, &opts(cfg)->hazard, err, sizeof(err)))
		torture_usage_error("--hazard: %s, or none", err);
}

static void show_hazard(const struct torture_config *cfg, const struct torture_param *p,
			struct torture_values *out)
{
	torture_values_add(out, "%s", opts(cfg)->hazard ? opts(cfg)->hazard->name : "none");
}

static const char *hazard_names(const struct torture_subject *s)
{
	static char names[32];

	snprintf(names, sizeof(names), "%s..%s, or none", sgtable_hazards[0].name,
		 sgtable_hazards[SGTABLE_NR_HAZARDS - 1].name);
	return names;
}

#define OPT(member)	TP_FIELD(struct sgtable_options, member)

static const struct torture_param params[] = {
	{ "hazard", "ID", TP_CUSTOM, TP_RUN, .set = set_hazard, .show = show_hazard,
	  .def = "none", .none = "none", .accepted = hazard_names,
	  .help = "switch on hazard ID's variant of the port (sgtorture list)" },
	{ "objects", "N", TP_INT, TP_RUN | TP_ALWAYS, OPT(objects), 1, 4096, .def = "16",
	  .help = "objects in the shared pool" },
	{ "devices", "N", TP_INT, TP_RUN | TP_ALWAYS, OPT(devices), 1, MAX_DEVICES, .def = "2",
	  .help = "devices" },
	{ "imports", NULL, TP_FLAG, TP_RUN, OPT(imports),
	  .help = "creators also make imported (dma-buf) objects; --hazard H5 turns it on" },
	{ 0 },
};

static void check_options(struct torture_config *cfg)
{
	const struct sgtable_hazard *h = opts(cfg)->hazard;

	if (!h || !h->obj_flag)
		return;
	/* A scenario's variant belongs to its port: another port runs the configuration plain. */
	if (cfg->scenario) {
		if (!(sgtable_strategies[cfg->variants[0]]->variants & h->obj_flag))
			opts(cfg)->hazard = NULL;
		return;
	}
	for (int i = 0; i < cfg->nr_variants; i++)
		if (!(sgtable_strategies[cfg->variants[i]]->variants & h->obj_flag))
			torture_usage_error("--hazard %s is a variant of %s; strategy %s does not "
					    "have it", h->name, h->where,
					    sgtable_strategies[cfg->variants[i]]->name);
}

/* --- scenarios: the hazard catalogue ---------------------------------------------- */

/* The engine's tables are sized by its own limits: the subject must fit them. */
_Static_assert(SGTABLE_NR_ROLES <= TORTURE_MAX_ROLES, "roles fit the engine's threads[]");
_Static_assert(SGTABLE_OUT_NR <= TORTURE_MAX_OUTCOMES, "outcomes fit the engine's counts");
_Static_assert(sizeof(((struct sgtable_repro *)0)->threads) <=
	       sizeof(((struct torture_config *)0)->threads),
	       "a scenario's threads[] is copied into the configuration's");

/*
 * What a hazard's repro and a reported race set alike: one port on one
 * Devres model, their roles, objects, devices and jitter, no faults, the
 * check's size, a timeline and no periodic statistics.
 */
#define SCENARIO_SET(cfg, name, r, model)					\
	do {									\
		(cfg)->scenario = (name);					\
		(cfg)->variants[0] = sgtable_strategy_index((r)->strategy);		\
		(cfg)->nr_variants = 1;						\
		(cfg)->models[0] = (model);					\
		(cfg)->nr_models = 1;						\
		memcpy((cfg)->threads, (r)->threads, sizeof((r)->threads));	\
		opts(cfg)->objects = (r)->objects;				\
		opts(cfg)->devices = (r)->devices;				\
		(cfg)->jitter = (r)->jitter;					\
		(cfg)->nr_faults = 0;						\
		(cfg)->check_ops = (r)->check_ops;				\
		(cfg)->check_seed = (r)->check_seed;				\
		(cfg)->check_preemptions = (r)->check_preemptions;		\
		(cfg)->timeline = true;						\
		(cfg)->stat_interval = 0;					\
	} while (0)

/* A reported race's configuration, on the Devres model before its fix. */
static bool report_apply(const struct sgtable_report *r, struct torture_config *cfg)
{
	SCENARIO_SET(cfg, r->name, r, r->before);
	opts(cfg)->hazard = NULL;
	cfg->ops = r->ops;
	cfg->stop_on = cfg->sched_stop_on = r->oracle;
	return true;
}

/* The hazard's (or reported race's) configuration; options after the id override it. */
static bool scenario_apply(const char *id, struct torture_config *cfg)
{
	const struct sgtable_hazard *h = sgtable_hazard_find(id);
	const struct sgtable_report *rep = sgtable_report_find(id);
	const struct sgtable_repro *r;

	if (rep)
		return report_apply(rep, cfg);
	if (!h)
		return false;
	r = &h->repro;
	SCENARIO_SET(cfg, h->name, r, r->model);
	opts(cfg)->hazard = h;
	for (int i = 0; i < SGTABLE_MAX_REPRO_FAULTS && r->faults[i]; i++)
		cfg->faults[cfg->nr_faults++] = r->faults[i];
	cfg->stop_on = r->oracle;
	cfg->tsan_frame = r->tsan_frame;
	cfg->sched_stop_on = r->sched_oracle;
	cfg->sched_match = r->sched_match;
	return true;
}

/* --- one run ---------------------------------------------------------------------- */

static void *setup(const struct torture_config *cfg, int variant, int model)
{
	const struct sgtable_options *o = opts(cfg);
	struct sgtable_run *run = calloc(1, sizeof(*run));

	if (!run)
		abort();
	run->ops = sgtable_strategies[variant];
	run->ndev = o->devices;
	run->nslots = o->objects;
	run->slots = calloc((size_t)o->objects, sizeof(*run->slots));
	if (!run->slots)
		abort();
	devres_set_model((enum devres_model)model);
	devres_set_release_nosync(false);
	run->imports = o->imports;
	if (o->hazard) {
		bool imported;

		run->obj_flags = sgtable_hazard_apply(o->hazard, &imported);
		run->imports |= imported;
	}
	for (int d = 0; d < run->ndev; d++) {
		char name[16];

		snprintf(name, sizeof(name), "gpu%d", d);
		device_init(&run->dev[d], name);
		device_bind(&run->dev[d]);
		run->ddev[d].dev = &run->dev[d];
	}
	sgtable_pool_fill(run);
	return run;
}

/* The final leak check: every object freed, every mapping gone, every page released. */
static void teardown(void *state, struct torture_result *res)
{
	struct sgtable_run *run = state;
	long objects, pages, mappings;

	sgtable_pool_drain(run);
	for (int d = 0; d < run->ndev; d++)
		device_unbind(&run->dev[d]);
	objects = sgtable_objects_live();
	pages = drm_gem_shmem_pages_live();
	mappings = (long)dma_debug_mappings(NULL);
	torture_result_leak(res, "objects", objects);
	torture_result_leak(res, "pages", pages);
	torture_result_leak(res, "mappings", mappings);
	SGT_WARN_ON(SGT_V_LEAK, objects, "%ld objects never freed", objects);
	SGT_WARN_ON(SGT_V_LEAK, pages, "%ld pages never released", pages);
	SGT_WARN_ON(SGT_V_LEAK, mappings, "%ld DMA mappings never unmapped", mappings);
	for (int d = 0; d < run->ndev; d++)
		device_destroy(&run->dev[d]);
	sgtable_object_quarantine_flush();
	sgt_quarantine_flush();		/* every thread has joined: no walker is left */
	free(run->slots);
	free(run);
}

static void *config_new(void)
{
	struct sgtable_options *o = calloc(1, sizeof(*o));

	if (!o)
		abort();
	return o;
}

/* "H1..H11, R1, R2, ...": the hazards as a range, the reported races each by name. */
static const char *scenario_ids(void)
{
	static char ids[128];
	int n = snprintf(ids, sizeof(ids), "%s..%s", sgtable_hazards[0].name,
			 sgtable_hazards[SGTABLE_NR_HAZARDS - 1].name);

	for (int i = 0; i < sgtable_nr_reports && n < (int)sizeof(ids); i++)
		n += snprintf(ids + n, sizeof(ids) - (size_t)n, ", %s", sgtable_reports[i].name);
	return ids;
}

const struct torture_subject sgtable_subject = {
	.name = "sg-table",
	.variant_key = "strategy",
	.model_key = "devres-model",
	.nr_variants = nr_variants,
	.variant_name = variant_name,
	.nr_models = DEVRES_MODEL_NR,
	.model_name = model_name,
	.default_model = DEVRES_2026,
	.variant_names = sgtable_strategy_names,
	.model_names = devres_model_names,
	.declared_clean = declared_clean,
	.nr_roles = SGTABLE_NR_ROLES,
	.role_name = sgtable_role_name,
	.role_option = sgtable_role_option,
	.role_default = sgtable_role_default,
	.observer_role = SGTABLE_ACCESSOR,
	.nr_outcomes = SGTABLE_OUT_NR,
	.outcome_name = sgtable_outcome_name,
	.grade = grade,
	.common_conflicts = common_conflicts,
	.conflicts = conflicts,
	.config_new = config_new,
	.params = params,
	.check_options = check_options,
	.scenario_apply = scenario_apply,
	.scenario_ids = scenario_ids,
	.scenario_source = sgtable_scenario_source,
	.variant_version = sgtable_variant_version,
	.model_version = sgtable_model_version,
	.scenario_related = sgtable_scenario_related,
	.list = sgtable_list,
	.list_json = sgtable_list_json,
	.setup = setup,
	.step = sgtable_step,
	.teardown = teardown,
	.place_name = "gpu",
};
