/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Waits with a watchdog.
 *
 * Nothing in the core sleeps except through sgt_cond_wait(): it waits in
 * short slices, calls the schedule hook before each, and when one wait has
 * lasted longer than the watchdog timeout it reports SGT_V_HANG with the
 * thread's held locks and calls the hang handler.  The default handler dumps
 * every thread and exits with status 3, so no test and no torture run hangs.
 */
#ifndef SGT_WAIT_H
#define SGT_WAIT_H

#include <pthread.h>
#include <stdint.h>
#include <check/compiler.h>
#include <check/sched.h>

struct sgt_wait {
	uint64_t start_ns;
	bool fired;
};

typedef void (*sgt_hang_handler_t)(const char *what, const void *addr);

/* Watchdog timeout in ms; default 60000, or SGT_WATCHDOG_MS from the environment. */
void sgt_watchdog_set_timeout_ms(unsigned int ms);
unsigned int sgt_watchdog_timeout_ms(void);
/* NULL restores the default (dump all threads, exit with status 3). */
sgt_hang_handler_t sgt_set_hang_handler(sgt_hang_handler_t h);

/*
 * End the process now with status, from a thread that may be stuck inside a
 * lock (TSan would otherwise fail the exit: "finished with ignores enabled").
 */
__attribute__((noreturn)) void sgt_exit_now(int status);

uint64_t sgt_now_ns(void);

static inline void sgt_wait_init(struct sgt_wait *w)
{
	w->start_ns = sgt_now_ns();
	w->fired = false;
}

/*
 * One slice of a wait on cond, with m held (as pthread_cond_wait).  The
 * caller loops until its condition holds.  what names the wait in reports.
 */
void sgt_cond_wait(pthread_cond_t *cond, pthread_mutex_t *m, struct sgt_wait *w,
		   const char *what, const void *addr);

/* Initialise a condition variable on CLOCK_MONOTONIC, as sgt_cond_wait needs. */
void sgt_cond_init(pthread_cond_t *cond);

#endif /* SGT_WAIT_H */

/*
 * wait_var_event()/wake_up_var(), as the kernel's: sleep until condition
 * holds, keyed by the address of the variable it reads.  The waker changes
 * the variable first (atomically) and then calls wake_up_var(var).
 */
void __var_waitqueue(const void *var, pthread_mutex_t **m, pthread_cond_t **c);
void wake_up_var(const void *var);

#define wait_var_event(var, condition) do {					\
	pthread_mutex_t *__m;							\
	pthread_cond_t *__c;							\
	struct sgt_wait __w;							\
	if (condition)								\
		break;								\
	__var_waitqueue((var), &__m, &__c);					\
	sgt_wait_init(&__w);							\
	sgt_raw_lock(__m);							\
	while (!(condition))							\
		sgt_cond_wait(__c, __m, &__w, #condition, (var));		\
	sgt_raw_unlock(__m);							\
} while (0)
