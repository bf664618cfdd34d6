#include "error.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A message is one line on a terminal: a path or a name taken from a file
 * may hold a newline or an escape sequence, which would split the line or
 * act on the terminal, so every control character shows as '?'. */
static void one_printable_line(char *msg)
{
	for (; *msg; msg++)
		if ((unsigned char)*msg < 0x20 || *msg == 0x7f)
			*msg = '?';
}

int error_set(struct error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	one_printable_line(err->msg);
	return code;
}

int error_prefix(struct error *err, int code, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t used;
	va_list ap;

	if (!err)
		return code;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	used = strlen(err->msg);
	if (used + 2 < sizeof(err->msg)) {
		size_t room, len = strlen(old);

		memcpy(err->msg + used, ": ", 2);
		used += 2;
		room = sizeof(err->msg) - used - 1;
		if (len > room)
			len = room; /* a long message loses its tail, not its start */
		memcpy(err->msg + used, old, len);
		err->msg[used + len] = '\0';
	}
	one_printable_line(err->msg);
	return code;
}

const char *size_text(char *buf, size_t len, uint64_t bytes)
{
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
	else if (bytes >= (1u << 20))
		snprintf(buf, len, "%" PRIu64 ".%" PRIu64 " MiB", bytes >> 20,
			 (bytes % (1u << 20)) * 10 >> 20);
	else if (bytes >= 1024 && bytes % 1024 == 0)
		snprintf(buf, len, "%" PRIu64 " KiB", bytes >> 10);
	else
		snprintf(buf, len, "%" PRIu64 " bytes", bytes);
	return buf;
}
