// SPDX-License-Identifier: GPL-2.0
/*
 * The floors every fast path is measured against, at 1..8 threads:
 *
 *   floor/empty   CBENCH_LOOP with nothing in it: the loop alone, subtracted
 *                 from every instruction count
 *   floor/raw     liburcu's inline read section around an acquire load, no
 *                 project code: the least a fast path can physically cost
 *   floor/model   the same through the project's rcu_read_lock() (kernel/
 *                 rcu.h: inline in the release preset, with its bookkeeping)
 *
 * floor/raw is in a file of its own: liburcu's inline read side needs
 * _LGPL_SOURCE before its headers, and no project code is in its loop.
 */
#define _LGPL_SOURCE
#include <stdatomic.h>
#include <urcu/urcu-memb.h>

#include <kernel/rcu.h>	/* rcu_register_thread() only, outside the loop */

#include "cbench.h"
#include "floors.h"

static atomic_uintptr_t raw_word = 1;

static void bm_empty(struct cbench_state *st, void *arg)
{
	CBENCH_LOOP(st)
		__asm__ volatile("");	/* the loop must not be folded away */
}

static void bm_raw(struct cbench_state *st, void *arg)
{
	/*
	 * Registered with liburcu through the project's wrapper, which does it
	 * once per thread and undoes it at thread exit: a 1-thread run is on
	 * the main thread, which the other benchmarks' RCU has registered.
	 */
	rcu_register_thread();
	CBENCH_LOOP(st) {
		urcu_memb_read_lock();
		bench_sink(atomic_load_explicit(&raw_word, memory_order_acquire));
		urcu_memb_read_unlock();
	}
}

void register_floors(cbench_fn model)
{
	cbench_use_real_time(cbench_thread_range(cbench_register("floor/empty", bm_empty, NULL),
						 1, BENCH_MAX_THREADS));
	cbench_use_real_time(cbench_thread_range(cbench_register("floor/raw", bm_raw, NULL),
						 1, BENCH_MAX_THREADS));
	cbench_use_real_time(cbench_thread_range(cbench_register("floor/model", model, NULL),
						 1, BENCH_MAX_THREADS));
}
