// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture replay FILE [OPTION]...: run the configuration a schedule file
 * holds, under that schedule.  The file's options are set through their
 * rows (params.h), then the options after the file: those that only change
 * what is shown (--json, --quiet, --timeline, --watchdog) are taken; one
 * that changes the run is refused, because the choices would not fit it.
 */
#include <stdio.h>
#include <stdlib.h>

#include "verbs.h"

static void parse_replay(struct torture_config *cfg, int argc, char **argv)
{
	static struct torture_schedule s;	/* cfg keeps pointers to its values */
	const char *file = argc > 1 ? argv[1] : NULL;

	if (!file || file[0] == '-')
		torture_usage_error("replay: which schedule file? accepted is a file written by a "
				    "failing --sched random or pct run");
	if (!torture_read_schedule(file, &s))
		torture_usage_error("replay: %s", s.error);
	free(s.choices);	/* read again, and fitted to the run, by --sched replay: */
	s.choices = NULL;
	torture_schedule_apply(&s, file, cfg);
	cfg->sched = SCHED_REPLAY;
	cfg->sched_replay_file = file;
	argv[1] = argv[0];	/* the options after the file, as getopt's argv */
	torture_parse_args(argc - 1, argv + 1, cfg);
	if (cfg->sched != SCHED_REPLAY || cfg->sched_replay_file != file)
		torture_usage_error("replay %s: --sched '%s': accepted is only the file's "
				    "schedule", file, sched_policy_name[cfg->sched]);
	torture_options_done(cfg);
	if (cfg->nr_variants != 1 || cfg->nr_models != 1)
		torture_usage_error("replay %s: one %s on one %s; the options asked for %d x %d",
				    cfg->sched_replay_file, cfg->subject->variant_key,
				    cfg->subject->model_key, cfg->nr_variants, cfg->nr_models);
}

static int replay_main(struct torture_config *cfg)
{
	return torture_verb_run.main(cfg);
}

const struct torture_verb torture_verb_replay = {
	.name = "replay",
	.usage = "sgtorture replay FILE [OPTION]... the run a schedule file holds, under it",
	.parse = parse_replay,
	.main = replay_main,
};
