// SPDX-License-Identifier: GPL-2.0
/*
 * Detector: a NULL-ctx relock (H2's shape: a dma_resv taken twice by one
 * thread), or a plain mutex relock.  Lockdep must report it with both
 * acquisition sites before the thread blocks; the thread then deadlocks, as
 * in the kernel, and the watchdog must fire.  The hang handler checks both
 * and ends the program: 0 if everything was reported as it should be.
 *
 *   detect_relock dma_resv|mutex
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kernel/dma_resv.h>
#include <check/thread.h>
#include <check/violation.h>
#include <check/wait.h>

static int first_line;

static void on_hang(const char *what, const void *addr)
{
	char msg[256], line[32];
	bool ok;

	snprintf(line, sizeof(line), ":%d ", first_line);
	ok = sgt_violation_count(SGT_V_RECURSIVE_LOCK) == 1 &&
	     sgt_violation_count(SGT_V_HANG) == 1 &&
	     sgt_violation_first(SGT_V_RECURSIVE_LOCK, msg, sizeof(msg)) &&
	     strstr(msg, "already held since") && strstr(msg, line);
	printf("recursive-lock reports: %lu, hang reports: %lu, first: %s\n",
	       (unsigned long)sgt_violation_count(SGT_V_RECURSIVE_LOCK),
	       (unsigned long)sgt_violation_count(SGT_V_HANG),
	       sgt_violation_first(SGT_V_RECURSIVE_LOCK, msg, sizeof(msg)) ? msg : "-");
	sgt_thread_dump(sgt_current(), stdout);
	fflush(stdout);
	/* The thread is stuck in the lock by design: leave without unwinding it. */
	sgt_exit_now(ok ? 0 : 1);
}

int main(int argc, char **argv)
{
	struct dma_resv resv;
	struct mutex m;

	sgt_thread_start("relocker");
	sgt_watchdog_set_timeout_ms(300);
	sgt_set_hang_handler(on_hang);
	if (argc == 2 && !strcmp(argv[1], "dma_resv")) {
		dma_resv_init(&resv);
		first_line = __LINE__ + 1;
		dma_resv_lock(&resv, NULL);
		dma_resv_lock(&resv, NULL);	/* deadlocks: reported, then the watchdog */
	} else if (argc == 2 && !strcmp(argv[1], "mutex")) {
		mutex_init(&m);
		first_line = __LINE__ + 1;
		mutex_lock(&m);
		mutex_lock(&m);
	} else {
		fprintf(stderr, "usage: detect_relock dma_resv|mutex\n");
		return 2;
	}
	return 1;	/* not reached unless the relock did not block */
}
