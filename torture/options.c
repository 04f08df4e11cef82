// SPDX-License-Identifier: GPL-2.0
/* Options (getopt_long), their defaults and checks, and the replay command line. */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sgt/fault.h>
#include <sgt/sched_ctl.h>
#include <sgt/tsan_report.h>

#include "torture.h"

static const char *const role_opt[NR_ROLES] = { "creators", "accessors", "revokers", "freers" };

static const char help_text[] =
"usage: sgtorture [OPTION]...\n"
"       sgtorture repro ID [OPTION]...   run hazard ID's smallest configuration until\n"
"                                        its oracle fires; repro --list: the catalogue\n"
"       sgtorture hunt ID [OPTION]...    time-to-detect of hazard ID over --seeds seeds\n"
"Race creation, access and revocation of DRM GEM shmem sg tables; report what broke.\n"
"\n"
"  --strategy LIST       v12, v12-review, v19, setonce-init, fixed, a comma list, or all\n"
"                        (default: all)\n"
"  --devres-model LIST   devres-6.16, devres-6.17, devres-2026, a list, or all\n"
"                        (default: devres-2026)\n"
"  --hazard ID           switch on hazard ID's variant, H1..H10 (default: none)\n"
"  --threads ROLE=N,...  threads per role: creators, accessors, revokers, freers\n"
"                        (default: creators=1,accessors=2,revokers=1,freers=1)\n"
"  --objects N           objects in the shared pool, 1..4096 (default: 16)\n"
"  --devices N           devices, 1..8 (default: 2)\n"
"  --duration SECONDS    length of each run, > 0 (default: 5)\n"
"  --seed N              seed of every random choice (default: from the clock)\n"
"  --fault POINT=SPEC    inject faults; POINT is devres-alloc, devm-add-action,\n"
"                        page-alloc, eintr or ww-edeadlk; SPEC a probability, every:N\n"
"                        or nth:N, with an optional ,times:K; repeatable (default: none)\n"
"  --stutter SECONDS     run and pause every thread for this long in turn (default: 0, off)\n"
"  --jitter P            delay or yield at schedule points with probability P in [0,1],\n"
"                        delays inside race windows (default: 0, off)\n"
"  --imports             creators also make imported (dma-buf) objects (default: off;\n"
"                        --hazard H5 turns it on)\n"
"  --stat-interval SECS  statistics every SECS; 0 for the end only (default: 1)\n"
"  --watchdog SECONDS    no progress in a thread for this long stops the run, exit 3\n"
"                        (default: 10)\n"
"  --json FILE           write the result as JSON, even when the run fails (default: none)\n"
"  --quiet               print only the verdicts (default: off)\n"
"  --no-fork             run in this process (one strategy and model only; for gdb)\n"
"  --inject-hang SECONDS make accessor 0 hang holding a resv after SECONDS (tests the\n"
"                        watchdog; default: 0, off)\n"
"  --until ORACLE        stop the run when ORACLE first fires: a violation kind\n"
"                        (use-after-free, page-count, ...) or tsan (default: never)\n"
"  --until-match TEXT    with --until KIND: only a report whose text has TEXT\n"
"  --timeline            keep and print the threads' last events before the first\n"
"                        report (default: off; on for repro and hunt)\n"
"  --sched POLICY        who runs next: os (the kernel's threads, default), random,\n"
"                        pct (one thread at a time, chosen at every schedule point,\n"
"                        deterministic for --seed) or replay:FILE (a schedule written\n"
"                        by a failing random or pct run)\n"
"  --sched-depth D       pct's bug depth: D-1 priority change points (default: 3)\n"
"  --sched-steps N       schedule points per controlled run (default: 20000)\n"
"  --sched-dir DIR       where failing schedules are written (default: .)\n"
"  --shard I/N           run part I of N of the matrix (runs, or hunt/explore seeds),\n"
"                        round robin, so N machines share it (default: 1/1)\n"
"  --help                this text\n"
"\n"
"       sgtorture explore ID [OPTION]...  --budget N schedules of hazard ID's\n"
"                        configuration under --sched (default pct); the first failing\n"
"                        schedule is shrunk and its replay command printed\n"
"\n"
"repro and hunt take the options above to override the hazard's configuration\n"
"(--strategy fixed runs the same configuration on the fixed strategy), and:\n"
"  --budget SECONDS      repro: time for all attempts; hunt: per seed (default: 60, 10)\n"
"  --seeds N             hunt: how many seeds, from --seed on (default: 10)\n"
"  --list                repro: print the hazard catalogue\n"
"\n"
"Exit status: 0 clean, 1 a violation or a sanitizer report, 2 bad usage, 3 watchdog.\n"
"repro: 0 found, 1 not found within the budget.  hunt: 0 every seed found it, else 1.\n";

static __attribute__((noreturn, format(printf, 1, 2))) void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("sgtorture: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

static double parse_double(const char *opt, const char *arg, double min, double max,
			   const char *accepted)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || v < min || v > max)
		usage_error("%s '%s': accepted is %s", opt, arg, accepted);
	return v;
}

static long parse_long(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		usage_error("%s '%s': accepted is a whole number from %ld to %ld", opt, arg, min, max);
	return v;
}

static uint64_t parse_seed(const char *arg)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || *arg == '-')
		usage_error("--seed '%s': accepted is a whole number from 0 to %llu", arg,
			    (unsigned long long)UINT64_MAX);
	return v;
}

static int parse_oracle(const char *arg)
{
	if (!strcmp(arg, "tsan"))
		return STOP_ON_TSAN;
	if (!strcmp(arg, "never"))
		return STOP_NEVER;
	for (int k = 0; k < SGT_V_NR; k++)
		if (!strcmp(arg, sgt_violation_name[k]))
			return k;
	char kinds[1024];
	int n = 0;

	for (int k = 0; k < SGT_V_NR; k++)
		n += snprintf(kinds + n, sizeof(kinds) - (size_t)n, "%s, ", sgt_violation_name[k]);
	usage_error("--until '%s': accepted are %stsan, or never", arg, kinds);
}

/* A schedule file: '#' comment lines, then choices (thread numbers). */
static void read_schedule(struct torture_config *cfg, const char *path)
{
	cfg->sched_replay = torture_read_schedule(path, &cfg->nr_sched_replay);
	if (!cfg->sched_replay && errno)
		usage_error("--sched replay:%s: cannot read it: %s", path, strerror(errno));
	if (!cfg->nr_sched_replay)
		usage_error("--sched replay:%s: no choices in it (accepted: a schedule file "
			    "written by a failing --sched random or pct run)", path);
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
	usage_error("--sched '%s': accepted are os, random, pct, replay:FILE", arg);
}

static void parse_shard(struct torture_config *cfg, const char *arg)
{
	int i, n, used = 0;

	if (sscanf(arg, "%d/%d%n", &i, &n, &used) != 2 || arg[used] || n < 1 || n > 4096 ||
	    i < 1 || i > n)
		usage_error("--shard '%s': accepted is I/N with 1 <= I <= N <= 4096", arg);
	cfg->shard = i;
	cfg->nr_shards = n;
}

static void need_mode(const struct torture_config *cfg, const char *opt)
{
	if (cfg->mode == MODE_RUN)
		usage_error("%s belongs to repro and hunt: sgtorture repro|hunt ID %s ...", opt, opt);
}

/*
 * "sgtorture repro ID ..." / "sgtorture hunt ID ...": the hazard's
 * configuration first, so the options after it override it.
 */
static void parse_mode(struct torture_config *cfg, int *argc, char ***argv)
{
	const char *verb = *argc > 1 ? (*argv)[1] : "";
	const char *id;

	if (!strcmp(verb, "repro"))
		cfg->mode = MODE_REPRO;
	else if (!strcmp(verb, "hunt"))
		cfg->mode = MODE_HUNT;
	else if (!strcmp(verb, "explore"))
		cfg->mode = MODE_EXPLORE;
	else
		return;
	cfg->budget = cfg->mode == MODE_REPRO ? 60 : cfg->mode == MODE_EXPLORE ? 100 : 10;
	cfg->seeds = 10;
	id = *argc > 2 ? (*argv)[2] : NULL;
	if (id && !strcmp(id, "--list") && cfg->mode == MODE_REPRO) {
		repro_list(stdout);
		exit(0);
	}
	if (!id || id[0] == '-')
		usage_error("%s: which hazard? accepted are H1..H10 (sgtorture repro --list)", verb);
	cfg->repro = repro_find(id);
	if (!cfg->repro)
		usage_error("%s: unknown hazard '%s': accepted are H1..H10 (sgtorture repro --list)",
			    verb, id);
	repro_apply(cfg->repro, cfg);
	if (cfg->mode == MODE_EXPLORE)
		explore_apply(cfg);
	/* getopt_long sees argv[0] and the options after the id. */
	(*argv)[2] = (*argv)[0];
	*argv += 2;
	*argc -= 2;
}

/* repro/hunt: one run at a time; a TSan oracle needs the TSan build. */
static void check_repro(struct torture_config *cfg)
{
	if (cfg->nr_strategies != 1 || cfg->nr_models != 1)
		usage_error("repro and hunt run one strategy on one devres model; %d x %d were asked for",
			    cfg->nr_strategies, cfg->nr_models);
	if (cfg->mode == MODE_EXPLORE && cfg->sched == SCHED_OS)
		usage_error("explore needs a controlled scheduler: --sched random or pct, not os");
	if (cfg->mode != MODE_EXPLORE && cfg->stop_on == STOP_ON_TSAN && !sgt_tsan_enabled())
		usage_error("%s's oracle is ThreadSanitizer: run the tsan build's sgtorture "
			    "(build/tsan/torture/sgtorture %s %s)",
			    cfg->repro->id, cfg->mode == MODE_REPRO ? "repro" : "hunt", cfg->repro->id);
	if (cfg->stop_on == STOP_NEVER)
		usage_error("repro and hunt need an oracle to wait for: --until never was given");
	/* The variant belongs to the port: a strategy without it runs the configuration plain. */
	if (cfg->hazard && cfg->hazard->obj_flag &&
	    !(cfg->strategies[0]->variants & cfg->hazard->obj_flag))
		cfg->hazard = NULL;
}

static void parse_strategies(struct torture_config *cfg, char *arg)
{
	char err[200];

	cfg->nr_strategies = 0;
	if (!strcmp(arg, "all")) {
		for (int i = 0; sgt_strategies[i]; i++)
			cfg->strategies[cfg->nr_strategies++] = sgt_strategies[i];
		return;
	}
	for (char *tok = strtok(arg, ","); tok; tok = strtok(NULL, ",")) {
		if (sgt_strategy_parse(tok, &cfg->strategies[cfg->nr_strategies], err, sizeof(err)))
			usage_error("--strategy: %s, or all", err);
		if (++cfg->nr_strategies == 8)
			break;
	}
}

static void parse_models(struct torture_config *cfg, char *arg)
{
	char err[200];

	cfg->nr_models = 0;
	if (!strcmp(arg, "all")) {
		for (int m = 0; m < DEVRES_MODEL_NR; m++)
			cfg->models[cfg->nr_models++] = (enum devres_model)m;
		return;
	}
	for (char *tok = strtok(arg, ","); tok && cfg->nr_models < DEVRES_MODEL_NR;
	     tok = strtok(NULL, ",")) {
		if (devres_model_parse(tok, &cfg->models[cfg->nr_models], err, sizeof(err)))
			usage_error("--devres-model: %s, or all", err);
		cfg->nr_models++;
	}
}

static void parse_threads(struct torture_config *cfg, char *arg)
{
	for (char *tok = strtok(arg, ","); tok; tok = strtok(NULL, ",")) {
		char *eq = strchr(tok, '=');
		int r;

		for (r = 0; r < NR_ROLES; r++)
			if (eq && (size_t)(eq - tok) == strlen(role_opt[r]) &&
			    !strncmp(tok, role_opt[r], (size_t)(eq - tok)))
				break;
		if (r == NR_ROLES)
			usage_error("--threads '%s': accepted are creators=N, accessors=N, "
				    "revokers=N, freers=N", tok);
		cfg->threads[r] = (int)parse_long("--threads", eq + 1, 0, MAX_PER_ROLE);
	}
	if (cfg->threads[ROLE_ACCESSOR] < 1)
		usage_error("--threads accessors=%d: accepted is 1 to %d (the accessors observe)",
			    cfg->threads[ROLE_ACCESSOR], MAX_PER_ROLE);
}

static void parse_fault(struct torture_config *cfg, const char *arg)
{
	char err[300];

	if (sgt_fault_parse(arg, err, sizeof(err)))
		usage_error("--fault: %s", err);
	if (cfg->nr_faults == MAX_FAULTS)
		usage_error("--fault '%s': at most %d faults", arg, MAX_FAULTS);
	cfg->faults[cfg->nr_faults++] = arg;
}

static void check_hazard(const struct torture_config *cfg)
{
	if (!cfg->hazard || !cfg->hazard->obj_flag)
		return;
	for (int i = 0; i < cfg->nr_strategies; i++)
		if (!(cfg->strategies[i]->variants & cfg->hazard->obj_flag))
			usage_error("--hazard %s is a variant of %s; strategy %s does not have it",
				    cfg->hazard->name, cfg->hazard->where, cfg->strategies[i]->name);
}

static void defaults(struct torture_config *cfg, const char *argv0)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->argv0 = argv0;
	for (int i = 0; sgt_strategies[i]; i++)
		cfg->strategies[cfg->nr_strategies++] = sgt_strategies[i];
	cfg->models[cfg->nr_models++] = DEVRES_2026;
	cfg->threads[ROLE_CREATOR] = cfg->threads[ROLE_REVOKER] = cfg->threads[ROLE_FREER] = 1;
	cfg->threads[ROLE_ACCESSOR] = 2;
	cfg->objects = 16;
	cfg->devices = 2;
	cfg->duration = 5;
	cfg->stat_interval = 1;
	cfg->watchdog = 10;
	cfg->seed = (uint64_t)time(NULL) * 2654435761u;
	cfg->stop_on = STOP_NEVER;
	cfg->sched = SCHED_OS;
	cfg->sched_depth = 3;
	cfg->sched_steps = 20000;
	cfg->sched_dir = ".";
	cfg->shard = cfg->nr_shards = 1;
}

void torture_parse(int argc, char **argv, struct torture_config *cfg)
{
	static const struct option opts[] = {
		{ "strategy", required_argument, 0, 's' }, { "devres-model", required_argument, 0, 'm' },
		{ "hazard", required_argument, 0, 'H' }, { "threads", required_argument, 0, 't' },
		{ "objects", required_argument, 0, 'o' }, { "devices", required_argument, 0, 'd' },
		{ "duration", required_argument, 0, 'D' }, { "seed", required_argument, 0, 'S' },
		{ "fault", required_argument, 0, 'f' }, { "stutter", required_argument, 0, 'u' },
		{ "jitter", required_argument, 0, 'j' }, { "imports", no_argument, 0, 'I' },
		{ "stat-interval", required_argument, 0, 'i' },
		{ "watchdog", required_argument, 0, 'w' }, { "json", required_argument, 0, 'J' },
		{ "quiet", no_argument, 0, 'q' }, { "no-fork", no_argument, 0, 'n' },
		{ "inject-hang", required_argument, 0, 'X' }, { "help", no_argument, 0, 'h' },
		{ "until", required_argument, 0, 'U' }, { "timeline", no_argument, 0, 'T' },
		{ "budget", required_argument, 0, 'B' }, { "seeds", required_argument, 0, 'N' },
		{ "list", no_argument, 0, 'L' }, { "sched", required_argument, 0, 'P' },
		{ "sched-depth", required_argument, 0, 'Q' },
		{ "sched-steps", required_argument, 0, 'R' },
		{ "sched-dir", required_argument, 0, 'V' },
		{ "until-match", required_argument, 0, 'W' },
		{ "shard", required_argument, 0, 'Y' },
		{ 0 },
	};
	char err[200];
	int c;

	defaults(cfg, argv[0]);
	parse_mode(cfg, &argc, &argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': parse_strategies(cfg, optarg); break;
		case 'm': parse_models(cfg, optarg); break;
		case 'H':
			if (!strcmp(optarg, "none"))
				cfg->hazard = NULL;
			else if (sgt_hazard_parse(optarg, &cfg->hazard, err, sizeof(err)))
				usage_error("--hazard: %s, or none", err);
			break;
		case 't': parse_threads(cfg, optarg); break;
		case 'o': cfg->objects = (int)parse_long("--objects", optarg, 1, 4096); break;
		case 'd': cfg->devices = (int)parse_long("--devices", optarg, 1, 8); break;
		case 'D': cfg->duration = parse_double("--duration", optarg, 0.001, 86400,
						       "a number of seconds > 0"); break;
		case 'S': cfg->seed = parse_seed(optarg); break;
		case 'f': parse_fault(cfg, optarg); break;
		case 'u': cfg->stutter = parse_double("--stutter", optarg, 0, 3600,
						      "a number of seconds >= 0"); break;
		case 'j': cfg->jitter = parse_double("--jitter", optarg, 0, 1,
						     "a probability in [0,1]"); break;
		case 'I': cfg->imports = true; break;
		case 'i': cfg->stat_interval = parse_double("--stat-interval", optarg, 0, 3600,
							    "a number of seconds >= 0"); break;
		case 'w': cfg->watchdog = (unsigned int)parse_long("--watchdog", optarg, 1, 3600); break;
		case 'J': cfg->json = optarg; break;
		case 'q': cfg->quiet = true; break;
		case 'n': cfg->no_fork = true; break;
		case 'X': cfg->inject_hang = parse_double("--inject-hang", optarg, 0, 3600,
							  "a number of seconds >= 0"); break;
		case 'h': fputs(help_text, stdout); exit(0);
		case 'U': cfg->stop_on = parse_oracle(optarg); break;
		case 'T': cfg->timeline = true; break;
		case 'B': need_mode(cfg, "--budget");
			cfg->budget = parse_double("--budget", optarg, 0.1, 86400,
						   "a number of seconds >= 0.1"); break;
		case 'N': need_mode(cfg, "--seeds");
			cfg->seeds = (int)parse_long("--seeds", optarg, 1, 100000); break;
		case 'L': need_mode(cfg, "--list"); repro_list(stdout); exit(0);
		case 'P': parse_sched(cfg, optarg); break;
		case 'Q': cfg->sched_depth = (int)parse_long("--sched-depth", optarg, 1, 16); break;
		case 'R': cfg->sched_steps = (unsigned long)parse_long("--sched-steps", optarg, 100,
									  100000000); break;
		case 'V': cfg->sched_dir = optarg; break;
		case 'W': cfg->until_match = optarg; break;
		case 'Y': parse_shard(cfg, optarg); break;
		default:
			usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		usage_error("unexpected argument '%s': sgtorture takes options only", argv[optind]);
	if (cfg->until_match && (cfg->stop_on < 0 || cfg->stop_on >= SGT_V_NR))
		usage_error("--until-match '%s': accepted only with --until KIND, a violation kind",
			    cfg->until_match);
	if (cfg->no_fork && cfg->nr_strategies * cfg->nr_models != 1)
		usage_error("--no-fork runs one strategy and model; %d runs were asked for",
			    cfg->nr_strategies * cfg->nr_models);
	if (cfg->mode != MODE_RUN)
		check_repro(cfg);
	check_hazard(cfg);
}

void torture_replay_cmdline(const struct torture_config *cfg,
			    const struct sgt_strategy_ops *ops, enum devres_model model,
			    char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s --strategy %s --devres-model %s", cfg->argv0, ops->name,
			 devres_model_name[model]);

#define ADD(...) do { if (n >= 0 && (size_t)n < len) n += snprintf(buf + n, len - (size_t)n, __VA_ARGS__); } while (0)
	if (cfg->hazard)
		ADD(" --hazard %s", cfg->hazard->name);
	ADD(" --threads creators=%d,accessors=%d,revokers=%d,freers=%d", cfg->threads[0],
	    cfg->threads[1], cfg->threads[2], cfg->threads[3]);
	ADD(" --objects %d --devices %d --duration %g --seed %llu", cfg->objects, cfg->devices,
	    cfg->duration, (unsigned long long)cfg->seed);
	for (int i = 0; i < cfg->nr_faults; i++)
		ADD(" --fault %s", cfg->faults[i]);
	if (cfg->jitter > 0)
		ADD(" --jitter %g", cfg->jitter);
	if (cfg->stutter > 0)
		ADD(" --stutter %g", cfg->stutter);
	if (cfg->imports)
		ADD(" --imports");
	if (cfg->watchdog != 10)
		ADD(" --watchdog %u", cfg->watchdog);
	if (cfg->inject_hang > 0)
		ADD(" --inject-hang %g", cfg->inject_hang);
	if (cfg->stop_on != STOP_NEVER)
		ADD(" --until %s", repro_oracle_name(cfg->stop_on));
	if (cfg->until_match)
		ADD(" --until-match '%s'", cfg->until_match);
	if (cfg->timeline)
		ADD(" --timeline");
	if (cfg->sched != SCHED_OS && cfg->sched != SCHED_REPLAY)
		ADD(" --sched %s --sched-depth %d --sched-steps %lu", sched_policy_name[cfg->sched],
		    cfg->sched_depth, cfg->sched_steps);
	if (cfg->sched == SCHED_REPLAY)
		ADD(" --sched replay:%s --sched-steps %lu", cfg->sched_replay_file, cfg->sched_steps);
#undef ADD
}
