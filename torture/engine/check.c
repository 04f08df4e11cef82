// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture check ID: a bounded-exhaustive search of scenario ID's
 * configuration.  Each thread runs --ops N operations of its role, so every
 * schedule is finite, and every schedule with at most --preemptions K
 * preemptions is run: iterative context bounding, as CHESS does (Musuvathi
 * and Qadeer, PLDI 2007).
 *
 * A schedule is a prefix of forced choices followed by no preemption (the
 * running thread goes on while it can, else the lowest-numbered runnable
 * one: SCHED_BOUNDED).  A preemption is a switch away from a thread that
 * could have gone on; a switch from a thread that blocked or exited costs
 * nothing.  Each run reports every decision (who was running, who could
 * run, who was chosen); every other choice at a decision past the prefix is
 * a new schedule, queued by its preemption count, so schedules are run in
 * order of preemptions and the first counterexample has the fewest.  No
 * pruning: every schedule within the bound is run, which is sound and
 * slower than a partial-order reduction would be.
 *
 * --shard I/N splits the tree: every part runs the base schedule, and the
 * subtrees under its alternatives are dealt round robin; the parts' JSON
 * merged says whether the whole bound was exhausted (reports/check_merge.py).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <check/sched_ctl.h>
#include <check/wait.h>

#include "verbs.h"

/* A schedule to run: its forced prefix and what it cost. */
struct item {
	uint32_t *prefix;
	size_t len;
	int preemptions;
	bool owned;			/* this shard runs it (and its subtree) */
};

/* The queue, one list per preemption count: run in order of preemptions. */
struct queue {
	struct item *items[17];
	size_t n[17], cap[17];
	size_t head[17];
};

static void push(struct queue *q, struct item it)
{
	int k = it.preemptions;

	if (q->n[k] == q->cap[k]) {
		q->cap[k] = q->cap[k] ? 2 * q->cap[k] : 256;
		q->items[k] = realloc(q->items[k], q->cap[k] * sizeof(it));
		if (!q->items[k])
			abort();
	}
	q->items[k][q->n[k]++] = it;
}

static bool pop(struct queue *q, int bound, struct item *it)
{
	for (int k = 0; k <= bound; k++)
		if (q->head[k] < q->n[k]) {
			*it = q->items[k][q->head[k]++];
			return true;
		}
	return false;
}

static size_t queued(const struct queue *q, int bound)
{
	size_t n = 0;

	for (int k = 0; k <= bound; k++)
		n += q->n[k] - q->head[k];
	return n;
}

/*
 * The schedules one run opens: at each decision past its prefix, every other
 * runnable thread.  Their prefix is the run's choices up to there, then the
 * other thread; choosing away from a thread that could go on is a preemption.
 */
static void expand(struct queue *q, const struct item *it, const struct sched_ctl_trace *t,
		   int bound, int shard, int nr_shards, size_t *dealt)
{
	int cost = it->preemptions;

	for (size_t i = 0; i < t->n; i++) {
		const struct sched_ctl_decision *d = &t->d[i];

		if (i >= it->len) {
			for (int th = 0; th < 64; th++) {
				int c;

				if (th == d->chosen || !(d->runnable & (1ull << th)))
					continue;
				c = cost + (d->current_runnable && th != d->current);
				if (c > bound)
					continue;
				struct item child = { .len = i + 1, .preemptions = c, .owned = it->owned };

				child.prefix = malloc((i + 1) * sizeof(uint32_t));
				if (!child.prefix)
					abort();
				for (size_t j = 0; j < i; j++)
					child.prefix[j] = (uint32_t)t->d[j].chosen;
				child.prefix[i] = (uint32_t)th;
				/* The base schedule's children are dealt to the shards. */
				if (!it->len && nr_shards > 1)
					child.owned = (*dealt)++ % (size_t)nr_shards == (size_t)shard - 1;
				if (child.owned)
					push(q, child);
				else
					free(child.prefix);
			}
		}
		cost += d->current_runnable && d->chosen != d->current;
	}
}

/* A counterexample: the schedule, its preemptions, what it showed, its replay. */
struct example {
	long schedule;			/* -1: none */
	int preemptions;
	char report[400], file[384], replay[1024];
};

/* The first schedule found (the scenario's oracle) and the first failed on another. */
struct findings {
	struct example found_first, other_first;
	unsigned long failed, found;
};

static void describe(struct torture_config *cfg, struct torture_result *res, long n,
		     const struct item *it, bool hit, struct example *e)
{
	int used = 0;

	e->schedule = n;
	e->preemptions = it->preemptions;
	e->report[0] = 0;
	if (hit && cfg->stop_on >= 0 && cfg->stop_on < SGT_V_NR)
		snprintf(e->report, sizeof(e->report), "%s", res->first_violation[cfg->stop_on]);
	for (int k = 0; !hit && k < SGT_V_NR; k++)
		if (atomic_load(&res->violations[k]))
			used += snprintf(e->report + used, sizeof(e->report) - (size_t)used, "%s%s",
					 used ? " " : "", sgt_violation_name[k]);
	if (!e->report[0])
		snprintf(e->report, sizeof(e->report), "%s%s",
			 res->tsan_reports ? "ThreadSanitizer report, " : "", res->exit_reason);
	/* Its own file, replaying to its own oracle: the next schedule overwrites the pending one. */
	torture_keep_schedule(cfg, res, hit ? cfg->stop_on : torture_failure_oracle(cfg, res));
	snprintf(e->file, sizeof(e->file), "%s", res->sched_file[0] ? res->sched_file : "(none)");
	torture_replay_schedule_cmd(cfg, e->file, e->replay, sizeof(e->replay));
}

static void note_failure(struct torture_config *cfg, struct torture_result *res, long n,
			 const struct item *it, bool hit, struct findings *f)
{
	struct example *e = hit ? &f->found_first : &f->other_first;

	f->failed++;
	f->found += hit;
	if (e->schedule < 0)
		describe(cfg, res, n, it, hit, e);
}

static void print_example(const char *what, const struct example *e)
{
	if (e->schedule < 0)
		return;
	printf("%s: schedule %ld, %d preemption%s: %s\nschedule: %s\nReplay: %s\n",
	       what, e->schedule, e->preemptions, e->preemptions == 1 ? "" : "s", e->report, e->file,
	       e->replay);
}

static json_t *example_json(const struct example *e)
{
	if (e->schedule < 0)
		return json_null();
	return json_pack("{s:I,s:i,s:s,s:s,s:s}", "schedule", (json_int_t)e->schedule,
			 "preemptions", e->preemptions, "report", e->report, "file", e->file,
			 "replay", e->replay);
}

/* What a search did: the counts the summary and the JSON print. */
struct search {
	long schedules;
	unsigned long cut;		/* schedules cut short: not whole */
	size_t longest, left;		/* decisions of the longest; schedules still queued */
	bool exhausted;
	double secs;
};

static json_t *check_json(const struct torture_config *cfg, const struct search *s,
			  const struct findings *f)
{
	char shard[32], vkey[32], mkey[32];

	snprintf(shard, sizeof(shard), "%d/%d", cfg->shard, cfg->nr_shards);
	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:I,s:I,s:b,s:I,s:I,s:f,s:s,s:I,s:I,s:o,s:o}",
			 "scenario", cfg->scenario,
			 torture_json_key(cfg->subject->variant_key, vkey, sizeof(vkey)),
			 cfg->subject->variant_name(cfg->variants[0]),
			 torture_json_key(cfg->subject->model_key, mkey, sizeof(mkey)),
			 cfg->subject->model_name(cfg->models[0]),
			 "oracle", sgt_oracle_name(cfg->stop_on), "preemptions", cfg->preemptions,
			 "ops", (json_int_t)cfg->ops, "schedules", (json_int_t)s->schedules,
			 "exhausted", s->exhausted, "left", (json_int_t)s->left,
			 "cut", (json_int_t)s->cut, "seconds", s->secs, "shard", shard, "found", (json_int_t)f->found,
			 "failed", (json_int_t)f->failed,
			 "first_found", example_json(&f->found_first),
			 "first_other_failure", example_json(&f->other_first));
}

/* Run one schedule; true if it failed on any oracle. */
static bool run_item(struct torture_config *cfg, struct torture_result *res,
		     struct sched_ctl_trace *trace, const struct item *it, bool *hit)
{
	trace->n = 0;
	trace->overflow = false;
	cfg->sched_replay = it->prefix;
	cfg->nr_sched_replay = it->len;
	*hit = torture_attempt(cfg, res);
	return *hit || torture_result_failed(cfg, res);
}

static void print_summary(const struct torture_config *cfg, const struct search *s,
			  const struct findings *f, bool clean)
{
	printf("check %s: %ld schedules in %.2f s (%.0f schedules/min), bound K=%d %s",
	       cfg->scenario, s->schedules, s->secs, s->schedules / s->secs * 60, cfg->preemptions,
	       s->exhausted ? "EXHAUSTED" : "not exhausted");
	if (!s->exhausted)
		printf(" (%zu schedules left, %lu cut short%s)", s->left, s->cut,
		       f->found && !clean ? "; stopped at the first counterexample" : "");
	printf("; %lu found (%s), %lu failed on any oracle; the longest schedule made %zu "
	       "decisions\n", f->found, sgt_oracle_name(cfg->stop_on), f->failed, s->longest);
	print_example("first counterexample", &f->found_first);
	print_example("first failure on another oracle", &f->other_first);
	printf("verdict: %s is %s: %s\n", cfg->subject->variant_name(cfg->variants[0]),
	       clean ? "declared clean" : "a port carrying hazards",
	       clean ? (f->failed ? "FAILED" : s->exhausted ? "clean on every oracle, bound exhausted" :
				    "clean so far, bound NOT exhausted") :
		       (f->found ? "FOUND" : "NOT FOUND"));
}

static void free_queue(struct queue *q)
{
	for (int k = 0; k <= 16; k++) {
		while (q->head[k] < q->n[k])
			free(q->items[k][q->head[k]++].prefix);
		free(q->items[k]);
	}
}

static int check_main(struct torture_config *cfg)
{
	struct sched_ctl_trace *trace = torture_trace_map();
	struct torture_result *res = torture_result_map();
	struct findings f = { .found_first.schedule = -1, .other_first.schedule = -1 };
	struct queue q = { 0 };
	struct item it = { .owned = true };
	struct search s = { 0 };
	uint64_t start = sgt_now_ns();
	long limit = (long)cfg->budget;
	bool clean = cfg->subject->declared_clean(cfg->variants[0]);
	size_t dealt = 0;
	int threads = 0;
	json_t *doc;

	if (!trace || !res)
		return 1;
	cfg->sched_trace = trace;
	for (int r = 0; r < cfg->subject->nr_roles; r++)
		threads += cfg->threads[r];
	printf("check %s: %s on %s, %d threads x %lu operations, every schedule with at most %d "
	       "preemption%s, until %s (any oracle counts)\n", cfg->scenario,
	       cfg->subject->variant_name(cfg->variants[0]),
	       cfg->subject->model_name(cfg->models[0]), threads, cfg->ops, cfg->preemptions,
	       cfg->preemptions == 1 ? "" : "s", sgt_oracle_name(cfg->stop_on));
	push(&q, it);
	while (s.schedules < limit && !torture_interrupted() && pop(&q, cfg->preemptions, &it)) {
		bool hit, failed = run_item(cfg, res, trace, &it, &hit);

		s.schedules++;
		s.longest = trace->n > s.longest ? trace->n : s.longest;
		/* A schedule cut short (the step cap, no room for its decisions) is not whole. */
		s.cut += trace->overflow || res->sched_steps >= cfg->sched_steps;
		if (failed)
			note_failure(cfg, res, s.schedules, &it, hit, &f);
		expand(&q, &it, trace, cfg->preemptions, cfg->shard, cfg->nr_shards, &dealt);
		free(it.prefix);
		if (hit && !clean)
			break;		/* a port: the first counterexample has the fewest preemptions */
	}
	s.left = queued(&q, cfg->preemptions);
	s.exhausted = !s.left && !s.cut && !torture_interrupted() && !(f.found && !clean);
	s.secs = (double)(sgt_now_ns() - start) / 1e9;
	print_summary(cfg, &s, &f, clean);
	doc = check_json(cfg, &s, &f);
	if (cfg->json && (!doc || json_dump_file(doc, cfg->json, JSON_INDENT(2))))
		fprintf(stderr, "sgtorture: cannot write --json '%s'\n", cfg->json);
	json_decref(doc);
	free_queue(&q);
	cfg->sched_replay = NULL;
	cfg->sched_trace = NULL;
	torture_trace_unmap(trace);
	if (clean)
		return f.failed || !s.exhausted ? 1 : 0;
	return f.found ? 0 : 1;
}

static void prepare_check(struct torture_config *cfg)
{
	cfg->budget = 100000;		/* schedules at most */
	/* The roles' own choices: one program, the same search every time. */
	cfg->seed = cfg->check_seed ? cfg->check_seed : 1;
	cfg->preemptions = 2;
	cfg->ops = cfg->check_ops ? cfg->check_ops : 2;
	cfg->sched = SCHED_BOUNDED;
	cfg->sched_steps = 100000;	/* a safety net: --ops ends every schedule */
	cfg->timeline = false;
	cfg->stat_interval = 0;
	cfg->quiet = true;
	cfg->jitter = 0;
	torture_controlled_oracle(cfg);
}

static void check_check(struct torture_config *cfg)
{
	if (cfg->nr_variants != 1 || cfg->nr_models != 1)
		torture_usage_error("check runs one %s on one %s; %d x %d were asked for",
				    cfg->subject->variant_key, cfg->subject->model_key,
				    cfg->nr_variants, cfg->nr_models);
	cfg->sched = SCHED_BOUNDED;	/* whatever --sched said: the search chooses */
	cfg->shrink = false;
}

const struct torture_verb torture_verb_check = {
	.name = "check",
	.usage = "sgtorture check ID [OPTION]...   every schedule of ID with at most --preemptions\n"
		 "                                   K, each thread running --ops N operations",
	.takes_scenario = true,
	.prepare = prepare_check,
	.check = check_check,
	.main = check_main,
};
