// SPDX-License-Identifier: GPL-2.0
#include <check/atomic.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <check/quarantine.h>
#include <check/cleanup.h>
#include <kernel/device.h>
#include <kernel/dma_map.h>
#include <check/tsan.h>
#include <check/violation.h>

#define DMA_DEV_SHIFT	40
#define NR_BUCKETS	256

/* A live mapping, as dma-debug's struct dma_debug_entry. */
struct dma_mapping {
	uint64_t cookie;
	const struct device *dev;
	const struct sg_table *sgt;
	unsigned int nents;
	bool dmabuf;	/* DMA_ATTR_SGT_DMABUF */
	struct dma_mapping *next;
};

/*
 * As dma-debug's hash: a lock per bucket, so accessors checking different
 * tables do not serialize on the oracle; never held across calls out.
 */
struct hash_bucket {
	pthread_mutex_t lock;
	struct dma_mapping *list;	/* under lock */
} __attribute__((aligned(64)));		/* one cache line each: no false sharing */

static struct hash_bucket buckets[NR_BUCKETS] = {
	[0 ... NR_BUCKETS - 1] = { .lock = PTHREAD_MUTEX_INITIALIZER },
};
/*
 * Where the footprints note the registry as a whole (check/atomic.h): a
 * map or unmap adds or takes its own entry, which commutes with another's
 * (SGT_FP_ADD); a count or a liveness check reads it.  A table's own state
 * (mapped or not, for which device) is noted on the table.
 */
static char registry_fp;
/*
 * Relaxed: a cookie only needs to be unique, it orders nothing.  Not noted
 * in footprints: which mapping gets which number changes no outcome.
 */
static atomic_ullong next_cookie = 1;

static struct hash_bucket *bucket_of(uint64_t cookie)
{
	return &buckets[(cookie * 0x9e3779b97f4a7c15ull) >> 56];
}

/*
 * The oracle must not order the program it watches: were TSan to see the
 * bucket locks, an unmap and a later check of the same table would be
 * ordered through them, and a race between the port's free and the
 * accessor's use would go unreported.  So the registry's own accesses and
 * its lock are hidden from TSan while a bucket is held.
 */
struct bucket_guard {
	struct hash_bucket *b;
};

static inline struct bucket_guard bucket_lock(struct hash_bucket *b)
{
	sgt_tsan_oracle_begin();
	pthread_mutex_lock(&b->lock);
	return (struct bucket_guard){ b };
}

static inline void bucket_unlock(struct bucket_guard *g)
{
	pthread_mutex_unlock(&g->b->lock);
	sgt_tsan_oracle_end();
}

DEFINE_CLASS(bucket, struct bucket_guard, bucket_unlock(&_T), bucket_lock(b),
	     struct hash_bucket *b)

/* Under the bucket's lock. */
static struct dma_mapping *find_mapping(struct hash_bucket *b, uint64_t cookie)
{
	for (struct dma_mapping *m = b->list; m; m = m->next)
		if (m->cookie == cookie)
			return m;
	return NULL;
}

int sg_alloc_table_from_pages(struct sg_table *sgt, struct page **pages, unsigned int n_pages)
{
	sgt_fp_write(sgt);
	sgt->sgl = calloc(n_pages, sizeof(*sgt->sgl));
	if (!sgt->sgl)
		return -ENOMEM;
	for (unsigned int i = 0; i < n_pages; i++)
		sgt->sgl[i] = (struct scatterlist){ .page = pages[i], .length = PAGE_SIZE };
	sgt->nents = sgt->orig_nents = n_pages;
	sgt->dma_cookie = 0;
	return 0;
}

void sg_free_table(struct sg_table *sgt)
{
	sgt_fp_write(sgt);	/* an accessor may be reading it without the lock */
	sgt_quarantine_free(sgt->sgl);	/* a racing walker may still read it */
	sgt->sgl = NULL;
	sgt->nents = sgt->orig_nents = 0;
}

static dma_addr_t fake_dma_address(const struct device *dev, unsigned int i)
{
	return ((dma_addr_t)dev->id << DMA_DEV_SHIFT) | ((dma_addr_t)i * PAGE_SIZE);
}

int dma_map_sgtable(struct device *dev, struct sg_table *sgt,
		    enum dma_data_direction dir, unsigned long attrs)
{
	struct dma_mapping *m = malloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	sgt_fp_write(sgt);
	sgt_fp_note(&registry_fp, SGT_FP_ADD);
	for (unsigned int i = 0; i < sgt->nents; i++)
		sgt->sgl[i].dma_address = fake_dma_address(dev, i);
	m->dev = dev;
	m->sgt = sgt;
	m->nents = sgt->nents;
	m->dmabuf = attrs & DMA_ATTR_SGT_DMABUF;
	m->cookie = atomic_fetch_add_explicit(&next_cookie, 1, memory_order_relaxed);
	scoped_class(bucket, g, bucket_of(m->cookie)) {
		m->next = g.b->list;
		g.b->list = m;
	}
	sgt->dma_cookie = m->cookie;
	return 0;
}

void dma_unmap_sgtable(struct device *dev, struct sg_table *sgt,
		       enum dma_data_direction dir, unsigned long attrs)
{
	struct dma_mapping *m = NULL, **pp;

	if (!sgt) {
		sgt_violation(SGT_V_DOUBLE_UNMAP, "dma_unmap_sgtable(%s, NULL)", dev->name);
		return;
	}
	sgt_fp_write(sgt);
	sgt_fp_note(&registry_fp, SGT_FP_ADD);
	scoped_class(bucket, g, bucket_of(sgt->dma_cookie)) {
		for (pp = &g.b->list; *pp; pp = &(*pp)->next) {
			if ((*pp)->cookie == sgt->dma_cookie && (*pp)->sgt == sgt) {
				m = *pp;
				if (m->dev == dev)
					*pp = m->next;
				break;
			}
		}
	}
	if (!m) {
		sgt_violation(SGT_V_DOUBLE_UNMAP, "unmapping sg_table %p on %s: not mapped",
			      (void *)sgt, dev->name);
		return;
	}
	if (m->dev != dev) {
		sgt_violation(SGT_V_FOREIGN_DEVICE, "unmapping sg_table %p on %s: mapped for %s",
			      (void *)sgt, dev->name, m->dev->name);
		return;
	}
	sgt->dma_cookie = 0;
	free(m);
}

int dma_debug_check_sgtable(struct device *dev, const struct sg_table *sgt)
{
	const struct device *mapped_for = NULL;
	bool found;

	if (!sgt) {
		sgt_violation(SGT_V_USE_AFTER_UNMAP, "access through a NULL sg_table on %s",
			      dev->name);
		return -EFAULT;
	}
	sgt_fp_read(sgt);	/* the oracle observes the table's mapping */
	scoped_class(bucket, g, bucket_of(sgt->dma_cookie)) {
		struct dma_mapping *m = find_mapping(g.b, sgt->dma_cookie);

		found = m && m->sgt == sgt;
		if (found)
			mapped_for = m->dev;
	}

	if (!found) {
		sgt_violation(SGT_V_USE_AFTER_UNMAP, "access through unmapped sg_table %p on %s",
			      (const void *)sgt, dev->name);
		return -EFAULT;
	}
	if (mapped_for != dev) {
		sgt_violation(SGT_V_FOREIGN_DEVICE, "sg_table %p mapped for %s used on %s",
			      (const void *)sgt, mapped_for->name, dev->name);
		return -EFAULT;
	}
	for (unsigned int i = 0; i < sgt->nents; i++) {
		if (sgt->sgl[i].dma_address != fake_dma_address(dev, i)) {
			sgt_violation(SGT_V_FOREIGN_DEVICE, "sg_table %p entry %u carries a "
				      "DMA address not of %s", (const void *)sgt, i, dev->name);
			return -EFAULT;
		}
	}
	return 0;
}

static unsigned long count_mappings(const struct device *dev, bool dmabuf_too)
{
	unsigned long n = 0;

	sgt_fp_read(&registry_fp);
	for (int b = 0; b < NR_BUCKETS; b++) {
		CLASS(bucket, g)(&buckets[b]);

		for (struct dma_mapping *m = g.b->list; m; m = m->next)
			n += (!dev || m->dev == dev) && (dmabuf_too || !m->dmabuf);
	}
	return n;
}

unsigned long dma_debug_mappings(const struct device *dev)
{
	return count_mappings(dev, true);
}

unsigned long dma_debug_check_unbound(struct device *dev)
{
	unsigned long n = count_mappings(dev, false);

	SGT_WARN_ON(SGT_V_MAPPING_AFTER_UNBIND, n,
		    "%s unbound with %lu DMA mapping%s still alive", dev->name, n,
		    n == 1 ? "" : "s");
	return n;
}

bool dma_debug_mapping_live(uint64_t cookie)
{
	bool live;

	sgt_fp_read(&registry_fp);
	scoped_class(bucket, g, bucket_of(cookie))
		live = find_mapping(g.b, cookie) != NULL;
	return live;
}
