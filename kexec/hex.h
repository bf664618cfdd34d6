/* One hex digit's value: the /proc and /sys parsers read addresses the
 * kernel prints in hex, with no 0x. */
#ifndef KEXEC_HEX_H
#define KEXEC_HEX_H

/* 0 to 15, or -1 for anything but [0-9a-fA-F]. */
static inline int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
