// SPDX-License-Identifier: GPL-2.0
/* Code addresses to functions and source lines, through addr2line (symbolize.h). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "symbolize.h"

/* A frame of the sanitizer's runtime, not of the program (its interceptors, its hooks). */
static bool runtime_frame(const Dl_info *info, const char *func)
{
	return (info->dli_fname && strstr(info->dli_fname, "libtsan")) ||
	       !strncmp(func, "__tsan_", 7) || !strncmp(func, "__interceptor_", 14) ||
	       !strncmp(func, "__sanitizer", 11);
}

bool torture_symbolize(void *pc, char *buf, size_t len)
{
	Dl_info info = { 0 };
	char cmd[512];
	FILE *p;

	snprintf(buf, len, "%p", pc);
	if (!dladdr(pc, &info) || !info.dli_fname)
		return true;
	if (runtime_frame(&info, info.dli_sname ? info.dli_sname : ""))
		return false;
	snprintf(cmd, sizeof(cmd), "addr2line -f -C -e '%s' %#lx 2>/dev/null", info.dli_fname,
		 (unsigned long)((char *)pc - 1 - (char *)info.dli_fbase));
	p = popen(cmd, "r");
	if (!p)
		return true;
	char func[256] = "", line[256] = "";
	if (fgets(func, sizeof(func), p) && fgets(line, sizeof(line), p)) {
		func[strcspn(func, "\n")] = 0;
		line[strcspn(line, "\n")] = 0;
		/* Bounded: a C++-mangled name may be long; the file:line is what matters. */
		snprintf(buf, len, "%.120s %.60s", func,
			 strrchr(line, '/') ? strrchr(line, '/') + 1 : line);
	}
	pclose(p);
	return !runtime_frame(&info, func);
}

/* A frame addr2line cannot place: the symbol dladdr() knows, or the address. */
static void frame_from_dladdr(void *pc, struct torture_frame *f)
{
	Dl_info info = { 0 };

	memset(f, 0, sizeof(*f));
	if (dladdr(pc, &info) && info.dli_sname)
		snprintf(f->func, sizeof(f->func), "%s", info.dli_sname);
	else
		snprintf(f->func, sizeof(f->func), "%p", pc);
	if (info.dli_fname)
		snprintf(f->file, sizeof(f->file), "%s",
			 strrchr(info.dli_fname, '/') ? strrchr(info.dli_fname, '/') + 1 :
							info.dli_fname);
}

/*
 * addr2line -a -f -i: per address, its "0x..." line, then function and
 * file:line pairs, innermost inline frame first.
 */
static int read_frames(FILE *p, struct torture_frame *out, int max)
{
	char func[256], where[512];
	int n = 0;

	while (fgets(func, sizeof(func), p)) {
		if (!strncmp(func, "0x", 2)) {		/* the next address */
			if (n > 0)
				out[n - 1].inlined = false;
			continue;
		}
		if (!fgets(where, sizeof(where), p) || n == max)
			break;
		func[strcspn(func, "\n")] = 0;
		where[strcspn(where, "\n")] = 0;
		char *colon = strrchr(where, ':');

		memset(&out[n], 0, sizeof(out[n]));
		snprintf(out[n].func, sizeof(out[n].func), "%.95s", func);
		if (colon) {
			*colon = 0;
			out[n].line = atoi(colon + 1);	/* "?" and "123 (discriminator 2)": atoi copes */
		}
		snprintf(out[n].file, sizeof(out[n].file), "%.159s", where);
		out[n].inlined = true;		/* until the next address says otherwise */
		n++;
	}
	if (n > 0)
		out[n - 1].inlined = false;
	return n;
}

int torture_symbolize_stack(void *const *pcs, int n, struct torture_frame *out, int max)
{
	Dl_info self = { 0 }, info;
	char cmd[8192];
	int used, nr = 0;
	FILE *p;

	if (!dladdr((void *)torture_symbolize_stack, &self) || !self.dli_fname)
		return 0;
	used = snprintf(cmd, sizeof(cmd), "addr2line -a -f -i -C -e '%s'", self.dli_fname);
	for (int i = 0; i < n && pcs[i]; i++)
		if (dladdr(pcs[i], &info) && info.dli_fbase == self.dli_fbase)
			used += snprintf(cmd + used, sizeof(cmd) - (size_t)used, " %#lx",
					 (unsigned long)((char *)pcs[i] - 1 - (char *)self.dli_fbase));
	if ((size_t)used >= sizeof(cmd) - 32)
		return 0;
	snprintf(cmd + used, sizeof(cmd) - (size_t)used, " 2>/dev/null");
	p = popen(cmd, "r");
	if (!p)
		return 0;
	/* This binary's addresses, in order; another object's (libc) from dladdr. */
	struct torture_frame own[256];
	int nr_own = read_frames(p, own, 256), k = 0;

	pclose(p);
	for (int i = 0; i < n && pcs[i] && nr < max; i++) {
		if (!dladdr(pcs[i], &info) || info.dli_fbase != self.dli_fbase) {
			frame_from_dladdr(pcs[i], &out[nr++]);
			continue;
		}
		/* This address's chain: frames up to and including the first not inlined. */
		while (k < nr_own && nr < max) {
			out[nr++] = own[k];
			if (!own[k++].inlined)
				break;
		}
	}
	return nr;
}
