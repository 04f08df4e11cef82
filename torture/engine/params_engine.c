// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's rows of the options' table (params.h): their fields, ranges,
 * defaults and help, and the values of the rows no kind describes (the
 * axes, --threads, --fault, --sched, ...).  The subject's rows are its own.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check/fault.h>
#include <check/sched_ctl.h>

#include "params.h"
#include "torture.h"

/* --- the engine's own rows' values ----------------------------------------------------- */

#define CFG(member)	offsetof(struct torture_config, member)

void torture_values_add(struct torture_values *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->v[out->n++], TP_VALUE_LEN, fmt, ap);
	va_end(ap);
}

static void set_seed(struct torture_config *cfg, const struct torture_param *p, const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-')
		torture_usage_error("--%s '%s': accepted is a whole number from 0 to %llu", p->name,
				    arg, (unsigned long long)UINT64_MAX);
	cfg->seed = v;
}

static void show_seed(const struct torture_config *cfg, const struct torture_param *p,
		      struct torture_values *out)
{
	torture_values_add(out, "%llu", (unsigned long long)cfg->seed);
}

static json_t *json_seed(const struct torture_config *cfg)
{
	return json_integer((json_int_t)cfg->seed);
}

/* One axis of the matrix ("--strategy A,B" or "all"), by the subject's names. */
static void set_axis(struct torture_config *cfg, const struct torture_param *p, const char *arg)
{
	const struct torture_subject *s = cfg->subject;
	bool variants = p->offset == CFG(variants);
	int count = variants ? s->nr_variants() : s->nr_models, **out, *nr;
	const char *(*name)(int) = variants ? s->variant_name : s->model_name;
	const char *names = variants ? s->variant_names() : s->model_names();
	char copy[1024], *save;

	out = variants ? &cfg->variants : &cfg->models;
	nr = variants ? &cfg->nr_variants : &cfg->nr_models;
	free(*out);
	*out = calloc((size_t)count, sizeof(**out));
	*nr = 0;
	if (!*out)
		abort();
	if (!strcmp(arg, "all")) {
		for (int i = 0; i < count; i++)
			(*out)[(*nr)++] = i;
		return;
	}
	snprintf(copy, sizeof(copy), "%s", arg);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i;

		for (i = 0; i < count && strcmp(tok, name(i)); i++)
			;
		if (i == count)
			torture_usage_error("--%s '%s': accepted are %s, a comma list, or all",
					    p->name, tok, names);
		for (int k = 0; k < *nr; k++)
			if ((*out)[k] == i)
				torture_usage_error("--%s '%s': named twice", p->name, tok);
		(*out)[(*nr)++] = i;
	}
	if (!*nr)
		torture_usage_error("--%s '': accepted are %s, a comma list, or all", p->name, names);
}

static void show_axis(const struct torture_config *cfg, const struct torture_param *p,
		      struct torture_values *out)
{
	const struct torture_subject *s = cfg->subject;
	bool variants = p->offset == CFG(variants);
	int count = variants ? s->nr_variants() : s->nr_models;
	const int *idx = variants ? cfg->variants : cfg->models;
	int nr = variants ? cfg->nr_variants : cfg->nr_models;
	size_t n = 0;
	bool all = nr == count;

	for (int i = 0; all && i < nr; i++)
		all = idx[i] == i;
	if (all && count > 1) {
		torture_values_add(out, "all");
		return;
	}
	out->v[out->n][0] = 0;
	for (int i = 0; i < nr && n < TP_VALUE_LEN; i++)
		n += (size_t)snprintf(out->v[out->n] + n, TP_VALUE_LEN - n, "%s%s", i ? "," : "",
				      (variants ? s->variant_name : s->model_name)(idx[i]));
	out->n++;
}

static const char *variant_names(const struct torture_subject *s)
{
	return s->variant_names();
}

static const char *model_names(const struct torture_subject *s)
{
	return s->model_names();
}

struct torture_param torture_axis_param(const struct torture_subject *s, bool variants)
{
	return (struct torture_param){
		.name = variants ? s->variant_key : s->model_key, .arg = "LIST",
		.kind = TP_CUSTOM, .flags = TP_RUN | TP_ALWAYS,
		.offset = variants ? CFG(variants) : CFG(models),
		.help = variants ? "which to run: a comma list, or all, of"
				 : "what they run on: a comma list, or all, of",
		.set = set_axis, .show = show_axis,
		.accepted = variants ? variant_names : model_names,
	};
}

/* One "role=N" of --threads: the role's index, or -1. */
static int role_of(const char *tok, const char *eq, int nr_roles, const char *const *role_option)
{
	for (int r = 0; eq && r < nr_roles; r++)
		if ((size_t)(eq - tok) == strlen(role_option[r]) &&
		    !strncmp(tok, role_option[r], (size_t)(eq - tok)))
			return r;
	return -1;
}

static int threads_parse(const char *arg, int nr_roles, const char *const *role_option,
			 int observer, int *threads, char *err, size_t len)
{
	char copy[512], *save, *end;

	if (strlen(arg) >= sizeof(copy))
		return snprintf(err, len, "--threads '%.40s...': too long", arg), -EINVAL;
	strcpy(copy, arg);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int r = role_of(tok, eq, nr_roles, role_option);
		long v;

		if (r < 0) {
			int n = snprintf(err, len, "--threads '%s': accepted are ", tok);

			for (int k = 0; k < nr_roles && n >= 0 && (size_t)n < len; k++)
				n += snprintf(err + n, len - (size_t)n, "%s%s=N", k ? ", " : "",
					      role_option[k]);
			return -EINVAL;
		}
		errno = 0;
		v = strtol(eq + 1, &end, 10);
		if (errno || end == eq + 1 || *end || v < 0 || v > MAX_PER_ROLE)
			return snprintf(err, len, "--threads '%s': accepted is a whole number from 0 "
					"to %d", eq + 1, MAX_PER_ROLE), -EINVAL;
		threads[r] = (int)v;
	}
	if (threads[observer] < 1)
		return snprintf(err, len, "--threads %s=%d: accepted is 1 to %d (they observe)",
				role_option[observer], threads[observer], MAX_PER_ROLE), -EINVAL;
	return 0;
}

/* A refusal is one line: control bytes of the quoted input become '?'. */
static int one_line(char *err, int ret)
{
	for (char *c = err; ret && *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	return ret;
}

int torture_threads_parse(const char *arg, int nr_roles, const char *const *role_option,
			  int observer, int *threads, char *err, size_t len)
{
	return one_line(err, threads_parse(arg, nr_roles, role_option, observer, threads, err,
					   len));
}

static void set_threads(struct torture_config *cfg, const struct torture_param *p,
			const char *arg)
{
	const struct torture_subject *s = cfg->subject;
	char err[300];

	if (torture_threads_parse(arg, s->nr_roles, s->role_option, s->observer_role,
				  cfg->threads, err, sizeof(err)))
		torture_usage_error("%s", err);
}

static void show_threads(const struct torture_config *cfg, const struct torture_param *p,
			 struct torture_values *out)
{
	size_t n = 0;

	out->v[out->n][0] = 0;
	for (int r = 0; r < cfg->subject->nr_roles && n < TP_VALUE_LEN; r++)
		n += (size_t)snprintf(out->v[out->n] + n, TP_VALUE_LEN - n, "%s%s=%d", r ? "," : "",
				      cfg->subject->role_option[r], cfg->threads[r]);
	out->n++;
}

static json_t *json_threads(const struct torture_config *cfg)
{
	json_t *threads = json_object();

	for (int r = 0; r < cfg->subject->nr_roles; r++)
		json_object_set_new(threads, cfg->subject->role_name[r],
				    json_integer(cfg->threads[r]));
	return threads;
}

static const char *role_names(const struct torture_subject *s)
{
	static char names[256];
	size_t n = 0;

	for (int r = 0; r < s->nr_roles && n < sizeof(names); r++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s", r ? ", " : "",
				      s->role_option[r]);
	return names;
}

static void set_fault(struct torture_config *cfg, const struct torture_param *p, const char *arg)
{
	char err[300];

	if (sgt_fault_parse(arg, err, sizeof(err)))
		torture_usage_error("--fault: %s", err);
	if (cfg->nr_faults == MAX_FAULTS)
		torture_usage_error("--fault '%s': at most %d faults", arg, MAX_FAULTS);
	cfg->faults[cfg->nr_faults++] = arg;
}

static void show_fault(const struct torture_config *cfg, const struct torture_param *p,
		       struct torture_values *out)
{
	for (int i = 0; i < cfg->nr_faults; i++)
		torture_values_add(out, "%s", cfg->faults[i]);
}

static const char *fault_names(const struct torture_subject *s)
{
	return sgt_fault_names();
}

static void set_until(struct torture_config *cfg, const struct torture_param *p, const char *arg)
{
	int oracle = sgt_oracle_parse(arg);
	char kinds[1024];
	int n = 0;

	if (oracle == -2) {
		for (int k = 0; k < SGT_V_NR; k++)
			n += snprintf(kinds + n, sizeof(kinds) - (size_t)n, "%s, ",
				      sgt_violation_name[k]);
		torture_usage_error("--until '%s': accepted are %stsan, or never", arg, kinds);
	}
	cfg->stop_on = oracle;
}

static void show_until(const struct torture_config *cfg, const struct torture_param *p,
		       struct torture_values *out)
{
	torture_values_add(out, "%s", sgt_oracle_name(cfg->stop_on));
}

/* --until-match: a violation's text until options.c knows the oracle is tsan (a frame). */
static void set_until_match(struct torture_config *cfg, const struct torture_param *p,
			    const char *arg)
{
	/* A schedule file keeps it on one line. */
	for (const char *c = arg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			torture_usage_error("--until-match: accepted is text without control "
					    "characters (byte %d of it is 0x%02x)", (int)(c - arg),
					    (unsigned char)*c);
	cfg->until_match = arg;
}

static void show_until_match(const struct torture_config *cfg, const struct torture_param *p,
			     struct torture_values *out)
{
	if (cfg->until_match)
		torture_values_add(out, "%s", cfg->until_match);
	else if (cfg->stop_on == SGT_ORACLE_TSAN && cfg->tsan_frame)
		torture_values_add(out, "%s", cfg->tsan_frame);
}

/* --sched: the policy now; a replay's file is read once every option is in (options.c). */
static void set_sched(struct torture_config *cfg, const struct torture_param *p, const char *arg)
{
	if (!strncmp(arg, "replay:", 7)) {
		cfg->sched = SCHED_REPLAY;
		cfg->sched_replay_file = arg + 7;
		return;
	}
	for (int policy = SCHED_OS; policy < SCHED_REPLAY; policy++)
		if (!strcmp(arg, sched_policy_name[policy])) {
			cfg->sched = policy;
			return;
		}
	torture_usage_error("--sched '%s': accepted are os, random, pct, replay:FILE", arg);
}

static void show_sched(const struct torture_config *cfg, const struct torture_param *p,
		       struct torture_values *out)
{
	if (cfg->sched == SCHED_REPLAY)
		torture_values_add(out, "replay:%s", cfg->sched_replay_file);
	else if (cfg->sched != SCHED_BOUNDED)	/* check's search: no option says it */
		torture_values_add(out, "%s", sched_policy_name[cfg->sched]);
}

static void set_shard(struct torture_config *cfg, const struct torture_param *p, const char *arg)
{
	int i, n, used = 0;

	if (sscanf(arg, "%d/%d%n", &i, &n, &used) != 2 || arg[used] || n < 1 || n > 4096 ||
	    i < 1 || i > n)
		torture_usage_error("--shard '%s': accepted is I/N with 1 <= I <= N <= 4096", arg);
	cfg->shard = i;
	cfg->nr_shards = n;
}

static void show_shard(const struct torture_config *cfg, const struct torture_param *p,
		       struct torture_values *out)
{
	torture_values_add(out, "%d/%d", cfg->shard, cfg->nr_shards);
}

/*
 * --progress DONE/TOTAL[@SECONDS[+AFTER]]: this process's runs are steps
 * DONE+1.. of TOTAL, SECONDS have gone, and the steps after its runs are
 * expected to take AFTER seconds (the caller weighs them by kind).
 */
static void set_progress(struct torture_config *cfg, const struct torture_param *p,
			 const char *arg)
{
	int done, total, before = 0, after = -1, used = 0, more = 0, more2 = 0;

	if (sscanf(arg, "%d/%d%n", &done, &total, &used) != 2 ||
	    (arg[used] == '@' && sscanf(arg + used, "@%d%n", &before, &more) != 1) ||
	    (arg[used + more] == '+' &&
	     sscanf(arg + used + more, "+%d%n", &after, &more2) != 1) ||
	    arg[used + more + more2] || total < 1 || total > 1000000 || done < 0 ||
	    done >= total || before < 0 || (more2 && after < 0))
		torture_usage_error("--progress '%s': accepted is DONE/TOTAL[@SECONDS[+AFTER]] with "
				    "0 <= DONE < TOTAL", arg);
	cfg->progress_done = done;
	cfg->progress_total = total;
	cfg->progress_before = before;
	cfg->progress_after = after;
}

static void show_progress(const struct torture_config *cfg, const struct torture_param *p,
			  struct torture_values *out)
{
	if (cfg->progress_total)
		torture_values_add(out, "%d/%d@%d+%d", cfg->progress_done, cfg->progress_total,
		    cfg->progress_before, cfg->progress_after);
}

static const char *const expect_name[] = {
	[TORTURE_EXPECT_CLEAN] = "clean", [TORTURE_EXPECT_FOUND] = "found",
};

static void set_expect(struct torture_config *cfg, const struct torture_param *p,
		       const char *arg)
{
	if (strcmp(arg, "clean") && strcmp(arg, "found"))
		torture_usage_error("--expect '%s': accepted are clean, found", arg);
	cfg->expect = !strcmp(arg, "clean") ? TORTURE_EXPECT_CLEAN : TORTURE_EXPECT_FOUND;
}

static void show_expect(const struct torture_config *cfg, const struct torture_param *p,
			struct torture_values *out)
{
	if (cfg->expect != TORTURE_EXPECT_DEFAULT)
		torture_values_add(out, "%s", expect_name[cfg->expect]);
}

static void set_no_shrink(struct torture_config *cfg, const struct torture_param *p,
			  const char *arg)
{
	cfg->shrink = false;
}

static void show_no_shrink(const struct torture_config *cfg, const struct torture_param *p,
			   struct torture_values *out)
{
	if (!cfg->shrink)
		torture_values_add(out, "%s", "");
}

static void set_choices(struct torture_config *cfg, const struct torture_param *p,
			const char *arg)
{
	if (strcmp(arg, "seed") && strcmp(arg, "all"))
		torture_usage_error("--choices '%s': accepted are seed, all", arg);
	cfg->all_choices = !strcmp(arg, "all");
}

static void show_choices(const struct torture_config *cfg, const struct torture_param *p,
			 struct torture_values *out)
{
	torture_values_add(out, "%s", cfg->all_choices ? "all" : "seed");
}

/* "first", or "T.K=C,...": thread T's Kth choice takes class C, every other its first. */
static void set_data_choices(struct torture_config *cfg, const struct torture_param *p,
			     const char *arg)
{
	const char *at = arg;

	memset(cfg->data, 0, sizeof(cfg->data));
	cfg->data_forced = true;
	if (!strcmp(arg, "first"))
		return;
	while (*at) {
		unsigned int t, k, c;
		int used = 0;

		if (sscanf(at, "%u.%u=%u%n", &t, &k, &c, &used) != 3 ||
		    t >= TORTURE_CHOICE_THREADS || k >= TORTURE_MAX_CHOICES || c > 254 ||
		    (at[used] && at[used] != ','))
			torture_usage_error("--data-choices '%s': accepted are first, or T.K=C,... "
					    "(thread T < %d, its choice K < %d, class C < 255)",
					    arg, TORTURE_CHOICE_THREADS, TORTURE_MAX_CHOICES);
		cfg->data[t][k] = (uint8_t)c;
		at += used + (at[used] == ',');
	}
}

static void show_data_choices(const struct torture_config *cfg, const struct torture_param *p,
			      struct torture_values *out)
{
	char buf[2048];
	size_t used = 0;

	if (!cfg->data_forced)
		return;
	for (int t = 0; t < TORTURE_CHOICE_THREADS; t++)
		for (int k = 0; k < TORTURE_MAX_CHOICES && used < sizeof(buf); k++)
			if (cfg->data[t][k])
				used += (size_t)snprintf(buf + used, sizeof(buf) - used, "%s%d.%d=%u",
							 used ? "," : "", t, k, cfg->data[t][k]);
	torture_values_add(out, "%s", used ? buf : "first");
}

static void set_no_dpor(struct torture_config *cfg, const struct torture_param *p,
			const char *arg)
{
	cfg->dpor = false;
}

static void show_no_dpor(const struct torture_config *cfg, const struct torture_param *p,
			 struct torture_values *out)
{
	if (!cfg->dpor)
		torture_values_add(out, "%s", "");
}

/* --- the table --------------------------------------------------------------------------- */

#define SECONDS(lo, hi)	.kind = TP_DOUBLE, .min = (lo), .max = (hi), .unit = "number of seconds"

const struct torture_param torture_engine_params[] = {
	{ "threads", "ROLE=N,...", TP_CUSTOM, TP_RUN | TP_ALWAYS,
	  .help = "threads per role", .set = set_threads, .show = show_threads,
	  .accepted = role_names, .json = json_threads },
	{ "duration", "SECONDS", .flags = TP_RUN | TP_ALWAYS, .offset = CFG(duration),
	  SECONDS(0.001, 86400), .def = "5", .help = "length of each run" },
	{ "seed", "N", TP_CUSTOM, TP_RUN | TP_ALWAYS, .set = set_seed, .show = show_seed,
	  .json = json_seed, .def_help = "from the clock", .help = "seed of every random choice" },
	{ "fault", "POINT=SPEC", TP_CUSTOM, TP_RUN | TP_REPEAT, .json_key = "faults",
	  .set = set_fault, .show = show_fault, .accepted = fault_names,
	  .help = "inject faults at POINT; SPEC a probability, every:N or nth:N, with an "
		  "optional ,times:K; repeatable; POINT one of" },
	{ "stutter", "SECONDS", .flags = TP_RUN, .offset = CFG(stutter), SECONDS(0, 3600),
	  .def = "0", .help = "run and pause every thread for this long in turn; 0 is off" },
	{ "jitter", "P", TP_DOUBLE, TP_RUN, CFG(jitter), 0, 1, .unit = "probability",
	  .def = "0", .help = "delay or yield at schedule points with probability P, delays "
			      "inside race windows; 0 is off" },
	{ "stat-interval", "SECS", .flags = TP_JSON, .offset = CFG(stat_interval),
	  SECONDS(0, 3600), .def = "1", .help = "statistics every SECS; 0 for the end only" },
	{ "watchdog", "SECONDS", TP_UINT, TP_SHOWN, CFG(watchdog), 1, 3600,
	  .unit = "number of seconds", .def = "10",
	  .help = "no progress in a thread for this long stops the run, exit 3" },
	{ "json", "FILE", TP_STRING, 0, CFG(json),
	  .help = "write the result as JSON, even when the run fails; checked writable "
		  "before anything runs" },
	{ "quiet", NULL, TP_FLAG, 0, CFG(quiet),
	  .help = "per run only End of test (and a failure's Replay), then the verdict table" },
	{ "no-fork", NULL, TP_FLAG, 0, CFG(no_fork),
	  .help = "run in this process (one variant and model only; for gdb)" },
	{ "inject-hang", "SECONDS", .flags = TP_RUN, .offset = CFG(inject_hang),
	  SECONDS(0, 3600), .def = "0",
	  .help = "make observer 0 hang holding a lock after SECONDS (tests the watchdog); 0 is "
		  "off" },
	{ "inject-crash", "SECONDS", .flags = TP_RUN, .offset = CFG(inject_crash),
	  SECONDS(0, 3600), .def = "0",
	  .help = "make observer 0 write through NULL after SECONDS (tests the crash report); "
		  "0 is off" },
	{ "until", "ORACLE", TP_CUSTOM, TP_RUN, .set = set_until, .show = show_until,
	  .def = "never", .none = "never",
	  .help = "stop the run when ORACLE first fires: a violation kind (use-after-free, "
		  "page-count, ...), tsan, or never" },
	{ "until-match", "TEXT", TP_CUSTOM, TP_RUN, .set = set_until_match,
	  .show = show_until_match,
	  .help = "with --until KIND: only a report whose text has TEXT; with --until tsan: "
		  "only a report whose stack shows TEXT" },
	{ "timeline", NULL, TP_FLAG, TP_SHOWN, CFG(timeline),
	  .help = "keep and print the threads' last events before the first report (on for "
		  "repro, hunt and explore)" },
	{ "ops", "N", TP_ULONG, TP_RUN, CFG(ops), 0, 1000000, .def = "0",
	  .help = "each thread runs N operations of its role, then exits (so a controlled run "
		  "is finite); 0 is no end (check's default: 2)" },
	{ "sched", "POLICY", TP_CUSTOM, TP_POLICY, .set = set_sched, .show = show_sched,
	  .def = "os",
	  .help = "who runs next: os (the kernel's threads), random, pct (one thread at a time, "
		  "chosen at every schedule point, deterministic for --seed) or replay:FILE (a "
		  "schedule written by a failing random or pct run)" },
	{ "sched-depth", "D", TP_INT, TP_POLICY, CFG(sched_depth), 1, 16, .def = "3",
	  .help = "pct's bug depth: D-1 priority change points" },
	{ "sched-steps", "N", TP_ULONG, TP_RUN, CFG(sched_steps), 1, 100000000, .def = "20000",
	  .help = "schedule points per controlled run" },
	{ "sched-dir", "DIR", TP_STRING, 0, CFG(sched_dir),
	  .def_help = "$TMPDIR/sgtorture-UID, made if missing",
	  .help = "where reported schedules are kept; checked writable" },
	{ "shard", "I/N", TP_CUSTOM, 0, .set = set_shard, .show = show_shard, .def = "1/1",
	  .help = "run part I of N of the matrix (runs, or hunt/explore seeds, or check's "
		  "tree), so N machines share it" },
	{ "progress", "DONE/TOTAL[@SECONDS[+AFTER]]", TP_CUSTOM, 0, .set = set_progress,
	  .show = show_progress,
	  .help = "a line per run on stderr, numbered from DONE+1 of TOTAL steps, with the time "
		  "so far (SECONDS spent before) and an estimate of what is left (AFTER: the "
		  "seconds the steps after these runs are expected to take)" },
	{ "budget", "N", TP_DOUBLE, TP_SCENARIO, CFG(budget), 0.1, 1e7,
	  .def_help = "repro 60, hunt 10, explore 100, check 100000",
	  .help = "repro: seconds for all attempts; hunt: seconds per seed; explore, check: "
		  "schedules" },
	{ "seeds", "N", TP_INT, TP_SCENARIO, CFG(seeds), 1, 100000, .def_help = "10",
	  .help = "hunt: how many seeds, from --seed on" },
	{ "no-shrink", NULL, TP_CUSTOM, TP_SCENARIO, .set = set_no_shrink,
	  .show = show_no_shrink, .help = "explore: keep the first failing schedule as it is" },
	{ "preemptions", "K", TP_INT, TP_SCENARIO, CFG(preemptions), 0, 16,
	  .def_help = "none with DPOR; with --no-dpor the scenario's, else 2",
	  .help = "check: schedules with at most K preemptions (DPOR: passes of bound 0..K)" },
	{ "dpor", NULL, TP_FLAG, TP_SCENARIO, CFG(dpor),
	  .def_help = "on, where the build records footprints (not the release preset)",
	  .help = "check: source-DPOR with sleep sets, one schedule per class of equivalent "
		  "interleavings (docs/design.md)" },
	{ "no-dpor", NULL, TP_CUSTOM, TP_SCENARIO, .set = set_no_dpor, .show = show_no_dpor,
	  .help = "check: plain enumeration of every schedule within --preemptions, for "
		  "cross-checks" },
	{ "choices", "seed|all", TP_CUSTOM, TP_SCENARIO, .set = set_choices, .show = show_choices,
	  .def = "seed",
	  .help = "check: the roles' data choices (which object, device, path) as --seed draws "
		  "them, or all: every class of every choice explored" },
	{ "data-choices", "first|T.K=C,...", TP_CUSTOM, TP_RUN, .set = set_data_choices,
	  .show = show_data_choices,
	  .help = "take these data choices instead of the seed's: thread T's Kth choice its "
		  "class C, every other its first (written by check --choices all)" },
	{ "expect", "clean|found", TP_CUSTOM, TP_SCENARIO, .set = set_expect,
	  .show = show_expect,
	  .def_help = "clean for a port declared clean, found for one carrying hazards",
	  .help = "repro, hunt, explore, check: exit 0 only when no oracle fired (and check's "
		  "bound was exhausted), or when the scenario's oracle fired" },
	{ 0 },
};

