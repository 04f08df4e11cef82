// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture report ID: a scenario's counterexample as a mail to a kernel
 * list reads, in the layout of syzbot's and KCSAN's reports: a title line,
 * the report with each involved thread's stack, the interleaving with the
 * source line of each event, the versions, the schedule file and its replay
 * command, and which later versions fix it and whether today's code still
 * has it.
 *
 * The counterexample is check's first (the fewest preemptions of the search;
 * check.h), run once more with stacks on: a controlled schedule is the same
 * on every run, so the stacks are those of the schedule the file holds.
 * Every "Fixed by:" and "Still present in:" line is a check of its own,
 * printed with what it covered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "symbolize.h"
#include "verbs.h"

#define RULE "=================================================================="
#define MAX_FRAMES 64

/*
 * The harness's own frames: the oracles, the timeline, the scheduler (its
 * inline helpers are sgt_*, and DWARF may place an inlined asm statement at
 * its caller's line), libc.
 */
static bool harness_frame(const struct torture_frame *f)
{
	return !f->file[0] || f->file[0] == '?' || !strchr(f->file, '/') ||
	       strstr(f->file, "/core/check/") || strstr(f->file, "/engine/") ||
	       !strncmp(f->func, "sgt_", 4) || !strncmp(f->func, "__sgt_", 6);
}

/* A path from the source tree's top: "core/sgtable/object.c". */
static const char *tree_path(const char *file)
{
	static const char *const tops[] = { "/core/", "/torture/", "/bench/" };

	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		const char *p = strstr(file, tops[i]);

		if (p)
			return p + 1;
	}
	return file;
}

/* The subject's frames of a stack, innermost first; returns how many. */
static int subject_frames(void *const *pcs, struct torture_frame *out, int max)
{
	struct torture_frame all[MAX_FRAMES];
	int n = torture_symbolize_stack(pcs, TRACE_PCS, all, MAX_FRAMES), k = 0;

	for (int i = 0; i < n && k < max; i++)
		if (!harness_frame(&all[i]))
			out[k++] = all[i];
	return k;
}

static void print_stack(void *const *pcs)
{
	struct torture_frame f[MAX_FRAMES];
	int n = subject_frames(pcs, f, MAX_FRAMES);

	for (int i = 0; i < n; i++)
		printf(" %s%s %s:%d\n", f[i].func, f[i].inlined ? " (inlined)" : "",
		       tree_path(f[i].file), f[i].line);
	if (!n)
		printf(" (no frames of the subject: the stack was not kept)\n");
}

/* The message of "Revokers-0: VIOLATION use-after-free: MSG". */
static const char *report_message(const struct torture_result *res)
{
	const char *m = strstr(res->timeline_report, ": VIOLATION ");

	m = m ? strstr(m + 12, ": ") : NULL;
	return m ? m + 2 : res->timeline_report;
}

/*
 * Where the title says it happened: the Rust function a port's message
 * names first ("SGTableMap::drop on object ..."), else the innermost frame
 * of the reporter's stack outside the harness.
 */
static void title_function(const struct torture_result *res, const char *msg, char *buf,
			   size_t len)
{
	size_t word = strcspn(msg, " ,(");
	const char *colons = strstr(msg, "::");
	struct torture_frame f[1];

	if (word < len && colons && colons < msg + word) {
		snprintf(buf, len, "%.*s", (int)word, msg);
		return;
	}
	if (subject_frames(res->report_pcs, f, 1))
		snprintf(buf, len, "%s", f[0].func);
	else
		snprintf(buf, len, "%s", res->report_thread);
}

/* "Freers-0" of an event. */
static void event_thread(const struct torture_config *cfg, const struct trace_event *e, char *buf,
			 size_t len)
{
	snprintf(buf, len, "%s-%d", cfg->subject->role_name[e->role], e->idx);
}

/*
 * Thread who's most telling event: of its events on focus (all of them when
 * focus is NULL or it has none), the one deepest in the subject's code --
 * the free, not the put that returned after it -- the latest of equals.
 */
static int telling_event(const struct torture_config *cfg, const struct torture_result *res,
			 const char *who, const void *focus)
{
	struct torture_frame f[MAX_FRAMES];
	int best = -1, best_depth = -1;

	for (int pass = 0; pass < 2 && best < 0; pass++, focus = NULL)
		for (int i = 0; i < res->nr_timeline; i++) {
			char other[32];
			int depth;

			event_thread(cfg, &res->timeline[i], other, sizeof(other));
			if (strcmp(other, who) || (focus && res->timeline[i].obj != focus))
				continue;
			depth = subject_frames(res->timeline_pcs[i], f, MAX_FRAMES);
			if (depth >= best_depth) {
				best = i;
				best_depth = depth;
			}
		}
	return best;
}

/* The index of thread who's first event. */
static int first_event(const struct torture_config *cfg, const struct torture_result *res,
		       const char *who)
{
	for (int i = 0; i < res->nr_timeline; i++) {
		char other[32];

		event_thread(cfg, &res->timeline[i], other, sizeof(other));
		if (!strcmp(other, who))
			return i;
	}
	return -1;
}

/*
 * Each other thread of the timeline, in order of first appearance: its
 * stack at its most telling event on the object the report names (KASAN's
 * "Freed by task"), else at its most telling event.
 */
static void print_other_threads(const struct torture_config *cfg,
				const struct torture_result *res)
{
	for (int i = 0; i < res->nr_timeline; i++) {
		char who[32], text[160];
		int at;

		event_thread(cfg, &res->timeline[i], who, sizeof(who));
		if (!strcmp(who, res->report_thread) || first_event(cfg, res, who) != i)
			continue;	/* the reporter, or a thread already shown */
		at = telling_event(cfg, res, who, res->timeline_focus);
		trace_event_text(&res->timeline[at], cfg->subject->place_name, text, sizeof(text));
		printf("\n%s, %s (step %llu: %s):\n", who,
		       res->timeline[at].obj == res->timeline_focus && res->timeline_focus ?
		       "its deepest event on the object" : "its deepest event",
		       (unsigned long long)res->timeline[at].ns, text);
		print_stack(res->timeline_pcs[at]);
	}
}

/* The interleaving, each event with the subject's source line it came from. */
static void print_interleaving(const struct torture_config *cfg, const struct torture_result *res)
{
	static char where[TIMELINE_MAX][96];
	const char *lines[TIMELINE_MAX];

	for (int i = 0; i < res->nr_timeline; i++) {
		struct torture_frame f[1];
		const char *file;

		where[i][0] = 0;
		if (subject_frames(res->timeline_pcs[i], f, 1)) {
			file = strrchr(f[0].file, '/') ? strrchr(f[0].file, '/') + 1 : f[0].file;
			snprintf(where[i], sizeof(where[i]), "%.40s:%d %.40s", file, f[0].line, f[0].func);
		}
		lines[i] = where[i];
	}
	trace_print_steps(res->timeline, res->nr_timeline, res->timeline_at_ns,
			  res->timeline_report, cfg->subject->role_name, cfg->subject->place_name,
			  lines, stdout);
}

static void print_tsan(const struct torture_config *cfg, const struct torture_result *res)
{
	for (int i = 0; i < res->nr_tsan_unique; i++) {
		if (cfg->tsan_frame && !strstr(res->tsan_unique[i].text, cfg->tsan_frame))
			continue;
		printf("ThreadSanitizer: %s, two accesses:\n%s", res->tsan_unique[i].type,
		       res->tsan_unique[i].text);
		return;
	}
}

static void print_title(const struct torture_config *cfg, const struct torture_result *res)
{
	char func[128] = "";
	const char *msg = report_message(res);

	if (cfg->stop_on == SGT_ORACLE_TSAN) {
		/* KCSAN's title: "data-race in f1 / f2", the first frame of each access. */
		const char *t = res->nr_tsan_unique ? res->tsan_unique[0].text : "";
		const char *second = strstr(t, "and #0 ");
		char f2[64] = "";

		sscanf(t, "#0 %127s", func);
		if (second)
			sscanf(second, "and #0 %63s", f2);
		printf("BUG: data-race in %s%s%s\n\n", func[0] ? func : "?", f2[0] ? " / " : "",
		       f2);
		print_tsan(cfg, res);
		return;
	}
	title_function(res, msg, func, sizeof(func));
	printf("BUG: %s in %s\n\n%s\n\n%s, at the report:\n", sgt_oracle_name(cfg->stop_on), func,
	       msg, res->report_thread);
	print_stack(res->report_pcs);
	print_other_threads(cfg, res);
}

static void print_versions(const struct torture_config *cfg, const struct torture_example *e,
			   const struct torture_search *s)
{
	const struct torture_subject *sub = cfg->subject;
	char src[512];
	int threads = 0;

	for (int r = 0; r < sub->nr_roles; r++)
		threads += cfg->threads[r];
	printf("\nVersions:\n  %-18s %s\n  %-18s %s\n", sub->variant_name(cfg->variants[0]),
	       sub->variant_version(cfg->variants[0]), sub->model_name(cfg->models[0]),
	       sub->model_version(cfg->models[0]));
	printf("Scenario: %s\n", sub->scenario_source(cfg->scenario, src, sizeof(src)));
	printf("Found by: sgtorture check %s --%s %s --%s %s: schedule %ld of %ld, %d preemption%s "
	       "(the fewest: schedules run in order of preemptions), %d threads x %lu operations, "
	       "the roles' choices from seed %llu\n", cfg->scenario, sub->variant_key,
	       sub->variant_name(cfg->variants[0]), sub->model_key, sub->model_name(cfg->models[0]),
	       e->schedule, s->schedules, e->preemptions, e->preemptions == 1 ? "" : "s", threads,
	       cfg->ops, (unsigned long long)cfg->seed);
	printf("Schedule: %s\nReplay: %s\n", e->file, e->replay);
}

/*
 * What a search covered: "its oracle (use-after-free) never fired, every
 * schedule with at most 2 preemptions (668 schedules, bound exhausted), ...;
 * clean on every other oracle" -- or where it failed.
 */
static void coverage(const struct torture_config *cfg, const struct torture_search *s,
		     const struct torture_findings *f, char *buf, size_t len)
{
	int n;

	if (f->found) {
		snprintf(buf, len, "found (%s) at schedule %ld, %d preemption%s",
			 sgt_oracle_name(cfg->stop_on), f->found_first.schedule,
			 f->found_first.preemptions, f->found_first.preemptions == 1 ? "" : "s");
		return;
	}
	n = snprintf(buf, len, "%s never fired, %s schedule with at most %d preemption%s "
		     "(%ld schedules%s), %lu operations a thread, the data choices of seed %llu, "
		     "under sequential consistency; ",
		     sgt_oracle_name(cfg->stop_on), s->exhausted ? "every" : "NOT every",
		     cfg->preemptions, cfg->preemptions == 1 ? "" : "s", s->schedules,
		     s->exhausted ? ", bound exhausted" : ", stopped at --budget", cfg->ops,
		     (unsigned long long)cfg->seed);
	if (n < 0 || (size_t)n >= len)
		return;
	if (f->failed)
		snprintf(buf + n, len - (size_t)n, "%lu schedules failed on other oracles, the "
			 "first: %s", f->failed, f->other_first.report);
	else
		snprintf(buf + n, len - (size_t)n, "clean on every other oracle");
}

/* A version checked already: today's code is often a fix's version too. */
/* What check said of a version: the scenario's oracle fired, or not in the whole bound. */
enum verdict { FOUND, FIXED, UNKNOWN };

static struct checked {
	int variant, model;
	enum verdict verdict;
	char cov[640];
} checked[32];
static int nr_checked;

/*
 * check on (variant, model): fixed (the scenario's oracle never fires and
 * the bound is exhausted)?  Other oracles' failures are printed, not
 * counted: v19 on devres-6.16 fixes R1 and still carries H7.
 */
static enum verdict related_check(struct torture_config *cfg, const struct torture_related *r,
				  char *cov, size_t len)
{
	int v = cfg->variants[0], m = cfg->models[0];
	struct torture_findings f;
	struct torture_search s;
	enum verdict verdict = UNKNOWN;

	for (int i = 0; i < nr_checked; i++)
		if (checked[i].variant == r->variant && checked[i].model == r->model) {
			snprintf(cov, len, "%s", checked[i].cov);
			return checked[i].verdict;
		}

	cfg->variants[0] = r->variant;
	cfg->models[0] = r->model;
	if (cfg->subject->check_options)
		cfg->subject->check_options(cfg);
	if (torture_check_search(cfg, TORTURE_STOP_FOUND, &s, &f)) {
		coverage(cfg, &s, &f, cov, len);
		verdict = f.found ? FOUND : s.exhausted ? FIXED : UNKNOWN;
		torture_findings_free(&f);
	} else {
		snprintf(cov, len, "not checked (no shared memory)");
	}
	cfg->variants[0] = v;
	cfg->models[0] = m;
	if (nr_checked < (int)(sizeof(checked) / sizeof(checked[0]))) {
		checked[nr_checked] = (struct checked){ r->variant, r->model, verdict, "" };
		snprintf(checked[nr_checked++].cov, sizeof(checked[0].cov), "%s", cov);
	}
	return verdict;
}

static void print_related_line(const struct torture_config *cfg, const char *label,
			       const struct torture_related *r, const char *cov)
{
	const struct torture_subject *sub = cfg->subject;

	printf("%s %s on %s: %s\n  check %s --%s %s --%s %s: %s\n", label,
	       sub->variant_name(r->variant), sub->model_name(r->model),
	       r->kind == TORTURE_LATER_MODEL ? sub->model_version(r->model) :
						sub->variant_version(r->variant),
	       cfg->scenario, sub->variant_key, sub->variant_name(r->variant), sub->model_key,
	       sub->model_name(r->model), cov);
}

/*
 * Fixed by: the first later model, and the first later version, that check
 * finds clean; the subject's own fix when nothing upstream is.  Still
 * present in: today's code, when check finds it there.
 */
static void print_related(struct torture_config *cfg)
{
	struct torture_related rel[32];
	int n = cfg->subject->scenario_related(cfg->scenario, cfg->variants[0], cfg->models[0],
					       rel, 32);
	bool fixed_model = false, fixed_variant = false, upstream = false;
	char cov[640];

	printf("\n");
	if (!n)
		printf("Fixed by: no version to compare: the subject names none for %s\n",
		       cfg->scenario);
	for (int i = 0; i < n; i++) {
		const struct torture_related *r = &rel[i];
		bool here = r->variant == cfg->variants[0] && r->model == cfg->models[0], fixed;
		enum verdict verdict;

		if ((r->kind == TORTURE_LATER_MODEL && fixed_model) ||
		    (r->kind == TORTURE_LATER_VARIANT && fixed_variant) ||
		    (r->kind == TORTURE_PROPOSED_FIX && (fixed_model || fixed_variant)))
			continue;
		if (r->kind == TORTURE_PROPOSED_FIX && !(fixed_model || fixed_variant) && upstream)
			printf("Fixed by: no later upstream version shown clean of it by check\n");
		if (r->kind == TORTURE_TODAY && here) {
			printf("Still present in: %s on %s (this report)\n",
			       cfg->subject->variant_name(r->variant),
			       cfg->subject->model_name(r->model));
			continue;
		}
		verdict = related_check(cfg, r, cov, sizeof(cov));
		fixed = verdict == FIXED;
		if (r->kind == TORTURE_TODAY)
			print_related_line(cfg, verdict == FOUND ? "Still present in:" :
					   fixed ? "Not present in today's code:" :
					   "Not found in today's code within the budget:", r, cov);
		else if (r->kind == TORTURE_PROPOSED_FIX)
			print_related_line(cfg, fixed ? "Fixed by (this project's proposal, not "
					   "upstream):" : verdict == FOUND ? "Not fixed by this "
					   "project's proposal:" : "Not shown fixed by this project's "
					   "proposal within the budget:", r, cov);
		else if (fixed)
			print_related_line(cfg, "Fixed by:", r, cov);
		upstream |= r->kind == TORTURE_LATER_MODEL || r->kind == TORTURE_LATER_VARIANT;
		fixed_model |= fixed && r->kind == TORTURE_LATER_MODEL;
		fixed_variant |= fixed && r->kind == TORTURE_LATER_VARIANT;
	}
}

/* The counterexample once more, with stacks: the same schedule, so the same run. */
static bool rerun_with_stacks(struct torture_config *cfg, const struct torture_example *e,
			      struct torture_result *res)
{
	struct sched_ctl_trace *trace = torture_trace_map();
	bool hit;

	if (!trace)
		return false;
	cfg->timeline = true;
	cfg->stacks = true;
	cfg->sched_trace = trace;
	cfg->sched_replay = e->prefix;
	cfg->nr_sched_replay = e->len;
	hit = torture_attempt(cfg, res);
	cfg->sched_replay = NULL;
	cfg->nr_sched_replay = 0;
	cfg->sched_trace = NULL;
	cfg->timeline = false;
	cfg->stacks = false;
	torture_trace_unmap(trace);
	return hit;
}

static int report_main(struct torture_config *cfg)
{
	const struct torture_subject *sub = cfg->subject;
	struct torture_result *res;
	struct torture_findings f;
	struct torture_search s;
	char cov[640];
	double budget = cfg->budget;		/* --budget: the related checks' */
	int rc = 1;
	bool ok;

	cfg->budget = CHECK_BUDGET;		/* the counterexample's search: check's own */
	ok = torture_check_search(cfg, TORTURE_STOP_FOUND, &s, &f);
	cfg->budget = budget;
	if (!ok)
		return 1;
	if (!f.found) {
		coverage(cfg, &s, &f, cov, sizeof(cov));
		printf("report %s: %s on %s: no counterexample: %s\n", cfg->scenario,
		       sub->variant_name(cfg->variants[0]), sub->model_name(cfg->models[0]), cov);
		torture_findings_free(&f);
		return 1;
	}
	res = torture_result_map();
	if (res && rerun_with_stacks(cfg, &f.found_first, res)) {
		printf("%s\n", RULE);
		print_title(cfg, res);
		printf("\nThe interleaving: check's counterexample, one column per thread, each "
		       "event over its source line:\n");
		print_interleaving(cfg, res);
		print_versions(cfg, &f.found_first, &s);
		fflush(stdout);
		print_related(cfg);
		printf("%s\n", RULE);
		rc = 0;
	} else {
		fprintf(stderr, "sgtorture: report %s: schedule %ld did not fail again with stacks "
			"on; its file: %s\n", cfg->scenario, f.found_first.schedule,
			f.found_first.file);
	}
	if (res)
		torture_result_unmap(res);
	torture_findings_free(&f);
	return rc;
}

static void check_report(struct torture_config *cfg)
{
	if (cfg->nr_variants != 1 || cfg->nr_models != 1)
		torture_usage_error("report names one %s on one %s; %d x %d were asked for",
				    cfg->subject->variant_key, cfg->subject->model_key,
				    cfg->nr_variants, cfg->nr_models);
	cfg->sched = SCHED_BOUNDED;
	cfg->shrink = false;
	/*
	 * Plain enumeration, for its order: the first counterexample has the
	 * fewest preemptions, and each check's bound reads "at most K".
	 */
	cfg->dpor = false;
	torture_check_options(cfg);
}

const struct torture_verb torture_verb_report = {
	.name = "report",
	.usage = "sgtorture report ID [OPTION]...  ID's counterexample as a report for a kernel\n"
		 "                                   list: stacks, interleaving, versions, replay,\n"
		 "                                   Fixed by / Still present in",
	.takes_scenario = true,
	.prepare = torture_check_defaults,
	.check = check_report,
	.main = report_main,
};
