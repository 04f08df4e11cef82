// SPDX-License-Identifier: GPL-2.0
/*
 * Rust's Devres<T> (rust/kernel/devres.rs), one model per step of its history
 * (devres.h); the C core under it is devres_core.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kernel/completion.h>
#include <kernel/devres.h>
#include <check/fault.h>
#include <check/names.h>
#include <kernel/kref.h>
#include <check/violation.h>

SGT_WINDOW_DEFINE(devres_drop_window, "devres-drop",
			 "inside Devres::drop, racing an unbind's release");

const struct devres_model_desc devres_models[DEVRES_MODEL_NR] = {
	[DEVRES_6_15] = { "devres-6.15", "v6.15, before f744201c6159 \"fix race in "
			  "Devres::drop()\"", "no", "no",
			  "Drop removes the action, then revokes and drops the resource; a "
			  "release that lost the revoke returns at once" },
	[DEVRES_6_16] = { "devres-6.16", "v6.16, f744201c6159 (DevresInner with a revoke "
			  "completion)", "no", "yes",
			  "devm_add_action() can fail after the payload exists (dropped in "
			  "new's error path)" },
	[DEVRES_6_17] = { "devres-6.17", "v6.17, f5d3ef25d238 (inner Arc removed)",
			  "yes (devm completion)", "yes",
			  "devm and revoke completions: Drop of a Devres whose release is in "
			  "flight waits for it" },
	[DEVRES_7_0] = { "devres-7.0", "v7.0, ba268514ea14 \"fix race condition due to "
			 "nesting\" (also 6.19.y)", "no", "no",
			 "back to Arc<Revocable<T>>, both completions removed: neither side "
			 "waits" },
	[DEVRES_2026] = { "devres-2026", "9aa64d2503c6 (embedded devres_node)", "no", "no",
			  "new() fails only before the payload exists; Drop = revoke_nosync + "
			  "remove node; release = revoke(), result ignored" },
	[DEVRES_2026_FIXED] = { "devres-2026-fixed", "acc516dfa197 and a10639966fd7 "
				"(14 Jul 2026)", "yes (revocation completion)",
				"yes (revocation completion)",
				"release: if revoke() complete_all else wait; Drop: if "
				"revoke_nosync() complete_all and remove node, else wait" },
};

/* Is the registration an embedded devres_node (else a devm action)? */
static bool model_has_node(enum devres_model m)
{
	return m == DEVRES_2026 || m == DEVRES_2026_FIXED;
}

static const char *model_name(int m)
{
	return devres_models[m].name;
}

const char *devres_model_names(void)
{
	static char names[256];

	return sgt_join_names(names, sizeof(names), DEVRES_MODEL_NR, model_name);
}

/* Set before the threads of a run start; read-only while they run. */
static enum devres_model current_model = DEVRES_2026;
static bool release_nosync;	/* H10's variant */

void devres_set_release_nosync(bool on)
{
	release_nosync = on;
}

/* What unbind's release does to the data: revoke, with its grace period. */
static bool devres_release_revoke(struct revocable *data)
{
	if (unlikely(release_nosync))
		return revocable_revoke_nosync(data);	/* H10: no grace period */
	return revocable_revoke(data);
}

void devres_set_model(enum devres_model model)
{
	current_model = model;
}

enum devres_model devres_get_model(void)
{
	return current_model;
}

int devres_model_parse(const char *name, enum devres_model *model, char *err, size_t len)
{
	for (int m = 0; m < DEVRES_MODEL_NR; m++) {
		if (!strcmp(name, devres_models[m].name)) {
			*model = (enum devres_model)m;
			return 0;
		}
	}
	snprintf(err, len, "unknown devres model '%s': accepted are %s", name,
		 devres_model_names());
	return -EINVAL;
}

/* The Arc'd part: alive while the handle or the registration refers to it. */
struct devres_inner {
	struct kref ref;
	enum devres_model model;
	struct devres_node node;	/* devres-2026: embedded */
	struct completion devm;		/* devres-6.17: the release action finished */
	struct completion revoke;	/* 6.16/6.17: Drop revoked before the action */
	struct completion revocation;	/* 2026-fixed: the winner finished revoking */
	struct revocable data;
	_Alignas(max_align_t) unsigned char payload[];
};

static void devres_inner_release(struct kref *ref)
{
	struct devres_inner *inner = container_of(ref, struct devres_inner, ref);

	revocable_destroy(&inner->data);	/* Revocable's Drop */
	free(inner);
}

static void devres_inner_put(struct devres_inner *inner)
{
	kref_put(&inner->ref, devres_inner_release);
}

/* devres-2026: Devres::devres_node_release / devres_node_free_node */
static void devres_node_release_cb(struct device *dev, struct devres_node *node)
{
	struct devres_inner *inner = container_of(node, struct devres_inner, node);

	if (inner->model == DEVRES_2026) {
		devres_release_revoke(&inner->data);	/* inner.data.revoke(); */
		return;
	}
	/*
	 * devres-2026-fixed (acc516dfa197, a10639966fd7):
	 *     if inner.data.revoke() { inner.revocation.complete_all(); }
	 *     else { inner.revocation.wait_for_completion(); }
	 * so unbind finishes only after whoever revoked has dropped the data.
	 */
	if (devres_release_revoke(&inner->data))
		complete_all(&inner->revocation);
	else
		wait_for_completion(&inner->revocation);
}

static void devres_node_free_cb(struct devres_node *node)
{
	devres_inner_put(container_of(node, struct devres_inner, node));
}

/* devres-6.15..7.0: Devres::devres_callback */
static void devres_action_cb(void *ptr)
{
	struct devres_inner *inner = ptr;
	bool won = devres_release_revoke(&inner->data);

	/*
	 * 6.16/6.17 (f744201c6159):
	 *     if !inner.data.revoke() {
	 *         // If `revoke()` returns false, it means that `Devres::drop` already
	 *         // started revoking `inner.data` for us. Hence we have to wait until
	 *         // `Devres::drop()` signals that it completed revoking `inner.data`.
	 *         inner.revoke.wait_for_completion();
	 *     }
	 * 6.15 (`inner.data.revoke();`) and 7.0 (`data.revoke();`) return at once.
	 */
	if (!won && (inner->model == DEVRES_6_16 || inner->model == DEVRES_6_17))
		wait_for_completion(&inner->revoke);
	if (inner->model == DEVRES_6_17)
		complete_all(&inner->devm);
	devres_inner_put(inner);	/* the registration's reference */
}

static int devres_register(struct device *dev, struct devres_inner *inner)
{
	kref_get(&inner->ref);		/* core::mem::forget(inner.clone()) */
	if (model_has_node(inner->model)) {
		devres_node_init(&inner->node, devres_node_release_cb,
				 devres_node_free_cb, "Devres<T>");
		devres_node_add(dev, &inner->node);
		return 0;
	}
	return devm_add_action(dev, devres_action_cb, inner);
}

struct devres *devres_new(const struct device_bound *dev, size_t size,
			  devres_init_t init, void *arg, devres_drop_t drop)
{
	struct devres_inner *inner;
	struct devres *devres;
	int ret;

	if (sgt_should_fail(SGT_FAULT_DEVRES_ALLOC))
		return ERR_PTR(-ENOMEM);	/* before the payload exists, in every model */
	devres = malloc(sizeof(*devres));
	inner = calloc(1, sizeof(*inner) + size);
	if (!devres || !inner) {
		free(devres);
		free(inner);
		return ERR_PTR(-ENOMEM);
	}
	ret = init(inner->payload, arg);
	if (ret) {
		free(devres);
		free(inner);
		return ERR_PTR(ret);
	}
	kref_init(&inner->ref);
	inner->model = current_model;
	init_completion(&inner->devm);
	init_completion(&inner->revoke);
	init_completion(&inner->revocation);
	revocable_init(&inner->data, inner->payload, drop);

	ret = devres_register(dev->dev, inner);
	if (ret) {
		/* 6.16/6.17: the payload exists already and is dropped right here. */
		devres_inner_put(inner);	/* the registration's */
		devres_inner_put(inner);	/* ours: Revocable's Drop drops the payload */
		free(devres);
		return ERR_PTR(ret);
	}
	devres->dev = dev->dev;
	devres->inner = inner;
	devres->data = &inner->data;
	return devres;
}

/* We revoked first: take the registration back, or learn unbind has it. */
static void devres_drop_revoked(struct devres *devres)
{
	struct devres_inner *inner = devres->inner;

	if (model_has_node(inner->model)) {
		/* 2026-fixed (a10639966fd7): a losing release waits for this. */
		if (inner->model == DEVRES_2026_FIXED)
			complete_all(&inner->revocation);
		if (devres_node_remove(devres->dev, &inner->node))
			devres_inner_put(inner);
		return;
	}
	if (!devm_remove_action_nowarn(devres->dev, devres_action_cb, inner)) {
		devres_inner_put(inner);
		return;
	}
	/* The action runs concurrently: tell it we revoked (6.16/6.17). */
	complete_all(&inner->revoke);
	if (inner->model == DEVRES_6_17)
		wait_for_completion(&inner->devm);
}

/*
 * devres-6.15's Drop, before f744201c6159, is only
 *     DevresInner::remove_action(&self.0);
 * which takes the action (and its Arc reference) back when unbind has not
 * detached it; the data is then dropped with the last reference, by
 * Revocable's Drop, below.  Nothing orders that drop before an unbind that
 * no longer sees the action: "unbind can complete while Devres::drop() is
 * still dropping the resource" (f744201c6159's message).
 */
static void devres_drop_6_15(struct devres *devres)
{
	struct devres_inner *inner = devres->inner;

	if (!devm_remove_action_nowarn(devres->dev, devres_action_cb, inner))
		devres_inner_put(inner);	/* the registration's */
}

void devres_drop(struct devres *devres)
{
	struct devres_inner *inner = devres->inner;

	sgt_sched_point(SGT_SP_DEVRES, devres);
	sgt_window_enter(&devres_drop_window);
	if (inner->model == DEVRES_6_15)
		devres_drop_6_15(devres);
	/* Nobody accesses the data any more, so no grace period (Devres::drop). */
	else if (revocable_revoke_nosync(&inner->data))
		devres_drop_revoked(devres);
	else if (inner->model == DEVRES_6_17)
		wait_for_completion(&inner->devm);	/* the release is in flight */
	else if (inner->model == DEVRES_2026_FIXED)
		/* acc516dfa197: "wait for it to finish drop_in_place()" */
		wait_for_completion(&inner->revocation);
	sgt_window_exit(&devres_drop_window);
	devres_inner_put(inner);
	free(devres);
}

void *devres_try_access(struct devres *devres)
{
	sgt_sched_point(SGT_SP_DEVRES, devres);
	return revocable_try_access(&devres->inner->data);
}
