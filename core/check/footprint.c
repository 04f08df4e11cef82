// SPDX-License-Identifier: GPL-2.0
/* Steps' footprints and their dependence (footprint.h). */
#include <check/footprint.h>

#ifdef SGT_FOOTPRINT
/*
 * Plain, not atomic: set before the controlled threads are created and
 * cleared after they are joined (pthread_create and join order it).
 */
bool sgt_fp_on;
_Thread_local struct sgt_footprint sgt_fp_current;
#endif

static enum sgt_fp_kind kind_of(const struct sgt_footprint *fp, int i)
{
	if (fp->acquires >> i & 1)
		return SGT_FP_ACQUIRE;
	if (fp->releases >> i & 1)
		return SGT_FP_RELEASE;
	if (fp->writes >> i & 1)
		return SGT_FP_WRITE;
	return fp->adds >> i & 1 ? SGT_FP_ADD : SGT_FP_READ;
}

static void set_kind(struct sgt_footprint *fp, int i, enum sgt_fp_kind kind)
{
	uint32_t bit = 1u << i;

	fp->writes = (fp->writes & ~bit) | (kind == SGT_FP_WRITE ? bit : 0);
	fp->adds = (fp->adds & ~bit) | (kind == SGT_FP_ADD ? bit : 0);
	fp->acquires = (fp->acquires & ~bit) | (kind == SGT_FP_ACQUIRE ? bit : 0);
	fp->releases = (fp->releases & ~bit) | (kind == SGT_FP_RELEASE ? bit : 0);
}

/* Two ways of touching one location in a step: a lock's kind stays, else written. */
static enum sgt_fp_kind merge(enum sgt_fp_kind old, enum sgt_fp_kind new)
{
	if (old == new)
		return old;
	if (old == SGT_FP_ACQUIRE || old == SGT_FP_RELEASE)
		return old;
	if (new == SGT_FP_ACQUIRE || new == SGT_FP_RELEASE)
		return new;
	return SGT_FP_WRITE;
}

void sgt_fp_add(struct sgt_footprint *fp, const void *addr, enum sgt_fp_kind kind)
{
	sgt_fp_add_range(fp, addr, 1, kind);
}

void sgt_fp_add_range(struct sgt_footprint *fp, const void *addr, size_t len,
		      enum sgt_fp_kind kind)
{
	uintptr_t a = (uintptr_t)addr;

	if (fp->global)
		return;
	if (len > UINT32_MAX || !len)
		len = UINT32_MAX;
	for (int i = 0; i < fp->n; i++)
		if (fp->a[i] == a && fp->len[i] == len) {
			set_kind(fp, i, merge(kind_of(fp, i), kind));
			return;
		}
	if (fp->n == SGT_FP_MAX) {
		fp->global = true;	/* too much to keep: dependent with everything */
		return;
	}
	set_kind(fp, fp->n, kind);
	fp->len[fp->n] = (uint32_t)len;
	fp->a[fp->n++] = a;
}

/* Two accesses to one location commute when both read or both only add. */
static bool conflict(enum sgt_fp_kind x, enum sgt_fp_kind y)
{
	return x != y || (x != SGT_FP_READ && x != SGT_FP_ADD);
}

bool sgt_fp_dependent(const struct sgt_footprint *x, const struct sgt_footprint *y)
{
	if (x->global || y->global)
		return true;
	for (int i = 0; i < x->n; i++)
		for (int j = 0; j < y->n; j++)
			if (x->a[i] < y->a[j] + y->len[j] && y->a[j] < x->a[i] + x->len[i] &&
			    conflict(kind_of(x, i), kind_of(y, j)))
				return true;
	return false;
}

bool sgt_fp_release_acquire(const struct sgt_footprint *x, const struct sgt_footprint *y)
{
	for (int i = 0; i < x->n; i++)
		for (int j = 0; j < y->n; j++)
			if (x->a[i] == y->a[j] && kind_of(x, i) == SGT_FP_RELEASE &&
			    kind_of(y, j) == SGT_FP_ACQUIRE)
				return true;
	return false;
}
