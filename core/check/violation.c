// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include <check/thread.h>
#include <check/tsan.h>
#include <check/violation.h>

const char *const sgt_violation_name[SGT_V_NR] = {
	[SGT_V_RECURSIVE_LOCK] = "recursive-lock",
	[SGT_V_BAD_UNLOCK] = "bad-unlock",
	[SGT_V_NOT_HELD] = "lock-not-held",
	[SGT_V_LOCK_HELD_FREED] = "held-lock-freed",
	[SGT_V_LOCK_DESTROYED] = "destroyed-lock-used",
	[SGT_V_WW_MISUSE] = "ww-misuse",
	[SGT_V_RCU_MISUSE] = "rcu-misuse",
	[SGT_V_USE_AFTER_UNMAP] = "use-after-unmap",
	[SGT_V_FOREIGN_DEVICE] = "foreign-device",
	[SGT_V_DOUBLE_UNMAP] = "double-unmap",
	[SGT_V_MAPPING_AFTER_UNBIND] = "mapping-after-unbind",
	[SGT_V_PAGE_COUNT] = "page-count",
	[SGT_V_LEAK] = "leak",
	[SGT_V_USE_AFTER_FREE] = "use-after-free",
	[SGT_V_REFCOUNT] = "refcount",
	[SGT_V_SET_ONCE] = "set-once",
	[SGT_V_REVOCABLE] = "revocable",
	[SGT_V_DEVRES] = "devres",
	[SGT_V_DEVICE] = "device",
	[SGT_V_HANG] = "hang",
	[SGT_V_DEADLOCK] = "deadlock",
};

static atomic_uint_fast64_t counts[SGT_V_NR];
static pthread_mutex_t first_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_msg[SGT_V_NR][256];	/* under first_lock */
static _Atomic(sgt_violation_handler_t) handler;
static atomic_bool quiet;

static void default_handler(const struct sgt_violation *v)
{
	/* Relaxed: a printing preference, nothing is published with it. */
	if (atomic_load_explicit(&quiet, memory_order_relaxed))
		return;
	fprintf(stderr, "sgt: VIOLATION %s: %s [thread %s at %s:%d %s()]\n",
		sgt_violation_name[v->kind], v->msg, v->thread,
		v->site.file, v->site.line, v->site.func);
}

void __sgt_violation(enum sgt_violation_kind kind, struct sgt_site site, const void *obj,
		     const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	sgt_violation_handler_t h;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	/*
	 * Hidden from TSan: two threads reporting must not be ordered by the
	 * reporter's lock, or a race between them would go unseen.
	 */
	sgt_tsan_oracle_begin();
	pthread_mutex_lock(&first_lock);
	if (!first_msg[kind][0])
		snprintf(first_msg[kind], sizeof(first_msg[kind]), "%s", msg);
	pthread_mutex_unlock(&first_lock);
	sgt_tsan_oracle_end();
	/* seq_cst: a tester polling the count must then see first_msg. */
	atomic_fetch_add(&counts[kind], 1);

	struct sgt_violation v = {
		.kind = kind, .msg = msg, .thread = sgt_current()->name, .site = site,
		.obj = obj,
	};
	h = atomic_load(&handler);
	(h ? h : default_handler)(&v);
}

uint64_t sgt_violation_count(enum sgt_violation_kind kind)
{
	return atomic_load(&counts[kind]);
}

uint64_t sgt_violation_total(void)
{
	uint64_t n = 0;

	for (int k = 0; k < SGT_V_NR; k++)
		n += atomic_load(&counts[k]);
	return n;
}

const char *sgt_violation_first(enum sgt_violation_kind kind, char *buf, size_t len)
{
	const char *ret = NULL;

	pthread_mutex_lock(&first_lock);
	if (first_msg[kind][0]) {
		snprintf(buf, len, "%s", first_msg[kind]);
		ret = buf;
	}
	pthread_mutex_unlock(&first_lock);
	return ret;
}

void sgt_violations_reset(void)
{
	pthread_mutex_lock(&first_lock);
	for (int k = 0; k < SGT_V_NR; k++) {
		atomic_store(&counts[k], 0);
		first_msg[k][0] = '\0';
	}
	pthread_mutex_unlock(&first_lock);
}

sgt_violation_handler_t sgt_violation_set_handler(sgt_violation_handler_t h)
{
	return atomic_exchange(&handler, h);
}

void sgt_violation_set_quiet(bool q)
{
	atomic_store(&quiet, q);
}

const char *sgt_oracle_name(int oracle)
{
	if (oracle == SGT_ORACLE_TSAN)
		return "tsan";
	if (oracle < 0 || oracle > SGT_V_NR)
		return "never";
	return sgt_violation_name[oracle];
}

int sgt_oracle_parse(const char *name)
{
	if (!strcmp(name, "tsan"))
		return SGT_ORACLE_TSAN;
	if (!strcmp(name, "never"))
		return SGT_ORACLE_NONE;
	for (int k = 0; k < SGT_V_NR; k++)
		if (!strcmp(name, sgt_violation_name[k]))
			return k;
	return -2;
}
