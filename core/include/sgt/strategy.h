/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ported get_sg_table() strategies, one ops table each, chosen by name,
 * after struct lock_torture_ops in kernel/locking/locktorture.c.
 *
 * An object is the Rust shmem::Object<T>: the C drm_gem_shmem_object first,
 * then the strategy's own fields (a strategy's object type embeds struct
 * sgt_object first and says its size in obj_size).  The torture and the
 * tests see only this header; a strategy file never touches threads.
 */
#ifndef SGT_STRATEGY_H
#define SGT_STRATEGY_H

#include "devres.h"
#include "gem_shmem.h"

/* Hazard ids of SPEC section 4, as bits. */
enum sgt_hazard_id { H1 = 1, H2, H3, H4, H5, H6, H7, H8, H9, H10, SGT_NR_HAZARDS = H10 };
#define SGT_HAZ(h)	(1u << (h))

struct sgt_object;

/*
 * What an accessor observes, jcstress style; each strategy grades every
 * outcome it can produce.  An outcome left SGT_UNGRADED fails a run, as
 * does a forbidden one.
 */
enum sgt_outcome {
	SGT_OUT_TABLE,		/* a table, mapped for the caller's device */
	SGT_OUT_ENODEV,		/* the device was unbinding or unbound */
	SGT_OUT_EINVAL_FOREIGN,	/* -EINVAL for another device's object */
	SGT_OUT_TABLE_FOREIGN,	/* a table handed out on a device that is not the object's */
	SGT_OUT_FAULT,		/* an injected -ENOMEM or -EINTR, passed back */
	SGT_OUT_DANGLING,	/* a table that is not (or no longer) mapped for the device */
	SGT_OUT_EINVAL_OWN,	/* -EINVAL on the object's own device */
	SGT_OUT_OTHER_ERROR,
	SGT_OUT_OWNED_TABLE,	/* owned handle: try_access gave a mapped table */
	SGT_OUT_OWNED_REVOKED,	/* owned handle: revoked by an unbind, try_access gave none */
	SGT_OUT_NR
};
extern const char *const sgt_outcome_name[SGT_OUT_NR];

enum sgt_grade { SGT_UNGRADED, SGT_ACCEPTABLE, SGT_INTERESTING, SGT_FORBIDDEN };
extern const char *const sgt_grade_name[];

/* The grades every port shares; a strategy adds what is its own. */
#define SGT_COMMON_OUTCOMES						\
	[SGT_OUT_TABLE] = SGT_ACCEPTABLE,				\
	[SGT_OUT_ENODEV] = SGT_ACCEPTABLE,				\
	[SGT_OUT_FAULT] = SGT_INTERESTING,				\
	[SGT_OUT_TABLE_FOREIGN] = SGT_FORBIDDEN,			\
	[SGT_OUT_DANGLING] = SGT_FORBIDDEN,				\
	[SGT_OUT_EINVAL_OWN] = SGT_FORBIDDEN,				\
	[SGT_OUT_OTHER_ERROR] = SGT_FORBIDDEN

/* shmem::SGTable<T> of v12: an owned handle, holding a reference on the object. */
struct sgt_owned {
	struct sgt_object *obj;
};

struct sgt_strategy_ops {
	const char *name;
	const char *kernel;		/* which version of the series it ports */
	const char *fast_path;		/* what the fast path takes, for the README table */
	const char *slow_path;
	unsigned int inherent;		/* SGT_HAZ() of the hazards the faithful port carries */
	unsigned int variants;		/* SGT_HAZ() of the hazard flags it accepts */
	const enum sgt_grade *outcomes;	/* [SGT_OUT_NR]: the grade of each outcome */
	size_t obj_size;
	struct drm_gem_object_funcs funcs;	/* .free: the free callback */
	void (*init)(struct sgt_object *obj);
	/*
	 * Object::sg_table(dev): the mapped table, or ERR_PTR.  dev is the
	 * caller's &Device<Bound>: the caller holds the bound scope throughout
	 * and must not use the table after leaving it.
	 */
	struct sg_table *(*sg_table)(struct sgt_object *obj, const struct device_bound *dev);
	/* Object::owned_sg_table(dev) (v12 only; NULL elsewhere). */
	int (*owned_sg_table)(struct sgt_object *obj, const struct device_bound *dev,
			      struct sgt_owned *out);
	/* SGTable<T>::deref(): the Devres an owned handle refers to. */
	struct devres *(*owned_deref)(struct sgt_owned *owned);
};

struct sgt_object {
	struct drm_gem_shmem_object shmem;	/* obj: Opaque<drm_gem_shmem_object> */
	/*
	 * SGT_OBJECT_LIVE until freed; relaxed: a use-after-free check that
	 * must not itself order the late user after the free.
	 */
	atomic_uint magic;
	struct sgt_object *quarantine_next;
	/* Who freed it and when: a late user's report names them. */
	char freed_by[32];
	uint64_t freed_ns;
	const struct sgt_strategy_ops *ops;
	unsigned int hazards;			/* SGT_HAZ() variant flags switched on */
	struct sgt_object *parent_resv_obj;	/* Option<ARef<Object>>: holds a reference */
};

extern const struct sgt_strategy_ops sgt_v12_ops, sgt_v12_review_ops, sgt_v19_ops,
	sgt_setonce_init_ops, sgt_fixed_ops;
extern const struct sgt_strategy_ops *const sgt_strategies[];	/* NULL-terminated */

const struct sgt_strategy_ops *sgt_strategy_find(const char *name);
/* -EINVAL and one line naming the bad name and the accepted ones. */
int sgt_strategy_parse(const char *name, const struct sgt_strategy_ops **ops,
		       char *err, size_t len);

/*
 * Create an object (refcount 1) on ddev; parent: share that object's resv
 * (a reference is held on it).  hazards: variant flags, within ops->variants.
 */
struct sgt_object *sgt_object_create(const struct sgt_strategy_ops *ops,
				     struct drm_device *ddev, size_t size,
				     struct sgt_object *parent, unsigned int hazards);
/* An object importing exporter's pages for ddev's device (hazard H5's setting). */
struct sgt_object *sgt_object_import(const struct sgt_strategy_ops *ops,
				     struct drm_device *ddev, struct sgt_object *exporter,
				     unsigned int hazards);
static inline void sgt_object_get(struct sgt_object *obj)
{
	drm_gem_object_get(&obj->shmem.base);
}
static inline void sgt_object_put(struct sgt_object *obj)
{
	drm_gem_object_put(&obj->shmem.base);
}
static inline struct device *sgt_object_device(struct sgt_object *obj)
{
	return obj->shmem.base.dev->dev;
}
/*
 * Last part of every free callback: drop the parent, check locks, free (KBox
 * drop).  The memory goes through a bounded quarantine first, marked freed,
 * so that a late user is reported (SGT_V_USE_AFTER_FREE) in every build, not
 * only where a sanitizer watches.
 */
void sgt_object_free(struct sgt_object *obj);
/* Report and return false if obj was freed; what names the late user. */
bool sgt_object_check_alive(struct sgt_object *obj, const char *what);
/* Really free every quarantined object (end of a test or a run). */
void sgt_object_quarantine_flush(void);
/* Objects created and not yet freed (the final leak check). */
long sgt_objects_live(void);

void sgt_owned_put(struct sgt_owned *owned);
/*
 * SGTableMap::deref of a payload from devres_try_access() on an owned
 * handle's Devres: the table a long-term user reads inside the RCU guard.
 */
struct sg_table *sgt_map_payload_sgt(void *payload);

/* --- the hazard catalogue (SPEC section 4) ------------------------------- */

struct sgt_hazard {
	enum sgt_hazard_id id;
	const char *name;		/* "H1" */
	const char *desc;
	const char *where;		/* the versions it belongs to */
	const char *oracle;		/* the oracle expected to catch it */
	bool race;			/* needs a race (torture), or deterministic */
	/*
	 * How to switch it on where it is not inherent: an object flag (H8,
	 * H9), a Devres model with a fault (H2), imported objects (H5), or the
	 * devres release flag (H10).
	 */
	unsigned int obj_flag;
	bool devres_6_16_add_fails;
	bool imported;
	bool release_nosync;
};

extern const struct sgt_hazard sgt_hazards[SGT_NR_HAZARDS];
const struct sgt_hazard *sgt_hazard_find(const char *name);
int sgt_hazard_parse(const char *name, const struct sgt_hazard **h, char *err, size_t len);

/*
 * Switch hazard h's variant on for what is created next: set the Devres
 * model and fault it needs, the release flag, and return the object flags to
 * pass to sgt_object_create() (0 if none).  *imported tells whether objects
 * must be imports.  Inherent hazards need nothing: returns 0.
 */
unsigned int sgt_hazard_apply(const struct sgt_hazard *h, bool *imported);

#endif /* SGT_STRATEGY_H */
