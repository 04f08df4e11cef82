/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sgtorture's verbs, one table: `sgtorture VERB [ID] [OPTION]...`.  The
 * options are parsed once, the same way for every verb (options.c); a verb
 * sets its defaults before them and checks what it needs after them.
 */
#ifndef SGT_TORTURE_VERBS_H
#define SGT_TORTURE_VERBS_H

#include "torture.h"

struct torture_verb {
	const char *name;
	const char *usage;		/* its line of --help */
	bool takes_scenario;		/* VERB ID: the scenario's configuration first */
	/* Before the options: the verb's defaults (may be NULL). */
	void (*prepare)(struct torture_config *cfg);
	/* Arguments of its own instead of the engine's options (may be NULL). */
	void (*parse)(struct torture_config *cfg, int argc, char **argv);
	/* After them: what the verb needs (exit 2 through torture_usage_error()). */
	void (*check)(struct torture_config *cfg);
	int (*main)(struct torture_config *cfg);
};

extern const struct torture_verb torture_verb_run, torture_verb_list, torture_verb_repro,
	torture_verb_hunt, torture_verb_explore, torture_verb_replay, torture_verb_check,
	torture_verb_report;

#endif /* SGT_TORTURE_VERBS_H */
