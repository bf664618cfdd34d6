#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	OPT_INITRD = 256,
	OPT_APPEND,
	OPT_COMMAND_LINE,
	OPT_REUSE_CMDLINE,
	OPT_DTB,
	OPT_DRY_RUN,
	OPT_SERIAL,
	OPT_ARCH,
	OPT_ATAGS,
	OPT_MACHINE_TYPE,
	OPT_PRINT_CKR_SIZE,
	OPT_ARGS_LINUX,
	/* kexec-tools options refused, each with its own line below */
	OPT_MEM_MIN,
	OPT_MEM_MAX,
	OPT_REUSEINITRD,
	OPT_LOAD_PRESERVE_CONTEXT,
	OPT_ENTRY,
};

static const struct option long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "status", no_argument, NULL, 'S' },
	{ "debug", no_argument, NULL, 'd' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "command-line", required_argument, NULL, OPT_COMMAND_LINE },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "dtb", required_argument, NULL, OPT_DTB },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "arch", required_argument, NULL, OPT_ARCH },
	{ "atags", no_argument, NULL, OPT_ATAGS },
	{ "machine-type", required_argument, NULL, OPT_MACHINE_TYPE },
	{ "type", required_argument, NULL, 't' },
	{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR_SIZE },
	{ "args-linux", no_argument, NULL, OPT_ARGS_LINUX },
	{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
	{ "reuseinitrd", no_argument, NULL, OPT_REUSEINITRD },
	{ "load-preserve-context", no_argument, NULL, OPT_LOAD_PRESERVE_CONTEXT },
	{ "entry", required_argument, NULL, OPT_ENTRY },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":hvfxylpueSdicast:";

void options_usage(FILE *out)
{
	fputs("Usage: kexec [OPTION]... [KERNEL]\n"
	      "Load a Linux kernel for a fast reboot (kexec -l, then kexec -e).\n"
	      "\n"
	      "Actions:\n"
	      "  -l, --load KERNEL        load KERNEL, boot it later with -e\n"
	      "  -e, --exec               boot the loaded kernel now\n"
	      "  -f, --force KERNEL       load KERNEL and boot it at once\n"
	      "  -u, --unload             unload the loaded kernel\n"
	      "  -S, --status             exit 1 if a kernel is loaded, 0 if not (as\n"
	      "                           kexec-tools; with -l: the normal slot,\n"
	      "                           otherwise the crash slot)\n"
	      "  -p, --load-panic KERNEL  load a crash kernel (kdump), booted on a panic\n"
	      "  KERNEL alone             load it, then run shutdown -r now\n"
	      "  -h, --help               this text\n"
	      "  -v, --version            the version\n"
	      "\n"
	      "Load options:\n"
	      "      --initrd=FILE        initial ramdisk (also --ramdisk=FILE)\n"
	      "      --command-line=TEXT  the next kernel's command line\n"
	      "      --append=TEXT        appended to the command line\n"
	      "      --reuse-cmdline      start from this kernel's /proc/cmdline\n"
	      "      --dtb=FILE           device tree to pass instead of /sys/firmware/fdt\n"
	      "      --atags              arm: pass this kernel's /proc/atags (with the new\n"
	      "                           command line and initrd) instead of a device tree\n"
	      "      --machine-type=N     arm, with --atags: r1 for the next kernel (default:\n"
	      "                           the running kernel's machine type)\n"
	      "      --serial=KIND,ADDR   where the purgatory reports a failed check:\n"
	      "                           pl011,ADDR or ns16550,ADDR[,SHIFT[,WIDTH]], or none\n"
	      "                           (default: the DTB's stdout-path)\n"
	      "  -i, --no-checks          skip the purgatory's SHA-256 checks\n"
	      "      --dry-run            plan everything, print it, load nothing\n"
	      "      --arch=NAME          plan for NAME (arm64, arm) instead of this machine;\n"
	      "                           only with --dry-run\n"
	      "  -d, --debug              print the plan while loading\n"
	      "  -t, --type=NAME          accepted for kexec-tools' callers when NAME is a\n"
	      "                           format detected here (Image, zImage, uImage,\n"
	      "                           vmlinux, elf); the file's bytes decide\n"
	      "      --args-linux         accepted: every kernel is booted as Linux\n"
	      "      --print-ckr-size     print the crash kernel region's size in bytes\n"
	      "\n"
	      "Boot options:\n"
	      "  -x, --no-ifdown          do not take network interfaces down before -e\n"
	      "  -y, --no-sync            do not sync file systems before -e\n"
	      "\n"
	      "Syscall (the last of -s, -c, -a wins):\n"
	      "  -s, --kexec-file-syscall use kexec_file_load(2) only: the kernel checks the\n"
	      "                           kernel's signature (works under lockdown) and\n"
	      "                           places it; no --dtb, no purgatory checks\n"
	      "  -c, --kexec-syscall      use kexec_load(2) only: our own placement, DTB and\n"
	      "                           purgatory SHA-256 checks\n"
	      "  -a, --kexec-syscall-auto kexec_file_load(2), else kexec_load(2) when the\n"
	      "                           kernel lacks it or cannot use the image, never\n"
	      "                           after a signature refusal (the default; 32-bit\n"
	      "                           arm, or --dtb/--atags given: kexec_load(2))\n"
	      "\n"
	      "Exit status: 0 done; 1 usage error, or nothing loaded for -e; 255 a load\n"
	      "or unload failed; 253 kexec_file_load(2) not available or unable to use the\n"
	      "image (with -s).  -S: 1 loaded, 0 not loaded, 2 cannot tell.\n",
	      out);
}

/* User text for a message, cut when long.  (error_set shows control
 * characters, a newline in an argument among them, as '?'.) */
static const char *cut_text(const char *text, size_t len, char *buf, size_t size)
{
	size_t n = len < size - 1 ? len : size - 1;

	memcpy(buf, text, n);
	if (n < len && n >= 3)
		memcpy(buf + n - 3, "...", 3);
	buf[n] = '\0';
	return buf;
}

#define SHOWN_SIZE 96
#define SHOWN(text) cut_text((text), strlen(text), (char[SHOWN_SIZE]){ 0 }, SHOWN_SIZE)

/* ADDR of --serial: hex digits after an optional 0x, nothing else. */
static bool parse_hex64(const char *text, size_t len, uint64_t *value)
{
	uint64_t v = 0;
	size_t i = 0;

	if (len > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		i = 2;
	if (i == len)
		return false;
	for (; i < len; i++) {
		char c = text[i];
		unsigned digit;

		if (c >= '0' && c <= '9')
			digit = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			digit = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			digit = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v >> 60)
			return false; /* past 64 bits */
		v = v << 4 | digit;
	}
	*value = v;
	return true;
}

/* SHIFT and WIDTH: one decimal digit. */
static bool parse_digit(const char *text, size_t len, uint32_t *value)
{
	if (len != 1 || text[0] < '0' || text[0] > '9')
		return false;
	*value = (uint32_t)(text[0] - '0');
	return true;
}

static bool field_is(const char *field, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(field, word, len) == 0;
}

int serial_parse(const char *spec, struct uart_info *uart, struct error *err)
{
	const char *field[4];
	size_t len[4], n = 0;
	const char *p = spec;

	memset(uart, 0, sizeof(*uart));
	if (strcmp(spec, "none") == 0)
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');

		if (n == 4)
			goto syntax;
		field[n] = p;
		len[n] = comma ? (size_t)(comma - p) : strlen(p);
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	if (n < 2)
		goto syntax;
	if (field_is(field[0], len[0], "pl011")) {
		if (n > 2)
			return error_set(err, -EINVAL, "--serial=%s: a PL011 takes no SHIFT or WIDTH (its registers are 4 bytes wide and apart)",
					 SHOWN(spec));
		uart->kind = UART_PL011;
		uart->io_width = 4;
	} else if (field_is(field[0], len[0], "ns16550") || field_is(field[0], len[0], "8250") ||
		   field_is(field[0], len[0], "uart8250")) {
		uart->kind = UART_NS16550;
		uart->io_width = 1;
	} else {
		return error_set(err, -EINVAL, "--serial=%s: unknown UART kind '%s' (pl011 or ns16550)",
				 SHOWN(spec), cut_text(field[0], len[0], (char[SHOWN_SIZE]){ 0 },
							SHOWN_SIZE));
	}
	if (!parse_hex64(field[1], len[1], &uart->addr))
		return error_set(err, -EINVAL, "--serial=%s: the address must be hexadecimal (0x optional), at most 64 bits",
				 SHOWN(spec));
	if (n > 2 && (!parse_digit(field[2], len[2], &uart->reg_shift) || uart->reg_shift > 4))
		return error_set(err, -EINVAL, "--serial=%s: SHIFT must be 0 to 4", SHOWN(spec));
	if (n > 3 && (!parse_digit(field[3], len[3], &uart->io_width) ||
		      (uart->io_width != 1 && uart->io_width != 4)))
		return error_set(err, -EINVAL, "--serial=%s: WIDTH must be 1 or 4", SHOWN(spec));
	return 0;
syntax:
	memset(uart, 0, sizeof(*uart));
	return error_set(err, -EINVAL, "--serial=%s: expected pl011,ADDR or ns16550,ADDR[,SHIFT[,WIDTH]] or none",
			 SHOWN(spec));
}

/* getopt_long failed on a long option when optopt is 0 (unknown or
 * ambiguous) or the option's own value (given a value it does not take);
 * on a short one, optopt is that unknown character. */
static int refuse_option(const char *arg, int opt, struct error *err)
{
	bool long_option = opt == 0 || opt >= 256 || (opt != ':' && strchr(short_options, opt));

	if (!long_option)
		return error_set(err, -EINVAL, "unknown option '-%s' (see kexec --help)",
				 cut_text((const char[]){ (char)opt }, 1, (char[2]){ 0 }, 2));
	if (opt && strncmp(arg, "--", 2) == 0 && strchr(arg, '='))
		return error_set(err, -EINVAL, "option '%s' takes no value (see kexec --help)",
				 cut_text(arg, (size_t)(strchr(arg, '=') - arg),
					   (char[SHOWN_SIZE]){ 0 }, SHOWN_SIZE));
	return error_set(err, -EINVAL, "unknown option '%s' (see kexec --help)", SHOWN(arg));
}

static int parse_machine_type(const char *text, struct options *opts, struct error *err)
{
	unsigned long long value;
	char *end;

	errno = 0;
	value = strtoull(text, &end, 0);
	/* 0xffffffff in r1 means "a device tree", never a machine. */
	if (errno || end == text || *end || text[0] < '0' || text[0] > '9' ||
	    value >= 0xffffffffull)
		return error_set(err, -EINVAL, "--machine-type=%s: expected a machine number (decimal or 0x hex) below 0xffffffff",
				 SHOWN(text));
	opts->has_machine_type = true;
	opts->machine_type = (uint32_t)value;
	return 0;
}

/* kexec-tools' -t names for the formats format.c detects on arm64 and
 * arm.  Compressed kernels, zboot and UKIs have no name there: they are
 * found by their bytes alone, as the named ones are. */
static const char *const known_types[] = { "Image", "zImage", "uImage", "vmlinux", "elf" };

bool options_known_type(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(known_types) / sizeof(known_types[0]); i++)
		if (!strcmp(name, known_types[i]))
			return true;
	return false;
}

/* kexec-tools options this kexec does not take, each refused with what to
 * do instead (man/kexec.8, "kexec-tools options"). */
static int refuse_kexec_tools_option(int opt, struct error *err)
{
	switch (opt) {
	case OPT_MEM_MIN:
	case OPT_MEM_MAX:
		return error_set(err, -EINVAL, "--%s is not supported: segments go in the RAM the kernel reports usable; --dry-run shows where",
				 opt == OPT_MEM_MIN ? "mem-min" : "mem-max");
	case OPT_REUSEINITRD:
		return error_set(err, -EINVAL, "--reuseinitrd is not supported: pass the initrd again with --initrd=FILE");
	case OPT_LOAD_PRESERVE_CONTEXT:
		return error_set(err, -EINVAL, "--load-preserve-context is not supported: Linux has kexec jump on x86 only; use -l");
	default:
		return error_set(err, -EINVAL, "--entry is not supported: the purgatory enters the kernel at the kernel's own entry point (--dry-run shows it)");
	}
}

/* petitboot passes an empty command line as the literal argument
 * --append="" (no shell removes the quotes): the kernel would get two
 * quote characters.  A value that is only a pair of quotes means nothing
 * else, so it is taken as the empty text a shell would have made of it. */
static const char *unquote_empty(const char *value)
{
	return !strcmp(value, "\"\"") || !strcmp(value, "''") ? "" : value;
}

static int set_action(struct options *opts, enum kexec_action action,
		      struct error *err)
{
	if (opts->action != ACTION_NONE && opts->action != action)
		return error_set(err, -EINVAL, "conflicting actions: use one of -l, -p, -e, -f, -u, -S");
	opts->action = action;
	return 0;
}

int options_parse(int argc, char **argv, struct options *opts, struct error *err)
{
	bool load_flag = false, exec_flag = false, force_flag = false, status_flag = false;
	bool unload_flag = false;
	int c, ret = 0;

	memset(opts, 0, sizeof(*opts));
	opterr = 0;
	/* 0, not 1: glibc (and musl) then also forget where they were inside
	 * a cluster of short options from an earlier parse. */
	optind = 0;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
		case 'v':
			memset(opts, 0, sizeof(*opts));
			opts->action = c == 'h' ? ACTION_HELP : ACTION_VERSION;
			return 0;
		case 'f': force_flag = true; break;
		case 'x': opts->no_ifdown = true; break;
		case 'y': opts->no_sync = true; break;
		case 'l': load_flag = true; break;
		case 'p': opts->crash = true; break;
		case 'u': unload_flag = true; break;
		case 'e': exec_flag = true; break;
		case 'S': status_flag = true; break;
		case 'd': opts->debug = true; break;
		case 'i': opts->no_checks = true; break;
		case 'a': opts->syscall = SYSCALL_AUTO; break;
		case 'c': opts->syscall = SYSCALL_LOAD; break;
		case 's': opts->syscall = SYSCALL_FILE; break;
		case OPT_INITRD: opts->initrd = optarg; break;
		case OPT_APPEND: opts->append = unquote_empty(optarg); break;
		case OPT_COMMAND_LINE: opts->command_line = unquote_empty(optarg); break;
		case OPT_REUSE_CMDLINE: opts->reuse_cmdline = true; break;
		case OPT_DTB: opts->dtb = optarg; break;
		case OPT_DRY_RUN: opts->dry_run = true; break;
		case OPT_SERIAL:
			opts->serial = optarg;
			ret = serial_parse(optarg, &opts->uart, err);
			if (ret)
				return ret;
			break;
		case OPT_ARCH: opts->arch = optarg; break;
		case OPT_ATAGS: opts->atags = true; break;
		case OPT_MACHINE_TYPE:
			ret = parse_machine_type(optarg, opts, err);
			if (ret)
				return ret;
			break;
		case 't':
			if (!options_known_type(optarg))
				return error_set(err, -EINVAL, "-t %s: unknown kernel type (known: Image, zImage, uImage, vmlinux, elf); or leave -t out: the format is detected from the file",
						 SHOWN(optarg));
			opts->type = optarg;
			break;
		case OPT_PRINT_CKR_SIZE:
			/* kexec-tools prints the size and exits as soon as
			 * it meets the option, whatever follows. */
			memset(opts, 0, sizeof(*opts));
			opts->action = ACTION_PRINT_CKR_SIZE;
			return 0;
		case OPT_ARGS_LINUX: break; /* what every load does */
		case OPT_MEM_MIN:
		case OPT_MEM_MAX:
		case OPT_REUSEINITRD:
		case OPT_LOAD_PRESERVE_CONTEXT:
		case OPT_ENTRY:
			return refuse_kexec_tools_option(c, err);
		case ':':
			return error_set(err, -EINVAL, "option '%s' needs a value (see kexec --help)",
					 SHOWN(argv[optind - 1]));
		default:
			return refuse_option(argv[optind - 1], optopt, err);
		}
	}
	if (optind < argc)
		opts->kernel = argv[optind++];
	if (optind < argc)
		return error_set(err, -EINVAL, "unexpected argument '%s' (one kernel file only)",
				 SHOWN(argv[optind]));

	/* kexec-tools precedence: -S only asks, -u and -e act on what is
	 * loaded, -f loads and boots, -l/-p load, a bare kernel loads and
	 * reboots through shutdown(8). */
	if (unload_flag && (load_flag || force_flag))
		return error_set(err, -EINVAL, "conflicting actions: -u unloads, %s loads; use one",
				 load_flag ? "-l" : "-f");
	if (status_flag)
		ret = set_action(opts, ACTION_STATUS, err);
	else if (unload_flag)
		ret = set_action(opts, ACTION_UNLOAD, err);
	else if (force_flag)
		ret = set_action(opts, ACTION_LOAD_EXEC, err);
	else if (exec_flag && !load_flag && !opts->crash)
		ret = set_action(opts, ACTION_EXEC, err);
	else if (load_flag || opts->crash)
		ret = set_action(opts, exec_flag ? ACTION_LOAD_EXEC : ACTION_LOAD, err);
	else if (opts->kernel)
		ret = set_action(opts, ACTION_LOAD_REBOOT, err);
	if (ret)
		return ret;
	if (status_flag && !load_flag)
		opts->crash = true; /* kexec-tools: -S alone asks about the crash slot */

	switch (opts->action) {
	case ACTION_NONE:
		return error_set(err, -EINVAL, "nothing to do: give a kernel with -l, or -e, -u, -S (see kexec --help)");
	case ACTION_LOAD:
	case ACTION_LOAD_EXEC:
	case ACTION_LOAD_REBOOT:
		if (!opts->kernel)
			return error_set(err, -EINVAL, "no kernel file given");
		break;
	default:
		if (opts->kernel)
			return error_set(err, -EINVAL, "unexpected kernel file '%s' for this action",
					 SHOWN(opts->kernel));
		break;
	}
	if (opts->crash && opts->action == ACTION_LOAD_EXEC)
		return error_set(err, -EINVAL, "-p cannot be combined with -e or -f");
	if (opts->atags && opts->dtb)
		return error_set(err, -EINVAL, "--atags and --dtb exclude each other: the next kernel gets an ATAG list or a device tree");
	if (opts->has_machine_type && !opts->atags)
		return error_set(err, -EINVAL, "--machine-type goes with --atags (with a device tree, r1 is always 0xffffffff)");
	if (opts->syscall == SYSCALL_FILE && opts->dtb)
		return error_set(err, -EINVAL, "--dtb cannot go with -s: kexec_file_load(2) takes no device tree (the kernel builds the next one from its own); use -c for --dtb");
	if (opts->syscall == SYSCALL_FILE && opts->atags)
		return error_set(err, -EINVAL, "--atags cannot go with -s: kexec_file_load(2) takes no ATAG list");
	if (opts->arch && !opts->dry_run)
		return error_set(err, -EINVAL, "--arch=%s only plans: add --dry-run", SHOWN(opts->arch));
	if (opts->dry_run && opts->action != ACTION_LOAD && opts->action != ACTION_LOAD_EXEC &&
	    opts->action != ACTION_LOAD_REBOOT)
		return error_set(err, -EINVAL, "--dry-run goes with a load (-l KERNEL)");
	return 0;
}
