/* The next kernel's command line, composed the way kexec-tools users
 * expect: --reuse-cmdline starts from the running one (without the
 * parameters that only made sense for this boot), --command-line replaces,
 * --append adds. */
#ifndef KEXEC_CMDLINE_H
#define KEXEC_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* running: /proc/cmdline or NULL.  Returns 0 and a malloc'd string, or
 * -ENOMEM.  The line is the words of running, then of command_line, then
 * of append, joined by one space.  A word is a run of characters other
 * than the kernel's separators (space, \t, \n, \v, \f, \r), where a
 * separator between double quotes belongs to the word.  BOOT_IMAGE= is
 * always dropped from the running line, and crashkernel= too when
 * composing for a crash kernel. */
int cmdline_compose(const char *running, const char *command_line,
		    const char *append, bool crash, char **out);

/* The next kernel keeps at most size - 1 bytes of its command line
 * (COMMAND_LINE_SIZE counts the NUL) and silently drops the rest: refuses
 * a longer `line` with -E2BIG, "command line is N bytes; the arm64 kernel
 * accepts at most 2047".  size 0: no limit. */
int cmdline_check_size(const char *line, size_t size, const char *arch_name,
		       struct error *err);

#endif
