// SPDX-License-Identifier: GPL-2.0
/*
 * Bad usage: one line naming the bad value and the accepted ones, exit 2,
 * before anything runs; and the numbers every option row parses.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "params.h"

/* Where the value being parsed came from ("replay FILE:LINE"), or "": the command line. */
static char where[512];

void torture_usage_where(const char *fmt, ...)
{
	va_list ap;

	where[0] = 0;
	if (!fmt)
		return;
	va_start(ap, fmt);
	vsnprintf(where, sizeof(where), fmt, ap);
	va_end(ap);
}

void torture_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "sgtorture: %s%s", where, where[0] ? ": " : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see --help)\n", stderr);
	exit(2);
}

/* strtod takes "nan" and "inf": a duration of NaN would run for ever. */
double torture_parse_double(const char *opt, const char *arg, double min, double max,
			    const char *accepted)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < min || v > max)
		torture_usage_error("%s '%s': accepted is %s", opt, arg, accepted);
	return v;
}

long torture_parse_long(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		torture_usage_error("%s '%s': accepted is a whole number from %ld to %ld", opt, arg,
				    min, max);
	return v;
}

