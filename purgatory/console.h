/* The purgatory's only output: a polled UART the loader found for it. */
#ifndef PURGATORY_CONSOLE_H
#define PURGATORY_CONSOLE_H

#include <stdint.h>

#include "params.h"

struct console {
	uintptr_t base;
	uint32_t kind;      /* enum purgatory_uart */
	uint32_t reg_shift;
	uint32_t io_width;
};

void console_init(struct console *con, const struct purgatory_params *params);
void console_puts(const struct console *con, const char *s);
void console_put_hex(const struct console *con, uint64_t value);
void console_put_dec(const struct console *con, uint32_t value);

#endif
