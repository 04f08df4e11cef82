// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <malloc.h>
#include <stdlib.h>

#include <check/quarantine.h>
#include <check/atomic.h>
#include <check/sched.h>

/* Pages are 4 KiB: a full ring holds at most 32 MiB of them. */
#define QUARANTINE_SLOTS	8192

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void *ring[QUARANTINE_SLOTS];	/* under lock */
static unsigned int next;		/* under lock: the slot to fill, the oldest when full */

void sgt_quarantine_free(void *p)
{
	void *oldest;

	if (!p)
		return;
#ifdef SGT_FOOTPRINT
	/*
	 * A free writes all it frees: a racing user's access anywhere in it
	 * depends on it.  Only while a search records footprints: a port's
	 * double free hands us a block malloc may already have back.
	 */
	if (sgt_fp_on)
		sgt_fp_note_range(p, malloc_usable_size(p), SGT_FP_WRITE);
#endif
	/* A raw lock: no schedule point inside the allocator's model. */
	sgt_raw_lock(&lock);
	oldest = ring[next];
	ring[next] = p;
	next = (next + 1) % QUARANTINE_SLOTS;
	sgt_raw_unlock(&lock);
	free(oldest);
}

void sgt_quarantine_flush(void)
{
	sgt_raw_lock(&lock);
	for (unsigned int i = 0; i < QUARANTINE_SLOTS; i++) {
		free(ring[i]);
		ring[i] = NULL;
	}
	next = 0;
	sgt_raw_unlock(&lock);
}
