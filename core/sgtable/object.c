// SPDX-License-Identifier: GPL-2.0
/*
 * Objects shared by every port: creation, import, and the free that goes
 * through a bounded quarantine so a late user is reported in every build.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <check/lockdep.h>
#include <check/thread.h>
#include <check/tsan.h>
#include <check/violation.h>
#include <check/wait.h>
#include <sgtable/strategy.h>

#define SGTABLE_OBJECT_FREED	0xdeadb0bu
#define QUARANTINE_MAX		256

static atomic_long objects_live;

long sgtable_objects_live(void)
{
	return atomic_load(&objects_live);
}

static struct sgtable_object *sgtable_object_alloc(const struct sgtable_strategy_ops *ops,
					   unsigned int hazards)
{
	struct sgtable_object *obj = calloc(1, ops->obj_size);

	if (!obj)
		abort();	/* the model's own allocation, not a fault point */
	obj->ops = ops;
	obj->hazards = hazards & ops->variants;
	atomic_init(&obj->magic, SGTABLE_OBJECT_LIVE);
	atomic_fetch_add(&objects_live, 1);
	return obj;
}

struct sgtable_object *sgtable_object_create(const struct sgtable_strategy_ops *ops,
				     struct drm_device *ddev, size_t size,
				     struct sgtable_object *parent, unsigned int hazards)
{
	struct sgtable_object *obj = sgtable_object_alloc(ops, hazards);

	if (parent) {
		sgtable_object_get(parent);
		obj->parent_resv_obj = parent;
	}
	drm_gem_shmem_init(ddev, &obj->shmem, size, parent ? parent->shmem.base.resv : NULL,
			   &ops->funcs);
	ops->init(obj);
	return obj;
}

struct sgtable_object *sgtable_object_import(const struct sgtable_strategy_ops *ops,
				     struct drm_device *ddev, struct sgtable_object *exporter,
				     unsigned int hazards)
{
	struct sgtable_object *obj = sgtable_object_alloc(ops, hazards);
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
static struct sgtable_object *quarantine_head, *quarantine_tail;	/* under quarantine_lock */
static unsigned int quarantined;

/* Queue obj; return the oldest object to free for real, if over the bound. */
static struct sgtable_object *quarantine_push(struct sgtable_object *obj)
{
	struct sgtable_object *oldest = NULL;

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

void sgtable_object_quarantine_flush(void)
{
	struct sgtable_object *obj;

	sgt_raw_lock(&quarantine_lock);
	obj = quarantine_head;
	quarantine_head = quarantine_tail = NULL;
	quarantined = 0;
	sgt_raw_unlock(&quarantine_lock);
	while (obj) {
		struct sgtable_object *next = obj->quarantine_next;

		free(obj);
		obj = next;
	}
}

bool sgtable_object_report_dead(struct sgtable_object *obj, const char *what)
{
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

void sgtable_object_free(struct sgtable_object *obj)
{
	struct sgtable_object *parent = obj->parent_resv_obj;

	debug_check_no_locks_freed(obj, obj->ops->obj_size);
	sgt_sched_point(SGT_SP_FREE, obj);
	sgt_tsan_oracle_begin();	/* see sgtable_object_check_alive() */
	memcpy(obj->freed_by, sgt_current()->name, sizeof(obj->freed_by));
	obj->freed_ns = sgt_now_ns();
	sgt_tsan_oracle_end();
	atomic_store_explicit(&obj->magic, SGTABLE_OBJECT_FREED, memory_order_relaxed);
	atomic_fetch_sub(&objects_live, 1);
	free(quarantine_push(obj));
	if (parent)
		sgtable_object_put(parent);	/* parent_resv_obj: ARef dropped with the box */
}

void sgtable_owned_put(struct sgtable_owned *owned)
{
	sgtable_object_put(owned->obj);
	owned->obj = NULL;
}
