/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reported races and bugs: one entry per upstream report and its fix,
 * beside the hazard catalogue.  Each names the fix's commit and title (or
 * the review that reported it), what runs before and after the fix -- a
 * Devres model, or for a fix in the subject's own code a port -- and the
 * configuration and oracle that show it: `sgtorture repro R<n>` finds it
 * before; the same configuration after the fix never fires it.
 */
#ifndef SGTABLE_REPORTED_H
#define SGTABLE_REPORTED_H

#include <sgtable/hazards.h>

struct sgtable_report {
	const char *name;		/* "R1" */
	const char *commit, *title;	/* the fix */
	const char *reported;		/* where and when */
	const char *desc;
	enum devres_model before, after;	/* after == before for a port's fix */
	const char *strategy;
	const char *after_strategy;	/* the fix is this port (NULL: the model after) */
	int threads[SGTABLE_NR_ROLES];
	int objects, devices;
	double jitter;			/* free threads: widen the windows */
	/*
	 * Free threads: each thread's operations per attempt (0: no end).  A
	 * bug that only the final leak check sees needs short attempts (R5).
	 */
	unsigned long ops;
	int oracle;			/* a violation kind */
	/* Review findings: the catalogue's hazards it reported (SGTABLE_HAZ()), 0 for none. */
	unsigned int findings;
	unsigned int check_ops;		/* sgtorture check (0: its default) */
	int check_preemptions;		/* sgtorture check's bound (0: its default, 2) */
	uint64_t check_seed;
};

extern const struct sgtable_report sgtable_reports[];
extern const int sgtable_nr_reports;
const struct sgtable_report *sgtable_report_find(const char *name);

#endif /* SGTABLE_REPORTED_H */
