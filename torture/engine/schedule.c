// SPDX-License-Identifier: GPL-2.0
/*
 * Schedule files: a failing controlled run's choices, up to the failure,
 * after a comment line saying what it was; --sched replay:FILE reads them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <check/sched_ctl.h>

#include "torture.h"

void torture_write_schedule(const struct torture_config *cfg, struct torture_result *res)
{
	size_t n, upto = sched_ctl_failure_choices();
	const uint32_t *c = sched_ctl_choices(&n);
	FILE *f;

	res->sched_steps = sched_ctl_steps();
	res->sched_hash = upto ? sched_ctl_failure_hash() : sched_ctl_trace_hash();
	res->sched_choices = upto ? upto : n;
	if (!upto)
		return;		/* no failure was seen: nothing to replay */
	snprintf(res->sched_file, sizeof(res->sched_file), "%s/sgtorture-%s-%s-%s-%llu.sched",
		 cfg->sched_dir, res->variant, res->model, sched_policy_name[cfg->sched],
		 (unsigned long long)cfg->seed);
	f = fopen(res->sched_file, "w");
	if (!f) {
		res->sched_file[0] = 0;
		return;
	}
	fprintf(f, "# sgtorture schedule: %s=%s %s=%s policy=%s seed=%llu choices=%zu "
		"hash=%016llx\n", cfg->subject->variant_key, res->variant, cfg->subject->model_key,
		res->model, sched_policy_name[cfg->sched], (unsigned long long)cfg->seed,
		res->sched_choices, (unsigned long long)res->sched_hash);
	for (size_t i = 0; i < res->sched_choices; i++)
		fprintf(f, "%u%c", c[i], i % 32 == 31 ? '\n' : ' ');
	fputc('\n', f);
	fclose(f);
}

uint32_t *torture_read_schedule(const char *path, size_t *n)
{
	uint32_t *c = NULL;
	size_t cap = 0;
	char line[4096];
	FILE *f;

	*n = 0;
	f = fopen(path, "r");
	if (!f)
		return NULL;	/* errno says why */
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		if (line[0] == '#')
			continue;	/* the comment torture_write_schedule() starts with */
		for (unsigned long v; (v = strtoul(p, &end, 10)), end != p; p = end) {
			if (*n == cap) {
				uint32_t *grown = realloc(c, (cap = cap ? 2 * cap : 4096) * sizeof(*c));

				if (!grown)
					abort();
				c = grown;
			}
			c[(*n)++] = (uint32_t)v;
		}
	}
	fclose(f);
	errno = 0;
	return c;
}
