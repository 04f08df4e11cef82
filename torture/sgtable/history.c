// SPDX-License-Identifier: GPL-2.0
/*
 * The versions' history, for sgtorture report: where a scenario comes from,
 * what each port and Devres model stands for, and which versions a report
 * names beside its own.  Everything here is read from the registries (the
 * ports' .next and .shipped, the models' order, the reported races'
 * commits): a new port or model needs nothing here.
 */
#include <stdio.h>

#include <sgtable/hazards.h>
#include <sgtable/reported.h>

#include "sgtable_subject.h"

const char *sgtable_scenario_source(const char *id, char *buf, size_t len)
{
	const struct sgtable_report *r = sgtable_report_find(id);
	const struct sgtable_hazard *h = sgtable_hazard_find(id);

	if (r)
		snprintf(buf, len, "%s %s \"%s\"; reported: %s", r->name, r->commit, r->title,
			 r->reported);
	else if (h)
		snprintf(buf, len, "%s (docs/hazards.md): %s; belongs to %s", h->name, h->desc,
			 h->where);
	else
		snprintf(buf, len, "%s", id);
	return buf;
}

const char *sgtable_variant_version(int v)
{
	return sgtable_strategies[v]->kernel;
}

const char *sgtable_model_version(int m)
{
	return devres_models[m].upstream;
}

/*
 * Can port v run hazard h's configuration?  A hazard switched on by an
 * object flag (H8, H9, H10's variants) exists only on the ports that take
 * the flag: elsewhere the configuration runs without it, and a clean
 * verdict would say nothing about the hazard.
 */
static bool runs_scenario(const struct sgtable_hazard *h, int v)
{
	return !h || !h->obj_flag || (sgtable_strategies[v]->variants & h->obj_flag);
}

/* The end of v's history: the port of the code the kernel has today, or -1. */
static int today(int v)
{
	for (int hops = 0; hops < 16; hops++) {
		const struct sgtable_strategy_ops *ops = sgtable_strategies[v];

		if (ops->shipped)
			return v;
		if (!ops->next)
			return -1;
		v = sgtable_strategy_index(ops->next);
	}
	return -1;	/* a loop in the registry: registry_test catches it */
}

int sgtable_scenario_related(const char *id, int variant, int model,
			     struct torture_related *out, int max)
{
	const struct sgtable_hazard *h = sgtable_hazard_find(id);
	const struct sgtable_strategy_ops *ops = sgtable_strategies[variant];
	int fix = sgtable_strategy_index(sgtable_declared_clean()->name), now = today(variant);
	int n = 0;

#define ADD(k, v, m) do { if (n < max) out[n++] = (struct torture_related){ (k), (v), (m) }; } \
		     while (0)
	/*
	 * A misuse switched on by a flag (H8, H9, H10) is no version's code:
	 * it has no history to follow, only the project's fix to compare.
	 */
	if (h && (h->obj_flag || h->release_nosync)) {
		if (fix != variant && runs_scenario(h, fix))
			ADD(TORTURE_PROPOSED_FIX, fix, model);
		return n;
	}
	for (int m = model + 1; m < DEVRES_MODEL_NR; m++)
		ADD(TORTURE_LATER_MODEL, variant, m);
	for (const char *next = ops->next; next;
	     next = sgtable_strategies[sgtable_strategy_index(next)]->next)
		if (runs_scenario(h, sgtable_strategy_index(next)))
			ADD(TORTURE_LATER_VARIANT, sgtable_strategy_index(next), model);
	if (fix != variant && runs_scenario(h, fix))
		ADD(TORTURE_PROPOSED_FIX, fix, model);
	if (now >= 0 && runs_scenario(h, now))
		ADD(TORTURE_TODAY, now, DEVRES_MODEL_NR - 1);
#undef ADD
	return n;
}
