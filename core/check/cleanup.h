/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scope-based cleanup, after the kernel's include/linux/cleanup.h.
 *
 *   DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))
 *   guard(mutex)(&m);                  -- unlocked when the scope ends
 *   scoped_guard(mutex, &m) { ... }    -- unlocked when the block ends
 *   DEFINE_FREE(kfree, void *, free(_T))
 *   struct foo *p __free(kfree) = malloc(...);   return_ptr(p);
 *
 * Early returns then cannot leak a lock or an allocation, which is the point
 * of the reviewer's DmaResvGuard in the series' review.
 */
#ifndef SGT_CLEANUP_H
#define SGT_CLEANUP_H

#include <check/compiler.h>

/* As the kernel's: a guard variable is never read, only destroyed. */
#define __cleanup(func) __attribute__((__unused__, __cleanup__(func)))

#define DEFINE_FREE(_name, _type, _free) \
	static inline void __free_##_name(void *p) { _type _T = *(_type *)p; _free; }
#define __free(_name)	__cleanup(__free_##_name)

/* Take ownership out of a __free() variable so the cleanup does nothing. */
#define no_free_ptr(p)	({ __typeof__(p) __ptr = (p); (p) = NULL; __ptr; })
#define return_ptr(p)	return no_free_ptr(p)

#define DEFINE_CLASS(_name, _type, _exit, _init, _init_args...)			\
	typedef _type class_##_name##_t;					\
	static inline void class_##_name##_destructor(_type *p)			\
	{ _type _T = *p; (void)_T; _exit; }					\
	static inline _type class_##_name##_constructor(_init_args)		\
	{ _type t = _init; return t; }

/* The comma records the caller's site for the constructor (see sgt_guard_site()). */
#define CLASS(_name, var)							\
	class_##_name##_t var __cleanup(class_##_name##_destructor) =		\
		(SGT_SET_GUARD_SITE(), class_##_name##_constructor)

#define DEFINE_GUARD(_name, _type, _lock, _unlock)				\
	DEFINE_CLASS(_name, _type, if (_T) { _unlock; }, ({ _lock; _T; }), _type _T)

#define guard(_name)	CLASS(_name, __UNIQUE_ID(guard))

#define scoped_guard(_name, args...)						\
	for (CLASS(_name, scope)(args), *done = NULL; !done; done = (void *)1)

/* As the kernel's: a class instance named var, live for the next statement. */
#define scoped_class(_name, var, args...)					\
	for (CLASS(_name, var)(args), *__done = NULL; !__done; __done = (void *)1)

#endif /* SGT_CLEANUP_H */
