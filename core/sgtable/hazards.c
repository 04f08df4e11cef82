// SPDX-License-Identifier: GPL-2.0
/* The hazard catalogue (hazards.h): one entry per hazard. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <check/fault.h>
#include <sgtable/hazards.h>

const char *const sgtable_role_name[SGTABLE_NR_ROLES] = {
	"Creators", "Accessors", "Revokers", "Freers", "Purgers",
};
const char *const sgtable_role_option[SGTABLE_NR_ROLES] = {
	"creators", "accessors", "revokers", "freers", "purgers",
};

#define ROLES SGTABLE_ROLES	/* the table is wide enough without the prefix */

#define HAZARD(_id, _desc, _where, _oracle, _race, ...)				\
	{ .id = _id, .name = #_id, .desc = _desc, .where = _where, .oracle = _oracle,	\
	  .race = _race, __VA_ARGS__ }

/*
 * The repro configurations are the fewest roles and devices a hazard needs,
 * so its report carries no other hazard's noise.  A racy hazard's jitter is
 * the probability `hunt` measured fastest (docs/findings.md): without it H7
 * was found by 0 of 10 seeds in 10 s.  Under a controlled schedule, H9's
 * second table is unmapped under a user and H10's payload is dropped under a
 * reader: that is what they are judged by; H8 is only a data race.
 */
const struct sgtable_hazard sgtable_hazards[SGTABLE_NR_HAZARDS] = {
	HAZARD(H1, "free callback releases the shmem object (sgt freed, resv destroyed) "
	       "before sgt_res is dropped; SGTableMap's drop then locks a destroyed resv and "
	       "frees a NULL sgt", "v12, v12-review", "destroyed-lock-used / double-unmap",
	       false,
	       .repro = { .strategy = "v12", .model = DEVRES_2026, .threads = ROLES(1, 1, 0, 0),
			  .objects = 4, .devices = 1, .oracle = SGT_V_LOCK_DESTROYED,
			  .sched_oracle = SGT_V_LOCK_DESTROYED } ),
	HAZARD(H2, "SGTableMap dropped inside get_sg_table while resv is held with a NULL "
	       "ctx (Devres::new failing after the payload exists): self-deadlock",
	       "v12, v12-review + a devm_add_action() failure", "recursive-lock, watchdog", false,
	       .devres_6_16_add_fails = true,
	       .repro = { .strategy = "v12", .model = DEVRES_6_16,
			  .faults = { "devm-add-action=nth:1" }, .threads = ROLES(0, 1, 0, 0),
			  .objects = 1, .devices = 1, .oracle = SGT_V_RECURSIVE_LOCK,
			  .sched_oracle = SGT_V_RECURSIVE_LOCK } ),
	HAZARD(H3, "after a Devres::new failure the sgt is freed but its page reference is "
	       "not put; the retry takes a second pages_use_count; release puts one",
	       "v12, v12-review, v19, setonce-init + fault", "page-count at release", false,
	       .repro = { .strategy = "v19", .model = DEVRES_2026, .faults = { "devres-alloc=0.5" },
			  .threads = ROLES(1, 1, 0, 0), .objects = 4, .devices = 1,
			  .oracle = SGT_V_PAGE_COUNT, .sched_oracle = SGT_V_PAGE_COUNT,
			  .timeline = { "injected error", "put" },
			  .check_ops = 4, .check_seed = 1 } ),
	HAZARD(H4, "no device check before populating: the sgt is bound to the wrong "
	       "device's devres", "v12, v12-review", "foreign-device / mapping-after-unbind",
	       false,
	       .repro = { .strategy = "v12", .model = DEVRES_2026, .threads = ROLES(1, 1, 0, 0),
			  .objects = 4, .devices = 2, .oracle = SGT_V_FOREIGN_DEVICE,
			  .sched_oracle = SGT_V_FOREIGN_DEVICE,
			  .check_ops = 8, .check_seed = 3 } ),
	HAZARD(H5, "imported object: SGTableMap's drop unmaps and frees the exporter's sgt",
	       "v12..v19", "double-unmap (mapping registry)", false, .imported = true,
	       .repro = { .strategy = "v19", .model = DEVRES_2026, .threads = ROLES(1, 1, 0, 0),
			  .objects = 4, .devices = 1, .oracle = SGT_V_DOUBLE_UNMAP,
			  .sched_oracle = SGT_V_DOUBLE_UNMAP } ),
	HAZARD(H6, "populated but revoked: after unbind the resource stays populated; after "
	       "rebind access (same device identity) returns a dangling table",
	       "v12..v19", "use-after-unmap", false,
	       .repro = { .strategy = "v19", .model = DEVRES_6_17, .threads = ROLES(0, 1, 1, 0),
			  .objects = 4, .devices = 1, .oracle = SGT_V_USE_AFTER_UNMAP,
			  .sched_oracle = SGT_V_USE_AFTER_UNMAP,
			  .timeline = { "device_unbind", "device_bind", "sg_table" },
			  .check_ops = 8, .check_seed = 1, .check_preemptions = 3 } ),
	HAZARD(H7, "unbind vs object free: Devres drop does not wait for an in-flight "
	       "release, so SGTableMap's drop can run after the object is freed",
	       "v19, setonce-init",
	       "use-after-free (the quarantine check; ASan never sees the freed object)", true,
	       .needs_drop_not_waiting = true,
	       .repro = { SGTABLE_H7_CONFIG, .model = DEVRES_2026, .oracle = SGT_V_USE_AFTER_FREE,
			  .sched_oracle = SGT_V_USE_AFTER_FREE,
			  .timeline = { "revoke-grace-period", "last put", "object freed" } } ),
	HAZARD(H8, "unlocked read of the plain sgt_res field (v12's owned SGTable deref) "
	       "without acquire/release", "v12 ported literally",
	       "data race in v12_owned_deref (TSan only)", true,
	       .obj_flag = SGTABLE_HAZ(H8),
	       .repro = { .strategy = "v12", .model = DEVRES_6_17, .threads = ROLES(1, 2, 1, 0),
			  .objects = 4, .devices = 1, .jitter = 0.3, .oracle = SGT_ORACLE_TSAN,
			  .tsan_frame = "v12_owned", .sched_oracle = SGT_ORACLE_NONE,
			  .check_ops = 8, .check_seed = 1 } ),
	HAZARD(H9, "SetOnce used without a serialising lock: a loser sees empty while the "
	       "winner is in state 1 and creates a second sgt",
	       "SetOnce misuse (v19 without sgt_lock)",
	       "data race in set_once_populate (TSan); use-after-unmap under controlled schedules",
	       true,
	       .obj_flag = SGTABLE_HAZ(H9),
	       .repro = { .strategy = "v19", .model = DEVRES_6_17, .threads = ROLES(1, 2, 0, 0),
			  .objects = 4, .devices = 1, .jitter = 0.1, .oracle = SGT_ORACLE_TSAN,
			  .tsan_frame = "set_once_populate", .sched_oracle = SGT_V_USE_AFTER_UNMAP } ),
	HAZARD(H10, "revoke without a grace period: a reader inside try_access uses the "
	       "payload while it is destroyed", "Revocable misuse (devres release)",
	       "data race in access_owned (TSan); use-after-unmap of a freed table under "
	       "controlled schedules", true, .release_nosync = true,
	       .repro = { .strategy = "v12", .model = DEVRES_6_17, .threads = ROLES(1, 2, 1, 0),
			  .objects = 4, .devices = 1, .jitter = 0.1, .oracle = SGT_ORACLE_TSAN,
			  .tsan_frame = "access_owned", .sched_oracle = SGT_V_USE_AFTER_UNMAP,
			  /* H10's use after unmap is of a freed table; v12's H6 gives a NULL one. */
			  .sched_match = "unmapped sg_table",
			  .check_ops = 8, .check_seed = 1 } ),
	HAZARD(H11, "the shrinker purges a populated object: SGTableMap::new takes a pages use "
	       "count, not a pin, so after madvise(DONTNEED) drm_gem_shmem_purge_locked() "
	       "unmaps and frees the sgt under a live map; access then returns a NULL table "
	       "and the map's drop unmaps again",
	       "v12..v19, merged (review of v16, 3 Jun 2026)",
	       "use-after-unmap (a NULL table), double-unmap at the map's drop", false,
	       .repro = { .strategy = "merged", .model = DEVRES_2026_FIXED,
			  .threads = { [SGTABLE_ACCESSOR] = 1, [SGTABLE_PURGER] = 1 },
			  .objects = 1, .devices = 1, .oracle = SGT_V_USE_AFTER_UNMAP,
			  .sched_oracle = SGT_V_USE_AFTER_UNMAP,
			  .timeline = { "madvise(DONTNEED)", "purge", "sg_table" },
			  .check_ops = 2, .check_seed = 1 } ),
};

const struct sgtable_hazard *sgtable_hazard_find(const char *name)
{
	for (int i = 0; i < SGTABLE_NR_HAZARDS; i++)
		if (!strcasecmp(sgtable_hazards[i].name, name))
			return &sgtable_hazards[i];
	return NULL;
}

int sgtable_hazard_parse(const char *name, const struct sgtable_hazard **h, char *err,
			 size_t len)
{
	*h = sgtable_hazard_find(name);
	if (*h)
		return 0;
	snprintf(err, len, "unknown hazard '%s': accepted are %s..%s", name,
		 sgtable_hazards[0].name, sgtable_hazards[SGTABLE_NR_HAZARDS - 1].name);
	return -EINVAL;
}

unsigned int sgtable_hazard_apply(const struct sgtable_hazard *h, bool *imported)
{
	*imported = h->imported;
	if (h->devres_6_16_add_fails) {
		struct sgt_fault_attr first = { .nth = 1, .times = -1 };

		devres_set_model(DEVRES_6_16);
		sgt_fault_set(SGT_FAULT_DEVM_ADD_ACTION, &first);
	}
	devres_set_release_nosync(h->release_nosync);
	return h->obj_flag;
}
