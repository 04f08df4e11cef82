// SPDX-License-Identifier: GPL-2.0
#include <check/atomic.h>
#include <stdio.h>

#include <kernel/device.h>
#include <kernel/devres.h>
#include <kernel/dma_map.h>
#include <check/violation.h>
#include <check/wait.h>

static atomic_uint next_device_id = 1;

void device_init(struct device *dev, const char *name)
{
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->id = sgt_atomic_fetch_add_explicit(&next_device_id, 1, memory_order_relaxed);
	mutex_init(&dev->lock);
	mutex_init(&dev->devres_lock);
	INIT_LIST_HEAD(&dev->devres_head);
	atomic_init(&dev->state, DEVICE_UNBOUND);
	atomic_init(&dev->bound_scopes, 0);
	atomic_init(&dev->bind_count, 0);
}

void device_destroy(struct device *dev)
{
	unsigned long maps = dma_debug_mappings(dev);

	SGT_WARN_ON(SGT_V_DEVICE, sgt_atomic_load(&dev->state) != DEVICE_UNBOUND,
		    "destroying %s while bound", dev->name);
	SGT_WARN_ON(SGT_V_LEAK, devres_count(dev), "%s destroyed with %u devres nodes",
		    dev->name, devres_count(dev));
	SGT_WARN_ON(SGT_V_LEAK, maps, "%s destroyed with %lu live DMA mappings", dev->name, maps);
	mutex_destroy(&dev->devres_lock);
	mutex_destroy(&dev->lock);
}

int device_bind(struct device *dev)
{
	guard(mutex)(&dev->lock);	/* bind and unbind are serialised by it */
	if (sgt_atomic_load(&dev->state) != DEVICE_UNBOUND)
		return -EBUSY;
	/*
	 * The new binding's number first, then "bound": a scope that sees the
	 * device bound (seq_cst) sees this binding's number, never the last one.
	 */
	sgt_atomic_fetch_add(&dev->bind_count, 1);
	sgt_atomic_store(&dev->state, DEVICE_BOUND);
	return 0;
}

bool device_is_bound(struct device *dev)
{
	return sgt_atomic_load(&dev->state) == DEVICE_BOUND;
}

/*
 * The scope count and the state form a Dekker pair, both seq_cst: enter
 * increments then reads the state, unbind writes the state then reads the
 * count, so either enter sees "unbinding" or unbind sees the scope.
 */
int device_bound_enter(struct device *dev, struct device_bound *b)
{
	sgt_sched_point(SGT_SP_XCHG, &dev->bound_scopes);
	sgt_atomic_fetch_add(&dev->bound_scopes, 1);
	if (unlikely(sgt_atomic_load(&dev->state) != DEVICE_BOUND)) {
		b->dev = dev;
		device_bound_exit(b);
		b->dev = NULL;
		return -ENODEV;
	}
	b->dev = dev;
	return 0;
}

void device_bound_exit(struct device_bound *b)
{
	struct device *dev = b->dev;

	sgt_sched_point(SGT_SP_XCHG, &dev->bound_scopes);
	if (sgt_atomic_fetch_sub(&dev->bound_scopes, 1) == 1 &&
	    sgt_atomic_load(&dev->state) != DEVICE_BOUND)
		wake_up_var(&dev->bound_scopes);
	b->dev = NULL;
}

int device_unbind(struct device *dev)
{
	int bound = DEVICE_BOUND;

	guard(mutex)(&dev->lock);
	if (!sgt_atomic_compare_exchange_strong(&dev->state, &bound, DEVICE_UNBINDING))
		return -ENODEV;
	wait_var_event(&dev->bound_scopes, sgt_atomic_load(&dev->bound_scopes) == 0);
	devres_release_all(dev);
	dma_debug_check_unbound(dev);
	sgt_atomic_store(&dev->state, DEVICE_UNBOUND);
	wake_up_var(&dev->state);
	return 0;
}

void device_wait_for_unbind(struct device *dev)
{
	wait_var_event(&dev->state, sgt_atomic_load(&dev->state) != DEVICE_UNBINDING);
}
