/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a step touches, for partial-order reduction (sgtorture check's DPOR).
 *
 * Under a controlled schedule a step is what one thread runs from one
 * schedule point to its next.  Its footprint is every shared location it
 * touched and how: the object its schedule point names, each atomic access
 * (check/atomic.h), each section over shared data (sgt_raw_lock_data()),
 * each free, and the plain accesses atomic.h says must be noted: racy ones,
 * memory a racing free may take, and the oracles' observations.  Other
 * plain accesses are ordered by a lock or a publishing atomic, whose steps
 * are in the footprint.  Two steps are
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
#include <stddef.h>
#include <stdint.h>
#include <check/compiler.h>

#define SGT_FP_MAX	32	/* distinct locations a step keeps; more makes it global */

/*
 * How a step touched a location.  Two reads commute; so do two adds (an
 * update whose old value the step does not read, as the kernel's void
 * atomic_add(): a counter, an entry put into or taken from a registry).
 * Anything else on one location does not.  A step that touches a location
 * twice in different ways wrote it.
 */
enum sgt_fp_kind {
	SGT_FP_READ,
	SGT_FP_WRITE,
	SGT_FP_ADD,
	/*
	 * A lock's acquisition and release: writes, and more.  A release and a
	 * later acquisition by another thread are ordered but not reversible
	 * (the acquisition could not run before it): DPOR reverses the two
	 * acquisitions instead (dpor.c, race_before()).
	 */
	SGT_FP_ACQUIRE,
	SGT_FP_RELEASE,
};

struct sgt_footprint {
	uint8_t n;
	bool global;			/* dependent with every step */
	uint32_t writes, adds;		/* bit i: a[i] was written; was only added to */
	uint32_t acquires, releases;	/* bit i: a[i] is a lock this step took; let go */
	uintptr_t a[SGT_FP_MAX];	/* where each location starts */
	uint32_t len[SGT_FP_MAX];	/* and its bytes: 1, or an object freed whole */
};

/* Two steps that may not be swapped without changing what either sees. */
bool sgt_fp_dependent(const struct sgt_footprint *x, const struct sgt_footprint *y);
/* Does y take a lock that x lets go of? */
bool sgt_fp_release_acquire(const struct sgt_footprint *x, const struct sgt_footprint *y);
void sgt_fp_add(struct sgt_footprint *fp, const void *addr, enum sgt_fp_kind kind);
/* len bytes from addr as one location: a free conflicts with any access inside. */
void sgt_fp_add_range(struct sgt_footprint *fp, const void *addr, size_t len,
		      enum sgt_fp_kind kind);

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

static inline void sgt_fp_note(const void *addr, enum sgt_fp_kind kind)
{
	if (unlikely(sgt_fp_on))
		sgt_fp_add(&sgt_fp_current, addr, kind);
}

static inline void sgt_fp_note_range(const void *addr, size_t len, enum sgt_fp_kind kind)
{
	if (unlikely(sgt_fp_on))
		sgt_fp_add_range(&sgt_fp_current, addr, len, kind);
}

#else
static inline void sgt_fp_note(const void *addr, enum sgt_fp_kind kind)
{
	(void)addr;
	(void)kind;
}

static inline void sgt_fp_note_range(const void *addr, size_t len, enum sgt_fp_kind kind)
{
	(void)addr;
	(void)len;
	(void)kind;
}

#endif

#endif /* SGT_CHECK_FOOTPRINT_H */
