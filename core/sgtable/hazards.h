/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hazard catalogue: one entry per hazard, holding all that is known of
 * it -- what it is, which versions carry it, how to switch it on where it is
 * not inherent, the smallest configuration that exposes it and the oracle
 * that must fire, with free threads and under a controlled schedule.
 * `sgtorture list`, repro, hunt, explore, the tests and docs/hazards.md read
 * it; adding a hazard is one entry here (plus its expectations in the tests).
 */
#ifndef SGTABLE_HAZARDS_H
#define SGTABLE_HAZARDS_H

#include <check/violation.h>
#include <kernel/devres.h>
#include <sgtable/strategy.h>

/* The subject's thread roles, in the order every threads[] array uses. */
enum sgtable_role { SGTABLE_CREATOR, SGTABLE_ACCESSOR, SGTABLE_REVOKER, SGTABLE_FREER,
		    SGTABLE_PURGER, SGTABLE_NR_ROLES };
/* A thread count per role: creators, accessors, revokers, freers (purgers: none). */
#define SGTABLE_ROLES(c, a, r, f)	{ [SGTABLE_CREATOR] = c, [SGTABLE_ACCESSOR] = a, \
					  [SGTABLE_REVOKER] = r, [SGTABLE_FREER] = f }
/*
 * H7's free-running configuration: freers putting populated v19 objects
 * while a revoker unbinds, with the jitter `hunt` measured fastest.  The
 * reported races (reported.c) show in it too: it is the June 2026 report's.
 */
#define SGTABLE_H7_CONFIG						\
	.strategy = "v19", .threads = SGTABLE_ROLES(0, 1, 1, 1),		\
	.objects = 4, .devices = 1, .jitter = 0.3
extern const char *const sgtable_role_name[SGTABLE_NR_ROLES];	/* "Creators", ... */
extern const char *const sgtable_role_option[SGTABLE_NR_ROLES];	/* "creators", ... */

#define SGTABLE_MAX_REPRO_FAULTS 3

/* The smallest configuration that exposes a hazard, and what proves it. */
struct sgtable_repro {
	const char *strategy;
	enum devres_model model;
	const char *faults[SGTABLE_MAX_REPRO_FAULTS];	/* NULL-terminated */
	int threads[SGTABLE_NR_ROLES];
	int objects, devices;
	double jitter;			/* free threads: widen the windows (hunt tuned it) */
	int oracle;			/* a violation kind, or SGT_ORACLE_TSAN */
	const char *tsan_frame;		/* a TSan oracle: its report must show this frame */
	/*
	 * Under a controlled schedule outside the tsan build: the oracle (what
	 * a TSan-only hazard's race does) and the text its report must have, or
	 * SGT_ORACLE_NONE: only the tsan build can find it (its hand-offs are
	 * hidden from TSan, so TSan keeps its oracle there).
	 */
	int sched_oracle;
	const char *sched_match;
	/* Events the timeline of a finding must show (NULL-terminated). */
	const char *timeline[4];
	/*
	 * sgtorture check: each thread's operations, and the seed of the roles'
	 * own choices (which object, which device): the search is over
	 * schedules of that one program.  0: check's defaults (2 and 1).
	 */
	unsigned int check_ops;
	uint64_t check_seed;
	/* Its preemption bound, where two do not reach it (H6 needs three); 0: check's 2. */
	int check_preemptions;
};

struct sgtable_hazard {
	enum sgtable_hazard_id id;
	const char *name;		/* "H1" */
	const char *desc;
	const char *where;		/* the versions it belongs to */
	const char *oracle;		/* the oracle expected to catch it, in words */
	bool race;			/* needs a race (torture), or deterministic */
	/*
	 * How to switch it on where it is not inherent: an object flag (H8,
	 * H9), a Devres model with a fault (H2), imported objects (H5), or the
	 * devres release flag (H10).
	 */
	unsigned int obj_flag;
	bool devres_6_16_add_fails;
	/*
	 * It shows only on the Devres models whose Drop does not wait for a
	 * release in flight (their drop_waits): `list` derives its models from it.
	 */
	bool needs_drop_not_waiting;
	bool imported;
	bool release_nosync;
	struct sgtable_repro repro;
};

extern const struct sgtable_hazard sgtable_hazards[SGTABLE_NR_HAZARDS];
const struct sgtable_hazard *sgtable_hazard_find(const char *name);
/* -EINVAL and one line naming the bad name and the accepted ones. */
int sgtable_hazard_parse(const char *name, const struct sgtable_hazard **h, char *err,
			 size_t len);
/* Does the repro's oracle need the tsan build? */
static inline bool sgtable_hazard_needs_tsan(const struct sgtable_hazard *h)
{
	return h->repro.oracle == SGT_ORACLE_TSAN;
}

/*
 * Switch hazard h's variant on for what is created next: set the Devres
 * model and fault it needs, the release flag, and return the object flags to
 * pass to sgtable_object_create() (0 if none).  *imported tells whether objects
 * must be imports.  Inherent hazards need nothing: returns 0.
 */
unsigned int sgtable_hazard_apply(const struct sgtable_hazard *h, bool *imported);

#endif /* SGTABLE_HAZARDS_H */
