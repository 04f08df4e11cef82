// SPDX-License-Identifier: GPL-2.0
/* A run's result: shared memory, TSan reports, the verdict, the report and the JSON. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <check/sched_ctl.h>
#include <check/tsan_report.h>

#include "symbolize.h"
#include "torture.h"

struct torture_result *torture_result_map(void)
{
	void *p = mmap(NULL, sizeof(struct torture_result), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;	/* zeroed by the kernel */
}

void torture_result_unmap(struct torture_result *res)
{
	munmap(res, sizeof(*res));
}

void torture_result_leak(struct torture_result *res, const char *what, long count)
{
	if (res->nr_leaks == MAX_LEAKS)
		return;
	snprintf(res->leaks[res->nr_leaks].name, sizeof(res->leaks[0].name), "%s", what);
	res->leaks[res->nr_leaks++].count = count;
}

void torture_collect_tsan(struct torture_result *res)
{
	struct sgt_tsan_unique u[MAX_TSAN_UNIQUE];
	int n = sgt_tsan_unique_reports(u, MAX_TSAN_UNIQUE);

	res->nr_tsan_unique = n < MAX_TSAN_UNIQUE ? n : MAX_TSAN_UNIQUE;
	for (int i = 0; i < res->nr_tsan_unique; i++) {
		snprintf(res->tsan_unique[i].type, sizeof(res->tsan_unique[i].type), "%s", u[i].type);
		res->tsan_unique[i].count = u[i].count;
		res->tsan_unique[i].first_ns = u[i].first_ns - res->start_ns;
		memcpy(res->tsan_unique[i].pcs, u[i].pcs, sizeof(u[i].pcs));
	}
	res->tsan_reports = sgt_tsan_report_count();
}

/*
 * The same binary at the same addresses (fork), so the parent's dladdr
 * holds.  Each stack starts at the program's first frame: the runtime's
 * own frames are dropped and counted.
 */
void torture_symbolize_tsan(struct torture_result *res)
{
	for (int i = 0; i < res->nr_tsan_unique; i++) {
		char *text = res->tsan_unique[i].text;
		size_t used = 0, cap = sizeof(res->tsan_unique[i].text);

		if (res->tsan_unique[i].symbolized)
			continue;
		res->tsan_unique[i].symbolized = true;
		for (int k = 0; k < 2 && used < cap; k++) {
			int shown = 0;

			for (int f = 0; f < SGT_TSAN_FRAMES && res->tsan_unique[i].pcs[k][f] && used < cap; f++) {
				char sym[200];

				if (!torture_symbolize(res->tsan_unique[i].pcs[k][f], sym, sizeof(sym))) {
					res->tsan_unique[i].dropped++;
					continue;
				}
				used += (size_t)snprintf(text + used, cap - used, "%s#%d %s\n",
							 shown ? "  " : (k ? "and " : ""), shown, sym);
				shown++;
			}
		}
	}
}

void torture_symbolize_crash(struct torture_result *res)
{
	size_t used = 0, cap = sizeof(res->crash.text);

	/* Frame 0 is the handler and 1 the signal trampoline: the crash is frame 2 on. */
	for (int f = 2, shown = 0; f < res->crash.nr_pcs && used < cap; f++) {
		char sym[200];

		/*
		 * Return addresses, which symbolize() steps back from; the
		 * faulting frame's is the faulting instruction itself.
		 */
		if (!torture_symbolize((char *)res->crash.pcs[f] + (f == 2), sym, sizeof(sym)))
			continue;
		used += (size_t)snprintf(res->crash.text + used, cap - used, "    #%d %s\n", shown++,
					 sym);
	}
}

void torture_check_tsan_frame(const struct torture_config *cfg, struct torture_result *res)
{
	int n = res->nr_tsan_unique;

	if (cfg->stop_on != SGT_ORACLE_TSAN || !cfg->tsan_frame || atomic_load(&res->found))
		return;
	for (int i = 0; i < n; i++) {
		/* A unique's first copy may be half-done (see torture_collect_tsan()). */
		if (!res->tsan_unique[i].pcs[0][0] || res->tsan_unique[i].symbolized)
			continue;
		torture_symbolize_tsan(res);
		if (strstr(res->tsan_unique[i].text, cfg->tsan_frame)) {
			res->found_ns = res->tsan_unique[i].first_ns;
			atomic_store(&res->found, 1);	/* the child's controller stops */
			return;
		}
	}
}

static enum sgt_grade grade(const struct torture_config *cfg, const struct torture_result *res,
			    int outcome)
{
	return cfg->subject->grade(res->variant_index, outcome);
}

static unsigned long forbidden_outcomes(const struct torture_config *cfg,
					const struct torture_result *res)
{
	unsigned long n = 0;

	for (int o = 0; o < cfg->subject->nr_outcomes; o++)
		if (grade(cfg, res, o) == SGT_FORBIDDEN || grade(cfg, res, o) == SGT_UNGRADED)
			n += atomic_load(&res->outcomes[o]);
	return n;
}

static long total_leaks(const struct torture_result *res)
{
	long n = 0;

	for (int i = 0; i < res->nr_leaks; i++)
		n += res->leaks[i].count;
	return n;
}

static unsigned long total_violations(const struct torture_result *res)
{
	unsigned long n = 0;

	for (int k = 0; k < SGT_V_NR; k++)
		n += atomic_load(&res->violations[k]);
	return n;
}

bool torture_result_failed(const struct torture_config *cfg, const struct torture_result *res)
{
	return !res->finished || res->exit_code == 3 || total_violations(res) ||
	       res->tsan_reports || forbidden_outcomes(cfg, res) || total_leaks(res);
}

int torture_failure_oracle(const struct torture_config *cfg, const struct torture_result *res)
{
	int first = SGT_ORACLE_NONE;

	if (atomic_load(&res->found))
		return cfg->stop_on;
	/* The earliest violation; a TSan report when there is none. */
	for (int k = 0; k < SGT_V_NR; k++)
		if (atomic_load(&res->violations[k]) &&
		    (first < 0 || res->first_ns[k] < res->first_ns[first]))
			first = k;
	if (first < 0 && res->tsan_reports)
		first = SGT_ORACLE_TSAN;
	return first;
}

static void print_outcomes(const struct torture_config *cfg, const struct torture_result *res,
			   FILE *out)
{
	fprintf(out, "  %-28s %12s  %s\n", "observed", "occurrences", "expectation");
	for (int o = 0; o < cfg->subject->nr_outcomes; o++) {
		unsigned long n = atomic_load(&res->outcomes[o]);

		if (n)
			fprintf(out, "  %-28s %12lu  %s\n", cfg->subject->outcome_name[o], n,
				sgt_grade_name(grade(cfg, res, o)));
	}
}

static void print_coverage(const struct torture_result *res, FILE *out)
{
	int n = atomic_load(&res->nr_windows);

	if (!n)
		return;
	fprintf(out, "  %-24s %10s  %s\n", "race window", "entered", "with a conflicting window open");
	for (int i = 0; i < n; i++)
		fprintf(out, "  %-24s %10lu  %lu\n", res->windows[i].name,
			atomic_load(&res->windows[i].entered),
			atomic_load(&res->windows[i].contended));
}

/*
 * One line per distinct TSan report: type, count, the program's first frame
 * (the stacks are in --json, the raw reports in the run's log).
 */
static void print_tsan(const struct torture_result *res, FILE *out)
{
	for (int i = 0; i < res->nr_tsan_unique; i++) {
		const char *t = res->tsan_unique[i].text;
		int n = (int)strcspn(t + (t[0] == '#' ? 3 : 0), "\n");

		fprintf(out, "  ThreadSanitizer %s x%lu at %.*s", res->tsan_unique[i].type,
			res->tsan_unique[i].count, n, t + (t[0] == '#' ? 3 : 0));
		if (res->tsan_unique[i].dropped)
			fprintf(out, " (%d runtime frames left out)", res->tsan_unique[i].dropped);
		fputc('\n', out);
	}
	if (res->tsan_reports)
		fprintf(out, "  ThreadSanitizer: %lu reports, %d distinct; raw reports: %s\n",
			res->tsan_reports, res->nr_tsan_unique,
			res->tsan_log[0] ? res->tsan_log : "(none kept)");
}

static void print_problems(const struct torture_config *cfg, const struct torture_result *res,
			   FILE *out)
{
	for (int k = 0; k < SGT_V_NR; k++) {
		unsigned long n = atomic_load(&res->violations[k]);

		if (n)
			fprintf(out, "  violation %s x%lu, first: %s\n", sgt_violation_name[k], n,
				res->first_violation[k]);
	}
	print_tsan(res, out);
	if (res->crash.signal)
		fprintf(out, "  crash: %s in %s:\n%s", sigabbrev_np(res->crash.signal) ?: "signal",
			res->crash.thread, res->crash.text);
	if (res->dump[0])	/* a watchdog's or a deadlock's, printed here only */
		fprintf(out, "%s", res->dump);
	if (res->nr_timeline || res->timeline_report[0]) {
		fprintf(out, "  timeline of the threads' last events before the report:\n");
		trace_print(res->timeline, res->nr_timeline, res->timeline_at_ns,
			    res->timeline_report, cfg->subject->role_name, cfg->subject->place_name,
			    cfg->sched != SCHED_OS, out);
	}
}

void torture_print_result(const struct torture_config *cfg, const struct torture_result *res,
			  FILE *out)
{
	print_outcomes(cfg, res, out);
	print_coverage(res, out);
	print_problems(cfg, res, out);
}

/*
 * Text from a run, as JSON: jansson refuses bytes that are not UTF-8, and a
 * run's text can hold them (a report about freed memory, a timeline event
 * copied while its thread wrote it).  Those bytes become '?', never a lost
 * result.
 */
static char *clean_text(const char *s)
{
	size_t n = strlen(s);
	char *t = malloc(n + 1);

	for (size_t i = 0; t && i <= n; i++)
		t[i] = (s[i] && ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e) &&
			s[i] != '\n' && s[i] != '\t') ? '?' : s[i];
	return t;
}

static json_t *jtext(const char *s)
{
	char *t = clean_text(s ? s : "");
	json_t *j = json_string(t ? t : "");

	free(t);
	return j;
}

static json_t *leaks_json(const struct torture_result *res)
{
	json_t *leaks = json_object();

	for (int i = 0; i < res->nr_leaks; i++)
		json_object_set_new(leaks, res->leaks[i].name, json_integer(res->leaks[i].count));
	return leaks;
}

static json_t *result_json(const struct torture_config *cfg, const struct torture_result *res)
{
	const struct torture_subject *s = cfg->subject;
	char vkey[32], mkey[32];
	json_t *roles = json_object(), *viol = json_object(), *outc = json_object();
	json_t *win = json_array(), *tsan = json_array(), *timeline = json_null();
	json_t *doc;

	for (int r = 0; r < s->nr_roles; r++) {
		json_t *ops_a = json_array();
		unsigned long total = 0, fails = 0;
		int n = cfg->threads[r];
		double secs = res->elapsed > 0 ? res->elapsed : 1;

		for (int i = 0; i < n; i++) {
			total += atomic_load(&res->ops[r][i]);
			fails += atomic_load(&res->fails[r][i]);
			json_array_append_new(ops_a, json_integer((json_int_t)atomic_load(&res->ops[r][i])));
		}
		json_object_set_new(roles, s->role_name[r],
				    json_pack("{s:I,s:I,s:o,s:f,s:f}", "ops", (json_int_t)total,
					      "fails", (json_int_t)fails, "per_thread", ops_a,
					      "per_second", total / secs,
					      "per_thread_per_second", n ? total / secs / n : 0.0));
	}
	if (res->nr_timeline || res->timeline_report[0]) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);

		if (f) {
			trace_print(res->timeline, res->nr_timeline, res->timeline_at_ns,
				    res->timeline_report, s->role_name, s->place_name,
				    cfg->sched != SCHED_OS, f);
			fclose(f);
			timeline = jtext(text);
			free(text);
		}
	}
	for (int k = 0; k < SGT_V_NR; k++)
		if (atomic_load(&res->violations[k]))
			json_object_set_new(viol, sgt_violation_name[k],
					    json_pack("{s:I,s:o,s:f}", "count",
						      (json_int_t)atomic_load(&res->violations[k]),
						      "first", jtext(res->first_violation[k]),
						      "first_at", res->first_ns[k] / 1e9));
	for (int o = 0; o < s->nr_outcomes; o++)
		if (atomic_load(&res->outcomes[o]))
			json_object_set_new(outc, s->outcome_name[o],
					    json_pack("{s:I,s:s}", "count",
						      (json_int_t)atomic_load(&res->outcomes[o]),
						      "expectation", sgt_grade_name(grade(cfg, res, o))));
	for (int i = 0; i < atomic_load(&res->nr_windows); i++)
		json_array_append_new(win, json_pack("{s:s,s:I,s:I}", "name", res->windows[i].name,
			"entered", (json_int_t)atomic_load(&res->windows[i].entered),
			"contended", (json_int_t)atomic_load(&res->windows[i].contended)));
	for (int i = 0; i < res->nr_tsan_unique; i++)
		json_array_append_new(tsan, json_pack("{s:s,s:I,s:o,s:i}", "type",
			res->tsan_unique[i].type, "count", (json_int_t)res->tsan_unique[i].count,
			"stacks", jtext(res->tsan_unique[i].text),
			"runtime_frames_dropped", res->tsan_unique[i].dropped));
	doc = json_pack("{s:s,s:s,s:s,s:i,s:b,s:f,s:o,s:o,s:o,s:o,s:{s:I,s:o,s:f},"
			 "s:o,s:o,s:o}",
			 torture_json_key(s->variant_key, vkey, sizeof(vkey)), res->variant,
			 torture_json_key(s->model_key, mkey, sizeof(mkey)), res->model,
			 "exit_reason", res->exit_reason[0] ? res->exit_reason : "not-run",
			 "exit_code", res->exit_code, "failed", torture_result_failed(cfg, res),
			 "duration", res->elapsed, "roles", roles, "violations", viol,
			 "outcomes", outc, "windows", win,
			 "tsan", "reports", (json_int_t)res->tsan_reports, "unique", tsan,
			 "first_at", res->tsan_first_ns / 1e9,
			 "leaks", leaks_json(res),
			 "watchdog_dump", jtext(res->dump), "timeline", timeline);
	if (doc && res->crash.signal)
		json_object_set_new(doc, "crash", json_pack("{s:s,s:s,s:o}", "signal",
			sigabbrev_np(res->crash.signal) ?: "signal", "thread", res->crash.thread,
			"stack", jtext(res->crash.text)));
	if (doc && res->tsan_reports && res->tsan_log[0])
		json_object_set_new(doc, "tsan_log", json_string(res->tsan_log));
	if (doc && atomic_load(&res->found))
		json_object_set_new(doc, "found_at", json_real(res->found_ns / 1e9));
	if (doc && cfg->sched != SCHED_OS) {
		char hash[24];

		snprintf(hash, sizeof(hash), "%016llx", (unsigned long long)res->sched_hash);
		json_object_set_new(doc, "sched", json_pack("{s:s,s:I,s:I,s:s,s:s}", "policy",
			sched_policy_name[cfg->sched], "steps", (json_int_t)res->sched_steps,
			"choices", (json_int_t)res->sched_choices, "trace_hash", hash,
			"file", res->sched_file));
	}
	return doc;
}

/* The options (every row written back, by its key), the verb and the scenario. */
static json_t *config_json(const struct torture_config *cfg)
{
	json_t *doc = torture_params_json(cfg);

	json_object_set_new(doc, "verb", json_string(cfg->verb));
	json_object_set_new(doc, "scenario", cfg->scenario ? json_string(cfg->scenario) : json_null());
	return doc;
}

bool torture_write_json(const char *path, const struct torture_config *cfg,
			struct torture_result *const *res, int nr_runs, int verdict)
{
	json_t *runs = json_array(), *doc;
	bool ok;

	for (int i = 0; i < nr_runs; i++) {
		json_t *r;

		if (!strcmp(res[i]->exit_reason, "other-shard"))
			continue;	/* another machine's: the merged report has it */
		r = result_json(cfg, res[i]);
		char replay[1024];

		torture_replay_cmdline(cfg, res[i]->variant_index, res[i]->model_index, replay,
				       sizeof(replay));
		json_object_set_new(r, "replay", json_string(replay));
		json_array_append_new(runs, r);
	}
	doc = json_pack("{s:o,s:o,s:i,s:s}", "config", config_json(cfg), "runs", runs,
			"exit_code", verdict, "verdict", verdict ? "FAILURE" : "SUCCESS");
	if (doc) {
		char shard[32];

		snprintf(shard, sizeof(shard), "%d/%d", cfg->shard, cfg->nr_shards);
		json_object_set_new(doc, "shard", json_string(shard));
	}
	ok = doc && !json_dump_file(doc, path, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	return ok;
}
