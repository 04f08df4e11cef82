/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ThreadSanitizer annotations, compiled out when TSan is not on.
 *
 * The core's locks are built from atomics, futexes and condition variables,
 * none of which TSan reads as a mutex by itself.  The __tsan_mutex_*
 * interface tells it "this is a lock", so it checks the lock discipline
 * (double lock, unlock of an unlocked lock, destroying a held lock,
 * lock-order inversion) and ignores the lock's own internals.
 */
#ifndef SGT_TSAN_H
#define SGT_TSAN_H

#if defined(SGT_TSAN) || defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#define SGT_TSAN_ON 1
#define sgt_tsan_mutex_create(a, f)		__tsan_mutex_create((a), (f))
#define sgt_tsan_mutex_destroy(a, f)		__tsan_mutex_destroy((a), (f))
#define sgt_tsan_mutex_pre_lock(a, f)		__tsan_mutex_pre_lock((a), (f))
#define sgt_tsan_mutex_post_lock(a, f, r)	__tsan_mutex_post_lock((a), (f), (r))
#define sgt_tsan_mutex_pre_unlock(a, f)		((void)__tsan_mutex_pre_unlock((a), (f)))
#define sgt_tsan_mutex_post_unlock(a, f)	__tsan_mutex_post_unlock((a), (f))
#define sgt_tsan_acquire(a)			__tsan_acquire(a)
#define sgt_tsan_release(a)			__tsan_release(a)
void __tsan_ignore_thread_begin(void);
void __tsan_ignore_thread_end(void);
void AnnotateIgnoreSyncBegin(const char *file, int line);
void AnnotateIgnoreSyncEnd(const char *file, int line);
/*
 * An oracle's own bookkeeping (the DMA registry): TSan neither checks its
 * accesses nor learns happens-before from its locks, so watching the
 * program does not order it.
 */
#define sgt_tsan_oracle_begin()						\
	do {								\
		__tsan_ignore_thread_begin();				\
		AnnotateIgnoreSyncBegin(__FILE__, __LINE__);		\
	} while (0)
#define sgt_tsan_oracle_end()						\
	do {								\
		AnnotateIgnoreSyncEnd(__FILE__, __LINE__);		\
		__tsan_ignore_thread_end();				\
	} while (0)
#else
#define SGT_TSAN_ON 0
#define __tsan_mutex_try_lock		0
#define __tsan_mutex_try_lock_failed	0
#define __tsan_mutex_not_static		0
#define sgt_tsan_mutex_create(a, f)		((void)(a))
#define sgt_tsan_mutex_destroy(a, f)		((void)(a))
#define sgt_tsan_mutex_pre_lock(a, f)		((void)(a))
#define sgt_tsan_mutex_post_lock(a, f, r)	((void)(a))
#define sgt_tsan_mutex_pre_unlock(a, f)		((void)(a))
#define sgt_tsan_mutex_post_unlock(a, f)	((void)(a))
#define sgt_tsan_acquire(a)			((void)(a))
#define sgt_tsan_release(a)			((void)(a))
#define sgt_tsan_oracle_begin()			do { } while (0)
#define sgt_tsan_oracle_end()			do { } while (0)
#endif

#endif /* SGT_TSAN_H */
