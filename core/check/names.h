/* SPDX-License-Identifier: GPL-2.0 */
/* "a, b, c": a table's names in one line, for --help and "accepted are ..." messages. */
#ifndef SGT_NAMES_H
#define SGT_NAMES_H

#include <stddef.h>

/*
 * Fill buf with name(0), ..., name(n - 1), comma separated, once: later
 * calls return buf as it is.  Single-threaded (option parsing and help).
 */
const char *sgt_join_names(char *buf, size_t len, int n, const char *(*name)(int i));

#endif /* SGT_NAMES_H */
