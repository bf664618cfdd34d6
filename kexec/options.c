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
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = ":hvfxylpueSdicas";

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
	      "\n"
	      "Boot options:\n"
	      "  -x, --no-ifdown          do not take network interfaces down before -e\n"
	      "  -y, --no-sync            do not sync file systems before -e\n"
	      "  -c, --kexec-syscall      use kexec_load(2) (the default and only way)\n"
	      "  -a, --kexec-syscall-auto the same\n",
	      out);
}

static int parse_machine_type(const char *text, struct options *opts, struct error *err)
{
	unsigned long long value;
	char *end;

	errno = 0;
	value = strtoull(text, &end, 0);
	/* 0xffffffff in r1 means "a device tree", never a machine. */
	if (errno || end == text || *end || text[0] == '-' || value >= 0xffffffffull)
		return error_set(err, -EINVAL, "--machine-type=%s: expected a machine number (decimal or 0x hex) below 0xffffffff",
				 text);
	opts->has_machine_type = true;
	opts->machine_type = (uint32_t)value;
	return 0;
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
	optind = 1;
	while ((c = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		switch (c) {
		case 'h': opts->action = ACTION_HELP; return 0;
		case 'v': opts->action = ACTION_VERSION; return 0;
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
		case 'c': case 'a': break; /* kexec_load(2) is all we use */
		case 's':
			return error_set(err, -ENOTSUP, "--kexec-file-syscall (-s): kexec_file_load(2) is not supported by this loader; drop -s to use kexec_load(2)");
		case OPT_INITRD: opts->initrd = optarg; break;
		case OPT_APPEND: opts->append = optarg; break;
		case OPT_COMMAND_LINE: opts->command_line = optarg; break;
		case OPT_REUSE_CMDLINE: opts->reuse_cmdline = true; break;
		case OPT_DTB: opts->dtb = optarg; break;
		case OPT_DRY_RUN: opts->dry_run = true; break;
		case OPT_SERIAL: opts->serial = optarg; break;
		case OPT_ARCH: opts->arch = optarg; break;
		case OPT_ATAGS: opts->atags = true; break;
		case OPT_MACHINE_TYPE:
			ret = parse_machine_type(optarg, opts, err);
			if (ret)
				return ret;
			break;
		case ':':
			return error_set(err, -EINVAL, "option '%s' needs a value (see kexec --help)",
					 argv[optind - 1]);
		default:
			if (optopt)
				return error_set(err, -EINVAL, "unknown option '-%c' (see kexec --help)", optopt);
			return error_set(err, -EINVAL, "unknown option '%s' (see kexec --help)",
					 argv[optind - 1]);
		}
	}
	if (optind < argc)
		opts->kernel = argv[optind++];
	if (optind < argc)
		return error_set(err, -EINVAL, "unexpected argument '%s' (one kernel file only)",
				 argv[optind]);

	/* kexec-tools precedence: -S only asks, -u and -e act on what is
	 * loaded, -f loads and boots, -l/-p load, a bare kernel loads and
	 * reboots through shutdown(8). */
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
					 opts->kernel);
		break;
	}
	if (opts->crash && opts->action == ACTION_LOAD_EXEC)
		return error_set(err, -EINVAL, "-p cannot be combined with -e or -f");
	if (opts->atags && opts->dtb)
		return error_set(err, -EINVAL, "--atags and --dtb exclude each other: the next kernel gets an ATAG list or a device tree");
	if (opts->has_machine_type && !opts->atags)
		return error_set(err, -EINVAL, "--machine-type goes with --atags (with a device tree, r1 is always 0xffffffff)");
	if (opts->arch && !opts->dry_run)
		return error_set(err, -EINVAL, "--arch=%s only plans: add --dry-run", opts->arch);
	if (opts->dry_run && opts->action != ACTION_LOAD && opts->action != ACTION_LOAD_EXEC &&
	    opts->action != ACTION_LOAD_REBOOT)
		return error_set(err, -EINVAL, "--dry-run goes with a load (-l KERNEL)");
	return 0;
}
