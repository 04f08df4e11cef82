// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture replay FILE [OPTION]...: run the configuration a schedule file
 * holds, under that schedule.  Options after the file add to or override
 * the file's (--json, --quiet); one that changes the variant, model or
 * threads is refused, because the choices would not fit the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verbs.h"

#define MAX_ARGS 128

/* The config line's options, split at spaces; '...' keeps spaces inside one. */
static int split(char *line, char **argv, int max)
{
	int n = 0;

	for (char *p = line; *p && n < max;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		if (*p == '\'') {
			argv[n++] = ++p;
			p += strcspn(p, "'");
		} else {
			argv[n++] = p;
			p += strcspn(p, " ");
		}
		if (*p)
			*p++ = 0;
	}
	return n;
}

static void parse_replay(struct torture_config *cfg, int argc, char **argv)
{
	static struct torture_schedule s;
	static char sched_opt[4096 + 8];
	char *args[MAX_ARGS];
	int n = 0;

	if (argc < 2 || argv[1][0] == '-')
		torture_usage_error("replay: which schedule file? accepted is a file written by a "
				    "failing --sched random or pct run");
	if (!torture_read_schedule(argv[1], &s))
		torture_usage_error("replay: %s", s.error);
	free(s.choices);	/* read again, and fitted to the run, by --sched replay: */
	args[n++] = argv[0];
	n += split(s.config, args + n, MAX_ARGS - n - argc - 2);
	snprintf(sched_opt, sizeof(sched_opt), "replay:%s", argv[1]);
	args[n++] = "--sched";
	args[n++] = sched_opt;
	for (int i = 2; i < argc && n < MAX_ARGS - 1; i++)
		args[n++] = argv[i];	/* the user's, last: they override */
	args[n] = NULL;
	torture_parse_options(n, args, cfg);
	if (cfg->nr_variants != 1 || cfg->nr_models != 1)
		torture_usage_error("replay %s: one %s on one %s; the options asked for %d x %d",
				    argv[1], cfg->subject->variant_key, cfg->subject->model_key,
				    cfg->nr_variants, cfg->nr_models);
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
