/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generic torture helpers, kept apart from the test as kernel/torture.c is
 * from locktorture.c: random numbers, stutter, and the schedule hook that
 * adds jitter and counts race-window coverage.  Nothing here names a strategy.
 */
#ifndef SGT_TORTURE_HELPERS_H
#define SGT_TORTURE_HELPERS_H

#include <stdatomic.h>
#include <stdint.h>

#include <stdbool.h>

#include <check/sched.h>

/* xorshift64*: per thread, seeded from the run's seed and the thread's index. */
struct torture_random_state {
	uint64_t s;
};

void torture_random_init(struct torture_random_state *trs, uint64_t seed, uint64_t stream);
static inline uint64_t torture_random(struct torture_random_state *trs)
{
	trs->s ^= trs->s >> 12;
	trs->s ^= trs->s << 25;
	trs->s ^= trs->s >> 27;
	return trs->s * 0x2545f4914f6cdd1dull;
}
/* Uniform in [0, n). */
static inline uint32_t torture_random_below(struct torture_random_state *trs, uint32_t n)
{
	return (uint32_t)((torture_random(trs) >> 32) * n >> 32);
}

/*
 * Stutter, as locktorture's: run for the period, pause every thread for the
 * period, again.  torture_stutter_tick() is the controller's; threads call
 * torture_stutter_wait() at the top of their loop.
 */
void torture_stutter_init(double period_s, uint64_t now_ns);
void torture_stutter_tick(uint64_t now_ns);
bool torture_stutter_paused(void);
void torture_stutter_wait(const atomic_bool *stop);

/*
 * The schedule hook: counts, for each named race window, how often it was
 * entered and how often while another thread was inside a conflicting window
 * (into res); and with jitter > 0 delays or yields at schedule points with
 * that probability, the delays inside race windows, to widen them.  The
 * window pairs that conflict come from the subject; none is named here.
 */
struct torture_result;
void torture_hook_install(struct torture_result *res, double jitter, uint64_t seed,
			  const struct sgt_window_conflict *common,
			  const struct sgt_window_conflict *own);
void torture_hook_remove(void);

#endif /* SGT_TORTURE_HELPERS_H */
