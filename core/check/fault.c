// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check/fault.h>
#include <check/names.h>

const char *const sgt_fault_name[SGT_FAULT_NR] = {
	[SGT_FAULT_DEVRES_ALLOC] = "devres-alloc",
	[SGT_FAULT_DEVM_ADD_ACTION] = "devm-add-action",
	[SGT_FAULT_PAGE_ALLOC] = "page-alloc",
	[SGT_FAULT_EINTR] = "eintr",
	[SGT_FAULT_WW_EDEADLK] = "ww-edeadlk",
};

atomic_bool sgt_fault_armed;

struct fault_state {
	/* Set while no thread is calling the point (before a run). */
	struct sgt_fault_attr attr;
	bool armed;
	atomic_uint_fast64_t calls;
	atomic_uint_fast64_t injected;
};

static struct fault_state faults[SGT_FAULT_NR];
static uint64_t fault_seed = 0x5347544f52545552ull;	/* set before a run */

/* splitmix64: a good, cheap mix of (seed, point, call). */
static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static bool fault_decide(const struct fault_state *f, enum sgt_fault_point p, uint64_t n)
{
	const struct sgt_fault_attr *a = &f->attr;

	if (a->nth)
		return n == a->nth;
	if (a->interval && n % a->interval == 0)
		return true;
	return a->probability_ppm &&
	       mix64(fault_seed ^ ((uint64_t)p << 56) ^ n) % 1000000 < a->probability_ppm;
}

bool __sgt_should_fail(enum sgt_fault_point p)
{
	struct fault_state *f = &faults[p];
	/* Relaxed: a ticket; the order of calls across threads is not the point. */
	uint64_t n = atomic_fetch_add_explicit(&f->calls, 1, memory_order_relaxed) + 1;

	if (!f->armed || !fault_decide(f, p, n))
		return false;
	if (f->attr.times >= 0 &&
	    atomic_load_explicit(&f->injected, memory_order_relaxed) >= (uint64_t)f->attr.times)
		return false;
	atomic_fetch_add_explicit(&f->injected, 1, memory_order_relaxed);
	return true;
}

void sgt_fault_set(enum sgt_fault_point p, const struct sgt_fault_attr *attr)
{
	faults[p].attr = *attr;
	faults[p].armed = attr->probability_ppm || attr->interval || attr->nth;
	if (faults[p].armed)
		atomic_store(&sgt_fault_armed, true);
}

void sgt_fault_seed(uint64_t seed)
{
	fault_seed = seed;
}

void sgt_fault_reset(void)
{
	atomic_store(&sgt_fault_armed, false);
	for (int p = 0; p < SGT_FAULT_NR; p++) {
		faults[p].armed = false;
		faults[p].attr = (struct sgt_fault_attr){ .times = -1 };
		atomic_store(&faults[p].calls, 0);
		atomic_store(&faults[p].injected, 0);
	}
}

uint64_t sgt_fault_calls(enum sgt_fault_point p)
{
	return atomic_load(&faults[p].calls);
}

uint64_t sgt_fault_injected(enum sgt_fault_point p)
{
	return atomic_load(&faults[p].injected);
}

static int fault_lookup(const char *name, size_t len)
{
	for (int p = 0; p < SGT_FAULT_NR; p++)
		if (strlen(sgt_fault_name[p]) == len && !strncmp(name, sgt_fault_name[p], len))
			return p;
	return -1;
}

static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || (*end && *end != ',') || v == 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_spec(const char *spec, struct sgt_fault_attr *a)
{
	const char *times = strstr(spec, ",times:");
	char *end;

	if (times && !parse_u32(times + 7, (uint32_t *)&a->times))
		return false;
	if (!strncmp(spec, "every:", 6))
		return parse_u32(spec + 6, &a->interval);
	if (!strncmp(spec, "nth:", 4))
		return parse_u32(spec + 4, &a->nth);
	double p = strtod(spec, &end);
	if (end == spec || (*end && *end != ',') || p < 0 || p > 1)
		return false;
	a->probability_ppm = (uint32_t)(p * 1e6 + 0.5);
	return true;
}

static const char *fault_name(int p)
{
	return sgt_fault_name[p];
}

const char *sgt_fault_names(void)
{
	static char names[256];

	return sgt_join_names(names, sizeof(names), SGT_FAULT_NR, fault_name);
}

int sgt_fault_parse(const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');
	struct sgt_fault_attr a = { .times = -1 };
	int p = eq ? fault_lookup(arg, (size_t)(eq - arg)) : -1;

	char shown[128];

	/* The refusal is one line: the input is shown with its control bytes as '?'. */
	snprintf(shown, sizeof(shown), "%s", arg);
	for (char *c = shown; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	if (p < 0) {
		snprintf(err, errlen, "unknown fault point in '%s': accepted are %s (as POINT=SPEC)",
			 shown, sgt_fault_names());
		return -EINVAL;
	}
	if (!parse_spec(eq + 1, &a)) {
		snprintf(err, errlen,
			 "bad fault spec '%s' for %s: accepted are a probability in [0,1], "
			 "every:N or nth:N (N >= 1), optionally followed by ,times:K",
			 shown + (eq + 1 - arg < (long)sizeof(shown) ? eq + 1 - arg : 0),
			 sgt_fault_name[p]);
		return -EINVAL;
	}
	sgt_fault_set((enum sgt_fault_point)p, &a);
	return 0;
}
