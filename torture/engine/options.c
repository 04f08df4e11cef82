// SPDX-License-Identifier: GPL-2.0
/*
 * The engine's options (getopt_long), the subject's beside them, their
 * defaults and checks, and the replay command line.  Every bad value exits
 * 2 with one line naming it and what is accepted, before anything runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <check/fault.h>
#include <check/sched_ctl.h>
#include <check/tsan_report.h>

#include "torture.h"

const char torture_options_help[] =
"  --threads ROLE=N,...  threads per role (the roles above)\n"
"  --duration SECONDS    length of each run, > 0 (default: 5)\n"
"  --seed N              seed of every random choice (default: from the clock)\n"
"  --fault POINT=SPEC    inject faults at POINT (below); SPEC a probability, every:N\n"
"                        or nth:N, with an optional ,times:K; repeatable (default: none)\n"
"  --stutter SECONDS     run and pause every thread for this long in turn (default: 0, off)\n"
"  --jitter P            delay or yield at schedule points with probability P in [0,1],\n"
"                        delays inside race windows (default: 0, off)\n"
"  --stat-interval SECS  statistics every SECS; 0 for the end only (default: 1)\n"
"  --watchdog SECONDS    no progress in a thread for this long stops the run, exit 3\n"
"                        (default: 10)\n"
"  --json FILE           write the result as JSON, even when the run fails; checked\n"
"                        writable before anything runs (default: none)\n"
"  --quiet               per run only End of test (and a failure's Replay), then the\n"
"                        verdict table (default: off)\n"
"  --no-fork             run in this process (one variant and model only; for gdb)\n"
"  --inject-hang SECONDS make observer 0 hang holding a lock after SECONDS (tests the\n"
"                        watchdog; default: 0, off)\n"
"  --inject-crash SECONDS make observer 0 write through NULL after SECONDS (tests the\n"
"                        crash report; default: 0, off)\n"
"  --until ORACLE        stop the run when ORACLE first fires: a violation kind\n"
"                        (use-after-free, page-count, ...) or tsan (default: never)\n"
"  --until-match TEXT    with --until KIND: only a report whose text has TEXT; with\n"
"                        --until tsan: only a report whose stack shows TEXT\n"
"  --no-shrink           explore: keep the first failing schedule as it is\n"
"  --ops N               each thread runs N operations of its role, then exits (so a\n"
"                        controlled run is finite; check's default: 2)\n"
"  --preemptions K       check: every schedule with at most K preemptions (default: 2)\n"
"  --expect clean|found  repro, hunt, explore, check: exit 0 only when no oracle fired\n"
"                        (and check's bound was exhausted), or when the scenario's\n"
"                        oracle fired (default: clean for a port declared clean,\n"
"                        found for one carrying hazards)\n"
"  --timeline            keep and print the threads' last events before the first\n"
"                        report (default: off; on for repro, hunt and explore)\n"
"  --sched POLICY        who runs next: os (the kernel's threads, default), random,\n"
"                        pct (one thread at a time, chosen at every schedule point,\n"
"                        deterministic for --seed) or replay:FILE (a schedule written\n"
"                        by a failing random or pct run)\n"
"  --sched-depth D       pct's bug depth: D-1 priority change points (default: 3)\n"
"  --sched-steps N       schedule points per controlled run (default: 20000)\n"
"  --sched-dir DIR       where reported schedules are kept; checked writable\n"
"                        (default: $TMPDIR/sgtorture-UID, made if missing)\n"
"  --shard I/N           run part I of N of the matrix (runs, or hunt/explore seeds),\n"
"                        round robin, so N machines share it (default: 1/1)\n"
"  --budget N            repro: seconds for all attempts (60); hunt: seconds per seed\n"
"                        (10); explore: schedules (100)\n"
"  --seeds N             hunt: how many seeds, from --seed on (default: 10)\n"
"  --progress DONE/TOTAL[@SECONDS[+AFTER]]  a line per run on stderr, numbered\n"
"                        from DONE+1 of TOTAL steps, with the time so far (SECONDS\n"
"                        spent before) and an estimate of what is left (AFTER: the\n"
"                        seconds the steps after these runs are expected to take; a\n"
"                        script running several sgtortures passes its own count)\n"
"  --help                this text\n";

void torture_print_options_help(FILE *out)
{
	fputs(torture_options_help, out);
	fprintf(out, "fault points: %s\n", sgt_fault_names());
}

void torture_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sgtorture: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

/* strtod takes "nan" and "inf": a duration of NaN would run for ever. */
double torture_parse_double(const char *opt, const char *arg, double min, double max,
			    const char *accepted)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < min || v > max)
		torture_usage_error("%s '%s': accepted is %s", opt, arg, accepted);
	return v;
}

long torture_parse_long(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		torture_usage_error("%s '%s': accepted is a whole number from %ld to %ld", opt, arg,
				    min, max);
	return v;
}

static uint64_t parse_seed(const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-')
		torture_usage_error("--seed '%s': accepted is a whole number from 0 to %llu", arg,
				    (unsigned long long)UINT64_MAX);
	return v;
}

static int parse_oracle(const char *arg)
{
	int oracle = sgt_oracle_parse(arg);
	char kinds[1024];
	int n = 0;

	if (oracle != -2)
		return oracle;
	for (int k = 0; k < SGT_V_NR; k++)
		n += snprintf(kinds + n, sizeof(kinds) - (size_t)n, "%s, ", sgt_violation_name[k]);
	torture_usage_error("--until '%s': accepted are %stsan, or never", arg, kinds);
}

/* --sched replay:FILE, read and checked now; whether it fits the run, after the options. */
static struct torture_schedule replay_schedule;

static void read_schedule(struct torture_config *cfg, const char *path)
{
	free(cfg->sched_replay);
	if (!torture_read_schedule(path, &replay_schedule))
		torture_usage_error("--sched replay: %s", replay_schedule.error);
	cfg->sched_replay = replay_schedule.choices;
	cfg->nr_sched_replay = replay_schedule.nr;
	cfg->sched_replay_file = path;
}

static void parse_sched(struct torture_config *cfg, const char *arg)
{
	if (!strncmp(arg, "replay:", 7)) {
		cfg->sched = SCHED_REPLAY;
		read_schedule(cfg, arg + 7);
		return;
	}
	for (int p = SCHED_OS; p < SCHED_REPLAY; p++)
		if (!strcmp(arg, sched_policy_name[p])) {
			cfg->sched = p;
			return;
		}
	torture_usage_error("--sched '%s': accepted are os, random, pct, replay:FILE", arg);
}

static void parse_shard(struct torture_config *cfg, const char *arg)
{
	int i, n, used = 0;

	if (sscanf(arg, "%d/%d%n", &i, &n, &used) != 2 || arg[used] || n < 1 || n > 4096 ||
	    i < 1 || i > n)
		torture_usage_error("--shard '%s': accepted is I/N with 1 <= I <= N <= 4096", arg);
	cfg->shard = i;
	cfg->nr_shards = n;
}

/*
 * --progress DONE/TOTAL[@SECONDS[+AFTER]]: this process's runs are steps
 * DONE+1.. of TOTAL, SECONDS have gone, and the steps after its runs are
 * expected to take AFTER seconds (the caller weighs them by kind).
 */
static void parse_progress(struct torture_config *cfg, const char *arg)
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

static void need_scenario(const struct torture_config *cfg, const char *opt)
{
	if (!cfg->scenario)
		torture_usage_error("%s belongs to repro, hunt and explore: sgtorture repro ID %s ...",
				    opt, opt);
}

/*
 * One axis of the matrix ("--strategy v19,fixed" or "all"), by the
 * subject's names; the array is sized by the subject's count, not ours.
 */
static void parse_axis(const char *opt, char *arg, int count, const char *(*name)(int),
		       const char *(*names)(void), int **out, int *nr)
{
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
	for (char *tok = strtok(arg, ","); tok; tok = strtok(NULL, ",")) {
		int i;

		for (i = 0; i < count && strcmp(tok, name(i)); i++)
			;
		if (i == count)
			torture_usage_error("%s '%s': accepted are %s, a comma list, or all", opt,
					    tok, names());
		for (int k = 0; k < *nr; k++)
			if ((*out)[k] == i)
				torture_usage_error("%s '%s': named twice", opt, tok);
		(*out)[(*nr)++] = i;
	}
	if (!*nr)
		torture_usage_error("%s '': accepted are %s, a comma list, or all", opt, names());
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

static void parse_threads(struct torture_config *cfg, const char *arg)
{
	const struct torture_subject *s = cfg->subject;
	char err[300];

	if (torture_threads_parse(arg, s->nr_roles, s->role_option, s->observer_role,
				  cfg->threads, err, sizeof(err)))
		torture_usage_error("%s", err);
}

static void parse_fault(struct torture_config *cfg, const char *arg)
{
	char err[300];

	if (sgt_fault_parse(arg, err, sizeof(err)))
		torture_usage_error("--fault: %s", err);
	if (cfg->nr_faults == MAX_FAULTS)
		torture_usage_error("--fault '%s': at most %d faults", arg, MAX_FAULTS);
	cfg->faults[cfg->nr_faults++] = arg;
}

bool torture_path_writable(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND);

	if (fd >= 0) {
		close(fd);
		return true;
	}
	if (errno != ENOENT)
		return false;
	/* Not there yet: create it, and leave no empty file behind. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return false;
	close(fd);
	unlink(path);
	return true;
}

/* --json and --sched-dir: a result that cannot be written is lost; say so first. */
static void check_outputs(struct torture_config *cfg)
{
	struct stat st;

	/* The default folder is made on first use; one the user names must exist. */
	if (cfg->sched_dir == cfg->sched_dir_default)
		mkdir(cfg->sched_dir, 0755);

	if (cfg->json && !torture_path_writable(cfg->json))
		torture_usage_error("--json '%s': cannot write it: %s", cfg->json, strerror(errno));
	if (stat(cfg->sched_dir, &st) || !S_ISDIR(st.st_mode) ||
	    access(cfg->sched_dir, W_OK | X_OK))
		torture_usage_error("--sched-dir '%s': accepted is a writable directory",
				    cfg->sched_dir);
}

void torture_defaults(struct torture_config *cfg, const struct torture_subject *s,
		      const char *argv0)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->subject = s;
	cfg->argv0 = argv0;
	cfg->subject_cfg = s->config_new();
	cfg->nr_variants = s->nr_variants();
	cfg->variants = calloc((size_t)cfg->nr_variants, sizeof(int));
	cfg->models = calloc(1, sizeof(int));
	if (!cfg->variants || !cfg->models)
		abort();
	for (int i = 0; i < cfg->nr_variants; i++)
		cfg->variants[i] = i;
	cfg->models[0] = s->default_model;
	cfg->nr_models = 1;
	for (int r = 0; r < s->nr_roles; r++)
		cfg->threads[r] = s->role_default[r];
	cfg->duration = 5;
	cfg->stat_interval = 1;
	cfg->watchdog = 10;
	cfg->seed = (uint64_t)time(NULL) * 2654435761u;
	cfg->stop_on = SGT_ORACLE_NONE;
	cfg->sched_stop_on = SGT_ORACLE_NONE;
	cfg->sched = SCHED_OS;
	cfg->sched_depth = 3;
	cfg->sched_steps = 20000;
	snprintf(cfg->sched_dir_default, sizeof(cfg->sched_dir_default), "%s/sgtorture-%d",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getuid());
	cfg->sched_dir = cfg->sched_dir_default;
	cfg->shard = cfg->nr_shards = 1;
}

void torture_config_free(struct torture_config *cfg)
{
	free(cfg->variants);
	free(cfg->models);
	free(cfg->subject_cfg);
	free(cfg->sched_replay);
	cfg->variants = cfg->models = NULL;
	cfg->subject_cfg = NULL;
	cfg->sched_replay = NULL;
}

enum {
	OPT_VARIANT = 1, OPT_MODEL, OPT_THREADS, OPT_DURATION, OPT_SEED, OPT_FAULT, OPT_STUTTER,
	OPT_JITTER, OPT_STAT_INTERVAL, OPT_WATCHDOG, OPT_JSON, OPT_QUIET, OPT_NO_FORK,
	OPT_INJECT_HANG, OPT_HELP, OPT_UNTIL, OPT_TIMELINE, OPT_BUDGET, OPT_SEEDS, OPT_SCHED,
	OPT_SCHED_DEPTH, OPT_SCHED_STEPS, OPT_SCHED_DIR, OPT_UNTIL_MATCH, OPT_SHARD, OPT_PROGRESS,
	OPT_NO_SHRINK, OPT_OPS, OPT_PREEMPTIONS, OPT_EXPECT, OPT_INJECT_CRASH,
};

static const struct option engine_opts[] = {
	{ "threads", required_argument, 0, OPT_THREADS },
	{ "duration", required_argument, 0, OPT_DURATION }, { "seed", required_argument, 0, OPT_SEED },
	{ "fault", required_argument, 0, OPT_FAULT }, { "stutter", required_argument, 0, OPT_STUTTER },
	{ "jitter", required_argument, 0, OPT_JITTER },
	{ "stat-interval", required_argument, 0, OPT_STAT_INTERVAL },
	{ "watchdog", required_argument, 0, OPT_WATCHDOG }, { "json", required_argument, 0, OPT_JSON },
	{ "quiet", no_argument, 0, OPT_QUIET }, { "no-fork", no_argument, 0, OPT_NO_FORK },
	{ "inject-hang", required_argument, 0, OPT_INJECT_HANG },
	{ "inject-crash", required_argument, 0, OPT_INJECT_CRASH },
	{ "until", required_argument, 0, OPT_UNTIL }, { "timeline", no_argument, 0, OPT_TIMELINE },
	{ "budget", required_argument, 0, OPT_BUDGET }, { "seeds", required_argument, 0, OPT_SEEDS },
	{ "sched", required_argument, 0, OPT_SCHED },
	{ "sched-depth", required_argument, 0, OPT_SCHED_DEPTH },
	{ "sched-steps", required_argument, 0, OPT_SCHED_STEPS },
	{ "sched-dir", required_argument, 0, OPT_SCHED_DIR },
	{ "until-match", required_argument, 0, OPT_UNTIL_MATCH },
	{ "shard", required_argument, 0, OPT_SHARD },
	{ "progress", required_argument, 0, OPT_PROGRESS },
	{ "no-shrink", no_argument, 0, OPT_NO_SHRINK },
	{ "ops", required_argument, 0, OPT_OPS },
	{ "preemptions", required_argument, 0, OPT_PREEMPTIONS },
	{ "expect", required_argument, 0, OPT_EXPECT },
};
#define NR_ENGINE_OPTS (sizeof(engine_opts) / sizeof(engine_opts[0]))

/* The engine's options, the two axes by the subject's names, and the subject's own. */
static struct option *all_options(const struct torture_subject *s)
{
	size_t ns = 0, n = 0;
	struct option *o;

	while (s->options[ns].name)
		ns++;
	o = calloc(NR_ENGINE_OPTS + ns + 3, sizeof(*o));
	if (!o)
		abort();
	o[n++] = (struct option){ s->variant_key, required_argument, 0, OPT_VARIANT };
	o[n++] = (struct option){ s->model_key, required_argument, 0, OPT_MODEL };
	memcpy(o + n, engine_opts, sizeof(engine_opts));
	memcpy(o + n + NR_ENGINE_OPTS, s->options, ns * sizeof(*o));
	return o;	/* calloc'ed: {0}-terminated */
}

static bool parse_engine_option(struct torture_config *cfg, int c, char *arg)
{
	switch (c) {
	case OPT_THREADS: parse_threads(cfg, arg); break;
	case OPT_DURATION: cfg->duration = torture_parse_double("--duration", arg, 0.001, 86400,
						"a number of seconds from 0.001 to 86400"); break;
	case OPT_SEED: cfg->seed = parse_seed(arg); break;
	case OPT_FAULT: parse_fault(cfg, arg); break;
	case OPT_STUTTER: cfg->stutter = torture_parse_double("--stutter", arg, 0, 3600,
						"a number of seconds from 0 to 3600"); break;
	case OPT_JITTER: cfg->jitter = torture_parse_double("--jitter", arg, 0, 1,
						"a probability in [0,1]"); break;
	case OPT_STAT_INTERVAL: cfg->stat_interval = torture_parse_double("--stat-interval", arg,
						0, 3600, "a number of seconds from 0 to 3600"); break;
	case OPT_WATCHDOG: cfg->watchdog = (unsigned int)torture_parse_long("--watchdog", arg, 1,
									    3600); break;
	case OPT_JSON: cfg->json = arg; break;
	case OPT_QUIET: cfg->quiet = true; break;
	case OPT_NO_FORK: cfg->no_fork = true; break;
	case OPT_INJECT_HANG: cfg->inject_hang = torture_parse_double("--inject-hang", arg, 0,
						3600, "a number of seconds from 0 to 3600"); break;
	case OPT_INJECT_CRASH: cfg->inject_crash = torture_parse_double("--inject-crash", arg, 0,
						3600, "a number of seconds from 0 to 3600"); break;
	case OPT_UNTIL: cfg->stop_on = parse_oracle(arg); break;
	case OPT_TIMELINE: cfg->timeline = true; break;
	case OPT_BUDGET: need_scenario(cfg, "--budget");
		cfg->budget = torture_parse_double("--budget", arg, 0.1, 1e7,
						   "a number from 0.1 to 1e7"); break;
	case OPT_SEEDS: need_scenario(cfg, "--seeds");
		cfg->seeds = (int)torture_parse_long("--seeds", arg, 1, 100000); break;
	case OPT_SCHED: parse_sched(cfg, arg); break;
	case OPT_SCHED_DEPTH: cfg->sched_depth = (int)torture_parse_long("--sched-depth", arg, 1,
									 16); break;
	case OPT_SCHED_STEPS: cfg->sched_steps = (unsigned long)torture_parse_long("--sched-steps",
						arg, 1, 100000000); break;
	case OPT_SCHED_DIR: cfg->sched_dir = arg; break;
	case OPT_UNTIL_MATCH: cfg->until_match = arg; break;
	case OPT_SHARD: parse_shard(cfg, arg); break;
	case OPT_PROGRESS: parse_progress(cfg, arg); break;
	case OPT_NO_SHRINK: need_scenario(cfg, "--no-shrink"); cfg->shrink = false; break;
	case OPT_OPS: cfg->ops = (unsigned long)torture_parse_long("--ops", arg, 1, 1000000); break;
	case OPT_EXPECT:
		need_scenario(cfg, "--expect");
		if (strcmp(arg, "clean") && strcmp(arg, "found"))
			torture_usage_error("--expect '%s': accepted are clean, found", arg);
		cfg->expect = !strcmp(arg, "clean") ? TORTURE_EXPECT_CLEAN : TORTURE_EXPECT_FOUND;
		break;
	case OPT_PREEMPTIONS: need_scenario(cfg, "--preemptions");
		cfg->preemptions = (int)torture_parse_long("--preemptions", arg, 0, 16); break;
	default: return false;
	}
	return true;
}

void torture_parse_options(int argc, char **argv, struct torture_config *cfg)
{
	const struct torture_subject *s = cfg->subject;
	struct option *opts = all_options(s);
	char opt[64];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == OPT_VARIANT) {
			snprintf(opt, sizeof(opt), "--%s", s->variant_key);
			parse_axis(opt, optarg, s->nr_variants(), s->variant_name, s->variant_names,
				   &cfg->variants, &cfg->nr_variants);
		} else if (c == OPT_MODEL) {
			snprintf(opt, sizeof(opt), "--%s", s->model_key);
			parse_axis(opt, optarg, s->nr_models, s->model_name, s->model_names,
				   &cfg->models, &cfg->nr_models);
		} else if (c >= 256) {
			s->parse_option(cfg, c, optarg);
		} else if (!parse_engine_option(cfg, c, optarg)) {
			torture_usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	free(opts);
	if (optind < argc)
		torture_usage_error("unexpected argument '%s': sgtorture takes options only",
				    argv[optind]);
	if (cfg->until_match && cfg->stop_on == SGT_ORACLE_TSAN) {
		cfg->tsan_frame = cfg->until_match;	/* a frame of the report's stack */
		cfg->until_match = NULL;
	}
	if (cfg->until_match && (cfg->stop_on < 0 || cfg->stop_on >= SGT_V_NR))
		torture_usage_error("--until-match '%s': accepted only with --until KIND, a "
				    "violation kind, or tsan", cfg->until_match);
	if (cfg->no_fork && cfg->nr_variants * cfg->nr_models != 1)
		torture_usage_error("--no-fork runs one %s and model; %d runs were asked for",
				    s->variant_key, cfg->nr_variants * cfg->nr_models);
	s->check_options(cfg);
	check_outputs(cfg);
	if (cfg->sched == SCHED_REPLAY &&
	    !torture_schedule_fits(cfg, &replay_schedule, cfg->sched_replay_file))
		torture_usage_error("--sched replay: %s", replay_schedule.error);
	/* A replay keeps nothing: the schedule it follows is already a file. */
	if (cfg->sched != SCHED_REPLAY)
		torture_schedule_pending(cfg);
}

void torture_replay_cmdline(const struct torture_config *cfg, int variant, int model,
			    char *buf, size_t len)
{
	const struct torture_subject *s = cfg->subject;
	int n = snprintf(buf, len, "%s --%s %s --%s %s", cfg->argv0, s->variant_key,
			 s->variant_name(variant), s->model_key, s->model_name(model));

#define ADD(...) do { if (n >= 0 && (size_t)n < len) n += snprintf(buf + n, len - (size_t)n, __VA_ARGS__); } while (0)
	if (n >= 0 && (size_t)n < len)
		s->replay_args(cfg, buf + n, len - (size_t)n);
	n = (int)strlen(buf);
	ADD(" --threads ");
	for (int r = 0; r < s->nr_roles; r++)
		ADD("%s%s=%d", r ? "," : "", s->role_option[r], cfg->threads[r]);
	ADD(" --duration %g --seed %llu", cfg->duration, (unsigned long long)cfg->seed);
	for (int i = 0; i < cfg->nr_faults; i++)
		ADD(" --fault %s", cfg->faults[i]);
	if (cfg->jitter > 0)
		ADD(" --jitter %g", cfg->jitter);
	if (cfg->stutter > 0)
		ADD(" --stutter %g", cfg->stutter);
	if (cfg->watchdog != 10)
		ADD(" --watchdog %u", cfg->watchdog);
	if (cfg->inject_hang > 0)
		ADD(" --inject-hang %g", cfg->inject_hang);
	if (cfg->inject_crash > 0)
		ADD(" --inject-crash %g", cfg->inject_crash);
	if (cfg->stop_on != SGT_ORACLE_NONE)
		ADD(" --until %s", sgt_oracle_name(cfg->stop_on));
	if (cfg->until_match)
		ADD(" --until-match '%s'", cfg->until_match);
	if (cfg->stop_on == SGT_ORACLE_TSAN && cfg->tsan_frame)
		ADD(" --until-match '%s'", cfg->tsan_frame);
	if (cfg->timeline)
		ADD(" --timeline");
	if (cfg->ops)
		ADD(" --ops %lu", cfg->ops);
	if (cfg->sched != SCHED_OS && cfg->sched != SCHED_REPLAY && cfg->sched != SCHED_BOUNDED)
		ADD(" --sched %s --sched-depth %d --sched-steps %lu", sched_policy_name[cfg->sched],
		    cfg->sched_depth, cfg->sched_steps);
	if (cfg->sched == SCHED_REPLAY)
		ADD(" --sched replay:%s --sched-steps %lu", cfg->sched_replay_file, cfg->sched_steps);
#undef ADD
}
