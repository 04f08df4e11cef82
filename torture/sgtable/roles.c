// SPDX-License-Identifier: GPL-2.0
/*
 * The four roles.  Creators make objects (own resv, a parent's, imported) and
 * drop the ones they replace; accessors take a table for short-term use and
 * check it, or hold an owned handle across sleeps; revokers unbind and rebind
 * devices; freers populate an object and race its last put against unbind.
 */
#include <string.h>
#include <unistd.h>

#include <check/atomic.h>
#include <check/sched_ctl.h>
#include <kernel/dma_map.h>
#include <check/wait.h>

#include "sgtable_subject.h"
#include "state.h"

SGT_WINDOW_DEFINE(access_window, "access",
			 "an accessor using a table inside its bound scope");
SGT_WINDOW_DEFINE(owned_access_window, "owned-access",
			 "a long-term user inside an owned handle's try_access guard");

/* Take a reference on the object in slot i, or NULL. */
static struct sgtable_object *pool_get(struct sgtable_run *ctx, int i)
{
	struct pool_slot *slot = &ctx->slots[i];
	struct sgtable_object *obj;

	sgt_raw_lock_data(&slot->lock);	/* no switch inside: see sched.h */
	obj = slot->obj;
	if (obj)
		sgtable_object_get(obj);
	sgt_raw_unlock(&slot->lock);
	return obj;
}

/* Put obj in slot i; returns what was there (the pool's reference, now the caller's). */
static struct sgtable_object *pool_swap(struct sgtable_run *ctx, int i, struct sgtable_object *obj)
{
	struct pool_slot *slot = &ctx->slots[i];
	struct sgtable_object *old;

	sgt_raw_lock_data(&slot->lock);	/* no switch inside: see sched.h */
	old = slot->obj;
	slot->obj = obj;
	sgt_raw_unlock(&slot->lock);
	return old;
}

static int slot_device(struct sgtable_run *ctx, int i)
{
	return i % ctx->ndev;
}

/* gpuN's N, for the timeline. */
static int dev_index(struct sgtable_run *ctx, const struct device *dev)
{
	return (int)(dev - ctx->dev);
}

static struct sgtable_run *run_of(const struct torture_thread *t)
{
	return t->subject;
}

/* Which slot of the pool: each its own class. */
static uint32_t choose_slot(struct torture_thread *t)
{
	uint32_t n = (uint32_t)run_of(t)->nslots;

	return torture_choose(t, n, NULL, n);
}

/*
 * An access's path, r in [0, 100): now and then the wrong device (r < 5,
 * with more than one), mostly sg_table() (5..89), owned_sg_table() where
 * the port has one (90..99).
 */
static uint32_t choose_access(struct torture_thread *t)
{
	struct sgtable_run *ctx = run_of(t);
	uint32_t start[3], nr = 0;

	if (ctx->ndev > 1)
		start[nr++] = 0;
	start[nr++] = 5;
	if (ctx->ops->owned_sg_table)
		start[nr++] = 90;
	return torture_choose(t, 100, start, nr);
}

/* --- creators --------------------------------------------------------------- */

static struct sgtable_object *create_object(struct torture_thread *t, int i)
{
	struct sgtable_run *ctx = run_of(t);
	struct drm_device *ddev = &ctx->ddev[slot_device(ctx, i)];
	/* Fresh (0..5), a child of another (6, 7), an import of it (8, 9: with imports). */
	uint32_t kind = torture_choose(t, 10, (const uint32_t[]){ 0, 6, 8 }, ctx->imports ? 3 : 2);
	struct sgtable_object *other, *obj;

	if (kind >= 6) {
		other = pool_get(ctx, (int)choose_slot(t));
		if (other && kind >= 8 && ctx->imports) {
			obj = sgtable_object_import(ctx->ops, ddev, other, ctx->obj_flags);
			sgtable_object_put(other);
			return IS_ERR(obj) ? NULL : obj;
		}
		if (other && sgtable_object_device(other) == ddev->dev) {
			obj = sgtable_object_create(ctx->ops, ddev, PAGE_SIZE, other, ctx->obj_flags);
			sgtable_object_put(other);
			return obj;
		}
		if (other)
			sgtable_object_put(other);
	}
	return sgtable_object_create(ctx->ops, ddev, 2 * PAGE_SIZE, NULL, ctx->obj_flags);
}

static void creator_step(struct torture_thread *t)
{
	int i = (int)choose_slot(t);
	struct sgtable_object *obj = create_object(t, i), *old;

	if (!obj) {
		torture_count_op(t, false);	/* an injected import failure */
		return;
	}
	trace_event(TRACE_OP, "create", obj, slot_device(run_of(t), i));
	old = pool_swap(run_of(t), i, obj);
	if (old) {
		trace_event(TRACE_OP, "put (replaced)", old, -1);
		sgtable_object_put(old);	/* may be the last: races unbind */
	}
	torture_count_op(t, false);
}

/* --- accessors -------------------------------------------------------------- */

/*
 * Short-term use: read and write every page through the table.  Its entries
 * are read once: a purge racing us (H11) frees the table, whose memory the
 * quarantine keeps, and the mapping registry reports the use.
 */
static void use_table(struct sg_table *sgt, struct torture_thread *t)
{
	unsigned char mark = (unsigned char)t->idx;
	struct scatterlist *sgl;
	unsigned int nents;

	sgt_window_enter(&access_window);
	/* Noted (check/atomic.h): a purge may free each of them under us. */
	sgt_fp_read(sgt);
	sgl = sgt->sgl;
	nents = sgl ? sgt->nents : 0;
	sgt_fp_read(sgl);
	for (unsigned int e = 0; e < nents; e++) {
		unsigned char *p;

		sgt_fp_read(sgl[e].page);
		p = sgl[e].page->vaddr;
		sgt_fp_write(p);
		p[t->idx % PAGE_SIZE] = mark;
		(void)*(volatile unsigned char *)&p[PAGE_SIZE - 1];
	}
	sgt_window_exit(&access_window);
}

static enum sgtable_outcome classify_error(long err, bool foreign)
{
	if (err == -EINVAL)
		return foreign ? SGTABLE_OUT_EINVAL_FOREIGN : SGTABLE_OUT_EINVAL_OWN;
	if (err == -ENOMEM || err == -EINTR)
		return SGTABLE_OUT_FAULT;
	return SGTABLE_OUT_OTHER_ERROR;
}

static enum sgtable_outcome access_short(struct torture_thread *t, struct sgtable_object *obj,
				     struct device *dev)
{
	bool foreign = dev != sgtable_object_device(obj);
	struct sg_table *sgt;
	CLASS(device_bound, b)(dev);

	if (!b.dev)
		return SGTABLE_OUT_ENODEV;
	sgt = obj->ops->sg_table(obj, &b);
	if (IS_ERR(sgt))
		return classify_error(PTR_ERR(sgt), foreign);
	if (foreign) {
		dma_debug_check_sgtable(dev, sgt);	/* reports it */
		return SGTABLE_OUT_TABLE_FOREIGN;
	}
	if (dma_debug_check_sgtable(dev, sgt))
		return SGTABLE_OUT_DANGLING;
	use_table(sgt, t);
	return SGTABLE_OUT_TABLE;
}

/* An owned handle (owned_sg_table, where a port has one), held across sleeps. */
static enum sgtable_outcome access_owned(struct torture_thread *t, struct sgtable_object *obj)
{
	struct device *dev = sgtable_object_device(obj);
	enum sgtable_outcome out = SGTABLE_OUT_OWNED_REVOKED;
	struct sgtable_owned owned;
	void *map;
	int ret;

	scoped_guard(device_bound, dev) {
		if (!scope.dev)
			return SGTABLE_OUT_ENODEV;
		ret = obj->ops->owned_sg_table(obj, &scope, &owned);
	}
	if (ret)
		return classify_error(ret, false);
	torture_delay(t, 200);	/* held across a sleep */
	map = devres_try_access(obj->ops->owned_deref(&owned));
	if (map) {
		struct sg_table *sgt = sgtable_map_payload_sgt(map);

		sgt_window_enter(&owned_access_window);
		out = dma_debug_check_sgtable(dev, sgt) ? SGTABLE_OUT_DANGLING : SGTABLE_OUT_OWNED_TABLE;
		sgt_window_exit(&owned_access_window);
		revocable_guard_release();
	}
	sgtable_owned_put(&owned);
	return out;
}

/* --inject-hang: accessor 0 takes its object's resv and stops making progress. */
static void maybe_hang(struct torture_thread *t, struct sgtable_object *obj)
{
	if (!t->hang_at_ns || sgt_now_ns() < t->hang_at_ns)
		return;
	sgt_thread_set_op("injected hang, holding the resv");
	dma_resv_lock(obj->shmem.base.resv, NULL);
	for (;;)
		pause();
}

static void accessor_step(struct torture_thread *t)
{
	struct sgtable_run *ctx = run_of(t);
	int i = (int)choose_slot(t);
	struct sgtable_object *obj = pool_get(ctx, i);
	struct device *dev;
	uint32_t r = choose_access(t);
	enum sgtable_outcome out;

	if (!obj)
		return;
	maybe_hang(t, obj);
	dev = sgtable_object_device(obj);
	if (ctx->ndev > 1 && r < 5)	/* now and then, the wrong device */
		dev = &ctx->dev[(slot_device(ctx, i) + 1) % ctx->ndev];
	if (ctx->ops->owned_sg_table && r >= 90) {
		trace_event(TRACE_OP, "owned_sg_table", obj, dev_index(ctx, dev));
		out = access_owned(t, obj);
	} else {
		trace_event(TRACE_OP | TRACE_ROUTINE, "sg_table", obj, dev_index(ctx, dev));
		out = access_short(t, obj, dev);
	}
	trace_event(TRACE_RESULT | (out == SGTABLE_OUT_TABLE ? TRACE_ROUTINE : 0),
		    sgtable_outcome_name[out], obj, -1);
	torture_observe(t, out);
	/* The last put, when a creator replaced it meanwhile. */
	trace_event(TRACE_OP | TRACE_ROUTINE, "put", obj, -1);
	sgtable_object_put(obj);
}

/* --- revokers and freers -------------------------------------------------------- */

static void revoker_step(struct torture_thread *t)
{
	uint32_t ndev = (uint32_t)run_of(t)->ndev;
	struct device *dev = &run_of(t)->dev[torture_choose(t, ndev, NULL, ndev)];

	sgt_thread_set_op("device_unbind");
	trace_event(TRACE_OP, "device_unbind", NULL, dev_index(run_of(t), dev));
	if (!device_unbind(dev)) {
		trace_event(TRACE_OP, "unbound", NULL, dev_index(run_of(t), dev));
		torture_delay(t, 500);
		sgt_thread_set_op("device_bind");
		trace_event(TRACE_OP, "device_bind", NULL, dev_index(run_of(t), dev));
		device_bind(dev);
	}
	torture_count_op(t, false);
}

static void freer_step(struct torture_thread *t)
{
	struct sgtable_run *ctx = run_of(t);
	int i = (int)choose_slot(t);
	/* A fresh object takes its place, so freers need no creators. */
	struct sgtable_object *obj = pool_swap(ctx, i, create_object(t, i));

	if (!obj)
		return;
	/* Populate it, so the last put has a map to race an unbind's release with. */
	trace_event(TRACE_OP, "sg_table (populate)", obj,
		    dev_index(ctx, sgtable_object_device(obj)));
	scoped_guard(device_bound, sgtable_object_device(obj))
		if (scope.dev)
			obj->ops->sg_table(obj, &scope);
	torture_delay(t, 100);
	sgt_thread_set_op("last put");
	trace_event(TRACE_OP, "last put", obj, -1);
	sgtable_object_put(obj);
	trace_event(TRACE_OP, "last put returned", obj, -1);
	torture_count_op(t, false);
}

/* --- purgers: user space's madvise and the driver's shrinker ------------------------ */

/*
 * madvise(DONTNEED) on an object (the drivers' MADVISE ioctl), then the
 * shrinker's scan of it, as drm_gem_lru_scan() does: trylock the resv,
 * purge it if it is purgeable.
 */
static void purger_step(struct torture_thread *t)
{
	struct sgtable_run *ctx = run_of(t);
	struct sgtable_object *obj = pool_get(ctx, (int)choose_slot(t));
	struct drm_gem_shmem_object *shmem;

	if (!obj)
		return;
	shmem = &obj->shmem;
	sgt_thread_set_op("madvise(DONTNEED)");
	trace_event(TRACE_OP, "madvise(DONTNEED)", obj, -1);
	scoped_guard(dma_resv, shmem->base.resv)
		drm_gem_shmem_madvise_locked(shmem, DRM_GEM_MADV_DONTNEED);
	torture_delay(t, 200);
	sgt_thread_set_op("shrinker scan");
	if (dma_resv_trylock(shmem->base.resv)) {
		if (drm_gem_shmem_is_purgeable(shmem)) {
			trace_event(TRACE_OP, "purge", obj, -1);
			drm_gem_shmem_purge_locked(shmem);
		}
		dma_resv_unlock(shmem->base.resv);
	}
	sgtable_object_put(obj);
	torture_count_op(t, false);
}

/* Threads per role by default: one of each, two accessors (they observe). */
const int sgtable_role_default[SGTABLE_NR_ROLES] = {
	[SGTABLE_CREATOR] = 1, [SGTABLE_ACCESSOR] = 2, [SGTABLE_REVOKER] = 1, [SGTABLE_FREER] = 1,
	[SGTABLE_PURGER] = 1,
};

const char *const sgtable_role_help[SGTABLE_NR_ROLES] = {
	[SGTABLE_CREATOR] = "make an object (own resv, a parent's, or an import) and swap it into "
			    "a pool slot; put what was there, maybe the last reference",
	[SGTABLE_ACCESSOR] = "take an object, enter the device's bound scope, sg_table(), check "
			     "every entry is mapped for the device, touch every page",
	[SGTABLE_REVOKER] = "unbind a device (its devres released, no mapping may outlive it) "
			    "and bind it again",
	[SGTABLE_FREER] = "take an object out of the pool, populate its table, and put the last "
			  "reference while unbinds race",
	[SGTABLE_PURGER] = "madvise(DONTNEED) an object, then scan it as a shrinker does: "
			   "trylock its resv, purge it if purgeable (unmap, free the sgt, put "
			   "the pages)",
};

static void (*const role_step[SGTABLE_NR_ROLES])(struct torture_thread *) = {
	[SGTABLE_CREATOR] = creator_step,
	[SGTABLE_ACCESSOR] = accessor_step,
	[SGTABLE_REVOKER] = revoker_step,
	[SGTABLE_FREER] = freer_step,
	[SGTABLE_PURGER] = purger_step,
};

void sgtable_step(void *state, struct torture_thread *t)
{
	role_step[t->role](t);
}

void sgtable_pool_fill(struct sgtable_run *ctx)
{
	for (int i = 0; i < ctx->nslots; i++) {
		pthread_mutex_init(&ctx->slots[i].lock, NULL);
		ctx->slots[i].obj = sgtable_object_create(ctx->ops, &ctx->ddev[slot_device(ctx, i)],
						      2 * PAGE_SIZE, NULL, ctx->obj_flags);
	}
}

void sgtable_pool_drain(struct sgtable_run *ctx)
{
	for (int i = 0; i < ctx->nslots; i++) {
		struct sgtable_object *obj = pool_swap(ctx, i, NULL);

		if (obj)
			sgtable_object_put(obj);
		pthread_mutex_destroy(&ctx->slots[i].lock);
	}
}
