// SPDX-License-Identifier: GPL-2.0
#include <check/lockdep.h>
#include <check/violation.h>

static struct held_lock *find_held(struct sgt_thread *t, const void *lock)
{
	/* Relaxed: the owner reads its own stack. */
	int depth = atomic_load_explicit(&t->lockdep_depth, memory_order_relaxed);

	for (int i = depth - 1; i >= 0; i--)
		if (t->held_locks[i].instance == lock)
			return &t->held_locks[i];
	return NULL;
}

bool lockdep_check_recursion(const void *lock, const char *name, struct sgt_site site)
{
	struct held_lock *h = find_held(sgt_current(), lock);

	if (likely(!h))
		return false;
	__sgt_violation(SGT_V_RECURSIVE_LOCK, site, NULL,
			"possible recursive locking: %s (%p) at %s:%d %s(), already held since %s:%d %s()",
			name, lock, site.file, site.line, site.func,
			h->site.file, h->site.line, h->site.func);
	return true;
}

void lockdep_acquire(const void *lock, const char *name, struct sgt_site site)
{
	struct sgt_thread *t = sgt_current();
	int depth = atomic_load_explicit(&t->lockdep_depth, memory_order_relaxed);

	if (depth >= MAX_LOCK_DEPTH) {
		__sgt_violation(SGT_V_BAD_UNLOCK, site, NULL, "lock depth over %d taking %s",
				MAX_LOCK_DEPTH, name);
		return;
	}
	t->held_locks[depth] = (struct held_lock){ lock, name, site };
	/* Release: a dumping watchdog sees the entry before the depth. */
	atomic_store_explicit(&t->lockdep_depth, depth + 1, memory_order_release);
}

bool lockdep_release(const void *lock, const char *name, struct sgt_site site)
{
	struct sgt_thread *t = sgt_current();
	struct held_lock *h = find_held(t, lock);
	int depth = atomic_load_explicit(&t->lockdep_depth, memory_order_relaxed);

	if (!h) {
		__sgt_violation(SGT_V_BAD_UNLOCK, site, NULL,
				"releasing %s (%p) at %s:%d, which this thread does not hold",
				name, lock, site.file, site.line);
		return false;
	}
	/* Locks may be released out of order: close the gap. */
	for (struct held_lock *e = h; e < &t->held_locks[depth - 1]; e++)
		e[0] = e[1];
	atomic_store_explicit(&t->lockdep_depth, depth - 1, memory_order_release);
	return true;
}

bool lockdep_is_held(const void *lock)
{
	return find_held(sgt_current(), lock) != NULL;
}

int lockdep_depth(void)
{
	return atomic_load_explicit(&sgt_current()->lockdep_depth, memory_order_relaxed);
}

void debug_check_no_locks_freed(const void *mem, size_t len)
{
	struct sgt_thread *t = sgt_current();
	int depth = atomic_load_explicit(&t->lockdep_depth, memory_order_relaxed);
	const char *lo = mem, *hi = lo + len;

	for (int i = 0; i < depth; i++) {
		const char *l = t->held_locks[i].instance;

		if (l >= lo && l < hi)
			sgt_violation(SGT_V_LOCK_HELD_FREED,
				      "freeing memory %p..%p with %s held (taken at %s:%d)",
				      mem, (const void *)hi, t->held_locks[i].name,
				      t->held_locks[i].site.file, t->held_locks[i].site.line);
	}
}
