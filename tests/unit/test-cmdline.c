/* --reuse-cmdline / --command-line / --append, composed as kexec-tools
 * users expect. */
#include <stdlib.h>

#include "check.h"
#include "cmdline.h"

static void compose(const char *name, const char *running, const char *line,
		    const char *append, int crash, const char *want)
{
	char *out = NULL;

	CHECK_EQ(name, cmdline_compose(running, line, append, crash, &out), 0);
	CHECK_STR(name, out, want);
	free(out);
}

int main(void)
{
	compose("append alone", NULL, NULL, "console=ttyAMA0 quiet", 0, "console=ttyAMA0 quiet");
	compose("command-line alone", NULL, "root=/dev/vda", NULL, 0, "root=/dev/vda");
	compose("command-line then append", NULL, "root=/dev/vda", "quiet", 0, "root=/dev/vda quiet");
	compose("reuse drops BOOT_IMAGE", "BOOT_IMAGE=/vmlinuz root=/dev/sda ro\n", NULL, "x=1", 0,
		"root=/dev/sda ro x=1");
	compose("reuse keeps crashkernel for a normal load", "root=/dev/sda crashkernel=256M", NULL, NULL, 0,
		"root=/dev/sda crashkernel=256M");
	compose("reuse drops crashkernel for a crash load", "root=/dev/sda crashkernel=256M", NULL, "nr_cpus=1", 1,
		"root=/dev/sda nr_cpus=1");
	compose("quoted word kept whole", "a=\"x y\" b", NULL, NULL, 0, "a=\"x y\" b");
	compose("extra spaces folded", "  a   b  ", NULL, " c ", 0, "a b c");
	compose("nothing at all is empty", NULL, NULL, NULL, 0, "");
	compose("append words are never dropped", NULL, NULL, "BOOT_IMAGE=x", 1, "BOOT_IMAGE=x");
	return check_status();
}
