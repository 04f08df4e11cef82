// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <check/sched.h>
#include <check/wait.h>

#include "torture.h"

void torture_random_init(struct torture_random_state *trs, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0x9e3779b97f4a7c15ull);

	/* splitmix64 once, so neighbouring streams start far apart; never 0. */
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	trs->s = (x ^ (x >> 31)) | 1;
}

/* --- stutter ---------------------------------------------------------------- */

static uint64_t stutter_period_ns, stutter_next_ns;	/* the controller's */
static atomic_bool stutter_pause;

void torture_stutter_init(double period_s, uint64_t now_ns)
{
	stutter_period_ns = (uint64_t)(period_s * 1e9);
	stutter_next_ns = now_ns + stutter_period_ns;
	atomic_store(&stutter_pause, false);
}

void torture_stutter_tick(uint64_t now_ns)
{
	if (!stutter_period_ns || now_ns < stutter_next_ns)
		return;
	stutter_next_ns = now_ns + stutter_period_ns;
	atomic_store(&stutter_pause, !atomic_load(&stutter_pause));
}

bool torture_stutter_paused(void)
{
	return atomic_load_explicit(&stutter_pause, memory_order_relaxed);
}

void torture_stutter_wait(const atomic_bool *stop)
{
	/* Relaxed: a pause flag; nothing is published through it. */
	while (atomic_load_explicit(&stutter_pause, memory_order_relaxed) &&
	       !atomic_load_explicit(stop, memory_order_relaxed))
		usleep(1000);
}

/* --- window coverage and jitter --------------------------------------------- */

/* Which windows race which: the subject's and the variant's pairs, {0}-terminated. */
static const struct sgt_window_conflict *conflict_lists[2];

static struct torture_result *hook_res;
static const struct sgt_window *window_ptr[MAX_WINDOWS];	/* index -> window */
static atomic_int window_inside[MAX_WINDOWS];
static pthread_mutex_t window_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t jitter_threshold;	/* probability * 2^32 */
static uint64_t jitter_seed;
static atomic_uint jitter_streams;
static _Thread_local struct torture_random_state jitter_rng;
static _Thread_local bool jitter_rng_ready;

/* Index of w in the result's table, registering it on first sight. */
static int window_index(const struct sgt_window *w)
{
	int n = atomic_load(&hook_res->nr_windows), i;

	for (i = 0; i < n; i++)
		if (window_ptr[i] == w)
			return i;
	pthread_mutex_lock(&window_lock);
	n = atomic_load(&hook_res->nr_windows);
	for (i = 0; i < n && window_ptr[i] != w; i++)
		;
	if (i == n && n < MAX_WINDOWS) {
		window_ptr[n] = w;
		strncpy(hook_res->windows[n].name, w->name, sizeof(hook_res->windows[n].name) - 1);
		/* Release: the pointer and name are set before the count shows them. */
		atomic_store(&hook_res->nr_windows, n + 1);
	}
	pthread_mutex_unlock(&window_lock);
	return i < MAX_WINDOWS ? i : -1;
}

/* Is a window that conflicts with w open in another thread? */
static bool window_conflicts_open(const struct sgt_window *w)
{
	int n = atomic_load(&hook_res->nr_windows);

	for (int l = 0; l < 2; l++) {
		for (const struct sgt_window_conflict *c = conflict_lists[l]; c && c->a; c++) {
			const struct sgt_window *other = c->a == w ? c->b : c->b == w ? c->a : NULL;

			if (!other)
				continue;
			for (int i = 0; i < n; i++)
				if (window_ptr[i] == other && atomic_load(&window_inside[i]) > 0)
					return true;
		}
	}
	return false;
}

static void window_enter(const struct sgt_window *w)
{
	int i = window_index(w);

	if (i < 0)
		return;
	atomic_fetch_add_explicit(&hook_res->windows[i].entered, 1, memory_order_relaxed);
	if (window_conflicts_open(w))
		atomic_fetch_add_explicit(&hook_res->windows[i].contended, 1,
					  memory_order_relaxed);
	atomic_fetch_add(&window_inside[i], 1);
}

static void window_exit(const struct sgt_window *w)
{
	int i = window_index(w);

	if (i >= 0)
		atomic_fetch_sub(&window_inside[i], 1);
}

static void jitter(enum sgt_sp_kind kind)
{
	uint64_t r;

	if (!jitter_rng_ready) {
		torture_random_init(&jitter_rng, jitter_seed, 1000 + atomic_fetch_add(&jitter_streams, 1));
		jitter_rng_ready = true;
	}
	r = torture_random(&jitter_rng);
	if ((uint32_t)r >= jitter_threshold)
		return;
	if (kind == SGT_SP_WINDOW_ENTER)
		usleep(1 + (unsigned int)((r >> 32) % 50));	/* widen the window */
	else
		sched_yield();
}

static void torture_hook(enum sgt_sp_kind kind, const void *addr)
{
	if (kind == SGT_SP_WINDOW_ENTER) {
		window_enter(addr);
		/* Routine: a thread's recent crossings show; older ones are noise. */
		trace_event(TRACE_ENTER | TRACE_ROUTINE, ((const struct sgt_window *)addr)->name,
			    NULL, -1);
	} else if (kind == SGT_SP_WINDOW_EXIT) {
		trace_event(TRACE_EXIT | TRACE_ROUTINE, ((const struct sgt_window *)addr)->name,
			    NULL, -1);
		window_exit(addr);
	} else if (kind == SGT_SP_FREE) {
		trace_event(TRACE_OP, "object freed", addr, -1);
	}
	if (jitter_threshold && kind != SGT_SP_BLOCK && kind != SGT_SP_WINDOW_EXIT)
		jitter(kind);
}

void torture_hook_install(struct torture_result *res, double p, uint64_t seed,
			  const struct sgt_window_conflict *common,
			  const struct sgt_window_conflict *own)
{
	hook_res = res;
	conflict_lists[0] = common;
	conflict_lists[1] = own;
	jitter_seed = seed;
	jitter_threshold = p >= 1.0 ? UINT32_MAX : (uint32_t)(p * 4294967296.0);
	sgt_sched_set_hook(torture_hook);
}

void torture_hook_remove(void)
{
	sgt_sched_set_hook(NULL);
}
