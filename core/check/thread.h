/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread state of the core, the userspace stand-in for task_struct:
 * a name, the held-lock stack lockdep keeps, the RCU read-side nesting, and
 * what the thread is doing (for the watchdog's dump).
 */
#ifndef SGT_THREAD_H
#define SGT_THREAD_H

#include <stdatomic.h>
#include <stdio.h>
#include <check/compiler.h>

#define MAX_LOCK_DEPTH	48	/* as the kernel's lockdep */

struct held_lock {
	/* Written by the owner before it publishes lockdep_depth (release). */
	const void *instance;
	const char *name;
	struct sgt_site site;
};

struct sgt_thread {
	char name[32];
	int id;
	/*
	 * Only the owner writes; the watchdog reads another thread's stack
	 * when the run is stuck, hence an atomic depth published with release.
	 */
	atomic_int lockdep_depth;
	struct held_lock held_locks[MAX_LOCK_DEPTH];
	int rcu_read_nesting;		/* owner only */
	_Atomic(const char *) op;	/* current operation, for dumps */
	/* What it sleeps on now (a lock's name, a condition), for dumps; NULL when running. */
	_Atomic(const char *) waiting_for;
	_Atomic(const void *) waiting_addr;
	struct sgt_thread *next;	/* registry of started threads */
};

/* The calling thread's state; valid for the thread's lifetime. */
struct sgt_thread *sgt_current(void);

/*
 * Name the calling thread and list it in the registry the watchdog walks.
 * Call sgt_thread_stop() before the thread exits.
 */
void sgt_thread_start(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sgt_thread_stop(void);

/* Record what the thread does now (a string literal); shown by dumps. */
static inline void sgt_thread_set_op(const char *op)
{
	/* Relaxed: read only for diagnostics; no data is published with it. */
	atomic_store_explicit(&sgt_current()->op, op, memory_order_relaxed);
}

/*
 * The calling thread sleeps on what (at addr) until sgt_thread_wait_end():
 * the watchdog's dump says so, as the kernel's hung-task report does.
 */
static inline void sgt_thread_wait_begin(const char *what, const void *addr)
{
	/* Relaxed: read only for diagnostics; no data is published with it. */
	atomic_store_explicit(&sgt_current()->waiting_addr, addr, memory_order_relaxed);
	atomic_store_explicit(&sgt_current()->waiting_for, what, memory_order_relaxed);
}

static inline void sgt_thread_wait_end(void)
{
	/* Relaxed: as above. */
	atomic_store_explicit(&sgt_current()->waiting_for, NULL, memory_order_relaxed);
}

/* Print every started thread: name, operation, what it waits for, held locks. */
void sgt_thread_dump_all(FILE *out);
void sgt_thread_dump(const struct sgt_thread *t, FILE *out);

#endif /* SGT_THREAD_H */
