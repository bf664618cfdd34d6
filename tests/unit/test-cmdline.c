/* --reuse-cmdline / --command-line / --append, composed as kexec-tools
 * users expect. */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

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

/* A line of `len` bytes: "a a a ... a" (odd len) */
static char *words(size_t len)
{
	char *line = malloc(len + 1);
	size_t i;

	if (!line)
		exit(1);
	for (i = 0; i < len; i++)
		line[i] = i % 2 ? ' ' : 'a';
	line[len] = '\0';
	return line;
}

/* Each word is copied once: a million words compose in a blink (joined
 * with strcat, the line was scanned again for every word). */
static void test_linear(void)
{
	char *running = words(2000001), *out = NULL;
	clock_t start = clock();

	CHECK_EQ("a million words compose", cmdline_compose(running, NULL, "b", 0, &out), 0);
	CHECK("in well under a second", (double)(clock() - start) / CLOCKS_PER_SEC < 0.5);
	CHECK("all of them, and the appended one", out && strlen(out) == 2000003 &&
	      !strcmp(out + 2000001, " b"));
	free(out);
	free(running);
}

/* COMMAND_LINE_SIZE counts the NUL: 2047 bytes fit arm64's 2048. */
static void test_size(void)
{
	struct error err = { { 0 } };
	char *line = words(2047);

	CHECK_EQ("2047 bytes fit arm64", cmdline_check_size(line, 2048, "arm64", &err), 0);
	free(line);
	line = words(2049);
	CHECK_EQ("2049 bytes do not", cmdline_check_size(line, 2048, "arm64", &err), -E2BIG);
	CHECK_STR("the message", err.msg, "command line is 2049 bytes; the arm64 kernel accepts at most 2047");
	CHECK_EQ("arm: 1023 bytes fit", cmdline_check_size(line + 1026, 1024, "arm", &err), 0);
	CHECK_EQ("arm: 1025 do not", cmdline_check_size(line + 1024, 1024, "arm", &err), -E2BIG);
	CHECK_EQ("size 0: no limit", cmdline_check_size(line, 0, "x", &err), 0);
	free(line);
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
	compose("every kernel separator splits words", "a\rb\vc\fd\te\n", NULL, NULL, 0, "a b c d e");
	compose("a quoted separator stays", "a=\"x\ty\"  z", NULL, NULL, 0, "a=\"x\ty\" z");
	compose("an unclosed quote runs to the end", "a=\"x y", NULL, "z", 0, "a=\"x y z");
	compose("reuse, command-line and append, in that order", "r BOOT_IMAGE=/b", "c", "a", 0, "r c a");
	compose("empty texts add nothing", "", "", "", 0, "");
	test_linear();
	test_size();
	return check_status();
}
