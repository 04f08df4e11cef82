// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture list [--json]: the subject's tables (variants, scenarios,
 * models) as text, or as the JSON that scripts, reports, tests and CMake
 * read instead of repeating a name.
 */
#include <stdio.h>
#include <string.h>

#include "verbs.h"

static bool list_json;

static int list_main(struct torture_config *cfg)
{
	json_t *doc;

	if (!list_json) {
		cfg->subject->list(stdout);
		return 0;
	}
	doc = cfg->subject->list_json();
	if (!doc || json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER)) {
		fprintf(stderr, "sgtorture: list: cannot write the JSON\n");
		return 1;
	}
	putchar('\n');
	json_decref(doc);
	return 0;
}

/* `list` takes one option of its own, not the engine's. */
static void parse_list(struct torture_config *cfg, int argc, char **argv)
{
	list_json = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json"))
			torture_usage_error("list '%s': accepted is --json", argv[i]);
		list_json = true;
	}
}

const struct torture_verb torture_verb_list = {
	.name = "list",
	.usage = "sgtorture list [--json]          the variants, scenarios and models, with their fields",
	.parse = parse_list,
	.main = list_main,
};
