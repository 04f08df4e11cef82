/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fault injection at named points, after the kernel's fault-injection
 * framework (probability, interval, times), deterministic for a seed: whether
 * call n of point p fails is a pure function of (seed, p, n), so the same
 * single-threaded sequence of calls fails at the same places every run.
 */
#ifndef SGT_FAULT_H
#define SGT_FAULT_H

#include <stdatomic.h>
#include <stdint.h>
#include <check/compiler.h>

enum sgt_fault_point {
	SGT_FAULT_DEVRES_ALLOC,		/* "devres-alloc": Devres::new's allocation */
	SGT_FAULT_DEVM_ADD_ACTION,	/* "devm-add-action": registration, devres-6.16 */
	SGT_FAULT_PAGE_ALLOC,		/* "page-alloc": shmem page allocation */
	SGT_FAULT_EINTR,		/* "eintr": *_lock_interruptible returns -EINTR */
	SGT_FAULT_WW_EDEADLK,		/* "ww-edeadlk": as CONFIG_DEBUG_WW_MUTEX_SLOWPATH */
	SGT_FAULT_NR
};

extern const char *const sgt_fault_name[SGT_FAULT_NR];
/* "devres-alloc, devm-add-action, ...": every point's name, for help and errors. */
const char *sgt_fault_names(void);

struct sgt_fault_attr {
	uint32_t probability_ppm;	/* fail with this chance per call, in 1e-6 */
	uint32_t interval;		/* fail every interval-th call (0: off) */
	uint32_t nth;			/* fail only the nth call, 1-based (0: off) */
	int32_t times;			/* at most this many failures; -1 unlimited */
};

/* Any point armed?  Read on every call of every point: one relaxed load. */
extern atomic_bool sgt_fault_armed;

bool __sgt_should_fail(enum sgt_fault_point point);

/* Should this call of point fail?  Counts the call when any point is armed. */
static inline bool sgt_should_fail(enum sgt_fault_point point)
{
	/* Relaxed: arming happens before the calls it is meant to affect. */
	if (likely(!atomic_load_explicit(&sgt_fault_armed, memory_order_relaxed)))
		return false;
	return __sgt_should_fail(point);
}

void sgt_fault_set(enum sgt_fault_point point, const struct sgt_fault_attr *attr);
void sgt_fault_seed(uint64_t seed);
/* Disarm every point and zero the counters. */
void sgt_fault_reset(void);
uint64_t sgt_fault_calls(enum sgt_fault_point point);
uint64_t sgt_fault_injected(enum sgt_fault_point point);

/*
 * Parse "POINT=SPEC[,times:K]" where SPEC is a probability in [0,1]
 * ("0.05"), "every:N" or "nth:N", and arm the point.  On error returns
 * -EINVAL and writes a one-line message naming the bad value and the
 * accepted ones into err.
 */
int sgt_fault_parse(const char *arg, char *err, size_t errlen);

#endif /* SGT_FAULT_H */
