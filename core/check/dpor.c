// SPDX-License-Identifier: GPL-2.0
/* Source-DPOR with sleep sets over re-executions (dpor.h). */
#include <stdlib.h>
#include <string.h>

#include <check/dpor.h>

#define BIT(t)	(1ull << (t))

void dpor_init(struct dpor *d, int nr_threads, int bound)
{
	memset(d, 0, sizeof(*d));
	d->nr_threads = nr_threads;
	d->bound = bound;
	d->dependent = sgt_fp_dependent;
}

void dpor_free(struct dpor *d)
{
	free(d->nodes);
	free(d->prefix);
	d->nodes = NULL;
	d->prefix = NULL;
}

static struct dpor_node *node_at(struct dpor *d, size_t k)
{
	if (k >= d->cap) {
		d->cap = d->cap ? 2 * d->cap : 256;
		while (d->cap <= k)
			d->cap *= 2;
		d->nodes = realloc(d->nodes, d->cap * sizeof(*d->nodes));
		d->prefix = realloc(d->prefix, d->cap * sizeof(*d->prefix));
		if (!d->nodes || !d->prefix)
			abort();
	}
	return &d->nodes[k];
}

/* Preemptions of choosing p at node n: a switch away from a thread that could go on. */
static int cost(const struct dpor_node *n, int p)
{
	return n->preemptions + (n->current_runnable && p != n->current);
}

/* Of the threads in mask: the one running (no preemption), else the lowest. */
static int first_of(const struct dpor_node *n, uint64_t mask)
{
	if (n->current >= 0 && (mask & BIT(n->current)))
		return n->current;
	return __builtin_ctzll(mask);
}

/* Who is still to run at node n: in its backtrack set, not run, not asleep. */
static uint64_t todo_at(const struct dpor_node *n)
{
	return n->backtrack & ~n->done & ~n->sleep & n->enabled;
}

bool dpor_next(struct dpor *d, const uint32_t **prefix, size_t *len,
	       const struct sched_ctl_sleeper **sleepers, int *nr_sleepers)
{
	if (!d->started) {
		d->started = true;
		d->forced = 0;
		d->nr_sleepers = 0;
		node_at(d, 0);
		*prefix = d->prefix;
		*len = 0;
		*sleepers = d->sleepers;
		*nr_sleepers = 0;
		return true;
	}
	for (size_t i = d->depth; i-- > 0;) {
		struct dpor_node *n = &d->nodes[i];
		uint64_t todo = todo_at(n);
		int p;

		if (!todo)
			continue;
		p = first_of(n, todo);
		/*
		 * Another part's: done here, so that it sleeps after the ones
		 * picked later, as in every part (the picking order of dealt
		 * schedules is the same everywhere).
		 */
		if (n->elsewhere & BIT(p)) {
			n->done |= BIT(p);
			i++;
			continue;
		}
		/* The explored siblings sleep after p, with the steps they took here. */
		d->nr_sleepers = 0;
		for (int q = 0; q < d->nr_threads; q++)
			if ((n->sleep | n->done) & BIT(q))
				d->sleepers[d->nr_sleepers++] =
					(struct sched_ctl_sleeper){ .thread = q, .fp = n->fp[q] };
		n->done |= BIT(p);
		for (size_t k = 0; k < i; k++)
			d->prefix[k] = (uint32_t)d->nodes[k].chosen;
		d->prefix[i] = (uint32_t)p;
		d->depth = i + 1;
		d->forced = i + 1;
		*prefix = d->prefix;
		*len = i + 1;
		*sleepers = d->sleepers;
		*nr_sleepers = d->nr_sleepers;
		return true;
	}
	return false;
}

/* Node k + 1's sleep set: node k's sleepers whose step commutes with k's. */
static void carry_sleep(const struct dpor *d, const struct dpor_node *n, uint64_t asleep,
			struct dpor_node *next)
{
	const struct sgt_footprint *step = &n->fp[n->chosen];

	next->sleep = 0;
	for (int q = 0; q < DPOR_MAX_THREADS; q++)
		if ((asleep & BIT(q)) && q != n->chosen && !d->dependent(&n->fp[q], step)) {
			next->sleep |= BIT(q);
			next->fp[q] = n->fp[q];
		}
}

/* The path's nodes from the trace: the forced ones updated, the rest new. */
static size_t extend(struct dpor *d, const struct sched_ctl_trace *t)
{
	size_t n = t->n < t->blocked_at ? t->n : t->blocked_at;

	for (size_t k = d->forced ? d->forced - 1 : 0; k < n; k++) {
		const struct sched_ctl_decision *dec = &t->d[k];
		struct dpor_node *node = node_at(d, k);

		if (!d->forced || k >= d->forced) {	/* new */
			struct dpor_node *prev = k ? &d->nodes[k - 1] : NULL;
			uint64_t asleep = 0;

			if (prev) {
				asleep = prev->sleep;
				if (k == d->forced)	/* the forced node's explored siblings too */
					asleep |= prev->done;
				carry_sleep(d, prev, asleep, node);
			} else {
				node->sleep = 0;
			}
			node->enabled = dec->runnable;
			node->current = dec->current;
			node->current_runnable = dec->current_runnable;
			node->preemptions = prev ? cost(prev, prev->chosen) : 0;
			node->backtrack = node->done = node->elsewhere = 0;
		}
		node->chosen = dec->chosen;
		node->backtrack |= BIT(dec->chosen);
		node->done |= BIT(dec->chosen);
		node->fp[dec->chosen] = dec->fp;
	}
	d->depth = n;
	return n;
}

/*
 * Happens-before: event m is before event j when j's clock has seen m's
 * index within m's thread (vc[j][thread(m)] >= idx[m]).
 */
/*
 * An event j of the path (j < n: node j's step) or past it (a deadlocked
 * thread's step that never ran): its thread, its footprint, its clock.
 */
struct event {
	size_t j;
	int t;
	const struct sgt_footprint *fp;
	const uint32_t *c;
};

static int thread_at(const struct dpor *d, size_t m, const struct event *e)
{
	return m == e->j ? e->t : d->nodes[m].chosen;
}

/*
 * A race of events i and j (j's step dependent with i's, not ordered after
 * it by anything between): the schedule that runs, at node i, one of the
 * initials of v -- the events after i not ordered after it, then j -- is in
 * another class.  Unless the backtrack set has one already, add one.
 */
static void race(struct dpor *d, size_t i, const struct event *e, const uint32_t *vc,
		 const uint32_t *idx)
{
	struct dpor_node *n = &d->nodes[i];
	uint64_t initials = 0;

	for (size_t m = i + 1; m <= e->j; m++) {
		const uint32_t *cm = m == e->j ? e->c : &vc[m * DPOR_MAX_THREADS];
		bool first = true;

		if (m < e->j && cm[n->chosen] >= idx[i])
			continue;		/* ordered after i: not in v */
		/* Initial: no earlier event of v happens before it (its own thread's included). */
		for (size_t k = i + 1; k < m && first; k++) {
			bool k_in_v = vc[k * DPOR_MAX_THREADS + n->chosen] < idx[i];

			first = !(k_in_v && cm[d->nodes[k].chosen] >= idx[k]);
		}
		if (first)
			initials |= BIT(thread_at(d, m, e));
	}
	if (initials & (n->backtrack | n->done))
		return;
	uint64_t can = initials & n->enabled;

	if (!can)
		can = n->enabled & ~n->done;	/* none runnable here: every one (conservative) */
	if (!can)
		return;			/* every one runnable here has run here */
	while (can) {
		int p = first_of(n, can);

		can &= ~BIT(p);
		if (d->bound >= 0 && cost(n, p) > d->bound)
			continue;
		n->backtrack |= BIT(p);
		return;
	}
	d->pruned = true;	/* the bound kept this race from being reversed */
}

/*
 * j takes the lock k lets go of: that race is not reversible (j could not
 * run before k), though k does happen before j.  The one to reverse is
 * further back: the nearest step dependent with j (the lock's previous
 * acquisition) ordered before j by nothing but k.
 */
static void race_before(struct dpor *d, size_t k, const struct event *e, const uint32_t *vc,
			const uint32_t *idx)
{
	for (size_t m = k; m-- > 0;) {
		int tm = d->nodes[m].chosen;

		if (tm == e->t || e->c[tm] >= idx[m] || !d->dependent(&d->nodes[m].fp[tm], e->fp))
			continue;
		race(d, m, e, vc, idx);
		return;
	}
}

/* The races of e with the steps before it; c (e's clock) gains what happens before e. */
static void races_of(struct dpor *d, const struct event *e, uint32_t *c, const uint32_t *vc,
		     const uint32_t *idx)
{
	for (size_t k = e->j; k-- > 0;) {
		int tk = d->nodes[k].chosen;

		if (tk == e->t || c[tk] >= idx[k] || !d->dependent(&d->nodes[k].fp[tk], e->fp))
			continue;
		if (sgt_fp_release_acquire(&d->nodes[k].fp[tk], e->fp))
			race_before(d, k, e, vc, idx);
		else
			race(d, k, e, vc, idx);
		for (int q = 0; q < DPOR_MAX_THREADS; q++)
			if (vc[k * DPOR_MAX_THREADS + q] > c[q])
				c[q] = vc[k * DPOR_MAX_THREADS + q];
	}
}

/* Vector clocks over the path's events; each race found adds to a backtrack set. */
static void analyse(struct dpor *d, size_t n, const struct sched_ctl_sleeper *pending,
		    int nr_pending)
{
	uint32_t *vc = calloc(n ? n : 1, DPOR_MAX_THREADS * sizeof(uint32_t));
	uint32_t *idx = calloc(n ? n : 1, sizeof(uint32_t));
	uint32_t count[DPOR_MAX_THREADS] = { 0 };
	long last[DPOR_MAX_THREADS];

	if (!vc || !idx)
		abort();
	for (int t = 0; t < DPOR_MAX_THREADS; t++)
		last[t] = -1;
	for (size_t j = 0; j < n; j++) {
		int t = d->nodes[j].chosen;
		uint32_t *c = &vc[j * DPOR_MAX_THREADS];
		struct event e = { .j = j, .t = t, .fp = &d->nodes[j].fp[t], .c = c };

		if (last[t] >= 0)
			memcpy(c, &vc[(size_t)last[t] * DPOR_MAX_THREADS], DPOR_MAX_THREADS * sizeof(*c));
		idx[j] = c[t] = ++count[t];
		races_of(d, &e, c, vc, idx);
		last[t] = (long)j;
	}
	/*
	 * A blocked thread's attempt where the path ends, after everything
	 * that ran: without it, an execution that stops where every runnable
	 * thread sleeps would hide the race of the lock's holder with the
	 * thread it keeps out (found by test_dpor_litmus: 7 of 30,000 random
	 * programs missed an outcome that way).
	 */
	for (int p = 0; p < nr_pending; p++) {
		int t = pending[p].thread;
		uint32_t c[DPOR_MAX_THREADS] = { 0 };
		struct event e = { .j = n, .t = t, .fp = &pending[p].fp, .c = c };

		if (t < 0 || t >= DPOR_MAX_THREADS)
			continue;
		if (last[t] >= 0)
			memcpy(c, &vc[(size_t)last[t] * DPOR_MAX_THREADS], sizeof(c));
		c[t] = count[t] + 1;
		races_of(d, &e, c, vc, idx);
	}
	free(vc);
	free(idx);
}

void dpor_record(struct dpor *d, const struct sched_ctl_trace *t)
{
	size_t n;

	d->cut |= t->overflow;
	d->sleep_blocked += t->blocked_at < t->n;
	n = extend(d, t);
	analyse(d, n, t->pending, t->nr_pending);
}

size_t dpor_pending(const struct dpor *d)
{
	size_t nr = 0;

	for (size_t i = 0; i < d->depth; i++)
		nr += (size_t)__builtin_popcountll(todo_at(&d->nodes[i]) & ~d->nodes[i].elsewhere);
	return nr;
}

void dpor_deal(struct dpor *d, int shard, int nr_shards)
{
	size_t k = 0;

	for (size_t i = d->depth; i-- > 0;) {
		struct dpor_node *n = &d->nodes[i];
		uint64_t todo = todo_at(n) & ~n->elsewhere;

		/* In the order dpor_next() will pick them: deepest node first, its first_of() first. */
		while (todo) {
			int p = first_of(n, todo);

			todo &= ~BIT(p);
			if ((int)(k++ % (size_t)nr_shards) != shard - 1)
				n->elsewhere |= BIT(p);
		}
	}
}
