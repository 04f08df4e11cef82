// SPDX-License-Identifier: GPL-2.0
/*
 * The C devres core, after drivers/base/devres.c: nodes on a device's list,
 * released LIFO by unbind (devres_release_all), and devm_add_action().  Rust's
 * Devres<T> (devres.c) is built on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/fault.h>
#include <check/names.h>
#include <check/violation.h>
#include <kernel/devres.h>

SGT_WINDOW_DEFINE(devres_release_window, "devres-release",
			 "between unbind detaching a devres node and its release finishing");

void devres_node_init(struct devres_node *node,
		      void (*release)(struct device *dev, struct devres_node *node),
		      void (*free_node)(struct devres_node *node), const char *name)
{
	INIT_LIST_HEAD(&node->entry);
	node->attached = false;
	node->release = release;
	node->free_node = free_node;
	node->name = name;
}

void devres_node_add(struct device *dev, struct devres_node *node)
{
	guard(mutex)(&dev->devres_lock);
	list_add(&node->entry, &dev->devres_head);
	node->attached = true;
}

bool devres_node_remove(struct device *dev, struct devres_node *node)
{
	guard(mutex)(&dev->devres_lock);
	if (!node->attached)
		return false;	/* detached by devres_release_all() */
	list_del_init(&node->entry);
	node->attached = false;
	return true;
}

unsigned int devres_count(struct device *dev)
{
	struct list_head *pos;
	unsigned int n = 0;

	guard(mutex)(&dev->devres_lock);
	list_for_each(pos, &dev->devres_head)
		n++;
	return n;
}

void devres_release_all(struct device *dev)
{
	struct list_head todo;

	INIT_LIST_HEAD(&todo);
	scoped_guard(mutex, &dev->devres_lock) {
		struct list_head *pos;

		/* Detached: a racing devres_node_remove() now fails. */
		list_for_each(pos, &dev->devres_head)
			list_entry(pos, struct devres_node, entry)->attached = false;
		list_splice_init(&dev->devres_head, &todo);
	}

	/* Newest first (LIFO), outside the lock: release callbacks may sleep. */
	while (!list_empty(&todo)) {
		struct devres_node *node = list_first_entry(&todo, struct devres_node, entry);

		list_del_init(&node->entry);	/* todo is ours alone */
		sgt_window_enter(&devres_release_window);
		node->release(dev, node);
		sgt_window_exit(&devres_release_window);
		node->free_node(node);
	}
}

struct devm_action_node {
	struct devres_node node;
	void (*action)(void *);
	void *data;
};

static void devm_action_release(struct device *dev, struct devres_node *node)
{
	struct devm_action_node *a = container_of(node, struct devm_action_node, node);

	a->action(a->data);
}

static void devm_action_free(struct devres_node *node)
{
	free(container_of(node, struct devm_action_node, node));
}

int devm_add_action(struct device *dev, void (*action)(void *), void *data)
{
	struct devm_action_node *a;

	if (sgt_should_fail(SGT_FAULT_DEVM_ADD_ACTION))
		return -ENOMEM;
	a = malloc(sizeof(*a));
	if (!a)
		return -ENOMEM;
	devres_node_init(&a->node, devm_action_release, devm_action_free, "devm_action");
	a->action = action;
	a->data = data;
	devres_node_add(dev, &a->node);
	return 0;
}

int devm_remove_action_nowarn(struct device *dev, void (*action)(void *), void *data)
{
	struct devm_action_node *found = NULL;
	struct list_head *pos;

	scoped_guard(mutex, &dev->devres_lock) {
		list_for_each(pos, &dev->devres_head) {
			struct devm_action_node *a =
				container_of(pos, struct devm_action_node, node.entry);

			if (a->node.release == devm_action_release &&
			    a->action == action && a->data == data) {
				found = a;
				list_del_init(&a->node.entry);
				break;
			}
		}
	}
	if (!found)
		return -ENOENT;
	free(found);
	return 0;
}

