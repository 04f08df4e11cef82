// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the schedule-file reader, on any bytes: it accepts or names a line, never crashes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../engine/torture.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct torture_schedule s;
	FILE *f = fmemopen((void *)data, size, "r");
	bool ok;

	if (!f)
		return 0;
	ok = torture_read_schedule_stream(f, "fuzz.sched", &s);
	fclose(f);
	/* A schedule read is whole: as many choices as its header says. */
	if (ok && s.nr != s.expected)
		abort();
	if (!ok && (strncmp(s.error, "fuzz.sched:", 11) || strchr(s.error, '\n')))
		abort();	/* every complaint names the file and its line, in one line */
	free(s.choices);
	return 0;
}
