// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture explore ID: many controlled schedules of scenario ID's smallest
 * configuration (the subject's catalogue), each deterministic for its seed; schedules per
 * second, the failures found, and the first failing schedule, shrunk: fewer
 * threads first, then delta debugging over its choices (see struct shrink).
 */
#include <jansson.h>
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

/*
 * Shrinking by delta debugging (Zeller and Hildebrandt, TSE 2002), in two
 * passes over the failing schedule, each keeping a removal when the
 * scenario's oracle still fires:
 *
 *   stretches  remove stretches of the choice list (a thread's steps the
 *              failure does not need); the step budget ends where the list
 *              does, so the threads finish there
 *   switches   keep the choices only at some decisions (directives); at
 *              every other one the bounded policy takes no preemption (the
 *              running thread goes on while it can, else the lowest runnable)
 *
 * What is left is the few steps and switches a person has to read.
 */
enum shrink_pass { SHRINK_STRETCHES, SHRINK_SWITCHES };

struct shrink {
	struct torture_config *cfg;
	struct torture_result *res;
	struct sched_ctl_trace *trace;	/* the decisions of the last run, shared */
	enum shrink_pass pass;
	uint32_t *base;			/* the last failing run's choices, to its failure */
	uint32_t *choices;		/* the candidate run */
	size_t len, cap;		/* of base; its room */
	unsigned long steps;		/* base's step budget */
	int runs, max_runs;
};

/* What the bounded policy picks at d with no directive: the current thread, else the lowest. */
static int undirected(const struct sched_ctl_decision *d)
{
	if (d->current_runnable)
		return d->current;
	return d->runnable ? __builtin_ctzll(d->runnable) : d->chosen;
}

/* Decisions of the last run that switched away from a runnable thread. */
static size_t preemptions(const struct sched_ctl_trace *t, size_t upto)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n && i < upto; i++)
		n += t->d[i].current_runnable && t->d[i].chosen != t->d[i].current;
	return n;
}

/* Decisions of the last run the undirected policy would have taken otherwise, into at[]. */
static size_t directed(const struct sched_ctl_trace *t, size_t upto, size_t *at)
{
	size_t n = 0;

	for (size_t i = 0; i < t->n && i < upto; i++)
		if (t->d[i].chosen != undirected(&t->d[i]))
			at[n++] = i;
	return n;
}

/* Run the candidate that keeps base's choices at at[0..n): did the oracle fire? */
static bool try_keep(struct shrink *sh, const size_t *at, size_t n)
{
	size_t len = sh->pass == SHRINK_STRETCHES ? n : sh->len;

	if (sh->pass == SHRINK_STRETCHES) {
		for (size_t i = 0; i < n; i++)
			sh->choices[i] = sh->base[at[i]];
		sh->cfg->sched_steps = n ? n : 1;
	} else {
		for (size_t i = 0; i < len; i++)
			sh->choices[i] = SCHED_CTL_ANY;	/* one that cannot run is passed over */
		for (size_t i = 0; i < n; i++)
			sh->choices[at[i]] = sh->base[at[i]];
		sh->cfg->sched_steps = sh->steps;
	}
	sh->trace->n = 0;
	sh->trace->overflow = false;
	sh->cfg->sched_replay = sh->choices;
	sh->cfg->nr_sched_replay = len;
	sh->runs++;
	return torture_attempt(sh->cfg, sh->res);
}

/*
 * The run that just failed is the new base (never longer than the first:
 * base has room for that one only); what the pass works on next into at[]:
 * every choice, or the directed decisions.  How many.
 */
static size_t rebase(struct shrink *sh, size_t *at)
{
	size_t n = sh->trace->n < sh->cap ? sh->trace->n : sh->cap;

	/* To the failure: after it the threads run on until the controller stops them. */
	if (sh->res->sched_choices && sh->res->sched_choices < n)
		n = sh->res->sched_choices;
	for (size_t i = 0; i < n; i++)
		sh->base[i] = (uint32_t)sh->trace->d[i].chosen;
	sh->len = n;
	sh->steps = sh->cfg->sched_steps;
	if (sh->pass == SHRINK_SWITCHES)
		return directed(sh->trace, n, at);
	for (size_t i = 0; i < n; i++)
		at[i] = i;
	return n;
}

/* ddmin over at[0..n): remove a chunk, keep the removal when the oracle fires.  What is left. */
static size_t ddmin(struct shrink *sh, size_t *at, size_t n)
{
	size_t *cand = malloc((n + 1) * sizeof(*cand)), gran = 2;

	while (cand && n >= 1 && sh->runs < sh->max_runs) {
		size_t chunk = (n + gran - 1) / gran, k;
		bool reduced = false;

		for (size_t start = 0; start < n && sh->runs < sh->max_runs; start += chunk) {
			k = 0;		/* the complement of [start, start + chunk) */
			for (size_t i = 0; i < n; i++)
				if (i < start || i >= start + chunk)
					cand[k++] = at[i];
			if (!try_keep(sh, cand, k))
				continue;
			n = rebase(sh, at);	/* what that run really did */
			gran = gran > 2 ? gran - 1 : 2;
			reduced = true;
			break;
		}
		if (!reduced) {
			if (gran >= n)
				break;
			gran = 2 * gran < n ? 2 * gran : n;
		}
	}
	free(cand);
	return n;
}

/* One pass, from the run just made (which failed): ddmin, then its result run again. */
static bool shrink_pass(struct shrink *sh, enum shrink_pass pass, size_t *at, size_t *n)
{
	sh->pass = pass;
	*n = ddmin(sh, at, rebase(sh, at));
	return try_keep(sh, at, *n);
}

static void print_shrunk(const struct torture_config *cfg, const struct torture_result *res,
			 const int *threads0, size_t n0, size_t p0, size_t p, int runs)
{
	char replay[1024];

	printf("shrunk: threads");
	for (int r = 0; r < cfg->subject->nr_roles; r++)
		printf(" %s=%d (from %d)", cfg->subject->role_option[r], cfg->threads[r], threads0[r]);
	printf("; %zu choices with %zu preemptions -> %zu choices with %zu preemptions (%d runs)\n",
	       n0, p0, res->sched_choices, p, runs);
	torture_replay_schedule_cmd(cfg, res->sched_file, replay, sizeof(replay));
	printf("schedule: %s\nReplay shrunk: %s\n", res->sched_file, replay);
}

/*
 * The first failing schedule, shrunk: fewer threads, then fewer steps, then
 * fewer switches.  The result is the one file explore keeps for it.
 */
static void shrink(struct torture_config *cfg, struct torture_result *res,
		   struct sched_ctl_trace *trace)
{
	struct shrink sh = { .cfg = cfg, .res = res, .trace = trace, .max_runs = 300 };
	int threads0[TORTURE_MAX_ROLES];
	struct torture_schedule sched;
	size_t n0, p0, n, *at = NULL;

	memcpy(threads0, cfg->threads, sizeof(threads0));
	shrink_threads(cfg, res);
	torture_attempt(cfg, res);	/* the (maybe smaller) configuration's own schedule */
	if (!res->sched_file[0] || !torture_read_schedule(res->sched_file, &sched))
		return;
	n0 = sh.len = sh.cap = sched.nr;
	sh.base = sched.choices;
	sh.steps = cfg->sched_steps;
	sh.choices = malloc(n0 * sizeof(*sh.choices));
	at = malloc((n0 + 1) * sizeof(*at));
	cfg->sched = SCHED_BOUNDED;	/* the pct schedule, as choices */
	cfg->sched_trace = trace;
	if (!sh.choices || !at)
		goto out;
	sh.pass = SHRINK_SWITCHES;
	for (size_t i = 0; i < n0; i++)
		at[i] = i;
	if (!try_keep(&sh, at, n0)) {
		printf("shrink: the failing schedule did not fail again under replay\n");
		goto out;
	}
	p0 = preemptions(trace, trace->n);
	if (shrink_pass(&sh, SHRINK_STRETCHES, at, &n) &&
	    (sh.max_runs += 200, shrink_pass(&sh, SHRINK_SWITCHES, at, &n)) &&
	    torture_keep_schedule(cfg, res, cfg->stop_on))
		print_shrunk(cfg, res, threads0, n0, p0, preemptions(trace, res->sched_choices),
			     sh.runs);
	else
		printf("shrink: the shrunk schedule did not fail again; none kept\n");
out:
	cfg->sched_replay = NULL;
	cfg->sched_trace = NULL;
	free(sh.choices);
	free(sched.choices);
	free(at);
}

/* "PORT/MODEL: use-after-free double-unmap [completed]": what a failed run saw. */
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
/* The first schedule that failed on an oracle other than the scenario's: kept, replayable. */
static void print_other_failure(const struct torture_config *cfg, int i,
				struct torture_result *res)
{
	char replay[1024];

	printf("first failure on another oracle: schedule %d (seed %llu):", i + 1,
	       (unsigned long long)cfg->seed);
	print_failure_kinds(res);
	if (!torture_keep_schedule(cfg, res, torture_failure_oracle(cfg, res)))
		return;
	torture_replay_schedule_cmd(cfg, res->sched_file, replay, sizeof(replay));
	printf("schedule: %s\nReplay: %s\n", res->sched_file, replay);
}

/* The first schedule the scenario's oracle fired in; kept here only when it is not shrunk. */
static void print_found(const struct torture_config *cfg, int i, struct torture_result *res)
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
	printf("first failure: schedule %d (seed %llu), %zu choices, trace %016llx: %s%s\n", i + 1,
	       (unsigned long long)cfg->seed, res->sched_choices,
	       (unsigned long long)res->sched_hash,
	       cfg->stop_on == SGT_ORACLE_TSAN ? "ThreadSanitizer " : "", report);
	if (cfg->shrink || !torture_keep_schedule(cfg, res, cfg->stop_on))
		return;		/* shrink() keeps the shrunk one */
	torture_replay_schedule_cmd(cfg, res->sched_file, replay, sizeof(replay));
	printf("schedule: %s\nReplay: %s\n", res->sched_file, replay);
}

/* A failing schedule for --json: its seed, whether the scenario's oracle fired, its first report. */
static json_t *failure_json(const struct torture_config *cfg, int i, bool hit,
			    const struct torture_result *res)
{
	int oracle = torture_failure_oracle(cfg, res);
	const char *report = oracle >= 0 && oracle < SGT_V_NR ? res->first_violation[oracle] :
			     oracle == SGT_ORACLE_TSAN ? "ThreadSanitizer report" : res->exit_reason;

	return json_pack("{s:i,s:I,s:b,s:s,s:s}", "schedule", i + 1, "seed",
			 (json_int_t)cfg->seed, "found", hit, "oracle",
			 oracle == SGT_ORACLE_NONE ? res->exit_reason : sgt_oracle_name(oracle),
			 "report", report);
}

static void write_json(const struct torture_config *cfg, json_t *failures, int ran, int found)
{
	json_t *doc = json_pack("{s:s,s:i,s:i,s:i,s:o}", "scenario", cfg->scenario, "schedules",
				ran, "found", found, "failed", (int)json_array_size(failures),
				"failures", failures);

	if (!doc || json_dump_file(doc, cfg->json, JSON_INDENT(2)))
		fprintf(stderr, "sgtorture: cannot write --json '%s'\n", cfg->json);
	json_decref(doc);
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
	bool clean = torture_expects_clean(cfg), quiet = cfg->quiet;
	struct sched_ctl_trace *trace = torture_trace_map();
	json_t *failures = json_array();
	double secs;

	if (!res || !trace)
		return 1;
	cfg->quiet = true;	/* each schedule's own reports: the summary below says it */
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
		json_array_append_new(failures, failure_json(cfg, i, hit, res));
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
	       torture_expect_label(cfg),
	       clean ? (failed ? "FAILED (a schedule failed)" : "clean on every oracle") :
		       (found ? "FOUND" : "NOT FOUND"));
	if (first >= 0 && cfg->shrink) {
		cfg->seed = base + (uint64_t)first;
		shrink(cfg, res, trace);
	}
	cfg->quiet = quiet;
	torture_trace_unmap(trace);
	if (cfg->json)
		write_json(cfg, failures, ran, found);
	else
		json_decref(failures);
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
