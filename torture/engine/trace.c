// SPDX-License-Identifier: GPL-2.0
#include <execinfo.h>
#include <stdatomic.h>
#include <string.h>

#include <check/sched_ctl.h>
#include <check/tsan.h>
#include <check/wait.h>

#include "trace.h"

static atomic_bool trace_on, trace_logical, trace_stacks;
_Thread_local struct trace_ring *trace_my_ring;

/*
 * The stacks' room: static, so a run allocates nothing for them (and leaks
 * nothing under ASan); only the threads that take a slot touch its pages.
 */
static void *stack_pool[TRACE_STACK_THREADS][TRACE_RING][TRACE_PCS];
static atomic_int stack_slots;

void trace_enable(bool on, bool logical, bool stacks)
{
	atomic_store(&trace_on, on);
	atomic_store(&trace_logical, logical);
	atomic_store(&trace_stacks, on && stacks);
	atomic_store(&stack_slots, 0);
	if (stacks) {
		void *warm[1];

		backtrace(warm, 1);	/* loads libgcc's unwinder now, not inside a report */
	}
}

uint64_t trace_now(void)
{
	/* Relaxed: set before the threads start (pthread_create orders it). */
	return atomic_load_explicit(&trace_logical, memory_order_relaxed) ? sched_ctl_steps() :
									    sgt_now_ns();
}

void trace_thread_start(struct trace_ring *ring, int role, int idx)
{
	ring->role = (signed char)role;
	ring->idx = (signed char)idx;
	ring->head = ring->notable_head = 0;
	ring->stacks = NULL;
	if (atomic_load(&trace_stacks)) {
		int slot = atomic_fetch_add(&stack_slots, 1);

		if (slot < TRACE_STACK_THREADS)
			ring->stacks = stack_pool[slot];
	}
	trace_my_ring = atomic_load(&trace_on) ? ring : NULL;
}

void __trace_event(int kind, const char *what, const void *obj, int dev)
{
	struct trace_ring *r = trace_my_ring;
	struct trace_event *e;

	/*
	 * The ring is the oracle's bookkeeping: a snapshot reads it from
	 * another thread without a lock, and may see an event half-written
	 * (it shows as one odd line).  Hidden from TSan so that the reading
	 * neither reports nor orders anything.
	 */
	sgt_tsan_oracle_begin();
	e = &r->ev[r->head % TRACE_RING];
	e->ns = trace_now();
	e->preemptions = (uint32_t)sched_ctl_preemptions();
	e->what = what;
	e->obj = obj;
	e->role = r->role;
	e->idx = r->idx;
	e->dev = (signed char)dev;
	e->kind = (unsigned char)kind;
	e->seq = r->head;
	if (r->stacks) {
		void **pcs = r->stacks[r->head % TRACE_RING];
		int n = backtrace(pcs, TRACE_PCS);

		memset(pcs + n, 0, (size_t)(TRACE_PCS - n) * sizeof(*pcs));
	}
	r->head++;
	if (!(kind & TRACE_ROUTINE))
		r->notable[r->notable_head++ % NOTABLE_RING] = *e;
	sgt_tsan_oracle_end();
}

static bool same_event(const struct trace_event *a, const struct trace_event *b)
{
	return a->ns == b->ns && a->what == b->what && a->role == b->role && a->idx == b->idx &&
	       a->obj == b->obj;
}

static void insert_sorted(struct trace_event *out, int *n, const struct trace_event *e)
{
	int i = *n;

	for (int k = 0; k < *n; k++)
		if (same_event(&out[k], e))
			return;		/* from both rings */

	if (*n == TIMELINE_MAX) {	/* full: drop the oldest, if e is newer */
		if (e->ns <= out[0].ns)
			return;
		for (int k = 1; k < *n; k++)
			out[k - 1] = out[k];
		i = --*n;
	}
	while (i > 0 && out[i - 1].ns > e->ns) {
		out[i] = out[i - 1];
		i--;
	}
	out[i] = *e;
	++*n;
}

int trace_snapshot(struct trace_ring *const *rings, int nr_rings, const void *focus,
		   struct trace_event *out)
{
	uint64_t now = trace_now();	/* what other threads did after the report is not its cause */
	int n = 0;

	sgt_tsan_oracle_begin();
	for (int t = 0; t < nr_rings; t++) {
		const struct trace_ring *r = rings[t];
		unsigned int head = r->head;
		unsigned int first = head > TRACE_RING ? head - TRACE_RING : 0;
		/* A busy thread's last few events; older ones are noise unless about focus. */
		unsigned int recent = head > TIMELINE_PER_THREAD ? head - TIMELINE_PER_THREAD : 0;

		for (unsigned int k = first; k < head; k++) {
			struct trace_event e = r->ev[k % TRACE_RING];

			if (e.what && e.ns <= now &&
			    (k >= recent ||
			     (focus && e.obj == focus && !(e.kind & TRACE_ROUTINE))))
				insert_sorted(out, &n, &e);
		}
		head = r->notable_head;
		for (unsigned int k = head > NOTABLE_RING ? head - NOTABLE_RING : 0; k < head; k++) {
			struct trace_event e = r->notable[k % NOTABLE_RING];

			if (e.what && e.ns <= now && focus && e.obj == focus)
				insert_sorted(out, &n, &e);
		}
	}
	sgt_tsan_oracle_end();
	return n;
}

void trace_event_stack(struct trace_ring *const *rings, int nr_rings,
		       const struct trace_event *e, void **pcs)
{
	memset(pcs, 0, TRACE_PCS * sizeof(*pcs));
	for (int t = 0; t < nr_rings; t++) {
		const struct trace_ring *r = rings[t];

		if (r->role != e->role || r->idx != e->idx || !r->stacks)
			continue;
		if (r->head - e->seq <= TRACE_RING)	/* not yet written over */
			memcpy(pcs, r->stacks[e->seq % TRACE_RING], TRACE_PCS * sizeof(*pcs));
		return;
	}
}

static const char *const kind_verb[] = {
	[TRACE_OP] = "", [TRACE_ENTER] = "enter ", [TRACE_EXIT] = "leave ", [TRACE_RESULT] = "-> ",
};

void trace_event_text(const struct trace_event *e, const char *place, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s%s",
			 kind_verb[(e->kind & ~TRACE_ROUTINE) < 4 ? e->kind & ~TRACE_ROUTINE : 0],
			 e->what);

	if (e->obj && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " obj %p", e->obj);
	if (e->dev >= 0 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s%d", place, e->dev);
}

static void print_timed(const struct trace_event *ev, int n, uint64_t at_ns, const char *report,
			const char *const *role_names, const char *place, FILE *out)
{
	for (int i = 0; i < n; i++) {
		const struct trace_event *e = &ev[i];
		double us = ((double)e->ns - (double)at_ns) / 1000.0;
		char who[32], text[160];

		snprintf(who, sizeof(who), "%s-%d", role_names[e->role], e->idx);
		trace_event_text(e, place, text, sizeof(text));
		fprintf(out, "    %+10.1f us  %-12s %s\n", us, who, text);
	}
	fprintf(out, "    %+10.1f us  %s\n", 0.0, report);
}

#define COLUMN	40	/* characters of one thread's column */

/* The threads a snapshot shows, in role order: their column numbers. */
static int columns(const struct trace_event *ev, int n, int *key, int max)
{
	int nr = 0;

	for (int i = 0; i < n; i++) {
		int k = ev[i].role * 256 + ev[i].idx, j = 0;

		while (j < nr && key[j] != k)
			j++;
		if (j == nr && nr < max)
			key[nr++] = k;
	}
	for (int i = 1; i < nr; i++)		/* insertion sort: a handful of threads */
		for (int j = i; j > 0 && key[j - 1] > key[j]; j--) {
			int t = key[j];

			key[j] = key[j - 1];
			key[j - 1] = t;
		}
	return nr;
}

void trace_print_steps(const struct trace_event *ev, int n, uint64_t at_step, const char *report,
		       const char *const *role_names, const char *place,
		       const char *const *where, FILE *out)
{
	int key[16], nr = columns(ev, n, key, 16);
	uint32_t preempted = 0;

	fprintf(out, "    %6s ", "step");
	for (int c = 0; c < nr; c++) {
		char who[32];

		snprintf(who, sizeof(who), "%s-%d", role_names[key[c] / 256], key[c] % 256);
		fprintf(out, " %-*s", c + 1 < nr ? COLUMN : 0, who);
	}
	fputc('\n', out);
	for (int i = 0; i < n; i++) {
		const struct trace_event *e = &ev[i];
		int c = 0;
		char text[160];

		while (c < nr && key[c] != e->role * 256 + e->idx)
			c++;
		if (e->preemptions != preempted)	/* before the first event: the earlier ones */
			fprintf(out, "    %6s  --- %u preemption%s ---\n", "", e->preemptions - preempted,
				e->preemptions - preempted > 1 ? "s" : "");
		preempted = e->preemptions;
		trace_event_text(e, place, text, sizeof(text));
		fprintf(out, "    %6llu  %*s%-.*s\n", (unsigned long long)e->ns, c * (COLUMN + 1), "",
			COLUMN, text);
		if (where && where[i] && where[i][0])
			fprintf(out, "    %6s  %*s  %-.*s\n", "", c * (COLUMN + 1), "", COLUMN - 2,
				where[i]);
	}
	fprintf(out, "    %6llu  %s\n", (unsigned long long)at_step, report);
}

void trace_print(const struct trace_event *ev, int n, uint64_t at_ns, const char *report,
		 const char *const *role_names, const char *place, bool logical, FILE *out)
{
	if (logical)
		trace_print_steps(ev, n, at_ns, report, role_names, place, NULL, out);
	else
		print_timed(ev, n, at_ns, report, role_names, place, out);
}
