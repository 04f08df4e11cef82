// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdlib.h>

#include <sgt/device.h>
#include <sgt/dma_map.h>
#include <sgt/violation.h>

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

/* One lock for the registry, as dma-debug's hash lock; never held across calls out. */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dma_mapping *buckets[NR_BUCKETS];	/* under registry_lock */
static uint64_t next_cookie = 1;			/* under registry_lock */

static struct dma_mapping **bucket_of(uint64_t cookie)
{
	return &buckets[(cookie * 0x9e3779b97f4a7c15ull) >> 56];
}

/* Under registry_lock. */
static struct dma_mapping *find_mapping(uint64_t cookie)
{
	for (struct dma_mapping *m = *bucket_of(cookie); m; m = m->next)
		if (m->cookie == cookie)
			return m;
	return NULL;
}

int sg_alloc_table_from_pages(struct sg_table *sgt, struct page **pages, unsigned int n_pages)
{
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
	free(sgt->sgl);
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
	for (unsigned int i = 0; i < sgt->nents; i++)
		sgt->sgl[i].dma_address = fake_dma_address(dev, i);
	m->dev = dev;
	m->sgt = sgt;
	m->nents = sgt->nents;
	m->dmabuf = attrs & DMA_ATTR_SGT_DMABUF;
	pthread_mutex_lock(&registry_lock);
	m->cookie = next_cookie++;
	m->next = *bucket_of(m->cookie);
	*bucket_of(m->cookie) = m;
	pthread_mutex_unlock(&registry_lock);
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
	pthread_mutex_lock(&registry_lock);
	for (pp = bucket_of(sgt->dma_cookie); *pp; pp = &(*pp)->next) {
		if ((*pp)->cookie == sgt->dma_cookie && (*pp)->sgt == sgt) {
			m = *pp;
			if (m->dev == dev)
				*pp = m->next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
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
	pthread_mutex_lock(&registry_lock);
	struct dma_mapping *m = find_mapping(sgt->dma_cookie);
	found = m && m->sgt == sgt;
	if (found)
		mapped_for = m->dev;
	pthread_mutex_unlock(&registry_lock);

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

	pthread_mutex_lock(&registry_lock);
	for (int b = 0; b < NR_BUCKETS; b++)
		for (struct dma_mapping *m = buckets[b]; m; m = m->next)
			n += (!dev || m->dev == dev) && (dmabuf_too || !m->dmabuf);
	pthread_mutex_unlock(&registry_lock);
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

	pthread_mutex_lock(&registry_lock);
	live = find_mapping(cookie) != NULL;
	pthread_mutex_unlock(&registry_lock);
	return live;
}
