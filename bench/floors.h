/* SPDX-License-Identifier: GPL-2.0 */
/* The floors (floors.c), and what the benchmark files share. */
#ifndef SGT_BENCH_FLOORS_H
#define SGT_BENCH_FLOORS_H

#include "cbench.h"

#define BENCH_MAX_THREADS	8

/* Keep the compiler from dropping a result, without a memory clobber. */
#define bench_sink(x)	__asm__ volatile("" : : "g"(x))

/* floor/empty, floor/raw, and floor/model, whose body (project code) is model. */
void register_floors(cbench_fn model);

#endif /* SGT_BENCH_FLOORS_H */
