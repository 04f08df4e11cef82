/* SPDX-License-Identifier: GPL-2.0 */
/* The sg-table subject's run state, shared by its roles (roles.c) and set-up (subject.c). */
#ifndef SGT_TORTURE_SGTABLE_STATE_H
#define SGT_TORTURE_SGTABLE_STATE_H

#include <kernel/device.h>
#include <sgtable/hazards.h>
#include <sgtable/reported.h>
#include <sgtable/strategy.h>

#include "../engine/torture.h"

#define MAX_DEVICES	8

/* The subject's own options (--hazard, --objects, --devices, --imports). */
struct sgtable_options {
	const struct sgtable_hazard *hazard;	/* NULL: none */
	int objects, devices;
	bool imports;				/* creators also make imported objects */
};

/* A pool slot: the object in it holds the pool's reference. */
struct pool_slot {
	pthread_mutex_t lock;	/* the harness's own lock, not under test */
	struct sgtable_object *obj;
};

struct sgtable_run {
	const struct sgtable_strategy_ops *ops;
	struct device dev[MAX_DEVICES];
	struct drm_device ddev[MAX_DEVICES];
	int ndev;
	struct pool_slot *slots;
	int nslots;
	unsigned int obj_flags;		/* hazard variant flags for new objects */
	bool imports;			/* creators make imported objects too */
};

/* The roles' race windows: a table in use, an owned handle's try_access guard. */
extern struct sgt_window access_window, owned_access_window;

/* `sgtorture list`: the registries, as text and as JSON (list.c). */
void sgtable_list(FILE *out);
json_t *sgtable_list_json(void);

void sgtable_step(void *state, struct torture_thread *t);
void sgtable_pool_fill(struct sgtable_run *run);
void sgtable_pool_drain(struct sgtable_run *run);

#endif /* SGT_TORTURE_SGTABLE_STATE_H */
