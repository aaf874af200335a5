/* Flow timeouts: the expiry decision (see flow.h "Timeouts"). */
#include "flow.h"

static uint64_t elapsed(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

void fl_expiry_init(struct fl_expiry_state *st, uint64_t now_ms, uint64_t packets)
{
	st->modified_ms = now_ms;
	st->used_ms = now_ms;
	st->packets = packets;
}

uint64_t fl_expiry_used(const struct fl_expiry_state *st, uint64_t packets, uint64_t hit_ms)
{
	if (packets != st->packets && hit_ms > st->used_ms)
		return hit_ms;
	return st->used_ms;
}

enum fl_expiry fl_expiry_check(struct fl_expiry_state *st, uint16_t idle_timeout,
                               uint16_t hard_timeout, uint64_t packets, uint64_t now_ms,
                               uint64_t hit_ms)
{
	st->used_ms = fl_expiry_used(st, packets, hit_ms);
	st->packets = packets;
	if (hard_timeout && elapsed(now_ms, st->modified_ms) >= (uint64_t)hard_timeout * 1000)
		return FL_EXPIRY_HARD;
	if (idle_timeout && elapsed(now_ms, st->used_ms) >= (uint64_t)idle_timeout * 1000)
		return FL_EXPIRY_IDLE;
	return FL_EXPIRY_NONE;
}

const char *fl_expiry_name(enum fl_expiry e)
{
	return e == FL_EXPIRY_IDLE ? "idle" : e == FL_EXPIRY_HARD ? "hard" : "none";
}
