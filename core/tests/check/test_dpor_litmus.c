// SPDX-License-Identifier: GPL-2.0
/*
 * Is the reduction sound?  Small programs with known answers, run on a
 * simulator that makes the decisions the bounded scheduler makes (the given
 * choices, then the running thread while it can run, else the lowest; a
 * thread asleep only when every runnable one is), fed to dpor.c as sgtorture
 * check feeds it.  The outcomes DPOR reaches (final memory, every read's
 * value, a deadlock) are compared with the outcomes of every interleaving,
 * enumerated in full:
 *  - litmus programs: a lost update, ABBA, message passing under a lock --
 *    the same outcomes;
 *  - 30,000 random programs of 2 or 3 threads over 2 locations and 2
 *    locks (nested either way, so ABBA deadlocks are among them) -- the
 *    same outcomes, in fewer executions than there are interleavings;
 *  - a seeded bug in the dependence relation (two writes of one location
 *    commuting) must make the comparison fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check/dpor.h>

#include "../sgt_test.h"

enum op_kind { RD, WR, WRR, LK, UL };	/* WRR: write what this thread read last, plus one */

struct op {
	enum op_kind k;
	int x;		/* the location, or the lock */
	int v;		/* WR's value */
};

/* Random programs to compare: argv[1], else NR_PROGRAMS. */
#define NR_PROGRAMS	30000
static int nr_programs = NR_PROGRAMS;


#define MAX_OPS		8
#define MAX_THREADS	3
#define NR_VARS		2
#define NR_LOCKS	2

struct program {
	int nr_threads;
	int len[MAX_THREADS];
	struct op op[MAX_THREADS][MAX_OPS];
};

struct state {
	int vars[NR_VARS];
	int owner[NR_LOCKS];		/* -1: free */
	int pc[MAX_THREADS];
	int reg[MAX_THREADS];
	int reads[MAX_THREADS][MAX_OPS];
};

/* Where the footprints say each location and lock is. */
static char var_loc[NR_VARS], lock_loc[NR_LOCKS];

static void init_state(struct state *s)
{
	memset(s, 0, sizeof(*s));
	for (int l = 0; l < NR_LOCKS; l++)
		s->owner[l] = -1;
}

static bool runnable(const struct program *p, const struct state *s, int t)
{
	const struct op *o = &p->op[t][s->pc[t]];

	return s->pc[t] < p->len[t] && !(o->k == LK && s->owner[o->x] >= 0);
}

static uint64_t runnable_mask(const struct program *p, const struct state *s)
{
	uint64_t m = 0;

	for (int t = 0; t < p->nr_threads; t++)
		m |= (uint64_t)runnable(p, s, t) << t;
	return m;
}

/* One step of thread t: its effect, and what it touched. */
static struct sgt_footprint step(const struct program *p, struct state *s, int t)
{
	const struct op *o = &p->op[t][s->pc[t]];
	struct sgt_footprint fp = { 0 };

	switch (o->k) {
	case RD:
		s->reg[t] = s->vars[o->x];
		s->reads[t][s->pc[t]] = s->reg[t];
		sgt_fp_add(&fp, &var_loc[o->x], SGT_FP_READ);
		break;
	case WR:
	case WRR:
		s->vars[o->x] = o->k == WR ? o->v : s->reg[t] + 1;
		sgt_fp_add(&fp, &var_loc[o->x], SGT_FP_WRITE);
		break;
	case LK:
		s->owner[o->x] = t;
		sgt_fp_add(&fp, &lock_loc[o->x], SGT_FP_ACQUIRE);
		break;
	case UL:
		s->owner[o->x] = -1;
		sgt_fp_add(&fp, &lock_loc[o->x], SGT_FP_RELEASE);
		break;
	}
	s->pc[t]++;
	return fp;
}

/* An outcome: memory, every read, and whether it ended in a deadlock. */
static uint64_t outcome(const struct program *p, const struct state *s)
{
	uint64_t h = 1469598103934665603ull;
	bool deadlock = false;

	for (int t = 0; t < p->nr_threads; t++)
		deadlock |= s->pc[t] < p->len[t];
	h = (h ^ (uint64_t)deadlock) * 1099511628211ull;
	for (int x = 0; x < NR_VARS; x++)
		h = (h ^ (uint64_t)(unsigned)s->vars[x]) * 1099511628211ull;
	for (int t = 0; t < p->nr_threads; t++)
		for (int i = 0; i < p->len[t]; i++)
			h = (h ^ (uint64_t)(unsigned)s->reads[t][i]) * 1099511628211ull;
	return h;
}

struct outcomes {
	size_t n;
	uint64_t v[4096];
	bool deadlock;
	char path[4096][40];	/* an interleaving that reaches v[i] (enumerate() only) */
};
/* The interleaving enumerate() is in, as thread digits: an outcome's example. */
static char cur_path[40];
static int cur_depth;
/* sound_on() prints what DPOR missed: set once a program fails. */
static bool describing;
/* Interleavings enumerate() ran to their end. */
static long interleavings;

static void add_outcome(struct outcomes *o, uint64_t v)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i] == v)
			return;
	assert_true(o->n < sizeof(o->v) / sizeof(o->v[0]));
	memcpy(o->path[o->n], cur_path, sizeof(cur_path));
	o->v[o->n++] = v;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Every interleaving, by recursion. */
static void enumerate(const struct program *p, const struct state *s, struct outcomes *o)
{
	uint64_t m = runnable_mask(p, s);
	bool deadlock = false;

	if (!m) {
		interleavings++;
		for (int t = 0; t < p->nr_threads; t++)
			deadlock |= s->pc[t] < p->len[t];
		o->deadlock |= deadlock;
		add_outcome(o, outcome(p, s));
		return;
	}
	for (int t = 0; t < p->nr_threads; t++)
		if (m >> t & 1) {
			struct state next = *s;

			step(p, &next, t);
			cur_path[cur_depth++] = (char)('0' + t);
			cur_path[cur_depth] = 0;
			enumerate(p, &next, o);
			cur_path[--cur_depth] = 0;
		}
}

/*
 * Where the path DPOR analyses ends (every runnable thread asleep, or a
 * deadlock): the threads waiting for a lock there, and their attempts.
 */
static void record_blocked(const struct program *p, const struct state *s,
			   struct sched_ctl_trace *tr)
{
	for (int t = 0; t < p->nr_threads; t++) {
		if (s->pc[t] == p->len[t] || runnable(p, s, t))
			continue;
		tr->pending[tr->nr_pending].thread = t;
		tr->pending[tr->nr_pending].fp = (struct sgt_footprint){ 0 };
		sgt_fp_add(&tr->pending[tr->nr_pending++].fp, &lock_loc[p->op[t][s->pc[t]].x],
			   SGT_FP_ACQUIRE);
	}
}

/*
 * One execution as the bounded scheduler makes it, with DPOR's prefix and
 * sleepers; its trace for dpor_record().
 */
static void execute(const struct program *p, const struct dpor *d, const uint32_t *prefix,
		    size_t len, const struct sched_ctl_sleeper *sleepers, int nr_sleepers,
		    struct sched_ctl_trace *tr, struct outcomes *o)
{
	size_t sleep_at = nr_sleepers && len ? len - 1 : SIZE_MAX;
	struct sgt_footprint sleep_fp[MAX_THREADS];
	uint64_t sleep_mask = 0, m;
	int current = -1;
	struct state s;

	for (int i = 0; i < nr_sleepers; i++) {
		sleep_mask |= 1ull << sleepers[i].thread;
		sleep_fp[sleepers[i].thread] = sleepers[i].fp;
	}
	init_state(&s);
	tr->n = 0;
	tr->overflow = false;
	tr->blocked_at = SIZE_MAX;
	tr->nr_pending = 0;
	for (size_t k = 0; (m = runnable_mask(p, &s)); k++) {
		uint64_t asleep = k > sleep_at ? sleep_mask : 0, awake = m & ~asleep;
		struct sched_ctl_decision *dec = &tr->d[tr->n++];
		int chosen;

		assert_true(tr->n <= tr->cap);
		if (k < len && (m >> prefix[k] & 1)) {
			chosen = (int)prefix[k];
		} else {
			if (!awake) {
				if (tr->blocked_at == SIZE_MAX) {
					tr->blocked_at = k;
					record_blocked(p, &s, tr);
				}
				awake = m;
			}
			chosen = current >= 0 && (awake >> current & 1) ? current
								       : __builtin_ctzll(awake);
		}
		*dec = (struct sched_ctl_decision){
			.chosen = (int8_t)chosen, .current = (int8_t)current,
			.current_runnable = current >= 0 && (m >> current & 1), .runnable = m,
		};
		dec->fp = step(p, &s, chosen);
		if (k >= sleep_at)
			for (int q = 0; q < p->nr_threads; q++)
				if ((sleep_mask >> q & 1) && d->dependent(&sleep_fp[q], &dec->fp))
					sleep_mask &= ~(1ull << q);
		current = chosen;
	}
	for (int t = 0; t < p->nr_threads; t++)
		o->deadlock |= s.pc[t] < p->len[t];
	if (tr->blocked_at == SIZE_MAX)		/* a deadlock: the path ends here */
		record_blocked(p, &s, tr);
	add_outcome(o, outcome(p, &s));
}

static bool writes_commute(const struct sgt_footprint *x, const struct sgt_footprint *y)
{
	for (int i = 0; i < x->n; i++)
		for (int j = 0; j < y->n; j++)
			if (x->a[i] == y->a[j] && (x->writes >> i & 1) && (y->writes >> j & 1))
				return false;	/* the seeded bug: two writes commute */
	return sgt_fp_dependent(x, y);
}

/* DPOR's outcomes; how many executions it took. */
static int explore(const struct program *p, bool seeded_bug, struct outcomes *o)
{
	struct sched_ctl_trace *tr = calloc(1, sizeof(*tr) + 64 * sizeof(tr->d[0]));
	const struct sched_ctl_sleeper *sleepers;
	const uint32_t *prefix;
	int n = 0, nr_sleepers;
	struct dpor d;
	size_t len;

	assert_non_null(tr);
	tr->cap = 64;
	dpor_init(&d, p->nr_threads, -1);
	if (seeded_bug)
		d.dependent = writes_commute;
	while (dpor_next(&d, &prefix, &len, &sleepers, &nr_sleepers)) {
		execute(p, &d, prefix, len, sleepers, nr_sleepers, tr, o);
		dpor_record(&d, tr);
		n++;
		assert_true(n < 100000);
	}
	dpor_free(&d);
	free(tr);
	return n;
}

/* Same outcome sets?  Sorted, compared whole. */
static bool same_outcomes(struct outcomes *a, struct outcomes *b)
{
	qsort(a->v, a->n, sizeof(a->v[0]), cmp_u64);
	qsort(b->v, b->n, sizeof(b->v[0]), cmp_u64);
	return a->n == b->n && !memcmp(a->v, b->v, a->n * sizeof(a->v[0])) &&
	       a->deadlock == b->deadlock;
}

/* Is every outcome in a one of b? */
static bool subset(const struct outcomes *a, const struct outcomes *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!bsearch(&a->v[i], b->v, b->n, sizeof(b->v[0]), cmp_u64))
			return false;
	return !a->deadlock || b->deadlock;
}

/* For whoever reads a failure: the program and an interleaving whose outcome DPOR missed. */
static void describe_missed(const struct program *p, const struct outcomes *all,
			    const struct outcomes *dpor)
{
	static const char *const name[] = { "RD", "WR", "WRR", "LK", "UL" };

	for (size_t i = 0; i < all->n; i++) {
		bool reached = false;

		for (size_t k = 0; k < dpor->n; k++)
			reached |= dpor->v[k] == all->v[i];
		if (reached)
			continue;
		for (int t = 0; t < p->nr_threads; t++) {
			char line[128];
			int at = snprintf(line, sizeof(line), "  T%d:", t);

			for (int k = 0; k < p->len[t] && at < (int)sizeof(line) - 8; k++)
				at += snprintf(line + at, sizeof(line) - (size_t)at, " %s %d",
					       name[p->op[t][k].k], p->op[t][k].x);
			print_message("%s\n", line);
		}
		print_message("  missed: the outcome of running threads %s, in that order\n",
			      all->path[i]);
		return;
	}
}

static bool sound_on(const struct program *p, bool seeded_bug, int *executions)
{
	static struct outcomes all, dpor;
	int n;

	memset(&all, 0, sizeof(all));
	memset(&dpor, 0, sizeof(dpor));
	interleavings = 0;
	enumerate(p, &(struct state){ .owner = { -1, -1 } }, &all);
	n = explore(p, seeded_bug, &dpor);
	if (describing)
		describe_missed(p, &all, &dpor);
	if (executions)
		*executions = n;
	if (same_outcomes(&all, &dpor))
		return true;
	assert_true(subset(&dpor, &all));	/* missing some, never inventing one */
	return false;
}

/* Lost update: two read-increment-write sequences; a = 1 or 2. */
static const struct program lost_update = {
	.nr_threads = 2, .len = { 2, 2 },
	.op = { { { RD, 0 }, { WRR, 0 } }, { { RD, 0 }, { WRR, 0 } } },
};

/* ABBA: the deadlock is an outcome. */
static const struct program abba = {
	.nr_threads = 2, .len = { 4, 4 },
	.op = { { { LK, 0 }, { LK, 1 }, { UL, 1 }, { UL, 0 } },
		{ { LK, 1 }, { LK, 0 }, { UL, 0 }, { UL, 1 } } },
};

/* Message passing under a lock: flag seen set means data seen set. */
static const struct program mp_lock = {
	.nr_threads = 2, .len = { 4, 4 },
	.op = { { { WR, 0, 1 }, { LK, 0 }, { WR, 1, 1 }, { UL, 0 } },
		{ { LK, 0 }, { RD, 1 }, { UL, 0 }, { RD, 0 } } },
};

/* Two plain writes of one location: 1 or 2 survives. */
static const struct program two_writes = {
	.nr_threads = 2, .len = { 1, 1 },
	.op = { { { WR, 0, 1 } }, { { WR, 0, 2 } } },
};

static void test_litmus(void **state)
{
	static struct outcomes o;
	int n;

	assert_true(sound_on(&lost_update, false, &n));
	memset(&o, 0, sizeof(o));
	explore(&lost_update, false, &o);
	assert_int_equal(o.n, 3);	/* a = 2 (0 then 1, 1 then 0), or a = 1 (either read 0 both) */
	memset(&o, 0, sizeof(o));
	assert_true(sound_on(&abba, false, &n));
	explore(&abba, false, &o);
	assert_true(o.deadlock);
	memset(&o, 0, sizeof(o));
	assert_true(sound_on(&mp_lock, false, &n));
	explore(&mp_lock, false, &o);
	assert_int_equal(o.n, 3);	/* (flag, data) read as (0, 0), (0, 1), (1, 1); never (1, 0) */
	/* Independent threads: one execution. */
	static const struct program apart = {
		.nr_threads = 2, .len = { 2, 2 },
		.op = { { { WR, 0, 1 }, { RD, 0 } }, { { WR, 1, 1 }, { RD, 1 } } },
	};
	assert_true(sound_on(&apart, false, &n));
	assert_int_equal(n, 1);
}

/*
 * Programs from a fixed seed: RD, WR, WRR anywhere; a thread may hold lock
 * 0 or 1 around its later accesses, and inside it the other one (nested in
 * either order, so ABBA deadlocks are among them).
 */
static void random_program(unsigned int *seed, struct program *p)
{
	memset(p, 0, sizeof(*p));
	p->nr_threads = 2 + (int)(rand_r(seed) % 2);
	for (int t = 0; t < p->nr_threads; t++) {
		int n = 1 + (int)(rand_r(seed) % 3);
		int outer = (int)(rand_r(seed) % 4) - 2;	/* < 0: no lock */
		bool nested = outer >= 0 && rand_r(seed) % 3 == 0;
		int at = 0;

		for (int i = 0; i < n; i++) {
			if (outer >= 0 && i == n / 2) {
				p->op[t][at++] = (struct op){ .k = LK, .x = outer };
				if (nested)
					p->op[t][at++] = (struct op){ .k = LK, .x = 1 - outer };
			}
			p->op[t][at++] = (struct op){ .k = (enum op_kind)(rand_r(seed) % 3),
						      .x = (int)(rand_r(seed) % NR_VARS), .v = t + 1 };
		}
		if (nested)
			p->op[t][at++] = (struct op){ .k = UL, .x = 1 - outer };
		if (outer >= 0)
			p->op[t][at++] = (struct op){ .k = UL, .x = outer };
		p->len[t] = at;
	}
}

static void test_random_programs(void **state)
{
	unsigned int seed = 20261127;
	long dpor = 0, all = 0;

	for (int i = 0; i < nr_programs; i++) {
		struct program p;
		int n;

		random_program(&seed, &p);
		if (!sound_on(&p, false, &n)) {
			describing = true;
			sound_on(&p, false, NULL);
			fail_msg("random program %d: DPOR misses some of its outcomes", i);
		}
		dpor += n;
		all += interleavings;
	}
	/* The programs race, and DPOR explores fewer executions than there are interleavings. */
	assert_true(dpor > nr_programs && dpor < all);
	print_message("%d programs: DPOR ran %ld executions, there are %ld interleavings\n",
		      nr_programs, dpor, all);
}

/* The seeded bug: some program's outcomes go missing, and the comparison says so. */
static void test_seeded_bug_caught(void **state)
{
	unsigned int seed = 20261127;
	int caught = 0;

	assert_false(sound_on(&two_writes, true, NULL));
	for (int i = 0; i < nr_programs && i < 3000; i++) {
		struct program p;

		random_program(&seed, &p);
		caught += !sound_on(&p, true, NULL);
	}
	assert_true(caught > 0);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		nr_programs = atoi(argv[1]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_litmus),
		cmocka_unit_test(test_random_programs),
		cmocka_unit_test(test_seeded_bug_caught),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
