// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>

#include <check/names.h>

const char *sgt_join_names(char *buf, size_t len, int n, const char *(*name)(int i))
{
	size_t used = 0;

	if (buf[0])
		return buf;
	for (int i = 0; i < n && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name(i));
	return buf;
}
