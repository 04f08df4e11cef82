/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel idioms every port needs: likely(), container_of(), ERR_PTR(),
 * READ_ONCE-style relaxed atomics, and a call-site record for diagnostics.
 */
#ifndef SGT_COMPILER_H
#define SGT_COMPILER_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
/*
 * A slow path kept out of its fast path's function, as the kernel's __cold:
 * inlined, its register saves and stack frame would be paid on every fast
 * call (measured: a lock-free port's fast call took 75 instructions with its
 * populate inlined).
 */
#define __cold		__attribute__((cold, noinline))

#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define __PASTE_(a, b)	a##b
#define __PASTE(a, b)	__PASTE_(a, b)
#define __UNIQUE_ID(prefix) __PASTE(__PASTE(__UNIQUE_ID_, prefix), __COUNTER__)

#define MAX_ERRNO	4095
static inline void *ERR_PTR(long error) { return (void *)error; }
static inline long PTR_ERR(const void *ptr) { return (long)ptr; }
static inline bool IS_ERR(const void *ptr)
{
	return unlikely((uintptr_t)ptr >= (uintptr_t)-MAX_ERRNO);
}

/* Where a lock was taken or a violation was seen: printed in reports. */
struct sgt_site {
	const char *file;
	int line;
	const char *func;
};
#define SGT_SITE_HERE ((struct sgt_site){ __FILE__, __LINE__, __func__ })

/*
 * The site of the guard() being constructed, so a lock taken by a guard is
 * reported at the guard's line, not inside the header (lockdep's _RET_IP_).
 */
extern _Thread_local struct sgt_site sgt_guard_site_tls;
#define SGT_SET_GUARD_SITE()	(sgt_guard_site_tls = SGT_SITE_HERE)
static inline struct sgt_site sgt_guard_site(void)
{
	return sgt_guard_site_tls;
}

#endif /* SGT_COMPILER_H */
