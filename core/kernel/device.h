/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device that binds, unbinds and rebinds, and the Device<Bound> scope.
 *
 * struct device_bound stands for Rust's &Device<Bound>: while a thread holds
 * one the device cannot finish unbinding.  device_bound_enter() fails with
 * -ENODEV once unbinding has begun.  device_unbind() takes the device lock,
 * marks the device unbinding, waits (through the watchdog) for every bound
 * scope to leave, releases its devres LIFO outside the devres lock, checks
 * that no DMA mapping of the device survived (SGT_V_MAPPING_AFTER_UNBIND),
 * and marks it unbound.  device_bind() after that rebinds it: same struct,
 * same identity, as a driver rebinding to the same struct device.
 *
 * The borrow checker keeps a &Device<Bound> from outliving its scope; in C
 * the caller must not use a device_bound after device_bound_exit().
 */
#ifndef SGT_DEVICE_H
#define SGT_DEVICE_H

#include <stdatomic.h>
#include <check/cleanup.h>
#include <kernel/list.h>
#include <kernel/mutex.h>

enum device_state { DEVICE_UNBOUND, DEVICE_BOUND, DEVICE_UNBINDING };

struct device {
	char name[32];
	unsigned int id;
	struct mutex lock;		/* device_lock(): serialises bind and unbind */
	atomic_int state;		/* enum device_state */
	atomic_int bound_scopes;	/* live device_bound scopes */
	atomic_uint bind_count;		/* how many times bound */
	struct mutex devres_lock;	/* the devres list, as dev->devres_lock */
	struct list_head devres_head;	/* newest first */
};

/* Starts unbound; bind it before use. */
void device_init(struct device *dev, const char *name);
/* Must be unbound; reports leftover devres and DMA mappings (SGT_V_LEAK). */
void device_destroy(struct device *dev);

int device_bind(struct device *dev);		/* 0, or -EBUSY if not unbound */
int device_unbind(struct device *dev);		/* 0, or -ENODEV if not bound */
bool device_is_bound(struct device *dev);
/* Sleep (through the watchdog) while an unbind of dev is in progress. */
void device_wait_for_unbind(struct device *dev);

struct device_bound {
	struct device *dev;	/* NULL: not bound */
};

int device_bound_enter(struct device *dev, struct device_bound *b);
void device_bound_exit(struct device_bound *b);

static inline struct device_bound device_bound_get(struct device *dev)
{
	struct device_bound b;

	if (device_bound_enter(dev, &b))
		b.dev = NULL;
	return b;
}

/* CLASS(device_bound, b)(dev); if (!b.dev) return -ENODEV; ... */
DEFINE_CLASS(device_bound, struct device_bound, if (_T.dev) device_bound_exit(&_T),
	     device_bound_get(dev), struct device *dev)

#endif /* SGT_DEVICE_H */
