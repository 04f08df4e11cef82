/* SPDX-License-Identifier: GPL-2.0 */
/*
 * devres: the C core (drivers/base/devres.c; devres_core.c) and Rust's
 * Devres<T> (rust/kernel/devres.rs; devres.c), with a model of each step of the latter's
 * history selectable at run time, because the series was written against a
 * moving target (docs/hazards.md has the table, devres.c the ported lines):
 *
 *  devres-6.15        before f744201c6159 "fix race in Devres::drop()": a
 *                     release that lost the revoke returns at once, so unbind
 *                     can complete while Drop is still dropping the resource.
 *  devres-6.16        payload built, then devm_add_action(), which can fail
 *                     (fault "devm-add-action"): the payload is then dropped
 *                     inside Devres::new.  A losing release waits for Drop;
 *                     Drop does not wait for an in-flight release.
 *  devres-6.17        f5d3ef25d238, inner Arc removed: devm and revoke
 *                     completions; Drop of a Devres whose release is in flight
 *                     waits for it to finish.
 *  devres-7.0         ba268514ea14 "fix race condition due to nesting" (also
 *                     6.19.y): back to Arc<Revocable<T>>, both completions
 *                     removed: neither side waits.
 *  devres-2026        9aa64d2503c6, devres_node embedded in the Arc'd inner,
 *                     what the series compiles against: new() fails only before the
 *                     payload exists (fault "devres-alloc"); Drop =
 *                     revoke_nosync + remove node; neither side waits.
 *  devres-2026-fixed  with acc516dfa197 "fix race between concurrent
 *                     revokers" and a10639966fd7 "ensure revocation is
 *                     complete before device finishes unbinding": a
 *                     revocation completion both sides wait on when they lose.
 *
 * Unbind (devres_release_all) detaches every node under the device's devres
 * lock, then runs the release callbacks LIFO outside it; a concurrent
 * devres_node_remove() of a detached node fails.  access(dev) checks device
 * identity only, never availability.
 */
#ifndef SGT_DEVRES_H
#define SGT_DEVRES_H

#include <check/compiler.h>
#include <check/sched.h>
#include <kernel/device.h>
#include <kernel/list.h>
#include <kernel/revocable.h>

/* --- the C core (devres_core.c) ------------------------------------------ */

struct devres_node {
	struct list_head entry;	/* on dev->devres_head, or on unbind's list */
	bool attached;		/* on dev->devres_head; under devres_lock */
	void (*release)(struct device *dev, struct devres_node *node);
	void (*free_node)(struct devres_node *node);
	const char *name;
};

void devres_node_init(struct devres_node *node,
		      void (*release)(struct device *dev, struct devres_node *node),
		      void (*free_node)(struct devres_node *node), const char *name);
void devres_node_add(struct device *dev, struct devres_node *node);
/* true if removed; false if unbind already detached it. */
bool devres_node_remove(struct device *dev, struct devres_node *node);
void devres_release_all(struct device *dev);
/* Number of nodes registered on dev (a snapshot). */
unsigned int devres_count(struct device *dev);

/* Fails with -ENOMEM under fault "devm-add-action". */
int devm_add_action(struct device *dev, void (*action)(void *), void *data);
/* 0, or -ENOENT if unbind already took the action. */
int devm_remove_action_nowarn(struct device *dev, void (*action)(void *), void *data);

/* --- Rust's Devres<T> (devres.c) ----------------------------------------- */

/* The models of rust/kernel/devres.rs, in version order. */
enum devres_model { DEVRES_6_15, DEVRES_6_16, DEVRES_6_17, DEVRES_7_0, DEVRES_2026,
		    DEVRES_2026_FIXED, DEVRES_MODEL_NR };

/* One row per model: what `sgtorture list` and the docs print. */
struct devres_model_desc {
	const char *name;		/* "devres-6.16" */
	const char *upstream;		/* the upstream version or commit it stands for */
	const char *drop_waits;		/* does Devres::drop wait for a release in flight */
	const char *release_waits;	/* does a release that lost wait for Drop */
	const char *summary;
};
extern const struct devres_model_desc devres_models[DEVRES_MODEL_NR];
/* "devres-6.16, ...": every model's name, for help and errors. */
const char *devres_model_names(void);

void devres_set_model(enum devres_model model);	/* before the run's threads start */
enum devres_model devres_get_model(void);
/* -EINVAL and a one-line message naming the accepted models on a bad name. */
int devres_model_parse(const char *name, enum devres_model *model, char *err, size_t len);

/*
 * Hazard H10's variant: release revokes without the grace period
 * (revoke_nosync), so a reader inside try_access() sees its payload dropped.
 * Off by default; a torture run or a test switches it on by name.
 */
void devres_set_release_nosync(bool on);

/* Race windows: unbind's release callback, and Devres::drop. */
extern struct sgt_window devres_release_window, devres_drop_window;

typedef int (*devres_init_t)(void *payload, void *arg);	/* pin-init in place */
typedef void (*devres_drop_t)(void *payload);		/* drop_in_place */

struct devres_inner;

struct devres {
	struct device *dev;
	struct devres_inner *inner;
	struct revocable *data;		/* &inner->data: inner's layout is devres.c's */
};

/*
 * Devres::new(dev, init): a handle, or ERR_PTR.  The payload (size bytes) is
 * built by init in place; drop destroys it, whoever revokes it.
 */
struct devres *devres_new(const struct device_bound *dev, size_t size,
			  devres_init_t init, void *arg, devres_drop_t drop);
/* Devres::drop: frees the handle; the payload per the model's rules. */
void devres_drop(struct devres *devres);
/*
 * Devres::access: the payload, or ERR_PTR(-EINVAL) for another device.
 * Rust: `dev` being the Devres's device proves the data is not revoked
 * while `dev` lives.  That proof is only as good as "bound" meaning "never
 * unbound since": after a rebind it is wrong (hazard H6).  Inline: it is
 * on every fast path.
 */
static inline void *devres_access(struct devres *devres, const struct device_bound *dev)
{
	sgt_sched_point(SGT_SP_DEVRES, devres);
	if (devres->dev != dev->dev)
		return ERR_PTR(-EINVAL);
	return revocable_access(devres->data);
}
/* Devres::try_access: as revocable_try_access(). */
void *devres_try_access(struct devres *devres);

#endif /* SGT_DEVRES_H */
