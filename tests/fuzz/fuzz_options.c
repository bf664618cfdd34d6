/* The command line kexec is given: the input is NUL-separated strings.
 *  - All of them, after "kexec", are argv for options_parse: it succeeds
 *    with a consistent request (an action; a load has a kernel, other
 *    actions none; -p only with a load, -u or -S; --arch only with
 *    --dry-run, --dry-run only with a load; --machine-type only with
 *    --atags, never --atags with --dtb; --serial's text parsed into the
 *    UART it names), or fails with a negative errno and one line.
 *  - The first three are a running command line, --command-line and
 *    --append for cmdline_compose, whose result must equal a naive
 *    recomputation of the documented rule (cmdline.h), and whose length
 *    check must agree with both kernels' COMMAND_LINE_SIZE.
 *  - Each is a --serial value: accepted exactly when the documented
 *    grammar (options.h) matches, and then formatting the UART back and
 *    parsing that gives the same UART. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>

#include "cmdline.h"
#include "fuzz_util.h"
#include "options.h"

#define MAX_ARGS 64

/* --- cmdline_compose, recomputed one character at a time -------------- */

struct naive_line {
	char *buf;
	size_t len;
};

static void naive_add(struct naive_line *line, const char *text, bool running, bool crash)
{
	size_t i = 0, n = strlen(text);

	while (i < n) {
		size_t start;
		bool quoted = false, drop;

		if (isspace((unsigned char)text[i])) {
			i++;
			continue;
		}
		for (start = i; i < n; i++) {
			if (text[i] == '"')
				quoted = !quoted;
			else if (!quoted && isspace((unsigned char)text[i]))
				break;
		}
		drop = running && (!strncmp(text + start, "BOOT_IMAGE=", 11) ||
				   (crash && !strncmp(text + start, "crashkernel=", 12)));
		if (drop)
			continue;
		if (line->len)
			line->buf[line->len++] = ' ';
		memcpy(line->buf + line->len, text + start, i - start);
		line->len += i - start;
		line->buf[line->len] = '\0';
	}
}

static void check_compose(const char *running, const char *command_line,
			  const char *append, bool crash)
{
	struct naive_line want;
	struct error err = { { 0 } };
	char *got = NULL;
	size_t len;
	int ret;

	want.buf = calloc(1, strlen(running) + strlen(command_line) + strlen(append) + 4);
	want.len = 0;
	if (!want.buf)
		abort();
	naive_add(&want, running, true, crash);
	naive_add(&want, command_line, false, crash);
	naive_add(&want, append, false, crash);
	ret = cmdline_compose(running, command_line, append, crash, &got);
	FUZZ_ASSERT(ret == 0 && got, "cmdline_compose failed: %d", ret);
	FUZZ_ASSERT(strcmp(got, want.buf) == 0, "composed \"%s\", the rule gives \"%s\"", got,
		    want.buf);
	len = strlen(got);
	ret = cmdline_check_size(got, 2048, "arm64", &err);
	FUZZ_ASSERT((ret == 0) == (len <= 2047), "%zu bytes: arm64 check says %d", len, ret);
	if (ret)
		FUZZ_ASSERT_MESSAGE(&err);
	ret = cmdline_check_size(got, 1024, "arm", &err);
	FUZZ_ASSERT((ret == 0) == (len <= 1023), "%zu bytes: arm check says %d", len, ret);
	FUZZ_ASSERT(cmdline_check_size(got, 0, "none", &err) == 0, "size 0 is no limit");
	free(got);
	free(want.buf);
}

/* --- --serial: the grammar, matched independently --------------------- */

static bool is_hex(char c)
{
	return isxdigit((unsigned char)c) != 0;
}

/* (0x)?HEX+ of at most 64 bits, ending at a ',' or the end. */
static const char *match_addr(const char *p)
{
	const char *digits;
	size_t significant = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && is_hex(p[2]))
		p += 2;
	for (digits = p; is_hex(*p); p++)
		if (significant || *p != '0')
			significant++;
	return p > digits && significant <= 16 ? p : NULL;
}

static bool grammar_accepts(const char *spec)
{
	static const char *const ns16550[] = { "ns16550,", "8250,", "uart8250," };
	const char *p;
	size_t i;

	if (!strcmp(spec, "none"))
		return true;
	if (!strncmp(spec, "pl011,", 6)) {
		p = match_addr(spec + 6);
		return p && !*p;
	}
	for (i = 0; i < 3; i++) {
		if (strncmp(spec, ns16550[i], strlen(ns16550[i])))
			continue;
		p = match_addr(spec + strlen(ns16550[i]));
		if (!p)
			return false;
		if (!*p)
			return true;
		if (p[0] != ',' || p[1] < '0' || p[1] > '4')
			return false;
		if (!p[2])
			return true;
		return p[2] == ',' && (p[3] == '1' || p[3] == '4') && !p[4];
	}
	return false;
}

static void check_serial(const char *spec)
{
	struct uart_info uart, again;
	struct error err = { { 0 } };
	char text[64];
	int ret = serial_parse(spec, &uart, &err);

	FUZZ_ASSERT((ret == 0) == grammar_accepts(spec), "--serial=%s: parse says %d", spec, ret);
	if (ret) {
		FUZZ_ASSERT(ret == -EINVAL, "--serial=%s: %d", spec, ret);
		FUZZ_ASSERT_MESSAGE(&err);
		return;
	}
	switch (uart.kind) {
	case UART_NONE:
		snprintf(text, sizeof(text), "none");
		break;
	case UART_PL011:
		snprintf(text, sizeof(text), "pl011,0x%" PRIx64, uart.addr);
		break;
	case UART_NS16550:
		snprintf(text, sizeof(text), "ns16550,%" PRIx64 ",%" PRIu32 ",%" PRIu32, uart.addr,
			 uart.reg_shift, uart.io_width);
		break;
	default:
		FUZZ_ASSERT(0, "--serial=%s: kind %d", spec, (int)uart.kind);
	}
	FUZZ_ASSERT(serial_parse(text, &again, &err) == 0, "%s (from %s) refused: %s", text, spec,
		    err.msg);
	FUZZ_ASSERT(!memcmp(&uart, &again, sizeof(uart)), "%s and %s differ", spec, text);
}

/* --- options_parse ---------------------------------------------------- */

static bool is_load(enum kexec_action action)
{
	return action == ACTION_LOAD || action == ACTION_LOAD_EXEC || action == ACTION_LOAD_REBOOT;
}

static void check_options(int argc, char **argv)
{
	struct options o;
	struct error err = { { 0 } };
	struct uart_info uart;
	int ret = options_parse(argc, argv, &o, &err);

	if (ret) {
		FUZZ_ASSERT(ret < 0, "options_parse returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		return;
	}
	FUZZ_ASSERT(o.action != ACTION_NONE, "success without an action");
	FUZZ_ASSERT(is_load(o.action) == (o.kernel != NULL), "action %d with kernel %s",
		    (int)o.action, o.kernel ? o.kernel : "(none)");
	if (o.action == ACTION_HELP || o.action == ACTION_VERSION)
		FUZZ_ASSERT(!o.crash && !o.dry_run && !o.serial, "help or version with more set");
	FUZZ_ASSERT(!o.crash || o.action == ACTION_LOAD || o.action == ACTION_UNLOAD ||
		    o.action == ACTION_STATUS, "-p with action %d", (int)o.action);
	FUZZ_ASSERT(!o.arch || o.dry_run, "--arch without --dry-run");
	FUZZ_ASSERT(!o.dry_run || is_load(o.action), "--dry-run with action %d", (int)o.action);
	FUZZ_ASSERT(!o.has_machine_type || o.atags, "--machine-type without --atags");
	FUZZ_ASSERT(!(o.atags && o.dtb), "--atags with --dtb");
	FUZZ_ASSERT(!o.has_machine_type || o.machine_type != 0xffffffffu, "machine type 0xffffffff");
	if (o.serial) {
		FUZZ_ASSERT(serial_parse(o.serial, &uart, &err) == 0, "--serial=%s kept", o.serial);
		FUZZ_ASSERT(!memcmp(&uart, &o.uart, sizeof(uart)), "--serial=%s parsed differently",
			    o.serial);
	}
	/* What a load composes from these options. */
	if (o.command_line || o.append)
		check_compose("", o.command_line ? o.command_line : "", o.append ? o.append : "",
			      o.crash);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part whole = { data, size };
	char *text = fuzz_dup(&whole), *args[MAX_ARGS + 2], *argv[MAX_ARGS + 2];
	const char *empty = "";
	size_t i, off = 0;
	int n = 0;

	args[n++] = "kexec";
	while (off < size && n <= MAX_ARGS) {
		args[n++] = text + off;
		off += strlen(text + off) + 1;
	}
	args[n] = NULL;
	for (i = 1; i < (size_t)n; i++)
		check_serial(args[i]);
	check_compose(n > 1 ? args[1] : empty, n > 2 ? args[2] : empty, n > 3 ? args[3] : empty,
		      size & 1);
	/* getopt_long permutes its argv: give it a copy of the pointers. */
	memcpy(argv, args, sizeof(args[0]) * (size_t)(n + 1));
	check_options(n, argv);
	free(text);
	return 0;
}
