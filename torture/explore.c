// SPDX-License-Identifier: GPL-2.0
/*
 * sgtorture explore ID: many controlled schedules of hazard ID's smallest
 * configuration (repro.c), each deterministic for its seed; schedules per
 * second, the failures found, and the first failing schedule, shrunk: fewer
 * threads first, then the shortest prefix of its choices that still fails
 * (the rest of the run then goes to the lowest-numbered runnable thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sgt/sched_ctl.h>
#include <sgt/wait.h>

#include "torture.h"

/*
 * The oracle each hazard shows under a controlled scheduler.  Switching
 * threads under one lock orders them for TSan, so the TSan-only hazards
 * are caught by what their race does instead: H9's second table is
 * unmapped under a user, H10's payload is dropped under a reader.  H8 (an
 * unlocked read that is only a data race) has no such oracle.
 */
static int controlled_oracle(const struct repro_spec *spec)
{
	if (!strcmp(spec->id, "H9") || !strcmp(spec->id, "H10"))
		return SGT_V_USE_AFTER_UNMAP;
	return spec->oracle;
}

void explore_apply(struct torture_config *cfg)
{
	cfg->sched = SCHED_PCT;
	cfg->stop_on = controlled_oracle(cfg->repro);
	/* H10's use after unmap is of a freed table; v12's H6 gives a NULL one. */
	if (!strcmp(cfg->repro->id, "H10"))
		cfg->until_match = "unmapped sg_table";
	cfg->tsan_frame = NULL;
	cfg->timeline = true;
	cfg->shrink = true;
	if (cfg->stop_on == STOP_ON_TSAN) {
		fprintf(stderr, "sgtorture: explore %s: its only oracle is ThreadSanitizer, which "
			"a controlled schedule hides (one lock orders every switch); accepted are "
			"H1..H7, H9, H10 (repro %s finds it in the tsan build)\n",
			cfg->repro->id, cfg->repro->id);
		exit(2);
	}
}

/* Fewer threads: drop one thread of a role while the same seed still fails. */
static void shrink_threads(struct torture_config *cfg, struct torture_result *res)
{
	static const int floor_of[NR_ROLES] = { [ROLE_ACCESSOR] = 1 };
	bool progress = true;

	while (progress) {
		progress = false;
		for (int r = 0; r < NR_ROLES; r++) {
			if (cfg->threads[r] <= floor_of[r])
				continue;
			cfg->threads[r]--;
			if (torture_attempt(cfg, res)) {
				progress = true;
				continue;
			}
			cfg->threads[r]++;
		}
	}
}

/* The shortest prefix of the failing run's choices that, replayed, still fails. */
static size_t shrink_prefix(struct torture_config *cfg, struct torture_result *res,
			    uint32_t *choices, size_t n)
{
	size_t lo = 0, hi = n;

	cfg->sched = SCHED_REPLAY;
	cfg->sched_replay = choices;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		cfg->nr_sched_replay = mid;
		if (torture_attempt(cfg, res))
			hi = mid;
		else
			lo = mid + 1;
	}
	cfg->nr_sched_replay = hi;
	return hi;
}

static void shrink(struct torture_config *cfg, struct torture_result *res)
{
	int threads0[NR_ROLES];
	uint32_t *choices;
	size_t n, kept;
	char replay[1024];

	memcpy(threads0, cfg->threads, sizeof(threads0));
	shrink_threads(cfg, res);
	torture_attempt(cfg, res);	/* the (maybe smaller) configuration's own schedule */
	choices = torture_read_schedule(res->sched_file, &n);
	if (!choices)
		return;
	kept = shrink_prefix(cfg, res, choices, n);
	cfg->sched_replay_file = "";
	if (!torture_attempt(cfg, res) || !res->sched_file[0]) {
		printf("shrink: the shrunk schedule did not fail again; keeping the original\n");
		free(choices);
		return;
	}
	cfg->sched_replay_file = res->sched_file;
	printf("shrunk: threads creators=%d accessors=%d revokers=%d freers=%d (from %d/%d/%d/%d); "
	       "the first %zu of %zu choices forced, then the lowest runnable thread: %zu "
	       "choices to the failure\n",
	       cfg->threads[ROLE_CREATOR], cfg->threads[ROLE_ACCESSOR], cfg->threads[ROLE_REVOKER],
	       cfg->threads[ROLE_FREER], threads0[ROLE_CREATOR], threads0[ROLE_ACCESSOR],
	       threads0[ROLE_REVOKER], threads0[ROLE_FREER], kept, n, res->sched_choices);
	torture_replay_cmdline(cfg, cfg->strategies[0], cfg->models[0], replay, sizeof(replay));
	printf("Replay shrunk: %s\n", replay);
	cfg->sched_replay = NULL;
	free(choices);
}

int explore_main(struct torture_config *cfg)
{
	struct torture_result *res = torture_result_map();
	uint64_t base = cfg->seed, start = sgt_now_ns();
	int runs = (int)cfg->budget, failures = 0, first = -1, ran = 0;
	char replay[1024] = "", first_report[400] = "";
	double secs;

	if (!res)
		return 1;
	printf("explore %s: %s on %s, %s depth %d, %lu steps, until %s, %d schedules from seed %llu\n",
	       cfg->repro->id, cfg->strategies[0]->name, devres_model_name[cfg->models[0]],
	       sched_policy_name[cfg->sched], cfg->sched_depth, cfg->sched_steps,
	       repro_oracle_name(cfg->stop_on), runs, (unsigned long long)base);
	for (int i = 0; i < runs && !torture_interrupted(); i++) {
		if (!torture_in_shard(cfg, i))
			continue;
		ran++;
		cfg->seed = base + (uint64_t)i;
		if (!torture_attempt(cfg, res))
			continue;
		failures++;
		if (first >= 0)
			continue;
		first = i;
		snprintf(first_report, sizeof(first_report), "%s",
			 cfg->stop_on >= 0 && cfg->stop_on < SGT_V_NR ?
			 res->first_violation[cfg->stop_on] : res->exit_reason);
		torture_replay_cmdline(cfg, cfg->strategies[0], cfg->models[0], replay,
				       sizeof(replay));
		printf("first failure: schedule %d (seed %llu), %zu choices, trace %016llx: %s\n",
		       i + 1, (unsigned long long)cfg->seed, res->sched_choices,
		       (unsigned long long)res->sched_hash, first_report);
		printf("schedule: %s\nReplay: %s --sched replay:%s\n", res->sched_file, replay,
		       res->sched_file);
	}
	secs = (double)(sgt_now_ns() - start) / 1e9;
	printf("explore %s: %d schedules in %.2f s (%.1f schedules/s), %d failed", cfg->repro->id,
	       ran, secs, ran / secs, failures);
	if (first >= 0)
		printf(", the first at schedule %d", first + 1);
	printf("\n");
	if (first >= 0 && cfg->shrink) {
		cfg->seed = base + (uint64_t)first;
		shrink(cfg, res);
	}
	return failures ? 0 : 1;
}
