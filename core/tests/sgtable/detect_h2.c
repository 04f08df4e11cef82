// SPDX-License-Identifier: GPL-2.0
/*
 * H2: on devres-6.16, devm_add_action fails after the SGTableMap exists, so
 * Devres::new drops it -- and its Drop takes the resv that v12's
 * get_sg_table() holds with a NULL context: "we must be very careful to never
 * drop it in get_sg_table".  Lockdep must report the recursion with both
 * sites, then the watchdog must end the deadlock.  Strategies that hold no
 * resv across Devres::new (v19, fixed) must instead return -ENOMEM and then
 * succeed, with no report.
 *
 *   detect_h2 STRATEGY      exit 0 when the outcome is the expected one
 *   detect_h2               every registered strategy, each in a child
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check/fault.h>
#include <sgtable/strategy.h>
#include <check/thread.h>
#include <check/violation.h>
#include <check/wait.h>

static void on_hang(const char *what, const void *addr)
{
	char msg[256];
	bool ok = sgt_violation_count(SGT_V_RECURSIVE_LOCK) == 1 &&
		  sgt_violation_first(SGT_V_RECURSIVE_LOCK, msg, sizeof(msg)) &&
		  strstr(msg, "reservation_ww_class_mutex") && strstr(msg, "already held since");

	printf("H2 caught: recursive-lock %s, then the watchdog on %s\n",
	       ok ? msg : "MISSING", what);
	sgt_thread_dump(sgt_current(), stdout);
	fflush(stdout);
	sgt_exit_now(ok ? 0 : 1);	/* the thread is deadlocked by design */
}

static int run_one(const struct sgtable_strategy_ops *ops)
{
	static struct device gpu0;
	static struct drm_device ddev = { .dev = &gpu0 };
	struct sgtable_object *obj;
	struct sg_table *first, *second;
	char err[160];

	sgt_thread_start("h2");
	sgt_watchdog_set_timeout_ms(300);
	sgt_set_hang_handler(on_hang);
	sgt_violation_set_quiet(true);
	device_init(&gpu0, "gpu0");
	device_bind(&gpu0);
	devres_set_model(DEVRES_6_16);
	sgt_fault_parse("devm-add-action=nth:1", err, sizeof(err));
	obj = sgtable_object_create(ops, &ddev, PAGE_SIZE, NULL, 0);

	scoped_guard(device_bound, &gpu0) {
		first = ops->sg_table(obj, &scope);	/* v12: deadlocks here */
		second = ops->sg_table(obj, &scope);
	}
	printf("%s: first %ld, then %s; %lu violations\n", ops->name,
	       IS_ERR(first) ? PTR_ERR(first) : 0L, IS_ERR(second) ? "error" : "a table",
	       (unsigned long)sgt_violation_total());
	if (ops->variants & SGTABLE_HAZ(H2))
		return 1;	/* should have deadlocked */
	device_unbind(&gpu0);
	struct page **pages = obj->shmem.pages;
	sgtable_object_put(obj);
	if (sgt_violation_count(SGT_V_PAGE_COUNT)) {
		/* H3 (v19, setonce-init): the failed attempt's pages leak; give them back. */
		for (int i = 0; i < 1; i++) {
			free(pages[i]->vaddr);
			free(pages[i]);
		}
		free(pages);
	}
	/* H2 is about the deadlock: no recursion, no hang, and the retry works. */
	return PTR_ERR(first) == -ENOMEM && !IS_ERR(second) &&
	       !sgt_violation_count(SGT_V_RECURSIVE_LOCK) && !sgt_violation_count(SGT_V_HANG) ? 0 : 1;
}

/* Every registered strategy in a child of its own: a port deadlocks by design. */
static int run_all(void)
{
	int failed = 0;

	for (int i = 0; sgtable_strategies[i]; i++) {
		int status;
		pid_t pid;

		fflush(NULL);
		pid = fork();
		if (pid == 0)
			_exit(run_one(sgtable_strategies[i]));
		waitpid(pid, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			printf("FAIL %s: H2 %s\n", sgtable_strategies[i]->name,
			       sgtable_strategies[i]->variants & SGTABLE_HAZ(H2) ?
			       "not caught" : "reported where there is none");
			failed++;
		}
	}
	printf("detect_h2: %d of %d strategies as expected\n", sgtable_nr_strategies - failed,
	       sgtable_nr_strategies);
	return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	const struct sgtable_strategy_ops *ops;
	char err[160];

	if (argc == 1)
		return run_all();
	if (argc != 2 || sgtable_strategy_parse(argv[1], &ops, err, sizeof(err))) {
		fprintf(stderr, "detect_h2: %s\n", argc == 2 ? err : "usage: detect_h2 [STRATEGY]");
		return 2;
	}
	return run_one(ops);
}
