/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ported get_sg_table() strategies, one ops table each, chosen by name,
 * after struct lock_torture_ops in kernel/locking/locktorture.c.
 *
 * An object (object.h) is the Rust shmem::Object<T>; a strategy's object
 * type embeds struct sgtable_object first and says its size in obj_size.  The torture, the
 * benchmarks and the tests read the ports through this header and the
 * registries' (hazards.h, reported.h); a strategy file never touches threads.
 */
#ifndef SGTABLE_STRATEGY_H
#define SGTABLE_STRATEGY_H

#include <kernel/devres.h>
#include <kernel/gem_shmem.h>
#include <check/grade.h>
#include <check/sched.h>
#include <sgtable/object.h>

/* Hazard ids of the catalogue (docs/hazards.md), as bits. */
enum sgtable_hazard_id { H1 = 1, H2, H3, H4, H5, H6, H7, H8, H9, H10, H11,
			 SGTABLE_NR_HAZARDS = H11 };
#define SGTABLE_HAZ(h)	(1u << (h))
/* Every hazard is a bit of an unsigned int (inherent, variants, hazards). */
_Static_assert(SGTABLE_NR_HAZARDS < 8 * sizeof(unsigned int), "hazards fit their bit mask");

struct sgtable_object;

/*
 * What an accessor observes, jcstress style; each strategy grades every
 * outcome it can produce.  An outcome left SGT_UNGRADED fails a run, as
 * does a forbidden one.
 */
enum sgtable_outcome {
	SGTABLE_OUT_TABLE,		/* a table, mapped for the caller's device */
	SGTABLE_OUT_ENODEV,		/* the device was unbinding or unbound */
	SGTABLE_OUT_EINVAL_FOREIGN,	/* -EINVAL for another device's object */
	SGTABLE_OUT_TABLE_FOREIGN,	/* a table handed out on a device that is not the object's */
	SGTABLE_OUT_FAULT,		/* an injected -ENOMEM or -EINTR, passed back */
	SGTABLE_OUT_DANGLING,	/* a table that is not (or no longer) mapped for the device */
	SGTABLE_OUT_EINVAL_OWN,	/* -EINVAL on the object's own device */
	SGTABLE_OUT_OTHER_ERROR,
	SGTABLE_OUT_OWNED_TABLE,	/* owned handle: try_access gave a mapped table */
	SGTABLE_OUT_OWNED_REVOKED,	/* owned handle: revoked by an unbind, try_access gave none */
	SGTABLE_OUT_NR
};
extern const char *const sgtable_outcome_name[SGTABLE_OUT_NR];


/* The grades every port shares; a strategy adds what is its own. */
#define SGTABLE_COMMON_OUTCOMES						\
	[SGTABLE_OUT_TABLE] = SGT_ACCEPTABLE,				\
	[SGTABLE_OUT_ENODEV] = SGT_ACCEPTABLE,				\
	[SGTABLE_OUT_FAULT] = SGT_INTERESTING,				\
	[SGTABLE_OUT_TABLE_FOREIGN] = SGT_FORBIDDEN,			\
	[SGTABLE_OUT_DANGLING] = SGT_FORBIDDEN,				\
	[SGTABLE_OUT_EINVAL_OWN] = SGT_FORBIDDEN,				\
	[SGTABLE_OUT_OTHER_ERROR] = SGT_FORBIDDEN

struct sgtable_strategy_ops {
	const char *name;
	const char *kernel;		/* which version of the series it ports */
	/*
	 * Its history, for sgtorture report's "Fixed by:" and "Still present
	 * in:": the port of the next upstream version of this code (NULL: none
	 * ported), and whether this is the kernel's code today.
	 */
	const char *next;
	bool shipped;
	const char *fast_path;		/* what the fast path takes, for the docs' table */
	const char *slow_path;
	const char *lock_choice;	/* the review's three: dma_resv, mutex, set-once */
	bool lockfree_fast_path;	/* the fast path takes no lock (benchmarked as such) */
	/*
	 * The port claims to carry no hazard (inherent is 0): every verdict
	 * judges it by every oracle, and the tests use it as the clean twin.
	 */
	bool declared_clean;
	bool bench_reference;		/* the benchmarks' ratios are against this port */
	/*
	 * Its race windows, NULL-terminated, and the pairs whose overlap is a
	 * race's shape ({0} ends it); the kernel's and the roles' windows are
	 * the subject's, not repeated here.
	 */
	const struct sgt_window *const *windows;
	const struct sgt_window_conflict *conflicts;
	unsigned int inherent;		/* SGTABLE_HAZ() of the hazards the faithful port carries */
	unsigned int variants;		/* SGTABLE_HAZ() of the hazard flags it accepts */
	/*
	 * Of its variants, those whose configuration it runs clean: its code
	 * holds under the flag (fixed hands an import's table out as is, so
	 * H5's imports break nothing).  A port declared clean lists them all.
	 */
	unsigned int clean_variants;
	/*
	 * Of the inherent hazards, those a few-second run may not show (v12's
	 * H6 mostly shows as a stale -ENODEV): their repro tests assert them.
	 */
	unsigned int rare_in_short_runs;
	/*
	 * Reported bugs (reported.c) the faithful port carries beyond the
	 * catalogue's hazards, NULL-terminated: "R4" for v14's LazyInit.
	 */
	const char *const *reported;
	/*
	 * A device's unbind unmaps the port's tables (its Devres does).  A C
	 * driver's helper has no Devres: its table lives until the object is
	 * freed or purged, and the per-port tests expect what unbind leaves.
	 */
	bool unbind_keeps_mappings;
	const enum sgt_grade *outcomes;	/* [SGTABLE_OUT_NR]: the grade of each outcome */
	size_t obj_size;
	struct drm_gem_object_funcs funcs;	/* .free: the free callback */
	void (*init)(struct sgtable_object *obj);
	/*
	 * Object::sg_table(dev): the mapped table, or ERR_PTR.  dev is the
	 * caller's &Device<Bound>: the caller holds the bound scope throughout
	 * and must not use the table after leaving it.
	 */
	struct sg_table *(*sg_table)(struct sgtable_object *obj, const struct device_bound *dev);
	/* Object::owned_sg_table(dev) (v12 only; NULL elsewhere). */
	int (*owned_sg_table)(struct sgtable_object *obj, const struct device_bound *dev,
			      struct sgtable_owned *out);
	/* SGTable<T>::deref(): the Devres an owned handle refers to. */
	struct devres *(*owned_deref)(struct sgtable_owned *owned);
};

/* The registry (registry.c): every port, in the order tables list them. */
extern const struct sgtable_strategy_ops *const sgtable_strategies[];	/* NULL-terminated */
extern const int sgtable_nr_strategies;

const struct sgtable_strategy_ops *sgtable_strategy_find(const char *name);
/* The first port declared clean: the clean twin of every hazard's test; aborts if none. */
const struct sgtable_strategy_ops *sgtable_declared_clean(void);
/* The registry index of a name another table holds: aborts, naming it, if there is none. */
int sgtable_strategy_index(const char *name);
/* -EINVAL and one line naming the bad name and the accepted ones. */
int sgtable_strategy_parse(const char *name, const struct sgtable_strategy_ops **ops,
		       char *err, size_t len);
/* "v12, v12-review, ...": every registered name, for help and errors. */
const char *sgtable_strategy_names(void);

/*
 * SGTableMap::deref of a payload from devres_try_access() on an owned
 * handle's Devres: the table a long-term user reads inside the RCU guard.
 */
struct sg_table *sgtable_map_payload_sgt(void *payload);

#endif /* SGTABLE_STRATEGY_H */
