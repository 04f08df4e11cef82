// SPDX-License-Identifier: GPL-2.0
/* The reported races (reported.h): one entry per upstream report and fix. */
#include <string.h>
#include <strings.h>

#include <sgtable/reported.h>

/*
 * Each shows on v19 (the port whose Devres<SGTableMap> the June 2026 report
 * names), freers putting populated objects while a revoker unbinds: H7's
 * configuration (SGTABLE_H7_CONFIG), jitter included.
 */
const struct sgtable_report sgtable_reports[] = {
	{ .name = "R1", .commit = "f744201c6159", .title = "rust: devres: fix race in Devres::drop()",
	  .reported = "6.16 cycle, backported to 6.15.y",
	  .desc = "Devres::drop() takes the action back and drops the resource with the last "
		  "reference; an unbind that no longer sees the action completes while the "
		  "resource is still being dropped (its DMA mapping still alive)",
	  .before = DEVRES_6_15, .after = DEVRES_6_16, SGTABLE_H7_CONFIG,
	  .oracle = SGT_V_MAPPING_AFTER_UNBIND },
	{ .name = "R2", .commit = "acc516dfa197",
	  .title = "rust: devres: fix race between concurrent revokers",
	  .reported = "dri-devel, 2026-06-12 (Devres<DmaMappedSgt> racing SGTable freeing)",
	  .desc = "the revoker that loses the is_available swap returns at once while the "
		  "winner still runs drop_in_place(): Devres::drop() returns, the object is "
		  "freed, and unbind's release drops an SGTableMap of a freed object (H7)",
	  .before = DEVRES_2026, .after = DEVRES_2026_FIXED, SGTABLE_H7_CONFIG,
	  .oracle = SGT_V_USE_AFTER_FREE },
	{ .name = "R3", .commit = "a10639966fd7",
	  .title = "rust: devres: ensure revocation is complete before device finishes unbinding",
	  .reported = "with R2's fix, applied 2026-07-14",
	  .desc = "the mirror image: Devres::drop() wins revoke_nosync() and is still "
		  "unmapping when unbind's release, having lost, returns: unbind completes "
		  "with the mapping alive",
	  .before = DEVRES_2026, .after = DEVRES_2026_FIXED, SGTABLE_H7_CONFIG,
	  .oracle = SGT_V_MAPPING_AFTER_UNBIND },
	/*
	 * R4 needs no race: an accessor's second sg_table() shows it; two
	 * accessors make the fix's check (v19) cover their racing populate.
	 * On the Devres the code shipped with, so that nothing else fires.
	 */
	{ .name = "R4", .commit = "v16 (2 Jun 2026)",
	  .title = "rust: drm: gem: Introduce shmem::Object::sg_table() (back to SetOnce)",
	  .reported = "review of v15 6/6, 29 May 2026, rated critical",
	  .desc = "LazyInit's initializer Devres::new(dev, SGTableMap::new(self)) is built on "
		  "every call; after the first, init() returns AlreadyInit and the unused map's "
		  "drop frees the shared sgt the cached map still hands out",
	  .before = DEVRES_2026_FIXED, .after = DEVRES_2026_FIXED,
	  .strategy = "v14-lazyinit", .after_strategy = "v19",
	  .threads = SGTABLE_ROLES(0, 2, 0, 0), .objects = 1, .devices = 1,
	  .oracle = SGT_V_USE_AFTER_UNMAP },
	/*
	 * R5: two accessors' first sg_table() on one fresh object, no unbind:
	 * both build and publish a table; one leaks, mapped, with its pages.
	 */
	{ .name = "R5", .commit = "ddddedaa0db9",
	  .title = "drm/shmem-helper: Fix locking for drm_gem_shmem_get_pages_sgt()",
	  .reported = "Asahi Lina, Feb 2023, found auditing locking for the Rust abstractions",
	  .desc = "the helper checked and published shmem->sgt without a lock: two callers each "
		  "build and publish a table (one leaked, still mapped, with a pages reference), "
		  "and a caller races the shrinker's purge",
	  .before = DEVRES_2026_FIXED, .after = DEVRES_2026_FIXED,
	  .strategy = "c-helper-6.1", .after_strategy = "c-helper",
	  .threads = SGTABLE_ROLES(0, 2, 0, 0), .objects = 1, .devices = 1,
	  .jitter = 0.3, .ops = 1, .oracle = SGT_V_PAGE_COUNT },
	/*
	 * R6: the automated review's findings against v15 5/6 and v16 6/6,
	 * still in the code that shipped.  Each is a hazard of the catalogue
	 * (findings), found on merged by `check HN --strategy merged` (H7 only
	 * on the Devres before R2/R3) and clean on fixed.  `repro R6` runs the
	 * one upstream never fixed in any form, H11, on the shipped Devres.
	 */
	{ .name = "R6", .commit = "not fixed upstream (H7: by R2/R3)",
	  .title = "review of v15 5/6 (30 May 2026) and v16 6/6 (3 Jun 2026)",
	  .reported = "automated review, v15 5/6 30 May 2026 and v16 6/6 3 Jun 2026",
	  .desc = "SGTableMap::drop frees an imported object's sgt (H5, critical); it leaks "
		  "pages_use_count (H3, high); SGTableMap::new takes a use count, not a pin, so "
		  "the shrinker purges under a live map (H11, high); free races unbind (H7, "
		  "critical)",
	  .before = DEVRES_2026_FIXED, .after = DEVRES_2026_FIXED,
	  .strategy = "merged", .after_strategy = "fixed",
	  .threads = { [SGTABLE_ACCESSOR] = 1, [SGTABLE_PURGER] = 1 }, .objects = 1, .devices = 1,
	  .oracle = SGT_V_USE_AFTER_UNMAP,
	  .findings = SGTABLE_HAZ(H3) | SGTABLE_HAZ(H5) | SGTABLE_HAZ(H7) | SGTABLE_HAZ(H11) },
};
const int sgtable_nr_reports = sizeof(sgtable_reports) / sizeof(sgtable_reports[0]);

const struct sgtable_report *sgtable_report_find(const char *name)
{
	for (int i = 0; i < sgtable_nr_reports; i++)
		if (!strcasecmp(sgtable_reports[i].name, name))
			return &sgtable_reports[i];
	return NULL;
}
