/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A freed-memory quarantine, as KASAN's: memory a racing reader may still
 * touch (a DMA table and its pages, freed by a purge or an unmap while an
 * accessor walks them) is kept allocated for a while instead of going back
 * to malloc, so the harness itself never reads freed memory and the
 * oracles (the mapping registry) report the late use in every build.  The
 * oldest entry is freed when the ring is full; sgt_quarantine_flush()
 * frees everything, once no thread can hold such a pointer (a run's end).
 */
#ifndef SGT_CHECK_QUARANTINE_H
#define SGT_CHECK_QUARANTINE_H

/* free(p), later; NULL is ignored. */
void sgt_quarantine_free(void *p);
void sgt_quarantine_flush(void);

#endif /* SGT_CHECK_QUARANTINE_H */
