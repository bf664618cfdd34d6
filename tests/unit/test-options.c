/* The command line: kexec-tools' spellings, its action precedence, and a
 * clear error for anything else. */
#include <errno.h>

#include "check.h"
#include "options.h"

#define ARGV(...) ((char *[]){ "kexec", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "kexec", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(opts, err, ...) options_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (opts), (err))

/* 32-bit ARM: --atags and --machine-type, and what they cannot go with. */
static void test_atags_options(void)
{
	struct options o;
	struct error err = { { 0 } };

	CHECK_EQ("--atags parses", PARSE(&o, &err, "-l", "zImage", "--atags"), 0);
	CHECK("--atags set, no machine type", o.atags && !o.has_machine_type);
	CHECK_EQ("--machine-type parses", PARSE(&o, &err, "-l", "zImage", "--atags", "--machine-type=0xc42"), 0);
	CHECK("--machine-type hex", o.has_machine_type && o.machine_type == 0xc42);
	CHECK_EQ("--machine-type decimal", PARSE(&o, &err, "-l", "z", "--atags", "--machine-type", "3138"), 0);
	CHECK_EQ("--machine-type decimal value", o.machine_type, 3138);
	CHECK_EQ("--atags with --dtb: refused", PARSE(&o, &err, "-l", "z", "--atags", "--dtb=b.dtb"), -EINVAL);
	CHECK_CONTAINS("--atags with --dtb: message", err.msg, "--atags and --dtb");
	CHECK_EQ("--machine-type without --atags: refused", PARSE(&o, &err, "-l", "z", "--machine-type=5"), -EINVAL);
	CHECK_CONTAINS("--machine-type without --atags: message", err.msg, "goes with --atags");
	CHECK_EQ("--machine-type=0xffffffff (the DTB marker): refused",
		 PARSE(&o, &err, "-l", "z", "--atags", "--machine-type=0xffffffff"), -EINVAL);
	CHECK_EQ("--machine-type=junk: refused", PARSE(&o, &err, "-l", "z", "--atags", "--machine-type=12x"), -EINVAL);
	CHECK_EQ("--machine-type=-1: refused", PARSE(&o, &err, "-l", "z", "--atags", "--machine-type=-1"), -EINVAL);
}

int main(void)
{
	struct options o;
	struct error err;

	test_atags_options();

	CHECK_EQ("-l KERNEL parses", PARSE(&o, &err, "-l", "Image", "--initrd=i", "--append=a b"), 0);
	CHECK_EQ("-l is a load", o.action, ACTION_LOAD);
	CHECK_STR("-l kernel path", o.kernel, "Image");
	CHECK_STR("--initrd", o.initrd, "i");
	CHECK_STR("--append", o.append, "a b");

	CHECK_EQ("kernel before -l parses", PARSE(&o, &err, "Image", "--load", "--ramdisk", "r"), 0);
	CHECK_STR("--ramdisk is --initrd", o.initrd, "r");
	CHECK_EQ("--load is a load", o.action, ACTION_LOAD);

	CHECK_EQ("bare kernel parses", PARSE(&o, &err, "Image"), 0);
	CHECK_EQ("bare kernel loads then reboots via shutdown", o.action, ACTION_LOAD_REBOOT);

	CHECK_EQ("-f parses", PARSE(&o, &err, "-f", "Image"), 0);
	CHECK_EQ("-f loads and boots", o.action, ACTION_LOAD_EXEC);

	CHECK_EQ("-e parses", PARSE(&o, &err, "-e", "-x", "-y"), 0);
	CHECK_EQ("-e boots", o.action, ACTION_EXEC);
	CHECK("-x and -y", o.no_ifdown && o.no_sync);

	CHECK_EQ("-u parses", PARSE(&o, &err, "-u"), 0);
	CHECK_EQ("-u unloads the normal slot", o.action == ACTION_UNLOAD && !o.crash, 1);
	CHECK_EQ("-u -p parses", PARSE(&o, &err, "-u", "-p"), 0);
	CHECK("-u -p unloads the crash slot", o.action == ACTION_UNLOAD && o.crash);

	CHECK_EQ("-S parses", PARSE(&o, &err, "-S"), 0);
	CHECK("-S alone asks about the crash slot", o.action == ACTION_STATUS && o.crash);
	CHECK_EQ("-S -l parses", PARSE(&o, &err, "-S", "-l"), 0);
	CHECK("-S -l asks about the normal slot", o.action == ACTION_STATUS && !o.crash);

	CHECK_EQ("long spellings parse", PARSE(&o, &err, "--load", "K", "--command-line=c", "--reuse-cmdline",
					       "--dtb=d", "--no-checks", "--debug", "--dry-run", "--serial=none"), 0);
	CHECK("long spellings set their fields", o.command_line && o.reuse_cmdline && o.dtb &&
	      o.no_checks && o.debug && o.dry_run && o.serial);

	CHECK_EQ("-h", PARSE(&o, &err, "-h"), 0);
	CHECK_EQ("-h is help", o.action, ACTION_HELP);
	CHECK_EQ("--version", PARSE(&o, &err, "--version"), 0);
	CHECK_EQ("--version is version", o.action, ACTION_VERSION);

	CHECK_EQ("unknown long option rejected", PARSE(&o, &err, "-l", "K", "--frobnicate"), -EINVAL);
	CHECK_CONTAINS("unknown long option named", err.msg, "unknown option '--frobnicate'");
	CHECK_EQ("unknown short option rejected", PARSE(&o, &err, "-Z"), -EINVAL);
	CHECK_CONTAINS("unknown short option named", err.msg, "'-Z'");
	CHECK_EQ("missing value rejected", PARSE(&o, &err, "-l", "K", "--initrd"), -EINVAL);
	CHECK_CONTAINS("missing value named", err.msg, "--initrd");
	CHECK_EQ("-s rejected", PARSE(&o, &err, "-s", "-l", "K"), -ENOTSUP);
	CHECK_CONTAINS("-s message explains", err.msg, "kexec_file_load");
	CHECK_EQ("-l without kernel rejected", PARSE(&o, &err, "-l"), -EINVAL);
	CHECK_EQ("two kernels rejected", PARSE(&o, &err, "-l", "A", "B"), -EINVAL);
	CHECK_EQ("-e with a kernel rejected", PARSE(&o, &err, "-e", "K"), -EINVAL);
	CHECK_EQ("-u -e: -u wins (kexec-tools precedence)", PARSE(&o, &err, "-u", "-e"), 0);
	CHECK_EQ("nothing to do rejected", PARSE(&o, &err, "-d"), -EINVAL);
	CHECK_EQ("--arch without --dry-run rejected", PARSE(&o, &err, "--arch=arm64", "-l", "K"), -EINVAL);
	CHECK_EQ("--dry-run without a load rejected", PARSE(&o, &err, "--dry-run", "-e"), -EINVAL);
	CHECK_EQ("-p KERNEL parses", PARSE(&o, &err, "-p", "K", "--reuse-cmdline"), 0);
	CHECK("-p KERNEL is a crash load", o.action == ACTION_LOAD && o.crash && o.reuse_cmdline);
	CHECK_EQ("-p with -e rejected", PARSE(&o, &err, "-p", "K", "-e"), -EINVAL);
	CHECK_EQ("-p with -f rejected", PARSE(&o, &err, "-p", "-f", "K"), -EINVAL);
	return check_status();
}
