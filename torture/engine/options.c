// SPDX-License-Identifier: GPL-2.0
/*
 * The command line: getopt_long over the options' table (params.h), then
 * the checks that need every option at once (the oracle of --until-match,
 * --no-fork's one run, the subject's cross-checks, the outputs written at
 * the end, a replayed schedule's fit).  Every bad value exits 2 with one
 * line naming it and what is accepted, before anything runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check/sched_ctl.h>

#include "torture.h"

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

/* getopt's view of the table: row i is val 256 + i, clear of getopt's '?' and ':'. */
static struct option *long_options(const struct torture_param *table)
{
	size_t n = 0;
	struct option *o;

	while (table[n].name)
		n++;
	o = calloc(n + 1, sizeof(*o));
	if (!o)
		abort();
	for (size_t i = 0; i < n; i++)
		o[i] = (struct option){ table[i].name,
					table[i].arg ? required_argument : no_argument, NULL,
					256 + (int)i };
	return o;	/* calloc'ed: {0}-terminated */
}

void torture_parse_args(int argc, char **argv, struct torture_config *cfg)
{
	const struct torture_param *table = torture_params(cfg->subject);
	struct option *opts = long_options(table);
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const struct torture_param *p = c >= 256 ? &table[c - 256] : NULL;

		if (!p)
			torture_usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		if ((p->flags & TP_SCENARIO) && !cfg->scenario)
			torture_usage_error("--%s belongs to repro, hunt, explore and check: "
					    "sgtorture repro ID --%s ...", p->name, p->name);
		torture_param_set(cfg, p, optarg);
	}
	free(opts);
	if (optind < argc)
		torture_usage_error("unexpected argument '%s': sgtorture takes options only",
				    argv[optind]);
}

/* --sched replay:FILE: read and checked once every option is in, then fitted to the run. */
static void read_replay(struct torture_config *cfg)
{
	static struct torture_schedule s;

	free(cfg->sched_replay);
	if (!torture_read_schedule(cfg->sched_replay_file, &s) ||
	    !torture_schedule_fits(cfg, &s, cfg->sched_replay_file))
		torture_usage_error("--sched replay: %s", s.error);
	cfg->sched_replay = s.choices;
	cfg->nr_sched_replay = s.nr;
}

void torture_options_done(struct torture_config *cfg)
{
	const struct torture_subject *s = cfg->subject;

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
	if (cfg->sched == SCHED_REPLAY)
		read_replay(cfg);
	else	/* a replay keeps nothing: the schedule it follows is already a file */
		torture_schedule_pending(cfg);
}

void torture_parse_options(int argc, char **argv, struct torture_config *cfg)
{
	torture_parse_args(argc, argv, cfg);
	torture_options_done(cfg);
}
