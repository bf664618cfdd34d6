/* The command line, as kexec-tools users type it. */
#ifndef KEXEC_OPTIONS_H
#define KEXEC_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include <stdio.h>

#include "error.h"

enum kexec_action {
	ACTION_NONE,
	ACTION_LOAD,          /* -l: load for a later -e */
	ACTION_LOAD_REBOOT,   /* bare `kexec KERNEL`: load, then shutdown(8) */
	ACTION_LOAD_EXEC,     /* -f: load and boot it now */
	ACTION_EXEC,          /* -e */
	ACTION_UNLOAD,        /* -u */
	ACTION_STATUS,        /* -S */
	ACTION_HELP,
	ACTION_VERSION,
};

struct options {
	enum kexec_action action;
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
	const char *serial;       /* --serial=KIND,ADDR[,SHIFT[,WIDTH]] or "none" */
	const char *arch;         /* --arch: plan for another machine (dry runs) */
	bool atags;               /* --atags: boot with /proc/atags, not a DTB (arm) */
	bool has_machine_type;    /* --machine-type=N given (with --atags) */
	uint32_t machine_type;
};

/* Parses argv into *opts.  Returns 0, or a negative errno with a message
 * naming the offending argument. */
int options_parse(int argc, char **argv, struct options *opts, struct error *err);

void options_usage(FILE *out);

#endif
