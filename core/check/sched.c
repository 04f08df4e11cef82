// SPDX-License-Identifier: GPL-2.0
#include <check/sched.h>

_Atomic(sgt_sched_hook_t) sgt_sched_hook;
_Thread_local int sgt_sched_nopreempt;

const char *const sgt_sp_kind_name[SGT_SP_NR] = {
	[SGT_SP_LOCK] = "lock",		[SGT_SP_UNLOCK] = "unlock",
	[SGT_SP_LOAD] = "load",		[SGT_SP_STORE] = "store",
	[SGT_SP_XCHG] = "xchg",		[SGT_SP_RCU_LOCK] = "rcu_read_lock",
	[SGT_SP_RCU_UNLOCK] = "rcu_read_unlock",
	[SGT_SP_GRACE_PERIOD] = "synchronize_rcu",
	[SGT_SP_REF] = "ref",		[SGT_SP_DEVRES] = "devres",
	[SGT_SP_BLOCK] = "block",	[SGT_SP_WINDOW_ENTER] = "window_enter",
	[SGT_SP_WINDOW_EXIT] = "window_exit",	[SGT_SP_FREE] = "free",
};

sgt_sched_hook_t sgt_sched_set_hook(sgt_sched_hook_t hook)
{
	/* seq_cst: installation is rare; make it visible as soon as possible. */
	return atomic_exchange(&sgt_sched_hook, hook);
}
