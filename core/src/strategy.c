// SPDX-License-Identifier: GPL-2.0
/* The strategy table, object creation shared by all strategies, the hazard catalogue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <sgt/fault.h>
#include <sgt/lockdep.h>
#include <sgt/strategy.h>
#include <sgt/thread.h>
#include <sgt/tsan.h>
#include <sgt/wait.h>
#include <sgt/violation.h>

#define SGT_OBJECT_LIVE		0x0b1ec7u
#define SGT_OBJECT_FREED	0xdeadb0bu
#define QUARANTINE_MAX		256

const struct sgt_strategy_ops *const sgt_strategies[] = {
	&sgt_v12_ops, &sgt_v12_review_ops, &sgt_v19_ops, &sgt_setonce_init_ops, &sgt_fixed_ops,
	NULL,
};

const char *const sgt_outcome_name[SGT_OUT_NR] = {
	[SGT_OUT_TABLE] = "table",
	[SGT_OUT_ENODEV] = "-ENODEV",
	[SGT_OUT_EINVAL_FOREIGN] = "-EINVAL (foreign device)",
	[SGT_OUT_TABLE_FOREIGN] = "table on a foreign device",
	[SGT_OUT_FAULT] = "injected error",
	[SGT_OUT_DANGLING] = "dangling table",
	[SGT_OUT_EINVAL_OWN] = "-EINVAL (own device)",
	[SGT_OUT_OTHER_ERROR] = "other error",
	[SGT_OUT_OWNED_TABLE] = "owned: table",
	[SGT_OUT_OWNED_REVOKED] = "owned: revoked",
};

const char *const sgt_grade_name[] = {
	[SGT_UNGRADED] = "UNGRADED", [SGT_ACCEPTABLE] = "acceptable",
	[SGT_INTERESTING] = "interesting", [SGT_FORBIDDEN] = "FORBIDDEN",
};

const struct sgt_strategy_ops *sgt_strategy_find(const char *name)
{
	for (int i = 0; sgt_strategies[i]; i++)
		if (!strcmp(sgt_strategies[i]->name, name))
			return sgt_strategies[i];
	return NULL;
}

int sgt_strategy_parse(const char *name, const struct sgt_strategy_ops **ops,
		       char *err, size_t len)
{
	*ops = sgt_strategy_find(name);
	if (*ops)
		return 0;
	snprintf(err, len, "unknown strategy '%s': accepted are v12, v12-review, v19, "
		 "setonce-init, fixed", name);
	return -EINVAL;
}

static atomic_long objects_live;

long sgt_objects_live(void)
{
	return atomic_load(&objects_live);
}

static struct sgt_object *sgt_object_alloc(const struct sgt_strategy_ops *ops,
					   unsigned int hazards)
{
	struct sgt_object *obj = calloc(1, ops->obj_size);

	if (!obj)
		abort();	/* the model's own allocation, not a fault point */
	obj->ops = ops;
	obj->hazards = hazards & ops->variants;
	atomic_init(&obj->magic, SGT_OBJECT_LIVE);
	atomic_fetch_add(&objects_live, 1);
	return obj;
}

struct sgt_object *sgt_object_create(const struct sgt_strategy_ops *ops,
				     struct drm_device *ddev, size_t size,
				     struct sgt_object *parent, unsigned int hazards)
{
	struct sgt_object *obj = sgt_object_alloc(ops, hazards);

	if (parent) {
		sgt_object_get(parent);
		obj->parent_resv_obj = parent;
	}
	drm_gem_shmem_init(ddev, &obj->shmem, size, parent ? parent->shmem.base.resv : NULL,
			   &ops->funcs);
	ops->init(obj);
	return obj;
}

struct sgt_object *sgt_object_import(const struct sgt_strategy_ops *ops,
				     struct drm_device *ddev, struct sgt_object *exporter,
				     unsigned int hazards)
{
	struct sgt_object *obj = sgt_object_alloc(ops, hazards);
	int ret = drm_gem_shmem_init_imported(ddev, &obj->shmem, &exporter->shmem, &ops->funcs);

	if (ret) {
		atomic_fetch_sub(&objects_live, 1);
		free(obj);
		return ERR_PTR(ret);
	}
	ops->init(obj);
	return obj;
}

static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgt_object *quarantine_head, *quarantine_tail;	/* under quarantine_lock */
static unsigned int quarantined;

/* Queue obj; return the oldest object to free for real, if over the bound. */
static struct sgt_object *quarantine_push(struct sgt_object *obj)
{
	struct sgt_object *oldest = NULL;

	sgt_raw_lock(&quarantine_lock);
	obj->quarantine_next = NULL;
	if (quarantine_tail)
		quarantine_tail->quarantine_next = obj;
	else
		quarantine_head = obj;
	quarantine_tail = obj;
	if (++quarantined > QUARANTINE_MAX) {
		oldest = quarantine_head;
		quarantine_head = oldest->quarantine_next;
		quarantined--;
	}
	sgt_raw_unlock(&quarantine_lock);
	return oldest;
}

void sgt_object_quarantine_flush(void)
{
	struct sgt_object *obj;

	sgt_raw_lock(&quarantine_lock);
	obj = quarantine_head;
	quarantine_head = quarantine_tail = NULL;
	quarantined = 0;
	sgt_raw_unlock(&quarantine_lock);
	while (obj) {
		struct sgt_object *next = obj->quarantine_next;

		free(obj);
		obj = next;
	}
}

bool sgt_object_check_alive(struct sgt_object *obj, const char *what)
{
	if (likely(atomic_load_explicit(&obj->magic, memory_order_relaxed) == SGT_OBJECT_LIVE))
		return true;
	char by[32];
	uint64_t ns;

	/*
	 * Oracle bookkeeping, written by the freeing thread before the magic
	 * (relaxed): a late reader may see it half-written, and TSan must not
	 * see it at all, or the report would be about the oracle.
	 */
	sgt_tsan_oracle_begin();
	memcpy(by, obj->freed_by, sizeof(by));
	ns = obj->freed_ns;
	sgt_tsan_oracle_end();
	by[sizeof(by) - 1] = 0;
	sgt_violation(SGT_V_USE_AFTER_FREE, "%s on object %p after %s freed it %.1f us earlier",
		      what, (void *)obj, by[0] ? by : "a thread",
		      (double)(sgt_now_ns() - ns) / 1000.0);
	return false;
}

void sgt_object_free(struct sgt_object *obj)
{
	struct sgt_object *parent = obj->parent_resv_obj;

	debug_check_no_locks_freed(obj, obj->ops->obj_size);
	sgt_sched_point(SGT_SP_FREE, obj);
	sgt_tsan_oracle_begin();	/* see sgt_object_check_alive() */
	memcpy(obj->freed_by, sgt_current()->name, sizeof(obj->freed_by));
	obj->freed_ns = sgt_now_ns();
	sgt_tsan_oracle_end();
	atomic_store_explicit(&obj->magic, SGT_OBJECT_FREED, memory_order_relaxed);
	atomic_fetch_sub(&objects_live, 1);
	free(quarantine_push(obj));
	if (parent)
		sgt_object_put(parent);	/* parent_resv_obj: ARef dropped with the box */
}

void sgt_owned_put(struct sgt_owned *owned)
{
	sgt_object_put(owned->obj);
	owned->obj = NULL;
}

#define HAZARD(_id, _desc, _where, _oracle, _race, ...)				\
	{ .id = _id, .name = #_id, .desc = _desc, .where = _where, .oracle = _oracle,	\
	  .race = _race, __VA_ARGS__ }

const struct sgt_hazard sgt_hazards[SGT_NR_HAZARDS] = {
	HAZARD(H1, "free callback releases the shmem object (sgt freed, resv destroyed) "
	       "before sgt_res is dropped; SGTableMap's drop then locks a destroyed resv and "
	       "frees a NULL sgt", "v12, v12-review", "destroyed-lock-used / double-unmap",
	       false),
	HAZARD(H2, "SGTableMap dropped inside get_sg_table while resv is held with a NULL "
	       "ctx (Devres::new failing after the payload exists): self-deadlock",
	       "v12, v12-review + devres-6.16 failure", "recursive-lock, watchdog", false,
	       .devres_6_16_add_fails = true),
	HAZARD(H3, "after a Devres::new failure the sgt is freed but its page reference is "
	       "not put; the retry takes a second pages_use_count; release puts one",
	       "v12, v12-review, v19, setonce-init + fault", "page-count at release", false),
	HAZARD(H4, "no device check before populating: the sgt is bound to the wrong "
	       "device's devres", "v12, v12-review", "foreign-device / mapping-after-unbind",
	       false),
	HAZARD(H5, "imported object: SGTableMap's drop unmaps and frees the exporter's sgt",
	       "v12..v19", "double-unmap (mapping registry)", false, .imported = true),
	HAZARD(H6, "populated but revoked: after unbind the resource stays populated; after "
	       "rebind access (same device identity) returns a dangling table",
	       "v12..v19", "use-after-unmap", false),
	HAZARD(H7, "unbind vs object free: Devres drop does not wait for an in-flight "
	       "release (devres-6.16, devres-2026), so SGTableMap's drop can run after the "
	       "object is freed", "v19, setonce-init + devres-6.16 or devres-2026",
	       "use-after-free (ASan/TSan)", true),
	HAZARD(H8, "unlocked read of the plain sgt_res field (v12's owned SGTable deref) "
	       "without acquire/release", "v12 ported literally", "data race (TSan)", true,
	       .obj_flag = SGT_HAZ(H8)),
	HAZARD(H9, "SetOnce used without a serialising lock: a loser sees empty while the "
	       "winner is in state 1 and creates a second sgt",
	       "SetOnce misuse (v19 without sgt_lock)", "page-count / mapping invariant", true,
	       .obj_flag = SGT_HAZ(H9)),
	HAZARD(H10, "revoke without a grace period: a reader inside try_access uses the "
	       "payload while it is destroyed", "Revocable misuse (devres release)",
	       "data race (TSan) / use-after-free", true, .release_nosync = true),
};

const struct sgt_hazard *sgt_hazard_find(const char *name)
{
	for (int i = 0; i < SGT_NR_HAZARDS; i++)
		if (!strcasecmp(sgt_hazards[i].name, name))
			return &sgt_hazards[i];
	return NULL;
}

int sgt_hazard_parse(const char *name, const struct sgt_hazard **h, char *err, size_t len)
{
	*h = sgt_hazard_find(name);
	if (*h)
		return 0;
	snprintf(err, len, "unknown hazard '%s': accepted are H1..H10", name);
	return -EINVAL;
}

unsigned int sgt_hazard_apply(const struct sgt_hazard *h, bool *imported)
{
	*imported = h->imported;
	if (h->devres_6_16_add_fails) {
		struct sgt_fault_attr first = { .nth = 1, .times = -1 };

		devres_set_model(DEVRES_6_16);
		sgt_fault_set(SGT_FAULT_DEVM_ADD_ACTION, &first);
	}
	devres_set_release_nosync(h->release_nosync);
	return h->obj_flag;
}
