/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a step touches, for partial-order reduction (sgtorture check's DPOR).
 *
 * Under a controlled schedule a step is what one thread runs from one
 * schedule point to its next.  Its footprint is every shared location it
 * touched and how: the object its schedule point names, each atomic access
 * (check/atomic.h), and each section over shared data (sgt_raw_lock_data()).  Plain
 * accesses are either under a lock, whose accesses are in the footprint, or
 * a data race, which is ThreadSanitizer's to report.  Two steps are
 * dependent when their footprints share a location that one of them
 * writes, or either is global (an object freed, a wait's retry: see
 * docs/design.md, "The dependence relation").
 *
 * Recorded only when a controlled scheduler asks (sgt_fp_on) and only in a
 * build with SGT_FOOTPRINT: the benchmarks' copy of the core (whose fast
 * paths the instruction gate counts) and the release preset compile every
 * note away.
 */
#ifndef SGT_CHECK_FOOTPRINT_H
#define SGT_CHECK_FOOTPRINT_H

#include <stdbool.h>
#include <stdint.h>
#include <check/compiler.h>

#define SGT_FP_MAX	12	/* distinct locations a step keeps; more makes it global */

struct sgt_footprint {
	uint8_t n;
	bool global;			/* dependent with every step */
	uint16_t writes;		/* bit i: a[i] was written */
	uintptr_t a[SGT_FP_MAX];
};

/* Two steps that may not be swapped without changing what either sees. */
bool sgt_fp_dependent(const struct sgt_footprint *x, const struct sgt_footprint *y);
void sgt_fp_add(struct sgt_footprint *fp, const void *addr, bool write);

/* Does this build record footprints (sgtorture check's DPOR needs them)? */
static inline bool sgt_fp_built(void)
{
#ifdef SGT_FOOTPRINT
	return true;
#else
	return false;
#endif
}

#ifdef SGT_FOOTPRINT
/* Set by the controlled scheduler for the run; read in every note. */
extern bool sgt_fp_on;
extern _Thread_local struct sgt_footprint sgt_fp_current;

static inline void sgt_fp_note(const void *addr, bool write)
{
	if (unlikely(sgt_fp_on))
		sgt_fp_add(&sgt_fp_current, addr, write);
}

static inline void sgt_fp_global(void)
{
	if (unlikely(sgt_fp_on))
		sgt_fp_current.global = true;
}
#else
static inline void sgt_fp_note(const void *addr, bool write)
{
	(void)addr;
	(void)write;
}

static inline void sgt_fp_global(void)
{
}
#endif

#endif /* SGT_CHECK_FOOTPRINT_H */
