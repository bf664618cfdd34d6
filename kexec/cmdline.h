/* The next kernel's command line, composed the way kexec-tools users
 * expect: --reuse-cmdline starts from the running one (without the
 * parameters that only made sense for this boot), --command-line replaces,
 * --append adds. */
#ifndef KEXEC_CMDLINE_H
#define KEXEC_CMDLINE_H

#include <stdbool.h>

/* running: /proc/cmdline or NULL.  Returns 0 and a malloc'd string, or
 * -ENOMEM.  BOOT_IMAGE= is always dropped from the running line, and
 * crashkernel= too when composing for a crash kernel. */
int cmdline_compose(const char *running, const char *command_line,
		    const char *append, bool crash, char **out);

#endif
