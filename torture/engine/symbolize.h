/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Code addresses to "function file:line", in the parent: a child forked
 * from it runs the same binary at the same addresses, so the child's raw
 * return addresses (crashes, TSan reports, sgtorture report's stacks) are
 * the parent's too.  Through binutils' addr2line, which the compilers
 * bring: it reads the DWARF line tables and the inline chains (-i), which
 * glibc's backtrace_symbols() cannot.
 */
#ifndef SGT_TORTURE_SYMBOLIZE_H
#define SGT_TORTURE_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * "function file:line" for one code address (a return address: the call
 * before it is looked up); false for a frame of a sanitizer's runtime,
 * which reports leave out.
 */
bool torture_symbolize(void *pc, char *buf, size_t len);

/* One source frame: a function, and where in it (inlined frames are frames too). */
struct torture_frame {
	char func[96];
	char file[160];			/* as the DWARF names it: the path the build used */
	int line;
	bool inlined;			/* inlined into the next frame */
};

/*
 * The frames of a stack (return addresses, NULL-terminated or n long),
 * innermost first, each address's inline chain expanded: one addr2line for
 * the whole stack.  Returns how many frames were written to out.
 */
int torture_symbolize_stack(void *const *pcs, int n, struct torture_frame *out, int max);

#endif /* SGT_TORTURE_SYMBOLIZE_H */
