// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the --threads ROLE=N,... parser, with the sg-table subject's roles. */
#include <stdlib.h>
#include <string.h>

#include <sgtable/hazards.h>

#include "../../engine/torture.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	int threads[SGTABLE_NR_ROLES] = { 1, 2, 1, 1 };
	char arg[600], err[300];

	if (size >= sizeof(arg))
		return 0;
	memcpy(arg, data, size);
	arg[size] = 0;
	if (torture_threads_parse(arg, SGTABLE_NR_ROLES, sgtable_role_option, SGTABLE_ACCESSOR,
				  threads, err, sizeof(err))) {
		if (!err[0] || strchr(err, '\n'))
			abort();	/* a refusal says why, in one line */
		return 0;
	}
	for (int r = 0; r < SGTABLE_NR_ROLES; r++)
		if (threads[r] < 0 || threads[r] > MAX_PER_ROLE)
			abort();
	if (threads[SGTABLE_ACCESSOR] < 1)
		abort();
	return 0;
}
