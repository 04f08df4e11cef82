// SPDX-License-Identifier: GPL-2.0
/* libFuzzer: the --fault POINT=SPEC parser: accepts, or one line naming the bad input. */
#include <stdlib.h>
#include <string.h>

#include <check/fault.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char arg[256], err[300];

	if (size >= sizeof(arg))
		return 0;
	memcpy(arg, data, size);
	arg[size] = 0;
	if (sgt_fault_parse(arg, err, sizeof(err)) && (!err[0] || strchr(err, '\n')))
		abort();	/* a refusal is one non-empty line */
	sgt_fault_reset();
	return 0;
}
