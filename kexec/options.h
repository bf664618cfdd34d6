/* The command line, as kexec-tools users type it. */
#ifndef KEXEC_OPTIONS_H
#define KEXEC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <stdio.h>

#include "dtb.h"
#include "error.h"

enum kexec_action {
	ACTION_NONE,
	ACTION_LOAD,          /* -l: load for a later -e */
	ACTION_LOAD_REBOOT,   /* bare `kexec KERNEL`: load, then shutdown(8) */
	ACTION_LOAD_EXEC,     /* -f: load and boot it now */
	ACTION_EXEC,          /* -e */
	ACTION_UNLOAD,        /* -u */
	ACTION_STATUS,        /* -S */
	ACTION_PRINT_CKR_SIZE,/* --print-ckr-size: the crash region's size */
	ACTION_HELP,
	ACTION_VERSION,
};

/* Which load syscall, as kexec-tools 2.0.26 and later spell it: the last
 * of -s, -c and -a on the command line wins. */
enum syscall_choice {
	SYSCALL_AUTO,         /* -a (default): kexec_file_load(2), then
				 kexec_load(2) if the kernel has no file
				 syscall or cannot use this image */
	SYSCALL_FILE,         /* -s: kexec_file_load(2) only */
	SYSCALL_LOAD,         /* -c: kexec_load(2) only */
};

struct options {
	enum kexec_action action;
	enum syscall_choice syscall;
	bool crash;           /* -p: the crash slot */
	bool debug;           /* -d */
	bool dry_run;
	bool no_checks;       /* -i */
	bool no_ifdown;       /* -x */
	bool no_sync;         /* -y */
	bool reuse_cmdline;
	const char *kernel;
	const char *initrd;
	const char *dtb;
	const char *command_line; /* --command-line: replaces */
	const char *append;       /* --append: appended */
	const char *serial;       /* --serial=KIND,ADDR[,SHIFT[,WIDTH]] or "none", */
	struct uart_info uart;    /* parsed (kind UART_NONE for "none") */
	const char *arch;         /* --arch: plan for another machine (dry runs) */
	bool atags;               /* --atags: boot with /proc/atags, not a DTB (arm) */
	bool has_machine_type;    /* --machine-type=N given (with --atags) */
	uint32_t machine_type;
	const char *type;         /* -t/--type: a format name, for kexec-tools'
				     callers; the format is always detected
				     from the file's bytes */
};

/* -t's names: kexec-tools' names of the formats detected here.  Returns
 * true when `name` is one of them. */
bool options_known_type(const char *name);

/* Parses argv into *opts.  Returns 0, or a negative errno with a message
 * naming the offending argument. */
int options_parse(int argc, char **argv, struct options *opts, struct error *err);

void options_usage(FILE *out);

/* --serial's value, exactly one of:
 *   none
 *   pl011,ADDR
 *   ns16550,ADDR[,SHIFT[,WIDTH]]   (also spelled 8250 or uart8250)
 * ADDR is hexadecimal, with or without a 0x prefix (as the kernel's
 * earlycon= and /proc/iomem write it), at most 64 bits; SHIFT is a decimal
 * 0 to 4 (registers 1 << SHIFT bytes apart, default 0) and WIDTH a decimal
 * 1 or 4 (access size in bytes, default 1).  No sign, no spaces, nothing
 * after.  A PL011's registers are fixed (4-byte accesses, 4 bytes apart),
 * so it takes neither.  Fills *uart, or returns -EINVAL with a message. */
int serial_parse(const char *spec, struct uart_info *uart, struct error *err);

#endif
