/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outcome grades, jcstress style: a subject names what an observer can see
 * and grades each outcome; a torture run fails on a FORBIDDEN outcome and on
 * one left UNGRADED (an outcome nobody expected is a finding too).
 */
#ifndef SGT_GRADE_H
#define SGT_GRADE_H

enum sgt_grade { SGT_UNGRADED, SGT_ACCEPTABLE, SGT_INTERESTING, SGT_FORBIDDEN };

static inline const char *sgt_grade_name(enum sgt_grade g)
{
	static const char *const names[] = {
		[SGT_UNGRADED] = "UNGRADED", [SGT_ACCEPTABLE] = "acceptable",
		[SGT_INTERESTING] = "interesting", [SGT_FORBIDDEN] = "FORBIDDEN",
	};

	return names[g];
}

#endif /* SGT_GRADE_H */
