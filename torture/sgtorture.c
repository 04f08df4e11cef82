// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture: the torture engine (engine/) on the sg-table subject
 * (sgtable/).  `sgtorture [VERB [ID]] [OPTION]...`; the verbs are a table,
 * and the first argument that is not a verb is an option of `run`.
 */
#include <stdio.h>
#include <string.h>

#include <check/names.h>

#include "engine/verbs.h"
#include "sgtable/sgtable_subject.h"

static const struct torture_verb *const verbs[] = {
	&torture_verb_run, &torture_verb_list, &torture_verb_repro, &torture_verb_hunt,
	&torture_verb_explore, &torture_verb_check, &torture_verb_report, &torture_verb_replay,
	NULL,
};

#define NR_VERBS	((int)(sizeof(verbs) / sizeof(verbs[0]) - 1))

static const char *verb_name(int i)
{
	return verbs[i]->name;
}

static void help(const struct torture_subject *s)
{
	printf("usage:\n");
	for (int i = 0; verbs[i]; i++)
		printf("  %s\n", verbs[i]->usage);
	printf("Race creation, access and revocation of DRM GEM shmem sg tables; report what "
	       "broke.\nID is a scenario: %s (sgtorture list).\n\n", s->scenario_ids());
	torture_params_help(s, stdout);
	printf("\nExit status: 0 clean, 1 a violation, a sanitizer report, a leak or a forbidden\n"
	       "outcome, 2 bad usage, 3 watchdog.  repro: 0 found, 1 not found within the budget.\n"
	       "hunt: 0 every seed found it, else 1.  explore: 0 a schedule failed, else 1.\n");
}

static const struct torture_verb *find_verb(const char *name)
{
	for (int i = 0; verbs[i]; i++)
		if (!strcmp(verbs[i]->name, name))
			return verbs[i];
	return NULL;
}

/* `sgtorture VERB [ID] options...`: argv from the options on, argv[0] kept. */
static const struct torture_verb *parse_verb(struct torture_config *cfg, int *argc, char ***argv)
{
	const struct torture_verb *v = &torture_verb_run;
	const char *id;
	int skip = 0;

	if (*argc > 1 && (*argv)[1][0] != '-') {
		v = find_verb((*argv)[1]);
		if (!v) {
			static char names[128];

			torture_usage_error("unknown verb '%s': accepted are %s", (*argv)[1],
					    sgt_join_names(names, sizeof(names), NR_VERBS, verb_name));
		}
		skip = 1;
	}
	cfg->verb = v->name;
	if (v->takes_scenario) {
		id = *argc > 2 ? (*argv)[2] : NULL;
		if (!id || id[0] == '-')
			torture_usage_error("%s: which scenario? accepted are %s (sgtorture list)",
					    v->name, cfg->subject->scenario_ids());
		if (!cfg->subject->scenario_apply(id, cfg))
			torture_usage_error("%s: unknown scenario '%s': accepted are %s "
					    "(sgtorture list)", v->name, id, cfg->subject->scenario_ids());
		skip = 2;
	}
	(*argv)[skip] = (*argv)[0];
	*argv += skip;
	*argc -= skip;
	return v;
}

int main(int argc, char **argv)
{
	const struct torture_subject *s = &sgtable_subject;
	const struct torture_verb *v;
	struct torture_config cfg;
	int ret;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help")) {
			help(s);
			return 0;
		}
	torture_defaults(&cfg, s, argv[0]);
	v = parse_verb(&cfg, &argc, &argv);
	if (v->prepare)
		v->prepare(&cfg);
	if (v->parse)
		v->parse(&cfg, argc, argv);
	else
		torture_parse_options(argc, argv, &cfg);
	if (v->check)
		v->check(&cfg);
	torture_install_signals();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = v->main(&cfg);
	torture_config_free(&cfg);
	return ret;
}
