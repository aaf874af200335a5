/* hostprobe: the host's core-to-core latency between two CPUs of this VM, sampled through a
 * benchmark's measurement window.
 *
 *   hostprobe CPU_A CPU_B SECS
 *
 * Five times a second both threads (one pinned to each CPU) wake at the same instant and
 * bounce one cache line 200 times; a sample is the first quartile of those one-way latencies
 * in ns (a round trip's half; the quartile, not the mean, so a trip that waited for the other
 * thread to be scheduled does not count). Prints one line per sample ("ms ns"), then
 *
 *   samples=N median_ns=X far_pct=P
 *
 * where far_pct is the share of samples at or above FAR_NS. Why: the VM's two vCPUs are host
 * threads that the host places near each other (one-way ~40-60 ns here) or far apart
 * (~95-120 ns), and moves every few seconds; every vhost frame's data crosses between the
 * generator's CPU and the switch's, so a run's copy cost follows that placement
 * (docs/performance.md, "The two copy speeds are the host's vCPU placement"). The samples
 * cost each CPU 0.1-0.3 ms a second (200 round trips of 70-250 ns, 5 times), at most 2 ms per
 * sample when the other thread is not running (1%). The TSC of this host moves in steps of ~26
 * cycles: a sample resolves ~5 ns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <x86intrin.h>

#define HZ       5
#define TRIPS    200
#define FAR_NS   75.0
#define SPIN_NS  2000000ull /* a thread gives up on its peer after 2 ms */
#define STOP     UINT64_MAX
#define MAX_SECS 3600

struct probe {
	int cpu_a, cpu_b, n_samples;
	volatile int peer_failed; /* the echoing thread could not pin itself */
	struct timespec start;
	double tsc_per_ns;
	volatile uint64_t line __attribute__((aligned(64)));
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t s;
	CPU_ZERO(&s);
	CPU_SET(cpu, &s);
	return pthread_setaffinity_np(pthread_self(), sizeof(s), &s);
}

/* Sleep until sample 'k''s instant (the same for both threads). */
static void wait_sample(const struct probe *p, int k)
{
	uint64_t ns = (uint64_t)p->start.tv_nsec + (uint64_t)(k + 1) * (1000000000ull / HZ);
	struct timespec ts = {.tv_sec = p->start.tv_sec + (time_t)(ns / 1000000000ull),
	                      .tv_nsec = (long)(ns % 1000000000ull)};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
		;
}

/* The echoing side: in sample k (the line's high half), turns every odd value into the next
 * even one until the sample's trips are done (the measuring side writes k:2*TRIPS) or the time
 * runs out. */
static void *echo(void *arg)
{
	struct probe *p = arg;
	if (pin(p->cpu_a)) {
		p->peer_failed = 1;
		return NULL;
	}
	for (int k = 0; k < p->n_samples; k++) {
		wait_sample(p, k);
		uint64_t deadline = mono_ns() + SPIN_NS, n = 0, base = (uint64_t)k << 32;
		for (;;) {
			uint64_t v = p->line;
			if (v == base + 2 * TRIPS || v == STOP ||
			    (++n % 1024 == 0 && mono_ns() > deadline))
				break;
			/* (Not a plain store: the measuring side may have given up and written its
			 * end marker since v was read.) */
			if ((v >> 32) == (uint64_t)k && (v & 1))
				__sync_bool_compare_and_swap(&p->line, v, v + 1);
		}
	}
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Sample 'k': TRIPS round trips, timed one by one; the first quartile's half in ns, or -1
 * when the peer did not answer enough of them. */
static double sample(struct probe *p, int k)
{
	uint64_t t[TRIPS], deadline = __rdtsc() + (uint64_t)(SPIN_NS * p->tsc_per_ns);
	int n = 0;
	for (uint64_t v = (uint64_t)k << 32; v < ((uint64_t)k << 32) + 2 * TRIPS; v += 2) {
		uint64_t t0 = __rdtsc();
		p->line = v + 1;
		while (p->line != v + 2 && __rdtsc() < deadline)
			;
		if (p->line != v + 2)
			break;
		t[n++] = __rdtsc() - t0;
	}
	p->line = ((uint64_t)k << 32) + 2 * TRIPS;
	if (n < TRIPS / 2)
		return -1;
	qsort(t, (size_t)n, sizeof(t[0]), cmp_u64);
	return (double)t[n / 4] / 2 / p->tsc_per_ns;
}

static double tsc_per_ns(void)
{
	uint64_t n0 = mono_ns(), c0 = __rdtsc();
	struct timespec ts = {0, 50000000};
	nanosleep(&ts, NULL);
	return (double)(__rdtsc() - c0) / (double)(mono_ns() - n0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* A whole number in [lo, hi] from 'arg', or -1. */
static int parse_int(const char *arg, int lo, int hi)
{
	char *end;
	long v = strtol(arg, &end, 10);
	return end != arg && !*end && v >= lo && v <= hi ? (int)v : -1;
}

int main(int argc, char **argv)
{
	static struct probe p;
	static double ns[MAX_SECS * HZ];
	pthread_t peer;
	cpu_set_t allowed;
	int secs = argc == 4 ? parse_int(argv[3], 1, MAX_SECS) : -1;
	if (argc == 4) {
		p.cpu_a = parse_int(argv[1], 0, CPU_SETSIZE - 1);
		p.cpu_b = parse_int(argv[2], 0, CPU_SETSIZE - 1);
	}
	if (secs < 0 || p.cpu_a < 0 || p.cpu_b < 0 || p.cpu_a == p.cpu_b) {
		fprintf(stderr, "usage: hostprobe CPU_A CPU_B SECS (two different CPU numbers, "
		                "1..3600 seconds)\n");
		return 2;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed) || !CPU_ISSET(p.cpu_a, &allowed) ||
	    !CPU_ISSET(p.cpu_b, &allowed)) {
		fprintf(stderr, "hostprobe: CPU %d or %d is not available to this process\n",
		        p.cpu_a, p.cpu_b);
		return 2;
	}
	p.n_samples = secs * HZ;
	/* Both threads wake at the sample's instant: no timer slack (50 us by default), and
	 * real-time priority so that neither waits for the busy thread of its CPU (the PMD, the
	 * generator) to end its slice, which took longer than SPIN_NS now and then (samples
	 * lost). A new thread inherits both. Without the priority the probe still works. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	struct sched_param sp = {.sched_priority = 1};
	if (sched_setscheduler(0, SCHED_FIFO, &sp))
		fprintf(stderr, "hostprobe: no real-time priority (samples may be lost)\n");
	p.tsc_per_ns = tsc_per_ns();
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	if (pin(p.cpu_b) || pthread_create(&peer, NULL, echo, &p)) {
		fprintf(stderr, "hostprobe: cannot pin to CPU %d or start the peer thread\n",
		        p.cpu_b);
		return 1;
	}
	int n = 0, far = 0;
	for (int k = 0; k < p.n_samples && !p.peer_failed; k++) {
		wait_sample(&p, k);
		double s = sample(&p, k);
		if (s < 0)
			continue;
		printf("%d %.0f\n", (k + 1) * 1000 / HZ, s);
		ns[n++] = s;
		far += s >= FAR_NS;
	}
	p.line = STOP;
	pthread_join(peer, NULL);
	if (p.peer_failed) {
		fprintf(stderr, "hostprobe: cannot pin the peer thread to CPU %d\n", p.cpu_a);
		return 1;
	}
	if (!n) {
		fprintf(stderr, "hostprobe: no sample (the two threads never ran together)\n");
		return 1;
	}
	qsort(ns, (size_t)n, sizeof(*ns), cmp_double);
	printf("samples=%d median_ns=%.0f far_pct=%.0f\n", n, ns[n / 2], 100.0 * far / n);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "hostprobe: cannot write the samples\n");
		return 1;
	}
	return 0;
}
