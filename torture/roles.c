// SPDX-License-Identifier: GPL-2.0
/*
 * The four roles.  Creators make objects (own resv, a parent's, imported) and
 * drop the ones they replace; accessors take a table for short-term use and
 * check it, or hold an owned handle across sleeps; revokers unbind and rebind
 * devices; freers populate an object and race its last put against unbind.
 */
#include <string.h>
#include <unistd.h>

#include <sgt/sched_ctl.h>
#include <sgt/dma_map.h>
#include <sgt/wait.h>

#include "run.h"

static SGT_WINDOW_DEFINE(access_window, "access",
			 "an accessor using a table inside its bound scope");
static SGT_WINDOW_DEFINE(owned_access_window, "owned-access",
			 "a long-term user inside an owned handle's try_access guard");

static void count_op(struct torture_thread *t, bool failed)
{
	struct torture_result *res = t->ctx->res;

	/* Relaxed: statistics, read by the controller and at the end. */
	atomic_fetch_add_explicit(&res->ops[t->role][t->idx], 1, memory_order_relaxed);
	if (failed)
		atomic_fetch_add_explicit(&res->fails[t->role][t->idx], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&t->progress, 1, memory_order_relaxed);
}

static void observe(struct torture_thread *t, enum sgt_outcome out)
{
	enum sgt_grade g = t->ctx->ops->outcomes[out];

	atomic_fetch_add_explicit(&t->ctx->res->outcomes[out], 1, memory_order_relaxed);
	count_op(t, g == SGT_FORBIDDEN || g == SGT_UNGRADED);
}

/* Take a reference on the object in slot i, or NULL. */
static struct sgt_object *pool_get(struct torture_ctx *ctx, int i)
{
	struct pool_slot *slot = &ctx->slots[i];
	struct sgt_object *obj;

	sgt_raw_lock(&slot->lock);	/* no switch inside: see sched.h */
	obj = slot->obj;
	if (obj)
		sgt_object_get(obj);
	sgt_raw_unlock(&slot->lock);
	return obj;
}

/* Put obj in slot i; returns what was there (the pool's reference, now the caller's). */
static struct sgt_object *pool_swap(struct torture_ctx *ctx, int i, struct sgt_object *obj)
{
	struct pool_slot *slot = &ctx->slots[i];
	struct sgt_object *old;

	sgt_raw_lock(&slot->lock);	/* no switch inside: see sched.h */
	old = slot->obj;
	slot->obj = obj;
	sgt_raw_unlock(&slot->lock);
	return old;
}

static int slot_device(struct torture_ctx *ctx, int i)
{
	return i % ctx->ndev;
}

/* Up to max_us; under a controlled scheduler, a yield (no clock in a schedule). */
static void delay(struct torture_thread *t, uint32_t max_us)
{
	uint32_t us = torture_random_below(&t->rng, max_us);

	if (t->ctx->controlled)
		sched_ctl_yield();
	else
		usleep(us);
}

/* gpuN's N, for the timeline. */
static int dev_index(struct torture_ctx *ctx, const struct device *dev)
{
	return (int)(dev - ctx->dev);
}

/* --- creators --------------------------------------------------------------- */

static struct sgt_object *create_object(struct torture_thread *t, int i)
{
	struct torture_ctx *ctx = t->ctx;
	struct drm_device *ddev = &ctx->ddev[slot_device(ctx, i)];
	uint32_t kind = torture_random_below(&t->rng, 10);
	struct sgt_object *other, *obj;

	if (kind >= 6) {
		other = pool_get(ctx, (int)torture_random_below(&t->rng, (uint32_t)ctx->nslots));
		if (other && kind >= 8 && ctx->imports) {
			obj = sgt_object_import(ctx->ops, ddev, other, ctx->obj_flags);
			sgt_object_put(other);
			return IS_ERR(obj) ? NULL : obj;
		}
		if (other && sgt_object_device(other) == ddev->dev) {
			obj = sgt_object_create(ctx->ops, ddev, PAGE_SIZE, other, ctx->obj_flags);
			sgt_object_put(other);
			return obj;
		}
		if (other)
			sgt_object_put(other);
	}
	return sgt_object_create(ctx->ops, ddev, 2 * PAGE_SIZE, NULL, ctx->obj_flags);
}

static void creator_step(struct torture_thread *t)
{
	int i = (int)torture_random_below(&t->rng, (uint32_t)t->ctx->nslots);
	struct sgt_object *obj = create_object(t, i), *old;

	if (!obj) {
		count_op(t, false);	/* an injected import failure */
		return;
	}
	trace_event(TRACE_OP, "create", obj, slot_device(t->ctx, i));
	old = pool_swap(t->ctx, i, obj);
	if (old) {
		trace_event(TRACE_OP, "put (replaced)", old, -1);
		sgt_object_put(old);	/* may be the last: races unbind */
	}
	count_op(t, false);
}

/* --- accessors -------------------------------------------------------------- */

/* Short-term use: read and write every page through the table. */
static void use_table(struct sg_table *sgt, struct torture_thread *t)
{
	unsigned char mark = (unsigned char)t->idx;

	sgt_window_enter(&access_window);
	for (unsigned int e = 0; e < sgt->nents; e++) {
		unsigned char *p = sgt->sgl[e].page->vaddr;

		p[t->idx % PAGE_SIZE] = mark;
		(void)*(volatile unsigned char *)&p[PAGE_SIZE - 1];
	}
	sgt_window_exit(&access_window);
}

static enum sgt_outcome classify_error(long err, bool foreign)
{
	if (err == -EINVAL)
		return foreign ? SGT_OUT_EINVAL_FOREIGN : SGT_OUT_EINVAL_OWN;
	if (err == -ENOMEM || err == -EINTR)
		return SGT_OUT_FAULT;
	return SGT_OUT_OTHER_ERROR;
}

static enum sgt_outcome access_short(struct torture_thread *t, struct sgt_object *obj,
				     struct device *dev)
{
	bool foreign = dev != sgt_object_device(obj);
	struct sg_table *sgt;
	CLASS(device_bound, b)(dev);

	if (!b.dev)
		return SGT_OUT_ENODEV;
	sgt = obj->ops->sg_table(obj, &b);
	if (IS_ERR(sgt))
		return classify_error(PTR_ERR(sgt), foreign);
	if (foreign) {
		dma_debug_check_sgtable(dev, sgt);	/* reports it */
		return SGT_OUT_TABLE_FOREIGN;
	}
	if (dma_debug_check_sgtable(dev, sgt))
		return SGT_OUT_DANGLING;
	use_table(sgt, t);
	return SGT_OUT_TABLE;
}

/* An owned handle, held across sleeps, used through try_access (v12). */
static enum sgt_outcome access_owned(struct torture_thread *t, struct sgt_object *obj)
{
	struct device *dev = sgt_object_device(obj);
	enum sgt_outcome out = SGT_OUT_OWNED_REVOKED;
	struct sgt_owned owned;
	void *map;
	int ret;

	scoped_guard(device_bound, dev) {
		if (!scope.dev)
			return SGT_OUT_ENODEV;
		ret = obj->ops->owned_sg_table(obj, &scope, &owned);
	}
	if (ret)
		return classify_error(ret, false);
	delay(t, 200);	/* held across a sleep */
	map = devres_try_access(obj->ops->owned_deref(&owned));
	if (map) {
		struct sg_table *sgt = sgt_map_payload_sgt(map);

		sgt_window_enter(&owned_access_window);
		out = dma_debug_check_sgtable(dev, sgt) ? SGT_OUT_DANGLING : SGT_OUT_OWNED_TABLE;
		sgt_window_exit(&owned_access_window);
		revocable_guard_release();
	}
	sgt_owned_put(&owned);
	return out;
}

/* --inject-hang: accessor 0 takes its object's resv and stops making progress. */
static void maybe_hang(struct torture_thread *t, struct sgt_object *obj)
{
	if (t->idx || !t->ctx->hang_at_ns || sgt_now_ns() < t->ctx->hang_at_ns)
		return;
	sgt_thread_set_op("injected hang, holding the resv");
	dma_resv_lock(obj->shmem.base.resv, NULL);
	for (;;)
		pause();
}

static void accessor_step(struct torture_thread *t)
{
	struct torture_ctx *ctx = t->ctx;
	int i = (int)torture_random_below(&t->rng, (uint32_t)ctx->nslots);
	struct sgt_object *obj = pool_get(ctx, i);
	struct device *dev;
	uint32_t r = torture_random_below(&t->rng, 100);
	enum sgt_outcome out;

	if (!obj)
		return;
	maybe_hang(t, obj);
	dev = sgt_object_device(obj);
	if (ctx->ndev > 1 && r < 5)	/* now and then, the wrong device */
		dev = &ctx->dev[(slot_device(ctx, i) + 1) % ctx->ndev];
	if (ctx->ops->owned_sg_table && r >= 90) {
		trace_event(TRACE_OP, "owned_sg_table", obj, dev_index(ctx, dev));
		out = access_owned(t, obj);
	} else {
		trace_event(TRACE_OP | TRACE_ROUTINE, "sg_table", obj, dev_index(ctx, dev));
		out = access_short(t, obj, dev);
	}
	trace_event(TRACE_RESULT | (out == SGT_OUT_TABLE ? TRACE_ROUTINE : 0),
		    sgt_outcome_name[out], obj, -1);
	observe(t, out);
	/* The last put, when a creator replaced it meanwhile. */
	trace_event(TRACE_OP | TRACE_ROUTINE, "put", obj, -1);
	sgt_object_put(obj);
}

/* --- revokers and freers -------------------------------------------------------- */

static void revoker_step(struct torture_thread *t)
{
	struct device *dev = &t->ctx->dev[torture_random_below(&t->rng, (uint32_t)t->ctx->ndev)];

	sgt_thread_set_op("device_unbind");
	trace_event(TRACE_OP, "device_unbind", NULL, dev_index(t->ctx, dev));
	if (!device_unbind(dev)) {
		trace_event(TRACE_OP, "unbound", NULL, dev_index(t->ctx, dev));
		delay(t, 500);
		sgt_thread_set_op("device_bind");
		trace_event(TRACE_OP, "device_bind", NULL, dev_index(t->ctx, dev));
		device_bind(dev);
	}
	count_op(t, false);
}

static void freer_step(struct torture_thread *t)
{
	struct torture_ctx *ctx = t->ctx;
	int i = (int)torture_random_below(&t->rng, (uint32_t)ctx->nslots);
	/* A fresh object takes its place, so freers need no creators. */
	struct sgt_object *obj = pool_swap(ctx, i, create_object(t, i));

	if (!obj)
		return;
	/* Populate it, so the last put has a map to race an unbind's release with. */
	trace_event(TRACE_OP, "sg_table (populate)", obj,
		    dev_index(ctx, sgt_object_device(obj)));
	scoped_guard(device_bound, sgt_object_device(obj))
		if (scope.dev)
			obj->ops->sg_table(obj, &scope);
	delay(t, 100);
	sgt_thread_set_op("last put");
	trace_event(TRACE_OP, "last put", obj, -1);
	sgt_object_put(obj);
	trace_event(TRACE_OP, "last put returned", obj, -1);
	count_op(t, false);
}

static void (*const role_step[NR_ROLES])(struct torture_thread *) = {
	[ROLE_CREATOR] = creator_step,
	[ROLE_ACCESSOR] = accessor_step,
	[ROLE_REVOKER] = revoker_step,
	[ROLE_FREER] = freer_step,
};

void *torture_role_thread(void *arg)
{
	struct torture_thread *t = arg;
	const atomic_bool *stop = &t->ctx->stop;

	sgt_thread_start("%s-%d", torture_role_name[t->role], t->idx);
	t->sgt = sgt_current();
	trace_thread_start(&t->ring, t->role, t->idx);
	if (t->ctx->controlled)
		sched_ctl_register((int)(t - t->ctx->threads), t->sgt->name);
	/* Controlled: the scheduler's step count ends the run, the same way every time. */
	while (!atomic_load_explicit(stop, memory_order_relaxed) &&
	       !(t->ctx->controlled && sched_ctl_expired())) {
		torture_stutter_wait(stop);
		sgt_thread_set_op(torture_role_name[t->role]);
		role_step[t->role](t);
		atomic_fetch_add_explicit(&t->progress, 1, memory_order_relaxed);
	}
	sgt_thread_set_op("exited");
	sched_ctl_exit();
	sgt_thread_stop();
	return NULL;
}

void torture_pool_fill(struct torture_ctx *ctx)
{
	for (int i = 0; i < ctx->nslots; i++) {
		pthread_mutex_init(&ctx->slots[i].lock, NULL);
		ctx->slots[i].obj = sgt_object_create(ctx->ops, &ctx->ddev[slot_device(ctx, i)],
						      2 * PAGE_SIZE, NULL, ctx->obj_flags);
	}
}

void torture_pool_drain(struct torture_ctx *ctx)
{
	for (int i = 0; i < ctx->nslots; i++) {
		struct sgt_object *obj = pool_swap(ctx, i, NULL);

		if (obj)
			sgt_object_put(obj);
		pthread_mutex_destroy(&ctx->slots[i].lock);
	}
}
