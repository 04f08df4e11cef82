// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture explore ID: many controlled schedules of scenario ID's smallest
 * configuration (the subject's catalogue), each deterministic for its seed; schedules per
 * second, the failures found, and the first failing schedule, shrunk: fewer
 * threads first, then the shortest prefix of its choices that still fails
 * (the rest of the run then goes to the lowest-numbered runnable thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/sched_ctl.h>
#include <check/tsan_report.h>
#include <check/wait.h>

#include "verbs.h"

/*
 * The scenario's oracle under a controlled scheduler (the subject's
 * catalogue says which: switching threads under one lock orders them for
 * TSan, so a TSan-only scenario is judged by what its race does instead).
 */
void torture_controlled_oracle(struct torture_config *cfg)
{
	/*
	 * The scheduler's hand-offs are invisible to TSan (sched_ctl.c), so in
	 * the tsan build a data race between controlled threads is reported
	 * as with free threads: a TSan-oracle scenario keeps its oracle.
	 */
	if (cfg->stop_on == SGT_ORACLE_TSAN && sgt_tsan_enabled())
		return;
	cfg->stop_on = cfg->sched_stop_on;
	cfg->until_match = cfg->sched_match;
	cfg->tsan_frame = NULL;
	if (cfg->stop_on == SGT_ORACLE_NONE)
		torture_usage_error("%s %s: its only oracle is ThreadSanitizer: run the tsan build's "
				    "sgtorture (build/tsan/torture/sgtorture %s %s)", cfg->verb,
				    cfg->scenario, cfg->verb, cfg->scenario);
}

static void prepare_explore(struct torture_config *cfg)
{
	cfg->budget = 100;
	cfg->sched = SCHED_PCT;
	cfg->timeline = true;
	cfg->shrink = true;
	torture_controlled_oracle(cfg);
}

static void check_explore(struct torture_config *cfg)
{
	if (cfg->nr_variants != 1 || cfg->nr_models != 1)
		torture_usage_error("explore runs one %s on one %s; %d x %d were asked for",
				    cfg->subject->variant_key, cfg->subject->model_key,
				    cfg->nr_variants, cfg->nr_models);
	if (cfg->sched == SCHED_OS)
		torture_usage_error("explore needs a controlled scheduler: --sched random or pct, "
				    "not os");
}

/* Fewer threads: drop one thread of a role while the same seed still fails. */
static void shrink_threads(struct torture_config *cfg, struct torture_result *res)
{
	const struct torture_subject *s = cfg->subject;
	bool progress = true;

	while (progress) {
		progress = false;
		for (int r = 0; r < s->nr_roles; r++) {
			if (cfg->threads[r] <= (r == s->observer_role))
				continue;
			cfg->threads[r]--;
			if (torture_attempt(cfg, res)) {
				progress = true;
				continue;
			}
			cfg->threads[r]++;
		}
	}
}

/* The shortest prefix of the failing run's choices that, replayed, still fails. */
static size_t shrink_prefix(struct torture_config *cfg, struct torture_result *res,
			    uint32_t *choices, size_t n)
{
	size_t lo = 0, hi = n;

	cfg->sched = SCHED_REPLAY;
	cfg->sched_replay = choices;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		cfg->nr_sched_replay = mid;
		if (torture_attempt(cfg, res))
			hi = mid;
		else
			lo = mid + 1;
	}
	cfg->nr_sched_replay = hi;
	return hi;
}

static void shrink(struct torture_config *cfg, struct torture_result *res)
{
	int threads0[TORTURE_MAX_ROLES];
	struct torture_schedule sched;
	uint32_t *choices;
	size_t n, kept;
	char replay[1024];

	memcpy(threads0, cfg->threads, sizeof(threads0));
	shrink_threads(cfg, res);
	torture_attempt(cfg, res);	/* the (maybe smaller) configuration's own schedule */
	if (!torture_read_schedule(res->sched_file, &sched))
		return;
	choices = sched.choices;
	n = sched.nr;
	kept = shrink_prefix(cfg, res, choices, n);
	cfg->sched_replay_file = "";
	if (!torture_attempt(cfg, res) || !res->sched_file[0]) {
		printf("shrink: the shrunk schedule did not fail again; keeping the original\n");
		cfg->sched_replay = NULL;
		free(choices);
		return;
	}
	cfg->sched_replay_file = res->sched_file;
	printf("shrunk: threads");
	for (int r = 0; r < cfg->subject->nr_roles; r++)
		printf(" %s=%d (from %d)", cfg->subject->role_option[r], cfg->threads[r], threads0[r]);
	printf("; the first %zu of %zu choices forced, then the lowest runnable thread: %zu "
	       "choices to the failure\n", kept, n, res->sched_choices);
	torture_replay_cmdline(cfg, cfg->variants[0], cfg->models[0], replay, sizeof(replay));
	printf("Replay shrunk: %s\n", replay);
	cfg->sched_replay = NULL;
	free(choices);
}

/* "v19/devres-2026: use-after-free double-unmap [completed]": what a failed run saw. */
static void print_failure_kinds(const struct torture_result *res)
{
	for (int k = 0; k < SGT_V_NR; k++)
		if (atomic_load(&res->violations[k]))
			printf(" %s", sgt_violation_name[k]);
	if (res->tsan_reports)
		printf(" tsan(%lu)", res->tsan_reports);
	printf(" [%s]\n", res->exit_reason);
}

/* The first schedule that failed on an oracle other than the scenario's. */
static void print_other_failure(const struct torture_config *cfg, int i,
				const struct torture_result *res)
{
	char replay[1024];

	torture_replay_cmdline(cfg, cfg->variants[0], cfg->models[0], replay, sizeof(replay));
	printf("first failure on another oracle: schedule %d (seed %llu):", i + 1,
	       (unsigned long long)cfg->seed);
	print_failure_kinds(res);
	printf("Replay: %s%s%s\n", replay, res->sched_file[0] ? " --sched replay:" : "",
	       res->sched_file);
}

static void print_found(const struct torture_config *cfg, int i,
			const struct torture_result *res)
{
	char replay[1024];
	const char *report = cfg->stop_on >= 0 && cfg->stop_on < SGT_V_NR ?
			     res->first_violation[cfg->stop_on] : res->exit_reason;

	/* A TSan oracle: the report whose stack shows the scenario's frame. */
	for (int u = 0; cfg->stop_on == SGT_ORACLE_TSAN && u < res->nr_tsan_unique; u++)
		if (!cfg->tsan_frame || strstr(res->tsan_unique[u].text, cfg->tsan_frame)) {
			report = res->tsan_unique[u].type;
			break;
		}
	torture_replay_cmdline(cfg, cfg->variants[0], cfg->models[0], replay, sizeof(replay));
	printf("first failure: schedule %d (seed %llu), %zu choices, trace %016llx: %s%s\n", i + 1,
	       (unsigned long long)cfg->seed, res->sched_choices,
	       (unsigned long long)res->sched_hash,
	       cfg->stop_on == SGT_ORACLE_TSAN ? "ThreadSanitizer " : "", report);
	printf("schedule: %s\nReplay: %s --sched replay:%s\n", res->sched_file, replay,
	       res->sched_file);
}

/*
 * Every schedule counts every oracle: "found" is the scenario's own oracle
 * firing (what makes a port's run a finding); "failed" is any oracle (a
 * violation of any kind, a deadlock, a TSan report, a forbidden outcome, a
 * leak, a watchdog, a crash).  A variant declared clean passes only when no
 * schedule failed; a port when one found it.
 */
static int explore_main(struct torture_config *cfg)
{
	struct torture_result *res = torture_result_map();
	uint64_t base = cfg->seed, start = sgt_now_ns();
	int runs = (int)cfg->budget, found = 0, failed = 0, first = -1, other = -1, ran = 0;
	bool clean = cfg->subject->declared_clean(cfg->variants[0]);
	double secs;

	if (!res)
		return 1;
	printf("explore %s: %s on %s, %s depth %d, %lu steps, until %s, %d schedules from seed %llu\n",
	       cfg->scenario, cfg->subject->variant_name(cfg->variants[0]),
	       cfg->subject->model_name(cfg->models[0]), sched_policy_name[cfg->sched],
	       cfg->sched_depth, cfg->sched_steps, sgt_oracle_name(cfg->stop_on), runs,
	       (unsigned long long)base);
	for (int i = 0; i < runs && !torture_interrupted(); i++) {
		bool hit;

		if (!torture_in_shard(cfg, i))
			continue;
		ran++;
		cfg->seed = base + (uint64_t)i;
		hit = torture_attempt(cfg, res);
		if (!hit && !torture_result_failed(cfg, res))
			continue;
		failed++;
		found += hit;
		if (hit && first < 0) {
			first = i;
			print_found(cfg, i, res);
		} else if (!hit && other < 0) {
			other = i;
			print_other_failure(cfg, i, res);
		}
	}
	secs = (double)(sgt_now_ns() - start) / 1e9;
	printf("explore %s: %d schedules in %.2f s (%.1f schedules/s): %d found (%s), %d failed "
	       "on any oracle", cfg->scenario, ran, secs, ran / secs, found,
	       sgt_oracle_name(cfg->stop_on), failed);
	if (first >= 0)
		printf(", the first found at schedule %d", first + 1);
	printf("\n");
	printf("verdict: %s is %s: %s\n", cfg->subject->variant_name(cfg->variants[0]),
	       clean ? "declared clean" : "a port carrying hazards",
	       clean ? (failed ? "FAILED (a schedule failed)" : "clean on every oracle") :
		       (found ? "FOUND" : "NOT FOUND"));
	if (first >= 0 && cfg->shrink) {
		cfg->seed = base + (uint64_t)first;
		shrink(cfg, res);
	}
	return clean ? (failed ? 1 : 0) : (found ? 0 : 1);
}

const struct torture_verb torture_verb_explore = {
	.name = "explore",
	.usage = "sgtorture explore ID [OPTION]... --budget N controlled schedules of ID; the\n"
		 "                                   first failing one shrunk, its replay printed",
	.takes_scenario = true,
	.prepare = prepare_explore,
	.check = check_explore,
	.main = explore_main,
};
