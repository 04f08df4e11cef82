// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture repro ID / hunt ID: a scenario's smallest configuration (the
 * subject's catalogue), run until the scenario's own oracle fires; and its
 * time-to-detect over many seeds, the project's measure of race-hunting
 * power.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/tsan_report.h>
#include <check/wait.h>

#include "verbs.h"

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

	printf("found: %s after %.4f s (seed %llu)\n", sgt_oracle_name(cfg->stop_on), at,
	       (unsigned long long)cfg->seed);
	if (cfg->stop_on == SGT_ORACLE_TSAN) {
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
			    res->timeline_report, cfg->subject->role_name, cfg->subject->place_name,
			    cfg->sched != SCHED_OS, stdout);
	}
	torture_replay_cmdline(cfg, cfg->variants[0], cfg->models[0], replay, sizeof(replay));
	printf("Replay: %s\n", replay);
}

/*
 * Attempts with seeds seed, seed + step, ... until the oracle fires or the
 * budget is spent.  An attempt can end early without the oracle: a crash
 * caused by another hazard of the same port (H1's port crashing under TSan, say).
 * Returns whether found; *spent is the run time up to the report (or all
 * of it), summed over the attempts: the time a hunter waits.  *failed
 * counts the attempts that failed on any oracle, found or not.
 */
static bool hunt_seed(struct torture_config *cfg, struct torture_result *res, uint64_t seed,
		      uint64_t step, double budget, double *spent, int *attempts, int *failed)
{
	*spent = 0;
	*attempts = 0;
	while (budget - *spent > 0.05 && !torture_interrupted()) {
		cfg->seed = seed + step * (uint64_t)(*attempts)++;
		if (attempt(cfg, res, budget - *spent)) {
			*spent += res->found_ns / 1e9;
			++*failed;
			return true;
		}
		*failed += torture_result_failed(cfg, res);
		*spent += res->elapsed;
		if (res->exit_code == 3)
			break;		/* a hang is a finding of its own: stop */
	}
	return false;
}

/* "repro H7: PORT on MODEL, until use-after-free" */
static void print_header(const struct torture_config *cfg, const char *verb)
{
	printf("%s %s: %s on %s, until %s", verb, cfg->scenario,
	       cfg->subject->variant_name(cfg->variants[0]),
	       cfg->subject->model_name(cfg->models[0]), sgt_oracle_name(cfg->stop_on));
}

/* The verdict line, and the exit status: a declared-clean variant passes when no run failed. */
static int verdict(const struct torture_config *cfg, bool found, int failed, int runs)
{
	bool clean = torture_expects_clean(cfg);

	printf("verdict: %s is %s: ", cfg->subject->variant_name(cfg->variants[0]),
	       torture_expect_label(cfg));
	if (clean)
		printf(failed ? "FAILED (%d of %d runs failed on an oracle)\n" :
				"clean on every oracle (%d of %d runs failed)\n", failed, runs);
	else
		printf("%s\n", found ? "FOUND" : "NOT FOUND");
	return clean ? (failed ? 1 : 0) : (found ? 0 : 1);
}

static int repro_main(struct torture_config *cfg)
{
	struct torture_result *res = torture_result_map();
	double spent;
	int attempts, failed = 0, rc;
	bool hit;

	if (!res)
		return 1;
	print_header(cfg, "repro");
	printf(", budget %g s\n", cfg->budget);
	hit = hunt_seed(cfg, res, cfg->seed, 1, cfg->budget, &spent, &attempts, &failed);
	if (hit) {
		print_found(cfg, res, res->found_ns / 1e9);
		printf("repro %s: FOUND by attempt %d, %.3f s of running\n", cfg->scenario,
		       attempts, spent);
	} else {
		bool clean = res->finished && !torture_result_failed(cfg, res);

		torture_print_result(cfg, res, stdout);
		printf("repro %s: NOT FOUND in %.1f s over %d attempt%s; the last run was %s (%s)\n",
		       cfg->scenario, cfg->budget, attempts, attempts == 1 ? "" : "s",
		       clean ? "clean" : "not clean", res->exit_reason);
	}
	if (cfg->json) {
		struct torture_result *const r[1] = { res };

		torture_write_json(cfg->json, cfg, r, 1, hit ? 0 : 1);
	}
	rc = verdict(cfg, hit, failed, attempts);
	return res->exit_code == 3 && !hit ? 3 : rc;
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
static int hunt_main(struct torture_config *cfg)
{
	struct torture_result *res = torture_result_map();
	double *times = calloc((size_t)cfg->seeds, sizeof(double));
	json_t *seeds = json_array(), *doc;
	uint64_t base = cfg->seed;
	int found = 0, ran = 0, failed = 0, rc;
	char vkey[32], mkey[32];

	if (!res || !times)
		return 1;
	print_header(cfg, "hunt");
	printf(", jitter %g, %d seeds from %llu, budget %g s each\n", cfg->jitter, cfg->seeds,
	       (unsigned long long)base, cfg->budget);
	for (int i = 0; i < cfg->seeds && !torture_interrupted(); i++) {
		uint64_t seed = base + (uint64_t)i;
		int attempts, seed_failed;
		double t;
		bool hit;

		if (!torture_in_shard(cfg, i))
			continue;
		ran++;
		/* Retries of one seed step far from the other seeds. */
		seed_failed = 0;
		hit = hunt_seed(cfg, res, seed, 1000003, cfg->budget, &t, &attempts, &seed_failed);
		failed += seed_failed > 0;	/* seeds that failed on any oracle */

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
	printf("hunt %s: found by %d/%d seeds", cfg->scenario, found, ran);
	if (found)
		printf("; time to first report: median %.3f s, worst %.3f s", times[found / 2],
		       times[found - 1]);
	printf(" (budget %g s)\n", cfg->budget);
	doc = json_pack("{s:s,s:s,s:s,s:s,s:f,s:f,s:o,s:i,s:i,s:i,s:o,s:o}", "scenario", cfg->scenario,
			torture_json_key(cfg->subject->variant_key, vkey, sizeof(vkey)),
			cfg->subject->variant_name(cfg->variants[0]),
			torture_json_key(cfg->subject->model_key, mkey, sizeof(mkey)),
			cfg->subject->model_name(cfg->models[0]),
			"oracle", sgt_oracle_name(cfg->stop_on), "jitter", cfg->jitter,
			"budget", cfg->budget, "seeds", seeds, "found", found, "runs", ran,
			"failed_any_oracle", failed,
			"median", found ? json_real(times[found / 2]) : json_null(),
			"worst", found ? json_real(times[found - 1]) : json_null());
	if (cfg->json && (!doc || json_dump_file(doc, cfg->json, JSON_INDENT(2))))
		fprintf(stderr, "sgtorture: cannot write --json '%s'\n", cfg->json);
	json_decref(doc);
	free(times);
	rc = verdict(cfg, found == ran && ran, failed, ran);
	return rc;
}

/* repro and hunt: one run at a time, of a scenario with an oracle to wait for. */
static void check_one_run(struct torture_config *cfg)
{
	if (cfg->nr_variants != 1 || cfg->nr_models != 1)
		torture_usage_error("%s runs one %s on one %s; %d x %d were asked for", cfg->verb,
				    cfg->subject->variant_key, cfg->subject->model_key,
				    cfg->nr_variants, cfg->nr_models);
	if (cfg->stop_on == SGT_ORACLE_NONE)
		torture_usage_error("%s needs an oracle to wait for: --until never was given",
				    cfg->verb);
}

static void check_tsan_oracle(struct torture_config *cfg)
{
	check_one_run(cfg);
	if (cfg->stop_on == SGT_ORACLE_TSAN && !sgt_tsan_enabled())
		torture_usage_error("%s's oracle is ThreadSanitizer: run the tsan build's sgtorture "
				    "(build/tsan/torture/sgtorture %s %s)", cfg->scenario, cfg->verb,
				    cfg->scenario);
}

static void prepare_repro(struct torture_config *cfg)
{
	cfg->budget = 60;
}

static void prepare_hunt(struct torture_config *cfg)
{
	cfg->budget = 10;
	cfg->seeds = 10;
}

const struct torture_verb torture_verb_repro = {
	.name = "repro",
	.usage = "sgtorture repro ID [OPTION]...   scenario ID until its oracle fires (--budget s)",
	.takes_scenario = true,
	.prepare = prepare_repro,
	.check = check_tsan_oracle,
	.main = repro_main,
};

const struct torture_verb torture_verb_hunt = {
	.name = "hunt",
	.usage = "sgtorture hunt ID [OPTION]...    time-to-detect of ID over --seeds seeds",
	.takes_scenario = true,
	.prepare = prepare_hunt,
	.check = check_tsan_oracle,
	.main = hunt_main,
};
