// SPDX-License-Identifier: GPL-2.0
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <check/sched.h>
#include <check/thread.h>
#include <check/violation.h>
#include <check/sched_ctl.h>
#include <check/wait.h>

#define SLICE_NS	(20 * 1000 * 1000ull)	/* re-check and re-arm every 20 ms */

static atomic_uint timeout_ms;	/* 0: not read from the environment yet */
static _Atomic(sgt_hang_handler_t) hang_handler;

uint64_t sgt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

unsigned int sgt_watchdog_timeout_ms(void)
{
	unsigned int ms = atomic_load(&timeout_ms);

	if (!ms) {
		const char *env = getenv("SGT_WATCHDOG_MS");

		ms = env && atoi(env) > 0 ? (unsigned int)atoi(env) : 60000;
		atomic_store(&timeout_ms, ms);
	}
	return ms;
}

void sgt_watchdog_set_timeout_ms(unsigned int ms)
{
	atomic_store(&timeout_ms, ms ? ms : 1);
}

static void default_hang(const char *what, const void *addr)
{
	fprintf(stderr, "sgt: watchdog: no progress waiting for %s (%p) for %u ms; threads:\n",
		what, addr, sgt_watchdog_timeout_ms());
	sgt_thread_dump(sgt_current(), stderr);
	sgt_thread_dump_all(stderr);
	sgt_exit_now(3);
}

void sgt_exit_now(int status)
{
	fflush(NULL);
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

sgt_hang_handler_t sgt_set_hang_handler(sgt_hang_handler_t h)
{
	return atomic_exchange(&hang_handler, h);
}

void sgt_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
}

void sgt_cond_wait(pthread_cond_t *cond, pthread_mutex_t *m, struct sgt_wait *w,
		   const char *what, const void *addr)
{
	uint64_t now = sgt_now_ns(), deadline = now + SLICE_NS;
	struct timespec ts = { .tv_sec = deadline / 1000000000ull,
			       .tv_nsec = deadline % 1000000000ull };

	if (sched_ctl_active()) {
		/*
		 * One thread runs at a time: yield instead of sleeping and
		 * re-check after; the scheduler, not the clock, finds a thread
		 * that never gets what it waits for.
		 */
		sgt_raw_unlock(m);
		sched_ctl_block(what, addr);
		sgt_raw_lock(m);
		return;
	}
	if (!w->fired && now - w->start_ns > sgt_watchdog_timeout_ms() * 1000000ull) {
		sgt_hang_handler_t h = atomic_load(&hang_handler);

		w->fired = true;
		sgt_violation(SGT_V_HANG, "waiting for %s (%p) for over %u ms",
			      what, addr, sgt_watchdog_timeout_ms());
		pthread_mutex_unlock(m);
		(h ? h : default_hang)(what, addr);
		pthread_mutex_lock(m);
	}
	sgt_sched_point(SGT_SP_BLOCK, addr);
	sgt_thread_wait_begin(what, addr);
	pthread_cond_timedwait(cond, m, &ts);
	sgt_thread_wait_end();
}

#define VAR_WAIT_BUCKETS 64

static struct var_wait_bucket {
	pthread_mutex_t lock;
	pthread_cond_t cond;
} var_buckets[VAR_WAIT_BUCKETS];
static pthread_once_t var_buckets_once = PTHREAD_ONCE_INIT;

static void var_buckets_init(void)
{
	for (int i = 0; i < VAR_WAIT_BUCKETS; i++) {
		pthread_mutex_init(&var_buckets[i].lock, NULL);
		sgt_cond_init(&var_buckets[i].cond);
	}
}

static struct var_wait_bucket *var_bucket(const void *var)
{
	uintptr_t h = (uintptr_t)var;

	pthread_once(&var_buckets_once, var_buckets_init);
	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ull;
	return &var_buckets[(h >> 32) % VAR_WAIT_BUCKETS];
}

void __var_waitqueue(const void *var, pthread_mutex_t **m, pthread_cond_t **c)
{
	struct var_wait_bucket *b = var_bucket(var);

	*m = &b->lock;
	*c = &b->cond;
}

void wake_up_var(const void *var)
{
	struct var_wait_bucket *b = var_bucket(var);

	/* Taking the bucket lock orders us after a waiter's check of its condition. */
	pthread_mutex_lock(&b->lock);
	pthread_cond_broadcast(&b->cond);
	pthread_mutex_unlock(&b->lock);
}
