/* ovsdb-lite RFC 7047 locks (§4.1.8-4.1.10): named locks, a FIFO of waiters per lock, the head
 * of the queue owns the lock.
 *
 * The lock table knows nothing of clients: an owner is an opaque pointer. When ownership moves
 * to a waiter ("locked") or is taken away by a steal ("stolen"), the table calls 'notify' so the
 * server can send the matching notification. A stolen-from owner stays queued right behind the
 * thief and gets the lock back ("locked") when the thief releases it.
 *
 * Threading: single-threaded (the server's event loop).
 */
#ifndef ODB_LOCK_H
#define ODB_LOCK_H

#include <stdbool.h>
#include <stddef.h>

/* 'method' is "locked" or "stolen"; 'owner' the waiter concerned; 'name' the lock. */
typedef void odb_lock_notify_fn(void *aux, void *owner, const char *method, const char *name);

struct odb_lock_entry {
	char *name;
	void **waiters; /* waiters[0] owns the lock */
	size_t n_waiters;
	size_t cap;
};

struct odb_lock_table {
	struct odb_lock_entry *locks;
	size_t n_locks;
	size_t cap;
	odb_lock_notify_fn *notify;
	void *aux;
	unsigned long long n_steals;
};

void odb_lock_table_init(struct odb_lock_table *, odb_lock_notify_fn *notify, void *aux);
void odb_lock_table_destroy(struct odb_lock_table *);

/* "lock": queues 'owner' for 'name'. Returns 1 if 'owner' now holds the lock, 0 if it waits
 * (it will get a "locked" notification later), -EEXIST if 'owner' already holds or waits for
 * 'name', -ENOMEM. */
int odb_lock_lock(struct odb_lock_table *, const char *name, void *owner);

/* "steal": 'owner' takes the lock at once; the previous holder gets "stolen" and keeps its place
 * in the queue. Returns 1, -EEXIST if 'owner' already holds or waits for 'name', -ENOMEM. */
int odb_lock_steal(struct odb_lock_table *, const char *name, void *owner);

/* "unlock": drops 'owner' from 'name'; if it was the holder the next waiter gets "locked".
 * Returns 0 or -ENOENT when 'owner' neither holds nor waits for 'name'. */
int odb_lock_unlock(struct odb_lock_table *, const char *name, void *owner);

/* Drops 'owner' from every lock (disconnect), notifying new holders. */
void odb_lock_release_all(struct odb_lock_table *, void *owner);

/* True if 'owner' holds 'name' (for the "assert" operation). */
bool odb_lock_is_owner(const struct odb_lock_table *, const char *name, const void *owner);

#endif
