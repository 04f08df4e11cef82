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

void sgt_fp_add(struct sgt_footprint *fp, const void *addr, bool write)
{
	uintptr_t a = (uintptr_t)addr;

	if (fp->global)
		return;
	for (int i = 0; i < fp->n; i++)
		if (fp->a[i] == a) {
			fp->writes |= (uint16_t)(write << i);
			return;
		}
	if (fp->n == SGT_FP_MAX) {
		fp->global = true;	/* too much to keep: dependent with everything */
		return;
	}
	fp->writes |= (uint16_t)(write << fp->n);
	fp->a[fp->n++] = a;
}

bool sgt_fp_dependent(const struct sgt_footprint *x, const struct sgt_footprint *y)
{
	if (x->global || y->global)
		return true;
	for (int i = 0; i < x->n; i++)
		for (int j = 0; j < y->n; j++) {
			bool xw = x->writes >> i & 1, yw = y->writes >> j & 1;

			if (x->a[i] == y->a[j] && (xw || yw))
				return true;
		}
	return false;
}
