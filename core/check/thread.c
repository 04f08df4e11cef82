// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include <check/thread.h>

_Thread_local struct sgt_site sgt_guard_site_tls;
static _Thread_local struct sgt_thread current_thread;
static _Thread_local bool current_named;
static atomic_int next_id;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sgt_thread *registry;	/* under registry_lock */

struct sgt_thread *sgt_current(void)
{
	struct sgt_thread *t = &current_thread;

	if (unlikely(!current_named)) {
		current_named = true;
		t->id = atomic_fetch_add_explicit(&next_id, 1, memory_order_relaxed);
		snprintf(t->name, sizeof(t->name), "thread-%d", t->id);
	}
	return t;
}

void sgt_thread_start(const char *fmt, ...)
{
	struct sgt_thread *t = sgt_current();
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->name, sizeof(t->name), fmt, ap);
	va_end(ap);

	pthread_mutex_lock(&registry_lock);
	t->next = registry;
	registry = t;
	pthread_mutex_unlock(&registry_lock);
}

void sgt_thread_stop(void)
{
	struct sgt_thread *t = sgt_current(), **pp;

	pthread_mutex_lock(&registry_lock);
	for (pp = &registry; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

void sgt_thread_dump(const struct sgt_thread *t, FILE *out)
{
	/* Acquire: pairs with the owner's release in lockdep_acquire(). */
	int depth = atomic_load_explicit(&t->lockdep_depth, memory_order_acquire);
	/* Relaxed: diagnostics only. */
	const char *op = atomic_load_explicit(&t->op, memory_order_relaxed);

	/* Relaxed: diagnostics only. */
	const char *waiting = atomic_load_explicit(&t->waiting_for, memory_order_relaxed);
	const void *addr = atomic_load_explicit(&t->waiting_addr, memory_order_relaxed);

	fprintf(out, "  %s: op=%s, %d lock%s held", t->name, op ? op : "-",
		depth, depth == 1 ? "" : "s");
	if (waiting)
		fprintf(out, ", blocked on %s (%p)", waiting, addr);
	fputc('\n', out);
	for (int i = 0; i < depth && i < MAX_LOCK_DEPTH; i++)
		fprintf(out, "    #%d %s (%p) taken at %s:%d %s()\n", i,
			t->held_locks[i].name, t->held_locks[i].instance,
			t->held_locks[i].site.file, t->held_locks[i].site.line,
			t->held_locks[i].site.func);
}

void sgt_thread_dump_all(FILE *out)
{
	pthread_mutex_lock(&registry_lock);
	for (struct sgt_thread *t = registry; t; t = t->next)
		sgt_thread_dump(t, out);
	pthread_mutex_unlock(&registry_lock);
}
