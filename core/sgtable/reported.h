/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reported races: one entry per upstream report and fix of rust/kernel/
 * devres.rs, beside the hazard catalogue.  Each names the fix's commit and
 * title, the Devres model before and after it, and the configuration and
 * oracle that show the race: `sgtorture repro R<n>` finds it on the model
 * before; the same configuration on the model after never fires it.
 */
#ifndef SGTABLE_REPORTED_H
#define SGTABLE_REPORTED_H

#include <sgtable/hazards.h>

struct sgtable_report {
	const char *name;		/* "R1" */
	const char *commit, *title;	/* the fix */
	const char *reported;		/* where and when */
	const char *desc;
	enum devres_model before, after;
	const char *strategy;
	int threads[SGTABLE_NR_ROLES];
	int objects, devices;
	double jitter;			/* free threads: widen the windows */
	int oracle;			/* a violation kind */
	unsigned int check_ops;		/* sgtorture check (0: its default) */
	uint64_t check_seed;
};

extern const struct sgtable_report sgtable_reports[];
extern const int sgtable_nr_reports;
const struct sgtable_report *sgtable_report_find(const char *name);

#endif /* SGTABLE_REPORTED_H */
