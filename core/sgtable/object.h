/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An object's lifetime, shared by every port: the Rust shmem::Object<T> is
 * the C drm_gem_shmem_object first, then the port's own fields (a port's
 * object type embeds struct sgtable_object first).  Creation, import,
 * references, and the free that goes through a quarantine so that a late
 * user is reported in every build.  The ports' contract is strategy.h.
 */
#ifndef SGTABLE_OBJECT_H
#define SGTABLE_OBJECT_H

#include <check/atomic.h>
#include <stdatomic.h>
#include <stdint.h>

#include <check/compiler.h>
#include <kernel/gem_shmem.h>

struct sgtable_strategy_ops;

struct sgtable_object {
	struct drm_gem_shmem_object shmem;	/* obj: Opaque<drm_gem_shmem_object> */
	/*
	 * SGTABLE_OBJECT_LIVE until freed; relaxed: a use-after-free check that
	 * must not itself order the late user after the free.
	 */
	atomic_uint magic;
	struct sgtable_object *quarantine_next;
	/*
	 * Maps that name it (sgtable_object_pin()): the harness keeps its
	 * memory while one of them may still check it, so that the check
	 * never reads memory malloc has handed out again.
	 */
	atomic_int pins;
	/* Who freed it and when (and at which schedule step): a late user's report names them. */
	char freed_by[32];
	uint64_t freed_ns, freed_step;
	const struct sgtable_strategy_ops *ops;
	unsigned int hazards;			/* SGTABLE_HAZ() variant flags switched on */
	struct sgtable_object *parent_resv_obj;	/* Option<ARef<Object>>: holds a reference */
};

/* shmem::SGTable<T> of v12: an owned handle, holding a reference on the object. */
struct sgtable_owned {
	struct sgtable_object *obj;
};

/*
 * Create an object (refcount 1) on ddev; parent: share that object's resv
 * (a reference is held on it).  hazards: variant flags, within ops->variants.
 */
struct sgtable_object *sgtable_object_create(const struct sgtable_strategy_ops *ops,
				     struct drm_device *ddev, size_t size,
				     struct sgtable_object *parent, unsigned int hazards);
/* An object importing exporter's pages for ddev's device (hazard H5's setting). */
struct sgtable_object *sgtable_object_import(const struct sgtable_strategy_ops *ops,
				     struct drm_device *ddev, struct sgtable_object *exporter,
				     unsigned int hazards);
static inline void sgtable_object_get(struct sgtable_object *obj)
{
	drm_gem_object_get(&obj->shmem.base);
}
static inline void sgtable_object_put(struct sgtable_object *obj)
{
	drm_gem_object_put(&obj->shmem.base);
}
static inline struct device *sgtable_object_device(struct sgtable_object *obj)
{
	return obj->shmem.base.dev->dev;
}
/*
 * Last part of every free callback: drop the parent, check locks, free (KBox
 * drop).  The memory goes through a bounded quarantine first, marked freed,
 * so that a late user is reported (SGT_V_USE_AFTER_FREE) in every build, not
 * only where a sanitizer watches.
 */
void sgtable_object_free(struct sgtable_object *obj);
#define SGTABLE_OBJECT_LIVE	0x0b1ec7u
/*
 * A map (a Devres payload) names obj from pin to unpin; a freed object stays
 * in the quarantine while pinned, however many objects are freed after it
 * (a controlled schedule may run hundreds of frees before unbind's release
 * drops the map of H7).  Unpin is the map drop's last touch of obj.
 */
void sgtable_object_pin(struct sgtable_object *obj);
void sgtable_object_unpin(struct sgtable_object *obj);
/* Report a use of obj after its free (SGT_V_USE_AFTER_FREE); false. */
bool sgtable_object_report_dead(struct sgtable_object *obj, const char *what);

/*
 * Report and return false if obj was freed; what names the late user.
 * Inline: every fast path derefs through it, and the check is one load.
 */
static inline bool sgtable_object_alive(struct sgtable_object *obj)
{
	/* Relaxed: see magic. */
	return likely(sgt_atomic_load_explicit(&obj->magic, memory_order_relaxed) ==
		      SGTABLE_OBJECT_LIVE);
}

static inline bool sgtable_object_check_alive(struct sgtable_object *obj, const char *what)
{
	return sgtable_object_alive(obj) || sgtable_object_report_dead(obj, what);
}
/* Really free every quarantined object (end of a test or a run). */
void sgtable_object_quarantine_flush(void);
/* Objects created and not yet freed (the final leak check). */
long sgtable_objects_live(void);

void sgtable_owned_put(struct sgtable_owned *owned);

#endif /* SGTABLE_OBJECT_H */
