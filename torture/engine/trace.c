// SPDX-License-Identifier: GPL-2.0
#include <stdatomic.h>
#include <string.h>

#include <check/tsan.h>
#include <check/wait.h>

#include "trace.h"

static atomic_bool trace_on;
_Thread_local struct trace_ring *trace_my_ring;

void trace_enable(bool on)
{
	atomic_store(&trace_on, on);
}

void trace_thread_start(struct trace_ring *ring, int role, int idx)
{
	ring->role = (signed char)role;
	ring->idx = (signed char)idx;
	ring->head = ring->notable_head = 0;
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
	e->ns = sgt_now_ns();
	e->what = what;
	e->obj = obj;
	e->role = r->role;
	e->idx = r->idx;
	e->dev = (signed char)dev;
	e->kind = (unsigned char)kind;
	r->head++;
	if (!(kind & TRACE_ROUTINE))
		r->notable[r->notable_head++ % NOTABLE_RING] = *e;
	sgt_tsan_oracle_end();
}

static bool same_event(const struct trace_event *a, const struct trace_event *b)
{
	return a->ns == b->ns && a->what == b->what && a->role == b->role && a->idx == b->idx;
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
	uint64_t now = sgt_now_ns();	/* what other threads did after the report is not its cause */
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

static const char *const kind_verb[] = {
	[TRACE_OP] = "", [TRACE_ENTER] = "enter ", [TRACE_EXIT] = "leave ", [TRACE_RESULT] = "-> ",
};

void trace_print(const struct trace_event *ev, int n, uint64_t at_ns, const char *report,
		 const char *const *role_names, const char *place, FILE *out)
{
	for (int i = 0; i < n; i++) {
		const struct trace_event *e = &ev[i];
		double us = ((double)e->ns - (double)at_ns) / 1000.0;
		char who[32];

		snprintf(who, sizeof(who), "%s-%d", role_names[e->role], e->idx);
		fprintf(out, "    %+10.1f us  %-12s %s%s", us, who,
			kind_verb[(e->kind & ~TRACE_ROUTINE) < 4 ? e->kind & ~TRACE_ROUTINE : 0],
			e->what);
		if (e->obj)
			fprintf(out, " obj %p", e->obj);
		if (e->dev >= 0)
			fprintf(out, " %s%d", place, e->dev);
		fputc('\n', out);
	}
	fprintf(out, "    %+10.1f us  %s\n", 0.0, report);
}
