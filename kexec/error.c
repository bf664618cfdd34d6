#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int error_set(struct error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
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
	return code;
}
