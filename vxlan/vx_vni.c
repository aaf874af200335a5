/* vx_vni.c: immutable VNI -> id tables (sorted arrays), rebuilt by the control thread and read
 * lock-free by the PMDs (publication contract in vxlan.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vxlan.h"

struct vx_vni_table {
	unsigned n_entries;
	struct vx_vni_entry entries[]; /* sorted by vni, no duplicates */
};

static struct vx_vni_table *table_alloc(unsigned n)
{
	struct vx_vni_table *t;

	t = malloc(sizeof(*t) + (size_t)n * sizeof(t->entries[0]));
	if (t == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	t->n_entries = n;
	return t;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct vx_vni_entry *x = a, *y = b;

	return (x->vni > y->vni) - (x->vni < y->vni);
}

static bool entry_valid(uint32_t vni, uint32_t id)
{
	return vni <= VX_VNI_MAX && id != VX_VNI_ID_NONE;
}

struct vx_vni_table *vx_vni_table_create(const struct vx_vni_entry *entries, unsigned n_entries)
{
	struct vx_vni_table *t;

	if (n_entries > VX_VNI_TABLE_MAX || (entries == NULL && n_entries > 0)) {
		errno = EINVAL;
		return NULL;
	}
	for (unsigned i = 0; i < n_entries; i++) {
		if (!entry_valid(entries[i].vni, entries[i].id)) {
			errno = EINVAL;
			return NULL;
		}
	}
	t = table_alloc(n_entries);
	if (t == NULL)
		return NULL;
	if (n_entries > 0) {
		memcpy(t->entries, entries, (size_t)n_entries * sizeof(entries[0]));
		qsort(t->entries, n_entries, sizeof(t->entries[0]), entry_cmp);
	}
	for (unsigned i = 1; i < n_entries; i++) {
		if (t->entries[i].vni == t->entries[i - 1].vni) {
			free(t);
			errno = EEXIST;
			return NULL;
		}
	}
	return t;
}

/* Index of the first entry with entries[i].vni >= vni (n if none). */
static unsigned lower_bound(const struct vx_vni_table *t, uint32_t vni)
{
	unsigned lo = 0, hi = t->n_entries;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (t->entries[mid].vni < vni)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct vx_vni_table *vx_vni_table_set(const struct vx_vni_table *old, uint32_t vni, uint32_t id)
{
	unsigned n_old = vx_vni_table_count(old), pos = 0;
	bool replace;
	struct vx_vni_table *t;

	if (!entry_valid(vni, id)) {
		errno = EINVAL;
		return NULL;
	}
	if (old != NULL)
		pos = lower_bound(old, vni);
	replace = pos < n_old && old->entries[pos].vni == vni;
	if (!replace && n_old >= VX_VNI_TABLE_MAX) {
		errno = ENOSPC;
		return NULL;
	}
	t = table_alloc(n_old + !replace);
	if (t == NULL)
		return NULL;
	if (pos > 0)
		memcpy(t->entries, old->entries, (size_t)pos * sizeof(t->entries[0]));
	t->entries[pos].vni = vni;
	t->entries[pos].id = id;
	if (n_old > pos + replace)
		memcpy(&t->entries[pos + 1], &old->entries[pos + replace],
		       (size_t)(n_old - pos - replace) * sizeof(t->entries[0]));
	return t;
}

struct vx_vni_table *vx_vni_table_del(const struct vx_vni_table *old, uint32_t vni)
{
	unsigned n_old = vx_vni_table_count(old), pos;
	struct vx_vni_table *t;

	if (n_old == 0) {
		errno = ENOENT;
		return NULL;
	}
	pos = lower_bound(old, vni);
	if (pos == n_old || old->entries[pos].vni != vni) {
		errno = ENOENT;
		return NULL;
	}
	t = table_alloc(n_old - 1);
	if (t == NULL)
		return NULL;
	memcpy(t->entries, old->entries, (size_t)pos * sizeof(t->entries[0]));
	memcpy(&t->entries[pos], &old->entries[pos + 1],
	       (size_t)(n_old - pos - 1) * sizeof(t->entries[0]));
	return t;
}

void vx_vni_table_destroy(struct vx_vni_table *t)
{
	free(t);
}

uint32_t vx_vni_lookup(const struct vx_vni_table *t, uint32_t vni)
{
	unsigned pos;

	if (t == NULL || t->n_entries == 0)
		return VX_VNI_ID_NONE;
	pos = lower_bound(t, vni);
	if (pos < t->n_entries && t->entries[pos].vni == vni)
		return t->entries[pos].id;
	return VX_VNI_ID_NONE;
}

unsigned vx_vni_table_count(const struct vx_vni_table *t)
{
	return t == NULL ? 0 : t->n_entries;
}

const struct vx_vni_entry *vx_vni_table_entries(const struct vx_vni_table *t)
{
	return t == NULL ? NULL : t->entries;
}
