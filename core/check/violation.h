/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that reports violations.
 *
 * Every oracle of the core (lockdep, the DMA mapping registry, page counts,
 * SetOnce/Revocable/kref misuse, the watchdog) reports here: a kind, a
 * message, the thread and the call site.  Reports are counted by kind; the
 * first message of each kind is kept for the run's result.  A handler may be
 * installed to see every report (the torture program and the tests do).
 */
#ifndef SGT_VIOLATION_H
#define SGT_VIOLATION_H

#include <stdint.h>
#include <check/compiler.h>

enum sgt_violation_kind {
	SGT_V_RECURSIVE_LOCK,	/* relock of a non-recursive lock by its owner */
	SGT_V_BAD_UNLOCK,	/* unlock of a lock the thread does not hold */
	SGT_V_NOT_HELD,		/* *_assert_held() failed */
	SGT_V_LOCK_HELD_FREED,	/* a lock destroyed or freed while held */
	SGT_V_LOCK_DESTROYED,	/* use of a destroyed lock */
	SGT_V_WW_MISUSE,	/* ww_acquire_ctx rules broken */
	SGT_V_RCU_MISUSE,	/* e.g. synchronize_rcu() inside a read section */
	SGT_V_USE_AFTER_UNMAP,	/* access through an unmapped sg_table */
	SGT_V_FOREIGN_DEVICE,	/* sg_table mapped for another device */
	SGT_V_DOUBLE_UNMAP,	/* unmap of a table that is not mapped */
	SGT_V_MAPPING_AFTER_UNBIND, /* a mapping alive after its device unbound */
	SGT_V_PAGE_COUNT,	/* pages_use_count/pin_count wrong at release */
	SGT_V_LEAK,		/* something still alive at a final check */
	SGT_V_USE_AFTER_FREE,	/* an object used after its last reference */
	SGT_V_REFCOUNT,		/* kref underflow or get on zero */
	SGT_V_SET_ONCE,		/* SetOnce invariant broken */
	SGT_V_REVOCABLE,	/* Revocable invariant broken */
	SGT_V_DEVRES,		/* Devres/devres invariant broken */
	SGT_V_DEVICE,		/* device bind/unbind rule broken */
	SGT_V_HANG,		/* a wait outlived the watchdog */
	SGT_V_DEADLOCK,		/* controlled schedule: no thread can run */
	SGT_V_NR
};

extern const char *const sgt_violation_name[SGT_V_NR];

/*
 * An oracle a run can wait for: a violation kind, or any ThreadSanitizer
 * report (SGT_ORACLE_TSAN); SGT_ORACLE_NONE waits for nothing.
 */
#define SGT_ORACLE_TSAN		SGT_V_NR
#define SGT_ORACLE_NONE		(-1)
/* "tsan", "never" or the violation's name. */
const char *sgt_oracle_name(int oracle);
/* The oracle named name, or -2 if there is none. */
int sgt_oracle_parse(const char *name);

struct sgt_violation {
	enum sgt_violation_kind kind;
	const char *msg;	/* valid during the handler call only */
	const char *thread;	/* the reporting thread's name */
	struct sgt_site site;
	const void *obj;	/* the object it concerns, or NULL (the timeline follows it) */
};

typedef void (*sgt_violation_handler_t)(const struct sgt_violation *v);

/*
 * Report a violation.  Never returns early for the caller: the caller goes
 * on (as a kernel WARN does), so one bug can surface through several oracles.
 */
#define sgt_violation(kind, fmt, ...) \
	__sgt_violation((kind), SGT_SITE_HERE, NULL, fmt, ##__VA_ARGS__)
/* The same about one object, which the report's timeline follows. */
#define sgt_violation_obj(kind, obj, fmt, ...) \
	__sgt_violation((kind), SGT_SITE_HERE, (obj), fmt, ##__VA_ARGS__)
void __sgt_violation(enum sgt_violation_kind kind, struct sgt_site site, const void *obj,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* WARN_ON()-style: report when cond is true, and return cond. */
#define SGT_WARN_ON(kind, cond, fmt, ...) ({					\
	bool __c = !!(cond);							\
	if (unlikely(__c))							\
		sgt_violation((kind), fmt, ##__VA_ARGS__);			\
	__c; })

uint64_t sgt_violation_count(enum sgt_violation_kind kind);
uint64_t sgt_violation_total(void);
/* First message reported for kind, or NULL; copied into buf. */
const char *sgt_violation_first(enum sgt_violation_kind kind, char *buf, size_t len);
void sgt_violations_reset(void);

/* Default handler prints one line to stderr; NULL restores it. */
sgt_violation_handler_t sgt_violation_set_handler(sgt_violation_handler_t h);
/* Silence the default handler's printing (counting goes on). */
void sgt_violation_set_quiet(bool quiet);

#endif /* SGT_VIOLATION_H */
