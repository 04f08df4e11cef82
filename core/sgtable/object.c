// SPDX-License-Identifier: GPL-2.0
/*
 * Objects shared by every port: creation, import, and the free that goes
 * through a bounded quarantine so a late user is reported in every build.
 */
#include <check/atomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>

#include <check/lockdep.h>
#include <check/sched_ctl.h>
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
	return sgt_atomic_load(&objects_live);
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
	sgt_atomic_fetch_add(&objects_live, 1);
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
	if (ops->init)		/* a port with no state of its own has none */
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
		sgt_atomic_fetch_sub(&objects_live, 1);
		free(obj);
		return ERR_PTR(ret);
	}
	if (ops->init)		/* a port with no state of its own has none */
		ops->init(obj);
	return obj;
}

static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
/* Under quarantine_lock: freed objects, oldest first; evicted ones still pinned. */
static struct sgtable_object *quarantine_head, *quarantine_tail, *pinned_head;
static unsigned int quarantined;

void sgtable_object_pin(struct sgtable_object *obj)
{
	/* Relaxed: only the last unpin orders anything (see sgtable_object_unpin()). */
	sgt_atomic_fetch_add_explicit(&obj->pins, 1, memory_order_relaxed);
}

void sgtable_object_unpin(struct sgtable_object *obj)
{
	/*
	 * Release: the map drop's reads of obj happen before the eviction that
	 * sees 0 (acquire) frees it.  Hidden from TSan, which must not learn
	 * an order between the program's threads from the oracle's count.
	 */
	sgt_tsan_oracle_begin();
	sgt_atomic_fetch_sub_explicit(&obj->pins, 1, memory_order_release);
	sgt_tsan_oracle_end();
}

static bool pinned(struct sgtable_object *obj)
{
	return sgt_atomic_load_explicit(&obj->pins, memory_order_acquire) > 0;
}

/*
 * Objects of the pinned list no map names any more, unlinked onto *out.
 * Called with quarantine_lock held.
 */
static void sweep_pinned(struct sgtable_object **out)
{
	for (struct sgtable_object **p = &pinned_head; *p;) {
		struct sgtable_object *obj = *p;

		if (pinned(obj)) {
			p = &obj->quarantine_next;
			continue;
		}
		*p = obj->quarantine_next;
		obj->quarantine_next = *out;
		*out = obj;
	}
}

/* Queue obj; return the objects to free for real (a list), if over the bound. */
static struct sgtable_object *quarantine_push(struct sgtable_object *obj)
{
	struct sgtable_object *to_free = NULL, *oldest;

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
		if (!quarantine_head)
			quarantine_tail = NULL;
		quarantined--;
		/* A map still names it: it waits on the pinned list, not counted. */
		oldest->quarantine_next = pinned_head;
		pinned_head = oldest;
		sweep_pinned(&to_free);
	}
	sgt_raw_unlock(&quarantine_lock);
	return to_free;
}

static void free_list(struct sgtable_object *obj)
{
	/* The harness's own free: TSan checks the program's, not this one. */
	sgt_tsan_oracle_begin();
	while (obj) {
		struct sgtable_object *next = obj->quarantine_next;

		free(obj);
		obj = next;
	}
	sgt_tsan_oracle_end();
}

void sgtable_object_quarantine_flush(void)
{
	struct sgtable_object *obj, *pins;

	sgt_raw_lock(&quarantine_lock);
	obj = quarantine_head;
	pins = pinned_head;
	quarantine_head = quarantine_tail = pinned_head = NULL;
	quarantined = 0;
	sgt_raw_unlock(&quarantine_lock);
	free_list(obj);
	free_list(pins);	/* the run is over: no map is left to check them */
}

/* "2 steps" under a controlled schedule (no clock in a schedule), else "5.0 us". */
static void freed_ago(uint64_t ns, uint64_t step, char *buf, size_t len)
{
	if (sched_ctl_active())
		snprintf(buf, len, "%llu schedule steps",
			 (unsigned long long)(sched_ctl_steps() - step));
	else
		snprintf(buf, len, "%.1f us", (double)(sgt_now_ns() - ns) / 1000.0);
}

bool sgtable_object_report_dead(struct sgtable_object *obj, const char *what)
{
	char by[sizeof(obj->freed_by)], ago[48];
	uint64_t ns, step;

	/*
	 * Oracle bookkeeping, hidden from TSan, or the report would be about
	 * the oracle.  The acquire pairs with the free's release of the magic:
	 * the record read here is the one written before it.  The memory is
	 * still ours: a pinned or quarantined object is never handed back.
	 */
	sgt_tsan_oracle_begin();
	(void)sgt_atomic_load_explicit(&obj->magic, memory_order_acquire);
	memcpy(by, obj->freed_by, sizeof(by));
	ns = obj->freed_ns;
	step = obj->freed_step;
	sgt_tsan_oracle_end();
	by[sizeof(by) - 1] = 0;
	freed_ago(ns, step, ago, sizeof(ago));
	sgt_violation_obj(SGT_V_USE_AFTER_FREE, obj, "%s on object %p after %s freed it %s earlier",
			  what, (void *)obj, by, ago);
	return false;
}

void sgtable_object_free(struct sgtable_object *obj)
{
	struct sgtable_object *parent = obj->parent_resv_obj;

	debug_check_no_locks_freed(obj, obj->ops->obj_size);
	sgt_sched_point(SGT_SP_FREE, obj);
	/* The free's step writes the whole object: any access to it depends on it. */
	sgt_fp_note_range(obj, obj->ops->obj_size, SGT_FP_WRITE);
	sgt_tsan_oracle_begin();	/* see sgtable_object_report_dead() */
	snprintf(obj->freed_by, sizeof(obj->freed_by), "%s", sgt_current()->name);
	obj->freed_ns = sgt_now_ns();
	obj->freed_step = sched_ctl_active() ? sched_ctl_steps() : 0;
	/* Release: the record above is complete for whoever sees the magic changed. */
	sgt_atomic_store_explicit(&obj->magic, SGTABLE_OBJECT_FREED, memory_order_release);
	sgt_tsan_oracle_end();
	sgt_atomic_fetch_sub(&objects_live, 1);
	free_list(quarantine_push(obj));
	if (parent)
		sgtable_object_put(parent);	/* parent_resv_obj: ARef dropped with the box */
}

void sgtable_owned_put(struct sgtable_owned *owned)
{
	sgtable_object_put(owned->obj);
	owned->obj = NULL;
}
