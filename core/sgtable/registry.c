// SPDX-License-Identifier: GPL-2.0
/*
 * The registry of ports: the one place a new port is named.  Everything
 * else -- help text, error messages, "all", `sgtorture list`, the docs'
 * tables, the per-strategy tests and benchmarks -- reads it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/names.h>
#include <sgtable/strategy.h>

/* One line per port: its ops table, defined in strategy_<name>.c. */
#define SGTABLE_PORTS(X)	\
	X(v12)			\
	X(v12_review)		\
	X(v14_lazyinit)		\
	X(v19)			\
	X(merged)		\
	X(setonce_init)		\
	X(fixed)		\
	X(c_helper_6_1)		\
	X(c_helper)

#define DECLARE_PORT(p)		extern const struct sgtable_strategy_ops sgtable_##p##_ops;
#define LIST_PORT(p)		&sgtable_##p##_ops,
SGTABLE_PORTS(DECLARE_PORT)

const struct sgtable_strategy_ops *const sgtable_strategies[] = {
	SGTABLE_PORTS(LIST_PORT) NULL,
};
const int sgtable_nr_strategies = sizeof(sgtable_strategies) / sizeof(sgtable_strategies[0]) - 1;

const char *const sgtable_outcome_name[SGTABLE_OUT_NR] = {
	[SGTABLE_OUT_TABLE] = "table",
	[SGTABLE_OUT_ENODEV] = "-ENODEV",
	[SGTABLE_OUT_EINVAL_FOREIGN] = "-EINVAL (foreign device)",
	[SGTABLE_OUT_TABLE_FOREIGN] = "table on a foreign device",
	[SGTABLE_OUT_FAULT] = "injected error",
	[SGTABLE_OUT_DANGLING] = "dangling table",
	[SGTABLE_OUT_EINVAL_OWN] = "-EINVAL (own device)",
	[SGTABLE_OUT_OTHER_ERROR] = "other error",
	[SGTABLE_OUT_OWNED_TABLE] = "owned: table",
	[SGTABLE_OUT_OWNED_REVOKED] = "owned: revoked",
};

const struct sgtable_strategy_ops *sgtable_strategy_find(const char *name)
{
	for (int i = 0; sgtable_strategies[i]; i++)
		if (!strcmp(sgtable_strategies[i]->name, name))
			return sgtable_strategies[i];
	return NULL;
}

const struct sgtable_strategy_ops *sgtable_declared_clean(void)
{
	for (int i = 0; sgtable_strategies[i]; i++)
		if (sgtable_strategies[i]->declared_clean)
			return sgtable_strategies[i];
	fprintf(stderr, "sgtable: the registry has no port declared clean\n");
	abort();	/* every clean twin is this port */
}

int sgtable_strategy_index(const char *name)
{
	for (int i = 0; sgtable_strategies[i]; i++)
		if (!strcmp(sgtable_strategies[i]->name, name))
			return i;
	/* A table naming a port the registry lacks: never run another in its place. */
	fprintf(stderr, "sgtable: no strategy '%s' in the registry (accepted: %s)\n", name,
		sgtable_strategy_names());
	abort();
}

static const char *strategy_name(int i)
{
	return sgtable_strategies[i]->name;
}

const char *sgtable_strategy_names(void)
{
	static char names[512];

	return sgt_join_names(names, sizeof(names), sgtable_nr_strategies, strategy_name);
}

int sgtable_strategy_parse(const char *name, const struct sgtable_strategy_ops **ops,
			   char *err, size_t len)
{
	*ops = sgtable_strategy_find(name);
	if (*ops)
		return 0;
	snprintf(err, len, "unknown strategy '%s': accepted are %s", name,
		 sgtable_strategy_names());
	return -EINVAL;
}
