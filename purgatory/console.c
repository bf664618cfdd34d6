/* Polled output to a PL011 or 8250-family UART.  The UART was set up by
 * firmware and the previous kernel, so nothing is programmed here beyond
 * waiting for room in the transmit FIFO.  With the MMU off every access
 * is a Device access, so the width of each one matters. */
#include "console.h"

#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)

#define NS16550_THR 0
#define NS16550_LSR 5
#define NS16550_LSR_THRE (1u << 5)

/* Bounded so a UART that never drains cannot keep us from halting. */
#define TX_SPIN_LIMIT 1000000u

static uint32_t reg_read(const struct console *con, uint32_t reg)
{
	uintptr_t addr = con->base + ((uintptr_t)reg << con->reg_shift);

	if (con->io_width == 4)
		return *(volatile uint32_t *)addr;
	return *(volatile uint8_t *)addr;
}

static void reg_write(const struct console *con, uint32_t reg, uint32_t val)
{
	uintptr_t addr = con->base + ((uintptr_t)reg << con->reg_shift);

	if (con->io_width == 4)
		*(volatile uint32_t *)addr = val;
	else
		*(volatile uint8_t *)addr = (uint8_t)val;
}

void console_init(struct console *con, const struct purgatory_params *params)
{
	con->base = (uintptr_t)params->uart_addr;
	con->kind = params->uart_kind;
	con->reg_shift = params->uart_reg_shift;
	con->io_width = params->uart_io_width;
	if (con->kind == PURGATORY_UART_PL011) {
		/* PL011 registers are 32-bit, word spaced. */
		con->reg_shift = 0;
		con->io_width = 4;
	} else if (con->io_width != 4) {
		con->io_width = 1;
	}
	if (!con->base)
		con->kind = PURGATORY_UART_NONE;
}

static void console_putc(const struct console *con, char c)
{
	uint32_t spins = 0;

	switch (con->kind) {
	case PURGATORY_UART_PL011:
		while ((reg_read(con, PL011_FR) & PL011_FR_TXFF) && ++spins < TX_SPIN_LIMIT)
			;
		reg_write(con, PL011_DR, (uint8_t)c);
		break;
	case PURGATORY_UART_NS16550:
		while (!(reg_read(con, NS16550_LSR) & NS16550_LSR_THRE) && ++spins < TX_SPIN_LIMIT)
			;
		reg_write(con, NS16550_THR, (uint8_t)c);
		break;
	default:
		break;
	}
}

void console_puts(const struct console *con, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			console_putc(con, '\r');
		console_putc(con, *s);
	}
}

void console_put_hex(const struct console *con, uint64_t value)
{
	static const char digits[] = "0123456789abcdef";
	char buf[19];
	int i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 16; i++)
		buf[2 + i] = digits[(value >> (60 - 4 * i)) & 0xf];
	buf[18] = '\0';
	console_puts(con, buf);
}

void console_put_dec(const struct console *con, uint32_t value)
{
	char buf[11];
	int i = 10;

	buf[i] = '\0';
	do {
		buf[--i] = (char)('0' + value % 10);
		value /= 10;
	} while (value && i > 0);
	console_puts(con, buf + i);
}
