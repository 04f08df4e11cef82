/* SPDX-License-Identifier: GPL-2.0 */
/* One run's state, shared by run.c (the controller) and roles.c (the threads). */
#ifndef SGT_TORTURE_RUN_H
#define SGT_TORTURE_RUN_H

#include <sgt/device.h>
#include <sgt/thread.h>

#include "torture.h"
#include "torture_helpers.h"

#define MAX_DEVICES	8

/* A pool slot: the object in it holds the pool's reference. */
struct pool_slot {
	pthread_mutex_t lock;	/* the harness's own lock, not under test */
	struct sgt_object *obj;
};

struct torture_ctx;

struct torture_thread {
	struct torture_ctx *ctx;
	enum torture_role role;
	int idx;
	pthread_t tid;
	struct sgt_thread *sgt;		/* for the watchdog's dump */
	atomic_ulong progress;		/* operations done; the watchdog watches it */
	struct torture_random_state rng;
	struct trace_ring ring;		/* its last events, for the timeline */
};

struct torture_ctx {
	const struct torture_config *cfg;
	const struct sgt_strategy_ops *ops;
	struct torture_result *res;
	struct device dev[MAX_DEVICES];
	struct drm_device ddev[MAX_DEVICES];
	int ndev;
	struct pool_slot *slots;
	int nslots;
	unsigned int obj_flags;		/* hazard variant flags for new objects */
	bool imports;			/* creators make imported objects too */
	atomic_bool stop;
	uint64_t hang_at_ns;		/* --inject-hang: when accessor 0 hangs */
	struct torture_thread *threads;
	struct trace_ring **rings;	/* each thread's, for trace_snapshot() */
	int nthreads;
	uint64_t start_ns;
	bool controlled;		/* --sched other than os */
};

void *torture_role_thread(void *arg);
void torture_pool_fill(struct torture_ctx *ctx);
void torture_pool_drain(struct torture_ctx *ctx);

#endif /* SGT_TORTURE_RUN_H */
