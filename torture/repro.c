// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture repro ID / hunt ID: the smallest configuration that exposes
 * each hazard of SPEC section 4, run until the hazard's own oracle fires;
 * and its time-to-detect over many seeds, the project's measure of
 * race-hunting power.
 *
 * A configuration is the fewest roles and devices the hazard needs, so the
 * report carries no other hazard's noise and the timeline is short.  Where
 * the hazard is racy (H7..H10), jitter widens the port's race windows; its
 * probability is the one `hunt` measured fastest (the README has the runs):
 * without it H7 was found by 0 of 10 seeds in 10 s.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgt/tsan_report.h>
#include <sgt/wait.h>

#include "torture.h"

/* creators, accessors, revokers, freers */
#define ROLES(c, a, r, f)	{ [ROLE_CREATOR] = c, [ROLE_ACCESSOR] = a, [ROLE_REVOKER] = r, [ROLE_FREER] = f }

static const struct repro_spec repro_specs[] = {
	{ "H1", "v12", DEVRES_2026, { NULL }, ROLES(1, 1, 0, 0), 4, 1, 0,
	  SGT_V_LOCK_DESTROYED, NULL },
	{ "H2", "v12", DEVRES_6_16, { "devm-add-action=nth:1" }, ROLES(0, 1, 0, 0), 1, 1, 0,
	  SGT_V_RECURSIVE_LOCK, NULL },
	{ "H3", "v19", DEVRES_2026, { "devres-alloc=0.5" }, ROLES(1, 1, 0, 0), 4, 1, 0,
	  SGT_V_PAGE_COUNT, NULL },
	{ "H4", "v12", DEVRES_2026, { NULL }, ROLES(1, 1, 0, 0), 4, 2, 0,
	  SGT_V_FOREIGN_DEVICE, NULL },
	{ "H5", "v19", DEVRES_2026, { NULL }, ROLES(1, 1, 0, 0), 4, 1, 0,
	  SGT_V_DOUBLE_UNMAP, NULL },
	{ "H6", "v19", DEVRES_6_17, { NULL }, ROLES(0, 1, 1, 0), 4, 1, 0,
	  SGT_V_USE_AFTER_UNMAP, NULL },
	{ "H7", "v19", DEVRES_2026, { NULL }, ROLES(0, 1, 1, 1), 4, 1, 0.3,
	  SGT_V_USE_AFTER_FREE, NULL },
	{ "H8", "v12", DEVRES_6_17, { NULL }, ROLES(1, 2, 1, 0), 4, 1, 0.3,
	  STOP_ON_TSAN, "v12_owned" },
	{ "H9", "v19", DEVRES_6_17, { NULL }, ROLES(1, 2, 0, 0), 4, 1, 0.1,
	  STOP_ON_TSAN, "set_once_populate" },
	{ "H10", "v12", DEVRES_6_17, { NULL }, ROLES(1, 2, 1, 0), 4, 1, 0.1,
	  STOP_ON_TSAN, "access_owned" },
};
#define NR_SPECS (sizeof(repro_specs) / sizeof(repro_specs[0]))

const struct repro_spec *repro_find(const char *id)
{
	for (size_t i = 0; i < NR_SPECS; i++)
		if (!strcasecmp(repro_specs[i].id, id))
			return &repro_specs[i];
	return NULL;
}

const char *repro_oracle_name(int oracle)
{
	return oracle == STOP_ON_TSAN ? "tsan" : sgt_violation_name[oracle];
}

/* The spec's configuration; options given after the id override it. */
void repro_apply(const struct repro_spec *spec, struct torture_config *cfg)
{
	cfg->strategies[0] = sgt_strategy_find(spec->strategy);
	cfg->nr_strategies = 1;
	cfg->models[0] = spec->model;
	cfg->nr_models = 1;
	memcpy(cfg->threads, spec->threads, sizeof(cfg->threads));
	cfg->objects = spec->objects;
	cfg->devices = spec->devices;
	cfg->jitter = spec->jitter;
	cfg->nr_faults = 0;
	for (int i = 0; i < 3 && spec->faults[i]; i++)
		cfg->faults[cfg->nr_faults++] = spec->faults[i];
	cfg->hazard = sgt_hazard_find(spec->id);
	cfg->stop_on = spec->oracle;
	cfg->tsan_frame = spec->tsan_frame;
	cfg->timeline = true;
	cfg->stat_interval = 0;
}

void repro_list(FILE *out)
{
	for (int i = 0; i < SGT_NR_HAZARDS; i++) {
		const struct sgt_hazard *h = &sgt_hazards[i];
		const struct repro_spec *spec = repro_find(h->name);

		fprintf(out, "%-4s %s\n", h->name, h->desc);
		fprintf(out, "     belongs to: %s\n", h->where);
		fprintf(out, "     oracle: %s; %s\n", h->oracle,
			h->race ? "needs a race (hunted with jitter)" :
				  "deterministic once the configuration reaches it");
		fprintf(out, "     repro: %s on %s, waits for %s%s\n", spec->strategy,
			devres_model_name[spec->model], repro_oracle_name(spec->oracle),
			spec->oracle == STOP_ON_TSAN ? " (the tsan build)" : "");
	}
}

bool torture_attempt(struct torture_config *cfg, struct torture_result *res)
{
	memset(res, 0, sizeof(*res));
	torture_run_forked(cfg, cfg->strategies[0], cfg->models[0], res);
	return atomic_load(&res->found);	/* the hazard's own oracle, nothing else */
}

/* One attempt: one seed, run until the oracle fires or the time is up. */
static bool attempt(struct torture_config *cfg, struct torture_result *res, double seconds)
{
	cfg->duration = seconds;
	return torture_attempt(cfg, res);
}

static void print_found(const struct torture_config *cfg, const struct torture_result *res,
			double at)
{
	char replay[1024];

	printf("found: %s after %.4f s (seed %llu)\n", repro_oracle_name(cfg->stop_on), at,
	       (unsigned long long)cfg->seed);
	if (cfg->stop_on == STOP_ON_TSAN) {
		for (int i = 0; i < res->nr_tsan_unique; i++) {
			if (cfg->tsan_frame && !strstr(res->tsan_unique[i].text, cfg->tsan_frame))
				continue;
			printf("first report: ThreadSanitizer %s\n%s", res->tsan_unique[i].type,
			       res->tsan_unique[i].text);
			break;
		}
	} else {
		printf("first report: %s\n", res->first_violation[cfg->stop_on]);
	}
	if (res->nr_timeline) {
		printf("timeline (the threads' last events; times relative to the report):\n");
		trace_print(res->timeline, res->nr_timeline, res->timeline_at_ns,
			    res->timeline_report, torture_role_name, stdout);
	}
	torture_replay_cmdline(cfg, cfg->strategies[0], cfg->models[0], replay, sizeof(replay));
	printf("Replay: %s\n", replay);
}

/*
 * Attempts with seeds seed, seed + step, ... until the oracle fires or the
 * budget is spent.  An attempt can end early without the oracle: a crash
 * caused by another hazard of the same port (v12's H1 under TSan, say).
 * Returns whether found; *spent is the run time up to the report (or all
 * of it), summed over the attempts: the time a hunter waits.
 */
static bool hunt_seed(struct torture_config *cfg, struct torture_result *res, uint64_t seed,
		      uint64_t step, double budget, double *spent, int *attempts)
{
	*spent = 0;
	*attempts = 0;
	while (budget - *spent > 0.05 && !torture_interrupted()) {
		cfg->seed = seed + step * (uint64_t)(*attempts)++;
		if (attempt(cfg, res, budget - *spent)) {
			*spent += res->found_ns / 1e9;
			return true;
		}
		*spent += res->elapsed;
		if (res->exit_code == 3)
			break;		/* a hang is a finding of its own: stop */
	}
	return false;
}

int repro_main(struct torture_config *cfg)
{
	const struct repro_spec *spec = cfg->repro;
	struct torture_result *res = torture_result_map();
	double spent;
	int attempts;
	bool hit;

	if (!res)
		return 1;
	printf("repro %s: %s on %s, until %s, budget %g s\n", spec->id, cfg->strategies[0]->name,
	       devres_model_name[cfg->models[0]], repro_oracle_name(cfg->stop_on), cfg->budget);
	hit = hunt_seed(cfg, res, cfg->seed, 1, cfg->budget, &spent, &attempts);
	if (hit) {
		print_found(cfg, res, res->found_ns / 1e9);
		printf("repro %s: FOUND by attempt %d, %.3f s of running\n", spec->id, attempts,
		       spent);
	} else {
		bool clean = res->finished && !torture_result_failed(res, cfg->strategies[0]);

		torture_print_result(res, cfg->strategies[0], stdout);
		printf("repro %s: NOT FOUND in %.1f s over %d attempt%s; the last run was %s (%s)\n",
		       spec->id, cfg->budget, attempts, attempts == 1 ? "" : "s",
		       clean ? "clean" : "not clean", res->exit_reason);
	}
	if (cfg->json) {
		struct torture_result *const r[1] = { res };
		const struct sgt_strategy_ops *o[1] = { cfg->strategies[0] };

		torture_write_json(cfg->json, cfg, r, o, cfg->models, 1, hit ? 0 : 1);
	}
	return res->exit_code == 3 && !hit ? 3 : hit ? 0 : 1;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * hunt: N seeds of one configuration, one run each of at most the budget;
 * how many found the hazard, and the median and worst time to the report.
 */
int hunt_main(struct torture_config *cfg)
{
	const struct repro_spec *spec = cfg->repro;
	struct torture_result *res = torture_result_map();
	double *times = calloc((size_t)cfg->seeds, sizeof(double));
	json_t *seeds = json_array(), *doc;
	uint64_t base = cfg->seed;
	int found = 0, ran = 0;

	if (!res || !times)
		return 1;
	printf("hunt %s: %s on %s, jitter %g, until %s, %d seeds from %llu, budget %g s each\n",
	       spec->id, cfg->strategies[0]->name, devres_model_name[cfg->models[0]], cfg->jitter,
	       repro_oracle_name(cfg->stop_on), cfg->seeds, (unsigned long long)base, cfg->budget);
	for (int i = 0; i < cfg->seeds && !torture_interrupted(); i++) {
		uint64_t seed = base + (uint64_t)i;
		int attempts;
		double t;
		bool hit;

		if (!torture_in_shard(cfg, i))
			continue;
		ran++;
		/* Retries of one seed step far from the other seeds. */
		hit = hunt_seed(cfg, res, seed, 1000003, cfg->budget, &t, &attempts);

		if (hit)
			times[found++] = t;
		if (!cfg->quiet)
			printf("  seed %llu: %s %.3f s (%d attempt%s)\n", (unsigned long long)seed,
			       hit ? "found in" : "not found in", t, attempts,
			       attempts == 1 ? "" : "s");
		json_array_append_new(seeds, json_pack("{s:I,s:b,s:f,s:i,s:I}", "seed",
						       (json_int_t)seed, "found", hit, "time", t,
						       "attempts", attempts,
						       "found_seed", (json_int_t)cfg->seed));
	}
	qsort(times, (size_t)found, sizeof(double), cmp_double);
	printf("hunt %s: found by %d/%d seeds", spec->id, found, ran);
	if (found)
		printf("; time to first report: median %.3f s, worst %.3f s", times[found / 2],
		       times[found - 1]);
	printf(" (budget %g s)\n", cfg->budget);
	doc = json_pack("{s:s,s:s,s:s,s:s,s:f,s:f,s:o,s:i,s:i,s:o,s:o}", "hazard", spec->id,
			"strategy", cfg->strategies[0]->name,
			"devres_model", devres_model_name[cfg->models[0]],
			"oracle", repro_oracle_name(cfg->stop_on), "jitter", cfg->jitter,
			"budget", cfg->budget, "seeds", seeds, "found", found, "runs", ran,
			"median", found ? json_real(times[found / 2]) : json_null(),
			"worst", found ? json_real(times[found - 1]) : json_null());
	if (cfg->json && (!doc || json_dump_file(doc, cfg->json, JSON_INDENT(2))))
		fprintf(stderr, "sgtorture: cannot write --json '%s'\n", cfg->json);
	json_decref(doc);
	free(times);
	return found == ran && ran ? 0 : 1;
}
