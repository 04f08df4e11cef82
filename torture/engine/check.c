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
 * --shard I/N splits the tree (see deal()); a part claims only its part, and
 * the parts' JSON merged says whether the whole bound was exhausted
 * (reports/check_merge.py).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/dpor.h>
#include <check/sched_ctl.h>
#include <check/wait.h>

#include "check.h"
#include "verbs.h"

/* A schedule to run: its forced prefix and what it cost. */
struct item {
	uint32_t *prefix;
	size_t len;
	int preemptions;
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

/*
 * --shard I/N: every part runs the same first schedules until the queue
 * holds DEAL_PER_SHARD schedules a part, then keeps those whose prefix
 * hashes to it, and their subtrees.  Subtree sizes are heavy-tailed (H7 on
 * the clean port, K = 2: one holds about 300 of 668 schedules), so parts can differ
 * severalfold; dealing later evens them only by running most of the tree in
 * every part (measured: docs/sgtorture.md).
 */
#define DEAL_PER_SHARD	32
/*
 * DPOR's pending schedules are the untried branches along one path, fewer
 * than a queue's, and each may hold a large subtree: deal at a few a part.
 */
#define DPOR_DEAL_PER_SHARD	2

/* Which part a queued schedule goes to: a hash of its prefix, the same in every part. */
static int part_of(const struct item *it, int nr_shards)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < it->len; i++)
		h = (h ^ it->prefix[i]) * 1099511628211ull;
	return (int)(h % (uint64_t)nr_shards);
}

static void deal(struct queue *q, int bound, int shard, int nr_shards)
{
	for (int k = 0; k <= bound; k++) {
		size_t kept = q->head[k];

		for (size_t i = q->head[k]; i < q->n[k]; i++) {
			if (part_of(&q->items[k][i], nr_shards) == shard - 1)
				q->items[k][kept++] = q->items[k][i];
			else
				free(q->items[k][i].prefix);
		}
		q->n[k] = kept;
	}
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
		   int bound)
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
				struct item child = { .len = i + 1, .preemptions = c };

				child.prefix = malloc((i + 1) * sizeof(uint32_t));
				if (!child.prefix)
					abort();
				for (size_t j = 0; j < i; j++)
					child.prefix[j] = (uint32_t)t->d[j].chosen;
				child.prefix[i] = (uint32_t)th;
				push(q, child);
			}
		}
		cost += d->current_runnable && d->chosen != d->current;
	}
}

/*
 * A child that crashed after the failure (a port's use after free faulting
 * later) wrote no pending schedule; the shared trace has every decision it
 * made, and replaying all of them runs the same execution.
 */
static void keep_from_trace(struct torture_config *cfg, struct torture_result *res, int until)
{
	const struct sched_ctl_trace *t = cfg->sched_trace;
	uint32_t *choices;

	if (!t || !t->n || t->overflow)
		return;
	choices = malloc(t->n * sizeof(*choices));
	if (!choices)
		abort();
	for (size_t k = 0; k < t->n; k++)
		choices[k] = (uint32_t)t->d[k].chosen;
	torture_schedule_keep_choices(cfg, res, until, choices, t->n);
	free(choices);
}

static void describe(struct torture_config *cfg, struct torture_result *res, long n,
		     const struct item *it, bool hit, struct torture_example *e)
{
	int used = 0, oracle = hit ? cfg->stop_on : torture_failure_oracle(cfg, res);

	e->schedule = n;
	e->preemptions = it->preemptions;
	e->prefix = malloc((it->len ? it->len : 1) * sizeof(*e->prefix));
	if (!e->prefix)
		abort();
	memcpy(e->prefix, it->prefix, it->len * sizeof(*e->prefix));
	e->len = it->len;
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
	if (!torture_keep_schedule(cfg, res, oracle))
		keep_from_trace(cfg, res, oracle);
	snprintf(e->file, sizeof(e->file), "%s", res->sched_file[0] ? res->sched_file : "(none)");
	torture_replay_schedule_cmd(cfg, e->file, e->replay, sizeof(e->replay));
}

static void note_failure(struct torture_config *cfg, struct torture_result *res, long n,
			 const struct item *it, bool hit, struct torture_findings *f)
{
	struct torture_example *e = hit ? &f->found_first : &f->other_first;

	f->failed++;
	f->found += hit;
	if (e->schedule < 0)
		describe(cfg, res, n, it, hit, e);
}

static void print_example(const char *what, const struct torture_example *e)
{
	if (e->schedule < 0)
		return;
	printf("%s: schedule %ld, %d preemption%s: %s\nschedule: %s\nReplay: %s\n",
	       what, e->schedule, e->preemptions, e->preemptions == 1 ? "" : "s", e->report, e->file,
	       e->replay);
}

static json_t *example_json(const struct torture_example *e)
{
	if (e->schedule < 0)
		return json_null();
	return json_pack("{s:I,s:i,s:s,s:s,s:s}", "schedule", (json_int_t)e->schedule,
			 "preemptions", e->preemptions, "report", e->report, "file", e->file,
			 "replay", e->replay);
}

/* The names of the bits set: what some schedule of the search saw. */
static json_t *seen_json(uint64_t seen, int n, const char *const *name)
{
	json_t *a = json_array();

	for (int i = 0; i < n && a; i++)
		if (seen >> i & 1)
			json_array_append_new(a, json_string(name[i]));
	return a;
}

static json_t *check_json(const struct torture_config *cfg, const struct torture_search *s,
			  const struct torture_findings *f)
{
	char shard[32], vkey[32], mkey[32];
	json_t *doc;

	snprintf(shard, sizeof(shard), "%d/%d", cfg->shard, cfg->nr_shards);
	/* preemptions: -1 when unbounded (DPOR); "dpor" says which search it was. */
	doc = json_pack("{s:s,s:s,s:s,s:s,s:i,s:I,s:I,s:b,s:I,s:I,s:f,s:s,s:I,s:I,s:o,s:o}",
			 "scenario", cfg->scenario,
			 torture_json_key(cfg->subject->variant_key, vkey, sizeof(vkey)),
			 cfg->subject->variant_name(cfg->variants[0]),
			 torture_json_key(cfg->subject->model_key, mkey, sizeof(mkey)),
			 cfg->subject->model_name(cfg->models[0]),
			 "oracle", sgt_oracle_name(cfg->stop_on), "preemptions", cfg->preemptions,
			 "ops", (json_int_t)cfg->ops, "schedules", (json_int_t)s->schedules,
			 "exhausted", s->exhausted && cfg->nr_shards <= 1, "left", (json_int_t)s->left,
			 "cut", (json_int_t)s->cut, "seconds", s->secs, "shard", shard, "found", (json_int_t)f->found,
			 "failed", (json_int_t)f->failed,
			 "first_found", example_json(&f->found_first),
			 "first_other_failure", example_json(&f->other_first));
	/* A part's own claim, and what the parts share, for check_merge.py. */
	if (doc)
		json_object_update_new(doc, json_pack("{s:b,s:I,s:I,s:I,s:b,s:I}", "part_exhausted",
			s->exhausted, "shared", (json_int_t)s->shared, "shared_found",
			(json_int_t)s->shared_found, "shared_failed", (json_int_t)s->shared_failed,
			"dpor", cfg->dpor, "sleep_blocked", (json_int_t)s->sleep_blocked));
	/* --choices all: the vectors of data choices searched. */
	if (doc)
		json_object_update_new(doc, json_pack("{s:s,s:i}", "choices",
				       cfg->all_choices ? "all" : "seed", "vectors", s->vectors));
	/*
	 * What an exhausted search covered; a part's, what the whole covers
	 * once every part is exhausted (check_merge.py says whether they are).
	 */
	if (doc && s->exhausted) {
		char covered[400];

		json_object_set_new(doc, cfg->nr_shards <= 1 ? "covers" : "covers_when_merged",
				    json_string(torture_check_covered(cfg, s, covered,
								      sizeof(covered))));
	}
	if (doc)
		json_object_update_new(doc, json_pack("{s:o,s:o}", "violations_seen",
				       seen_json(f->violations_seen, SGT_V_NR, sgt_violation_name),
				       "outcomes_seen", seen_json(f->outcomes_seen,
				       cfg->subject->nr_outcomes, cfg->subject->outcome_name)));
	if (doc && cfg->dpor)
		json_object_update_new(doc, json_pack("{s:i,s:i,s:b,s:I}", "passes", s->passes,
				       "last_bound", s->bound, "pruned", s->pruned,
				       "last_pass_schedules", (json_int_t)s->last_pass));
	return doc;
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

static int check_threads(const struct torture_config *cfg)
{
	int threads = 0;

	for (int r = 0; r < cfg->subject->nr_roles; r++)
		threads += cfg->threads[r];
	return threads;
}

/*
 * Does DPOR go in passes of a growing bound (the first counterexample then
 * has the fewest preemptions)?  Not for a port declared clean, which has
 * none to find, nor for a part of a sharded search (search_dpor()).
 */
static bool dpor_in_passes(const struct torture_config *cfg)
{
	return cfg->dpor && cfg->nr_shards <= 1 && !torture_expects_clean(cfg);
}

const char *torture_check_bound(const struct torture_config *cfg, char *buf, size_t len)
{
	int k = cfg->preemptions;

	if (dpor_in_passes(cfg) && k < 0)
		snprintf(buf, len, "DPOR (one schedule per class of equivalent interleavings) in "
			 "passes of a growing preemption bound until one prunes nothing");
	else if (dpor_in_passes(cfg))
		snprintf(buf, len, "DPOR in passes of a preemption bound of 0 to %d", k);
	else if (cfg->dpor && k < 0)
		snprintf(buf, len, "DPOR (one schedule per class of equivalent interleavings), "
			 "no preemption bound");
	else if (cfg->dpor)
		snprintf(buf, len, "DPOR within %d preemption%s", k, k == 1 ? "" : "s");
	else
		snprintf(buf, len, "every schedule with at most %d preemption%s", k,
			 k == 1 ? "" : "s");
	return buf;
}

const char *torture_check_covered(const struct torture_config *cfg,
				  const struct torture_search *s, char *buf, size_t len)
{
	char what[160], choices[80];

	if (cfg->dpor && !s->pruned)
		snprintf(what, sizeof(what), "every interleaving (DPOR: one per class of "
			 "interleavings whose steps commute; %d pass%s)", s->passes,
			 s->passes == 1 ? "" : "es");
	else if (cfg->dpor)
		snprintf(what, sizeof(what), "DPOR within %d preemption%s (bounded: it may skip "
			 "schedules within the bound)", s->bound, s->bound == 1 ? "" : "s");
	else
		torture_check_bound(cfg, what, sizeof(what));
	if (cfg->all_choices)
		snprintf(choices, sizeof(choices), "every class of every data choice (%d vector%s)",
			 s->vectors, s->vectors == 1 ? "" : "s");
	else
		snprintf(choices, sizeof(choices), "the data choices of seed %llu",
			 (unsigned long long)cfg->seed);
	snprintf(buf, len, "%s of %d thread%s x %lu operation%s, with %s, under sequential "
		 "consistency", what, check_threads(cfg), check_threads(cfg) == 1 ? "" : "s",
		 cfg->ops, cfg->ops == 1 ? "" : "s", choices);
	return buf;
}

/* "EXHAUSTED", or for one part of a sharded bound "part 2/4 exhausted". */
static const char *bound_state(const struct torture_config *cfg, const struct torture_search *s,
			       char *buf, size_t len)
{
	if (cfg->nr_shards <= 1)
		return s->exhausted ? "EXHAUSTED" : "not exhausted";
	snprintf(buf, len, "part %d/%d %s (the whole bound: reports/check_merge.py over every "
		 "part)", cfg->shard, cfg->nr_shards, s->exhausted ? "exhausted" : "not exhausted");
	return buf;
}

static void print_summary(const struct torture_config *cfg, const struct torture_search *s,
			  const struct torture_findings *f, bool clean)
{
	const char *name = cfg->subject->variant_name(cfg->variants[0]);
	const char *what = torture_expect_label(cfg);
	char part[160], bound[160], covered[400];

	printf("check %s: %ld schedules in %.2f s (%.0f schedules/min), %s: %s",
	       cfg->scenario, s->schedules, s->secs, s->schedules / s->secs * 60,
	       torture_check_bound(cfg, bound, sizeof(bound)), bound_state(cfg, s, part, sizeof(part)));
	if (cfg->dpor && s->bound >= 0)
		printf(" (%d pass%s, the last at bound %d: %ld schedules, %lu ended where every "
		       "runnable thread slept)", s->passes, s->passes == 1 ? "" : "es", s->bound,
		       s->last_pass, s->sleep_blocked);
	else if (cfg->dpor)
		printf(" (%lu ended where every runnable thread slept)", s->sleep_blocked);
	if (!s->exhausted)
		printf(" (%zu schedules left, %lu cut short%s)", s->left, s->cut,
		       f->found && !clean ? "; stopped at the first counterexample" : "");
	printf("; %lu found (%s), %lu failed on any oracle; the longest schedule made %zu "
	       "decisions\n", f->found, sgt_oracle_name(cfg->stop_on), f->failed, s->longest);
	print_example("first counterexample", &f->found_first);
	print_example("first failure on another oracle", &f->other_first);
	if (dpor_in_passes(cfg) && f->found_first.schedule >= 0 && s->bound > 0)
		printf("(found in the pass bounded at %d preemption%s; the passes below it found "
		       "none, though a bounded pass may skip schedules within its bound)\n", s->bound,
		       s->bound == 1 ? "" : "s");
	else if (cfg->dpor && !dpor_in_passes(cfg) && f->failed)
		printf("(one DPOR pass: the first failure found, not the one with the fewest "
		       "preemptions)\n");
	torture_check_covered(cfg, s, covered, sizeof(covered));
	if (!clean) {
		printf("verdict: %s is %s: %s\n", name, what, f->found ? "FOUND" : "NOT FOUND");
		if (!f->found && s->exhausted && cfg->nr_shards <= 1)
			printf("searched: %s\n", covered);
		return;
	}
	if (f->failed)
		printf("verdict: %s is %s: FAILED\n", name, what);
	else if (!s->exhausted)
		printf("verdict: %s is %s: clean so far, bound NOT exhausted\n", name, what);
	else if (cfg->nr_shards > 1)
		printf("verdict: %s is %s: clean on every oracle in part %d/%d of the bound only\n",
		       name, what, cfg->shard, cfg->nr_shards);
	else
		printf("verdict: %s is %s: clean on every oracle: %s\n", name, what, covered);
}

static void free_queue(struct queue *q)
{
	for (int k = 0; k <= 16; k++) {
		while (q->head[k] < q->n[k])
			free(q->items[k][q->head[k]++].prefix);
		free(q->items[k]);
	}
}

/*
 * --choices all: the data choices seen so far, each a thread's kth choice
 * with how many classes it had, in the order they were first seen; and
 * the vectors (classes taken at each) already searched.
 */
struct data_space {
	int n;
	struct { uint8_t t, k, classes; } pos[TORTURE_CHOICE_THREADS * TORTURE_MAX_CHOICES];
	bool changed;			/* a choice or a class was added by the last vector */
	uint8_t (*done)[TORTURE_CHOICE_THREADS][TORTURE_MAX_CHOICES];	/* the vectors searched */
	size_t nr_done, cap_done;
};

static void note_choices(struct torture_search *s, const struct torture_result *res)
{
	struct data_space *sp = s->space;

	s->choices_overflow |= res->choices_overflow;
	for (int t = 0; t < TORTURE_CHOICE_THREADS; t++)
		for (int k = 0; k < TORTURE_MAX_CHOICES; k++) {
			uint8_t seen = res->choices_seen[t][k];
			int i = 0;

			if (!seen)
				continue;
			while (i < sp->n && (sp->pos[i].t != t || sp->pos[i].k != k))
				i++;
			if (i == sp->n)
				sp->pos[sp->n++] = (typeof(sp->pos[0])){ (uint8_t)t, (uint8_t)k, 0 };
			if (seen > sp->pos[i].classes) {
				sp->pos[i].classes = seen;
				sp->changed = true;
			}
		}
}

static bool vector_done(const struct data_space *sp, const uint8_t data[][TORTURE_MAX_CHOICES])
{
	for (size_t i = 0; i < sp->nr_done; i++)
		if (!memcmp(sp->done[i], data, sizeof(sp->done[i])))
			return true;
	return false;
}

static void vector_searched(struct data_space *sp, const uint8_t data[][TORTURE_MAX_CHOICES])
{
	if (sp->nr_done == sp->cap_done) {
		sp->cap_done = sp->cap_done ? 2 * sp->cap_done : 64;
		sp->done = realloc(sp->done, sp->cap_done * sizeof(*sp->done));
		if (!sp->done)
			abort();
	}
	memcpy(sp->done[sp->nr_done++], data, sizeof(sp->done[0]));
}

/*
 * The next vector not yet searched, counting through every class of every
 * choice seen (the first seen the fastest digit).  When the last vector
 * showed a new choice or a new class, the count starts again from all
 * first classes, skipping the vectors done: the product of the classes
 * seen is then covered whatever order they were found in.
 */
static bool next_vector(struct data_space *sp, uint8_t data[][TORTURE_MAX_CHOICES])
{
	if (sp->changed) {
		sp->changed = false;
		memset(data, 0, sizeof(uint8_t) * TORTURE_CHOICE_THREADS * TORTURE_MAX_CHOICES);
		if (!vector_done(sp, data))
			return true;
	}
	for (;;) {
		int i = 0;

		for (; i < sp->n; i++) {
			uint8_t *v = &data[sp->pos[i].t][sp->pos[i].k];

			if (++*v < sp->pos[i].classes)
				break;
			*v = 0;
		}
		if (i == sp->n)
			return false;
		if (!vector_done(sp, data))
			return true;
	}
}

/* One schedule's place in the search: counted, its failure noted, its children queued. */
static void account(struct torture_config *cfg, struct torture_result *res,
		    const struct sched_ctl_trace *trace, const struct item *it, bool failed,
		    bool hit, bool shared, struct torture_search *s, struct torture_findings *f)
{
	s->schedules++;
	s->shared += shared;
	s->shared_failed += shared && failed;
	s->shared_found += shared && hit;
	s->longest = trace->n > s->longest ? trace->n : s->longest;
	/* A schedule cut short (the step cap, no room for its decisions) is not whole. */
	s->cut += trace->overflow || res->sched_steps >= cfg->sched_steps;
	for (int v = 0; v < SGT_V_NR; v++)
		f->violations_seen |= (uint64_t)(atomic_load(&res->violations[v]) > 0) << v;
	for (int o = 0; o < cfg->subject->nr_outcomes; o++)
		f->outcomes_seen |= (uint64_t)(atomic_load(&res->outcomes[o]) > 0) << o;
	if (failed)
		note_failure(cfg, res, s->schedules, it, hit, f);
	if (s->space)
		note_choices(s, res);
}

static void search(struct torture_config *cfg, struct torture_result *res,
		   struct sched_ctl_trace *trace, enum torture_check_stop stop,
		   struct torture_search *s, struct torture_findings *f)
{
	bool dealt = cfg->nr_shards <= 1;
	struct queue q = { 0 };
	struct item it = { 0 };
	long limit = (long)cfg->budget;

	push(&q, it);
	while (s->schedules < limit && !torture_interrupted() && pop(&q, cfg->preemptions, &it)) {
		bool hit, failed = run_item(cfg, res, trace, &it, &hit);

		account(cfg, res, trace, &it, failed, hit, !dealt, s, f);
		expand(&q, &it, trace, cfg->preemptions);
		free(it.prefix);
		if (!dealt && queued(&q, cfg->preemptions) >= DEAL_PER_SHARD * (size_t)cfg->nr_shards) {
			deal(&q, cfg->preemptions, cfg->shard, cfg->nr_shards);
			dealt = true;
		}
		/* The first counterexample has the fewest preemptions. */
		if ((hit && stop == TORTURE_STOP_FOUND) || (failed && stop == TORTURE_STOP_FAILED))
			break;
	}
	s->left = queued(&q, cfg->preemptions);
	s->exhausted = !s->left && !s->cut && !torture_interrupted();
	free_queue(&q);
}

/* Preemptions of an execution: switches away from a thread that could have gone on. */
static int trace_preemptions(const struct sched_ctl_trace *t)
{
	int n = 0;

	for (size_t i = 0; i < t->n; i++)
		n += t->d[i].current_runnable && t->d[i].chosen != t->d[i].current;
	return n;
}

/* One DPOR pass within bound (< 0: none): true when it stopped at a finding. */
static bool dpor_pass(struct torture_config *cfg, struct torture_result *res,
		      struct sched_ctl_trace *trace, enum torture_check_stop stop, int threads,
		      int bound, struct torture_search *s, struct torture_findings *f)
{
	const struct sched_ctl_sleeper *sleepers;
	const uint32_t *prefix;
	long limit = (long)cfg->budget, start = s->schedules;
	bool more = true, stopped = false;
	struct dpor d;
	int nr_sleepers;
	size_t len;

	bool dealt = cfg->nr_shards <= 1;

	dpor_init(&d, threads, bound);
	while (s->schedules < limit && !torture_interrupted() &&
	       (more = dpor_next(&d, &prefix, &len, &sleepers, &nr_sleepers))) {
		struct item it = { .prefix = (uint32_t *)prefix, .len = len };
		bool hit, failed;

		cfg->sched_sleepers = sleepers;
		cfg->nr_sched_sleepers = nr_sleepers;
		failed = run_item(cfg, res, trace, &it, &hit);
		it.preemptions = trace_preemptions(trace);
		account(cfg, res, trace, &it, failed, hit, !dealt, s, f);
		dpor_record(&d, trace);
		if (!dealt && dpor_pending(&d) >= DPOR_DEAL_PER_SHARD * (size_t)cfg->nr_shards) {
			dpor_deal(&d, cfg->shard, cfg->nr_shards);
			dealt = true;
		}
		stopped = (hit && stop == TORTURE_STOP_FOUND) || (failed && stop == TORTURE_STOP_FAILED);
		if (stopped)
			break;
	}
	if (more && !stopped && s->schedules >= limit)
		more = dpor_next(&d, &prefix, &len, &sleepers, &nr_sleepers);
	s->left = more;		/* DPOR knows only whether one more is left */
	s->sleep_blocked = d.sleep_blocked;
	s->exhausted = !more && !d.cut && !s->cut && !torture_interrupted();
	s->pruned = d.pruned;
	s->bound = bound;
	s->passes++;
	s->last_pass = s->schedules - start;
	cfg->sched_sleepers = NULL;
	cfg->nr_sched_sleepers = 0;
	dpor_free(&d);
	return stopped;
}

/*
 * DPOR (check/dpor.h) in passes of a growing preemption bound, 0, 1, 2 ...,
 * as iterative context bounding does: a counterexample comes from the
 * lowest bound that finds one.  Without --preemptions the passes go on
 * until one is not pruned by its bound: that pass explored every class of
 * interleavings, and its verdict is the unbounded one.
 *
 * A part of a sharded search (--shard I/N) runs one pass, at --preemptions
 * or unbounded: parts that stopped at different bounds would have dealt
 * different trees, whose shares do not add up to one.
 */
static void search_dpor(struct torture_config *cfg, struct torture_result *res,
			struct sched_ctl_trace *trace, enum torture_check_stop stop,
			struct torture_search *s, struct torture_findings *f)
{
	int threads = check_threads(cfg), max = cfg->preemptions;

	torture_zygote_start(cfg, res);
	if (!dpor_in_passes(cfg)) {
		dpor_pass(cfg, res, trace, stop, threads, max, s, f);
		torture_zygote_stop();
		return;
	}
	for (int bound = 0;; bound++) {
		if (dpor_pass(cfg, res, trace, stop, threads, bound, s, f))
			break;
		if (!s->exhausted || !s->pruned || bound == max)
			break;
	}
	torture_zygote_stop();
}

/* One search of the interleavings, with the data choices cfg gives. */
static void search_one(struct torture_config *cfg, struct torture_result *res,
		       struct sched_ctl_trace *trace, enum torture_check_stop stop,
		       struct torture_search *s, struct torture_findings *f)
{
	if (!cfg->dpor)
		search(cfg, res, trace, stop, s, f);
	else
		search_dpor(cfg, res, trace, stop, s, f);
}

/*
 * --choices all: a search of the interleavings for each vector of data
 * choices, until every class of every choice seen was taken with every
 * class of the others (as shuttle and loom explore a model's random
 * choices, here outside the interleavings).  Exhausted only when every
 * vector's search was.
 */
static void search_choices(struct torture_config *cfg, struct torture_result *res,
			   struct sched_ctl_trace *trace, enum torture_check_stop stop,
			   struct torture_search *s, struct torture_findings *f)
{
	struct data_space *sp = calloc(1, sizeof(*sp));
	bool exhausted = true, pruned = false;

	if (!sp)
		abort();
	s->space = sp;
	cfg->data_forced = true;
	memset(cfg->data, 0, sizeof(cfg->data));
	do {
		search_one(cfg, res, trace, stop, s, f);
		vector_searched(sp, cfg->data);
		s->vectors++;
		exhausted &= s->exhausted;
		pruned |= s->pruned;
		if (!s->exhausted || (f->found && stop == TORTURE_STOP_FOUND) ||
		    (f->failed && stop == TORTURE_STOP_FAILED))
			break;
	} while (next_vector(sp, cfg->data));
	s->exhausted = exhausted && !s->choices_overflow;
	s->pruned = pruned;
	s->space = NULL;
	free(sp->done);
	free(sp);
}

void torture_findings_free(struct torture_findings *f)
{
	free(f->found_first.prefix);
	free(f->other_first.prefix);
	f->found_first.prefix = f->other_first.prefix = NULL;
}

bool torture_check_search(struct torture_config *cfg, enum torture_check_stop stop,
			  struct torture_search *s, struct torture_findings *f)
{
	struct sched_ctl_trace *trace = torture_trace_map();
	struct torture_result *res = torture_result_map();
	uint64_t start = sgt_now_ns();

	*s = (struct torture_search){ 0 };
	*f = (struct torture_findings){ .found_first.schedule = -1, .other_first.schedule = -1 };
	if (!trace || !res) {
		if (trace)
			torture_trace_unmap(trace);
		if (res)
			torture_result_unmap(res);
		return false;
	}
	cfg->sched_trace = trace;
	if (cfg->all_choices)
		search_choices(cfg, res, trace, stop, s, f);
	else
		search_one(cfg, res, trace, stop, s, f);
	s->secs = (double)(sgt_now_ns() - start) / 1e9;
	cfg->sched_replay = NULL;
	cfg->nr_sched_replay = 0;
	cfg->sched_trace = NULL;
	torture_trace_unmap(trace);
	torture_result_unmap(res);
	return true;
}

static int check_main(struct torture_config *cfg)
{
	struct torture_findings f;
	struct torture_search s;
	bool clean = torture_expects_clean(cfg);
	int threads = check_threads(cfg);
	char bound[160];
	json_t *doc;

	printf("check %s: %s on %s, %d threads x %lu operations, %s, until %s (any oracle "
	       "counts)\n", cfg->scenario, cfg->subject->variant_name(cfg->variants[0]),
	       cfg->subject->model_name(cfg->models[0]), threads, cfg->ops,
	       torture_check_bound(cfg, bound, sizeof(bound)), sgt_oracle_name(cfg->stop_on));
	if (!cfg->dpor && !sgt_fp_built())
		printf("check %s: plain enumeration: this build records no footprints for DPOR "
		       "(the release preset)\n", cfg->scenario);
	fflush(stdout);
	if (!torture_check_search(cfg, clean ? TORTURE_STOP_NEVER : TORTURE_STOP_FOUND, &s, &f))
		return 1;
	print_summary(cfg, &s, &f, clean);
	doc = check_json(cfg, &s, &f);
	if (cfg->json && (!doc || json_dump_file(doc, cfg->json, JSON_INDENT(2))))
		fprintf(stderr, "sgtorture: cannot write --json '%s'\n", cfg->json);
	json_decref(doc);
	torture_findings_free(&f);
	if (clean)
		return f.failed || !s.exhausted ? 1 : 0;
	return f.found ? 0 : 1;
}

void torture_check_defaults(struct torture_config *cfg)
{
	cfg->budget = CHECK_BUDGET;
	/* The roles' own choices: one program, the same search every time. */
	cfg->seed = cfg->check_seed ? cfg->check_seed : 1;
	cfg->preemptions = -1;		/* after the options: none with DPOR, else K */
	cfg->dpor = sgt_fp_built();	/* the release preset's build cannot */
	cfg->ops = cfg->check_ops ? cfg->check_ops : 2;
	cfg->sched = SCHED_BOUNDED;
	cfg->sched_steps = 100000;	/* a safety net: --ops ends every schedule */
	cfg->timeline = false;
	cfg->stat_interval = 0;
	cfg->quiet = true;
	cfg->jitter = 0;
	torture_controlled_oracle(cfg);
}

void torture_check_options(struct torture_config *cfg)
{
	int threads = check_threads(cfg);

	if (cfg->all_choices && cfg->nr_shards > 1)
		torture_usage_error("check: --choices all with --shard %d/%d: the parts would find "
				    "the choices in different orders; accepted: --choices seed",
				    cfg->shard, cfg->nr_shards);
	if (cfg->all_choices && cfg->nr_faults)
		torture_usage_error("check: --choices all with --fault %s: whether a fault fires is "
				    "drawn from the seed, not explored; accepted: --choices seed",
				    cfg->faults[0]);
	if (cfg->all_choices && threads > TORTURE_CHOICE_THREADS)
		torture_usage_error("check: %d threads: --choices all directs at most %d; "
				    "accepted: fewer threads, or --choices seed", threads,
				    TORTURE_CHOICE_THREADS);
	if (cfg->preemptions < 0 && !cfg->dpor)
		cfg->preemptions = cfg->check_preemptions ? cfg->check_preemptions : 2;
	if (!cfg->dpor)
		return;
	if (!sgt_fp_built())
		torture_usage_error("check: --dpor: this build records no footprints (the release "
				    "preset); accepted: --no-dpor, or the default build");
	if (threads > DPOR_MAX_THREADS)
		torture_usage_error("check: %d threads: DPOR takes at most %d; accepted: fewer "
				    "threads, or --no-dpor", threads, DPOR_MAX_THREADS);
}

static void check_check(struct torture_config *cfg)
{
	if (cfg->nr_variants != 1 || cfg->nr_models != 1)
		torture_usage_error("check runs one %s on one %s; %d x %d were asked for",
				    cfg->subject->variant_key, cfg->subject->model_key,
				    cfg->nr_variants, cfg->nr_models);
	cfg->sched = SCHED_BOUNDED;	/* whatever --sched said: the search chooses */
	cfg->shrink = false;
	torture_check_options(cfg);
}

const struct torture_verb torture_verb_check = {
	.name = "check",
	.usage = "sgtorture check ID [OPTION]...   every schedule of ID with at most --preemptions\n"
		 "                                   K, each thread running --ops N operations",
	.takes_scenario = true,
	.prepare = torture_check_defaults,
	.check = check_check,
	.main = check_main,
};
