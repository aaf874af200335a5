/* The SIGBUS guard (see vhost_guard.h). */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>

#include "ports/vhost_guard.h"

__thread bool wf_vguard_hit;

/* The record the handler writes: a signal handler reaches nothing else (set once, before the
 * handler is installed). */
static struct wf_vguard_rec *guard_rec;

/* Maps a private zero page of 'size' bytes over the page holding 'addr'. 0 or -1. */
static int replace_page(uintptr_t addr, size_t size)
{
	void *page = (void *)(addr & ~(uintptr_t)(size - 1));
	void *m = mmap(page, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	               -1, 0);
	return m == page ? 0 : -1;
}

static void on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	static const size_t sizes[] = {4096, 2u << 20, 1u << 30};
	uintptr_t addr = (uintptr_t)si->si_addr;
	int saved = errno;
	(void)uctx;

	if (si->si_code == BUS_ADRERR && guard_rec)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			if (replace_page(addr, sizes[i]) == 0) {
				atomic_store(&guard_rec->last_addr, addr);
				atomic_fetch_add(&guard_rec->n_faults, 1);
				wf_vguard_hit = true;
				errno = saved;
				return;
			}
	/* Not ours: the default action when the access is retried. */
	signal(sig, SIG_DFL);
	errno = saved;
}

int wf_vguard_install(struct wf_vguard_rec *rec)
{
	struct sigaction sa;

	if (guard_rec)
		return 0;
	guard_rec = rec;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL) < 0) {
		guard_rec = NULL;
		return -errno;
	}
	return 0;
}
