/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timeline: each role thread keeps a ring of its last operations and
 * race-window crossings; when the oracle a run waits for fires, the rings
 * are copied (raw) into the shared result, and the parent prints them
 * merged by time, so a report shows the interleaving that led to it: who
 * unbound, who dropped, who accessed.
 *
 * Off unless --timeline (repro and hunt turn it on): a clock read per event.
 * Under a controlled schedule the clock is the schedule's step count (the
 * same on every replay), and each event notes the preemptions so far.
 */
#ifndef SGT_TORTURE_TRACE_H
#define SGT_TORTURE_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define TRACE_RING	512	/* events kept per thread */
#define TIMELINE_MAX	48	/* events kept in a snapshot */
#define TIMELINE_PER_THREAD 8	/* of them, from one thread at most */
#define TRACE_PCS	24	/* return addresses kept per event (sgtorture report) */
#define TRACE_STACK_THREADS 16	/* threads whose events carry stacks */

enum trace_kind { TRACE_OP, TRACE_ENTER, TRACE_EXIT, TRACE_RESULT };
/*
 * Or'ed into a kind: a routine event (a fast-path access that got its
 * table), shown when recent, left out when older, so that a hot object's
 * timeline keeps the events that tell its story.
 */
#define TRACE_ROUTINE	0x80

/*
 * One event.  what is a string with static storage (a literal, a window's
 * or outcome's name): the parent, a fork of the same binary, reads it at
 * the same address.
 */
struct trace_event {
	uint64_t ns;			/* or the schedule step, under a controlled schedule */
	const char *what;
	const void *obj;
	signed char role, idx, dev;
	unsigned char kind;
	uint32_t preemptions;		/* controlled: the schedule's so far */
	uint32_t seq;			/* its place in the thread's ring: its stack's too */
};

#define NOTABLE_RING	64	/* the last non-routine events, kept apart */

struct trace_ring {
	struct trace_event ev[TRACE_RING];
	unsigned int head;		/* owner only; read racily by a snapshot */
	/* Non-routine events only: a flood of fast-path events cannot push them out. */
	struct trace_event notable[NOTABLE_RING];
	unsigned int notable_head;
	signed char role, idx;
	/* With stacks on: each ev[]'s call stack, at the same index (NULL: off). */
	void *(*stacks)[TRACE_PCS];
};

/*
 * on: keep events; logical: stamp them with schedule steps, not the clock;
 * stacks: each event of the first TRACE_STACK_THREADS threads also keeps its
 * call stack (backtrace(), a few microseconds an event: sgtorture report's
 * short controlled runs only).
 */
void trace_enable(bool on, bool logical, bool stacks);
/* The timeline's clock: ns, or the schedule step. */
uint64_t trace_now(void);
/* The calling role thread's ring (NULL: not traced). */
void trace_thread_start(struct trace_ring *ring, int role, int idx);
/* The calling thread's ring, NULL when not traced (checked inline: the accessors' hot loop). */
extern _Thread_local struct trace_ring *trace_my_ring;
void __trace_event(int kind, const char *what, const void *obj, int dev);
static inline void trace_event(int kind, const char *what, const void *obj, int dev)
{
	if (trace_my_ring)
		__trace_event(kind, what, obj, dev);
}

/*
 * Copy into out, oldest first, each thread's last TIMELINE_PER_THREAD events
 * and every event still in the rings about the object focus (the one the
 * report names, or NULL), at most TIMELINE_MAX, the newest; returns how many.  Safe from any thread, even from
 * inside a TSan report: no locks, no allocation, no libc.
 */
int trace_snapshot(struct trace_ring *const *rings, int nr_rings, const void *focus,
		   struct trace_event *out);
/*
 * The stack of snapshot event e, from its thread's ring, into pcs[TRACE_PCS]
 * (zeroed when there is none: stacks off, or the ring has moved on).
 */
void trace_event_stack(struct trace_ring *const *rings, int nr_rings,
		       const struct trace_event *e, void **pcs);
/*
 * Print a snapshot with the report line last: times relative to the report,
 * or under a controlled schedule (logical) numbered steps, one column per
 * thread, each preemption marked.
 */
/*
 * The steps alone, under each event (where non-NULL) a second line in its
 * column: the source line it came from (sgtorture report).
 */
void trace_print_steps(const struct trace_event *ev, int n, uint64_t at_step, const char *report,
		       const char *const *role_names, const char *place,
		       const char *const *where, FILE *out);
/* "enter devres-release", "-> table obj 0x... gpu0": one event in words. */
void trace_event_text(const struct trace_event *e, const char *place, char *buf, size_t len);
void trace_print(const struct trace_event *ev, int n, uint64_t at_ns, const char *report,
		 const char *const *role_names, const char *place, bool logical, FILE *out);

#endif /* SGT_TORTURE_TRACE_H */
