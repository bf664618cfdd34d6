/* One error record per operation: the layer that knows the context writes
 * the message once, the caller decides where it goes (stderr, a test). */
#ifndef KEXEC_ERROR_H
#define KEXEC_ERROR_H

#include <stddef.h>
#include <stdint.h>

struct error {
	char msg[512];
};

/* Formats the message into err (when err is not NULL) and returns code,
 * which is a negative errno, so callers can write
 * `return error_set(err, -EINVAL, "%s: bad magic", path);`. */
int error_set(struct error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes an existing message with more context ("kernel Image: ..."). */
int error_prefix(struct error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A size for a message, into buf: "900 MiB" or "1.5 MiB" (a tenth, rounded down) from
 * 1 MiB up, "12 KiB" for whole KiB below, the exact "788042 bytes"
 * otherwise.  Returns buf. */
const char *size_text(char *buf, size_t len, uint64_t bytes);

#endif
