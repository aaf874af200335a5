/* weft_util: see util.h. */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>

#include "util_num.h"

int util_parse_int(const char *s, long long min, long long max, long long *out)
{
	bool neg = false, range = false;
	unsigned long long mag = 0;
	/* The magnitude of LLONG_MIN; anything past it is out of range whatever the bounds. */
	const unsigned long long limit = (unsigned long long)LLONG_MAX + 1;

	if (!s) {
		return -EINVAL;
	}
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s == '\0') {
		return -EINVAL;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			return -EINVAL;
		}
		if (mag > (limit - (unsigned long long)(*s - '0')) / 10) {
			range = true; /* keep scanning: trailing junk is still -EINVAL */
		} else {
			mag = mag * 10 + (unsigned long long)(*s - '0');
		}
	}
	if (range || (!neg && mag > (unsigned long long)LLONG_MAX)) {
		return -ERANGE;
	}
	long long v = neg ? (mag == limit ? LLONG_MIN : -(long long)mag) : (long long)mag;
	if (v < min || v > max) {
		return -ERANGE;
	}
	*out = v;
	return 0;
}
