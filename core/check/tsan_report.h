/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ThreadSanitizer's reports, counted by the program itself through TSan's
 * __tsan_on_report hook, by type ("data-race", "lock-order-inversion",
 * "heap-use-after-free", "mutex-double-lock", ...).  In a build without TSan
 * every count is 0 and sgt_tsan_enabled() is false.
 */
#ifndef SGT_TSAN_REPORT_H
#define SGT_TSAN_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#define SGT_TSAN_FRAMES 8

/* One report, deduplicated by its type and the top frames of its first two stacks. */
struct sgt_tsan_unique {
	const char *type;
	unsigned long count;
	void *pcs[2][SGT_TSAN_FRAMES];	/* NULL-terminated when shorter */
	uint64_t first_ns;		/* sgt_now_ns() of its first occurrence */
};

bool sgt_tsan_enabled(void);
/*
 * TSan's own text of every report goes to PREFIX.PID instead of stderr
 * (__sanitizer_set_report_path); the counts and stacks here are unchanged.
 * No-op without TSan.
 */
void sgt_tsan_set_log(const char *prefix);
unsigned long sgt_tsan_report_count(void);
/* Reports whose TSan type is exactly type. */
unsigned long sgt_tsan_report_count_of(const char *type);
/* Copy up to max unique reports into out; returns how many there are (at most 32 kept). */
int sgt_tsan_unique_reports(struct sgt_tsan_unique *out, int max);

/*
 * Called for every report, inside TSan's report (its locks held, this
 * thread's accesses ignored): record and return; take no lock, allocate
 * nothing.
 */
void sgt_tsan_set_report_handler(void (*fn)(const char *type, bool is_new));

#endif /* SGT_TSAN_REPORT_H */
