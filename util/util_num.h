/* weft_util: small helpers shared by every program of the tree (dataplane, weftctl).
 * No dependencies beyond libc; every name starts with util_. */
#ifndef WEFT_UTIL_NUM_H
#define WEFT_UTIL_NUM_H

/* Parses 's' as a whole decimal integer in [min, max] into *out.
 * Accepted: one or more ASCII digits, optionally preceded by a single '-' (no '+', no
 * whitespace anywhere, no base prefix, no trailing characters).
 * Returns 0; -EINVAL when 's' is NULL or not such a number; -ERANGE when it is a number
 * outside [min, max] (overflow of long long included). *out is written only on success. */
int util_parse_int(const char *s, long long min, long long max, long long *out);

#endif /* WEFT_UTIL_NUM_H */
