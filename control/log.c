/* Log lines: "2026-01-01T00:00:00.123Z|controld|LEVEL|message". */
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

#include "controld.h"

void ctd_log(struct ctd_ctx *ctx, const char *level, const char *fmt, ...)
{
	FILE *f = ctx->log ? ctx->log : stderr;
	struct timeval tv;
	struct tm tm;
	char ts[32];
	va_list ap;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%03ldZ|controld|%s|", ts, (long)(tv.tv_usec / 1000), level);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fflush(f);
}

long long ctd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}
