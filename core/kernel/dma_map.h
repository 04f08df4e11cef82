/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scatter-gather tables over real page memory, and a DMA mapping model with
 * a registry of live mappings, in the spirit of CONFIG_DMA_API_DEBUG: every
 * mapping is recorded with its device, so that the oracle catches
 *  - access through an unmapped table (SGT_V_USE_AFTER_UNMAP),
 *  - access through a table mapped for another device (SGT_V_FOREIGN_DEVICE),
 *  - unmapping a table that is not mapped (SGT_V_DOUBLE_UNMAP),
 *  - a mapping still alive after its device unbound
 *    (SGT_V_MAPPING_AFTER_UNBIND, as dma-debug's check at driver detach).
 * Fake DMA addresses carry the device id in their top bits.
 */
#ifndef SGT_DMA_MAP_H
#define SGT_DMA_MAP_H

#include <stdint.h>
#include <check/compiler.h>

#define PAGE_SIZE	4096u

typedef uint64_t dma_addr_t;

enum dma_data_direction { DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE };

/*
 * attrs for dma_map_sgtable(): the mapping belongs to a dma-buf attachment,
 * torn down when the importing object is released, not at driver unbind;
 * dma_debug_check_unbound() does not count it.
 */
#define DMA_ATTR_SGT_DMABUF	(1ul << 16)

struct device;

struct page {
	unsigned char *vaddr;	/* PAGE_SIZE bytes of real memory */
};

struct scatterlist {
	struct page *page;
	unsigned int length;
	dma_addr_t dma_address;
};

struct sg_table {
	struct scatterlist *sgl;
	unsigned int nents;
	unsigned int orig_nents;
	/* The mapping this table carries, for the registry; 0 when unmapped. */
	uint64_t dma_cookie;
};

int sg_alloc_table_from_pages(struct sg_table *sgt, struct page **pages, unsigned int n_pages);
void sg_free_table(struct sg_table *sgt);

int dma_map_sgtable(struct device *dev, struct sg_table *sgt,
		    enum dma_data_direction dir, unsigned long attrs);
void dma_unmap_sgtable(struct device *dev, struct sg_table *sgt,
		       enum dma_data_direction dir, unsigned long attrs);

/* The oracle for an access: 0 if sgt is mapped for dev, else reports and -EFAULT. */
int dma_debug_check_sgtable(struct device *dev, const struct sg_table *sgt);
/* Live mappings of dev, or of every device for NULL. */
unsigned long dma_debug_mappings(const struct device *dev);
/* Report (and count) the mappings dev still has; called when it unbinds. */
unsigned long dma_debug_check_unbound(struct device *dev);



/* Is the mapping with this cookie still alive? */
bool dma_debug_mapping_live(uint64_t cookie);
#endif /* SGT_DMA_MAP_H */
