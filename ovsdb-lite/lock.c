/* ovsdb-lite locks. See lock.h. */
#include "lock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void odb_lock_table_init(struct odb_lock_table *lt, odb_lock_notify_fn *notify, void *aux)
{
	memset(lt, 0, sizeof(*lt));
	lt->notify = notify;
	lt->aux = aux;
}

void odb_lock_table_destroy(struct odb_lock_table *lt)
{
	for (size_t i = 0; i < lt->n_locks; i++) {
		free(lt->locks[i].name);
		free(lt->locks[i].waiters);
	}
	free(lt->locks);
	memset(lt, 0, sizeof(*lt));
}

static struct odb_lock_entry *lock_find(const struct odb_lock_table *lt, const char *name)
{
	for (size_t i = 0; i < lt->n_locks; i++)
		if (!strcmp(lt->locks[i].name, name))
			return &lt->locks[i];
	return NULL;
}

static struct odb_lock_entry *lock_get(struct odb_lock_table *lt, const char *name)
{
	struct odb_lock_entry *l = lock_find(lt, name);

	if (l)
		return l;
	if (lt->n_locks == lt->cap) {
		size_t cap = lt->cap ? lt->cap * 2 : 8;
		struct odb_lock_entry *v = realloc(lt->locks, cap * sizeof(*v));

		if (!v)
			return NULL;
		lt->locks = v;
		lt->cap = cap;
	}
	l = &lt->locks[lt->n_locks];
	memset(l, 0, sizeof(*l));
	l->name = strdup(name);
	if (!l->name)
		return NULL;
	lt->n_locks++;
	return l;
}

static long lock_position(const struct odb_lock_entry *l, const void *owner)
{
	for (size_t i = 0; i < l->n_waiters; i++)
		if (l->waiters[i] == owner)
			return i;
	return -1;
}

/* Inserts 'owner' at 'pos' in the queue. */
static int lock_insert(struct odb_lock_entry *l, size_t pos, void *owner)
{
	if (l->n_waiters == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		void **v = realloc(l->waiters, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->waiters = v;
		l->cap = cap;
	}
	memmove(&l->waiters[pos + 1], &l->waiters[pos], (l->n_waiters - pos) * sizeof(void *));
	l->waiters[pos] = owner;
	l->n_waiters++;
	return 0;
}

/* Removes lock 'l' from the table once nobody waits for it. */
static void lock_gc(struct odb_lock_table *lt, struct odb_lock_entry *l)
{
	size_t i = l - lt->locks;

	if (l->n_waiters)
		return;
	free(l->name);
	free(l->waiters);
	lt->locks[i] = lt->locks[--lt->n_locks];
}

int odb_lock_lock(struct odb_lock_table *lt, const char *name, void *owner)
{
	struct odb_lock_entry *l = lock_get(lt, name);
	int err;

	if (!l)
		return -ENOMEM;
	if (lock_position(l, owner) >= 0)
		return -EEXIST;
	err = lock_insert(l, l->n_waiters, owner);
	if (err) {
		lock_gc(lt, l);
		return err;
	}
	return l->n_waiters == 1;
}

int odb_lock_steal(struct odb_lock_table *lt, const char *name, void *owner)
{
	struct odb_lock_entry *l = lock_get(lt, name);
	int err;

	if (!l)
		return -ENOMEM;
	if (lock_position(l, owner) >= 0)
		return -EEXIST;
	err = lock_insert(l, 0, owner);
	if (err) {
		lock_gc(lt, l);
		return err;
	}
	if (l->n_waiters > 1) {
		lt->n_steals++;
		if (lt->notify)
			lt->notify(lt->aux, l->waiters[1], "stolen", l->name);
	}
	return 1;
}

/* Removes 'owner' from 'l'; notifies the new holder if the head changed. Returns -ENOENT if
 * 'owner' was not queued. May free 'l'. */
static int lock_remove(struct odb_lock_table *lt, struct odb_lock_entry *l, void *owner)
{
	long pos = lock_position(l, owner);

	if (pos < 0)
		return -ENOENT;
	memmove(&l->waiters[pos], &l->waiters[pos + 1], (l->n_waiters - pos - 1) * sizeof(void *));
	l->n_waiters--;
	if (pos == 0 && l->n_waiters && lt->notify)
		lt->notify(lt->aux, l->waiters[0], "locked", l->name);
	lock_gc(lt, l);
	return 0;
}

int odb_lock_unlock(struct odb_lock_table *lt, const char *name, void *owner)
{
	struct odb_lock_entry *l = lock_find(lt, name);

	return l ? lock_remove(lt, l, owner) : -ENOENT;
}

void odb_lock_release_all(struct odb_lock_table *lt, void *owner)
{
	size_t i = 0;

	while (i < lt->n_locks) {
		size_t before = lt->n_locks;

		lock_remove(lt, &lt->locks[i], owner);
		/* lock_gc() moved the last entry into slot i: look at it again. */
		if (lt->n_locks == before)
			i++;
	}
}

bool odb_lock_is_owner(const struct odb_lock_table *lt, const char *name, const void *owner)
{
	const struct odb_lock_entry *l = lock_find(lt, name);

	return l && l->n_waiters && l->waiters[0] == owner;
}
