/* SPDX-License-Identifier: GPL-2.0 */
/* The sg-table subject: the engine's one implementation of struct torture_subject. */
#ifndef SGT_TORTURE_SGTABLE_SUBJECT_H
#define SGT_TORTURE_SGTABLE_SUBJECT_H

#include "../engine/subject.h"

extern const struct torture_subject sgtable_subject;
/* What one iteration of each role does, for `list` (roles.c, beside the steps). */
extern const char *const sgtable_role_help[];
extern const int sgtable_role_default[];
/* The versions' history, for sgtorture report (history.c). */
const char *sgtable_scenario_source(const char *id, char *buf, size_t len);
const char *sgtable_variant_version(int v);
const char *sgtable_model_version(int m);
int sgtable_scenario_related(const char *id, int variant, int model,
			     struct torture_related *out, int max);

#endif /* SGT_TORTURE_SGTABLE_SUBJECT_H */
