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

static void serial_ok(const char *spec, enum uart_kind kind, uint64_t addr,
		      uint32_t shift, uint32_t width)
{
	struct uart_info u;
	struct error err = { { 0 } };
	char name[160];

	snprintf(name, sizeof(name), "--serial=%s parses", spec);
	CHECK_EQ(name, serial_parse(spec, &u, &err), 0);
	snprintf(name, sizeof(name), "--serial=%s: kind, address, shift, width", spec);
	CHECK(name, u.kind == kind && u.addr == addr && u.reg_shift == shift && u.io_width == width);
}

static void serial_bad(const char *spec, const char *why)
{
	struct uart_info u;
	struct error err = { { 0 } };
	char name[160];

	snprintf(name, sizeof(name), "--serial=%s refused", spec);
	CHECK_EQ(name, serial_parse(spec, &u, &err), -EINVAL);
	snprintf(name, sizeof(name), "--serial=%s: one line saying why", spec);
	CHECK_CONTAINS(name, err.msg, why);
	CHECK(name, !strchr(err.msg, '\n'));
}

/* The documented grammar, exactly: hex ADDR with or without 0x, decimal
 * SHIFT 0-4 and WIDTH 1 or 4 for a 16550, nothing else. */
static void test_serial(void)
{
	struct options o;
	struct error err = { { 0 } };

	serial_ok("none", UART_NONE, 0, 0, 0);
	serial_ok("pl011,0x9000000", UART_PL011, 0x9000000, 0, 4);
	serial_ok("pl011,9000000", UART_PL011, 0x9000000, 0, 4);
	serial_ok("pl011,0X0", UART_PL011, 0, 0, 4);
	serial_ok("pl011,ffffffffffffffff", UART_PL011, UINT64_MAX, 0, 4);
	serial_ok("pl011,0x0000000000000000000001", UART_PL011, 1, 0, 4);
	serial_ok("ns16550,0x1c020000,2,4", UART_NS16550, 0x1c020000, 2, 4);
	serial_ok("ns16550,1c020000", UART_NS16550, 0x1c020000, 0, 1);
	serial_ok("8250,0x3f8,0", UART_NS16550, 0x3f8, 0, 1);
	serial_ok("uart8250,0x3f8,4,1", UART_NS16550, 0x3f8, 4, 1);
	serial_bad("pl011,0x90zz", "must be hexadecimal");
	serial_bad("pl011,-1", "must be hexadecimal");
	serial_bad("pl011,+1", "must be hexadecimal");
	serial_bad("pl011, 0x1", "must be hexadecimal");
	serial_bad("pl011,0x", "must be hexadecimal");
	serial_bad("pl011,", "must be hexadecimal");
	serial_bad("pl011,1ffffffffffffffff", "at most 64 bits");
	serial_bad("pl011,0x1,2", "takes no SHIFT or WIDTH");
	serial_bad("ns16550,0x1,5", "SHIFT must be 0 to 4");
	serial_bad("ns16550,0x1,-1", "SHIFT must be 0 to 4");
	serial_bad("ns16550,0x1,,4", "SHIFT must be 0 to 4");
	serial_bad("ns16550,0x1,2,2", "WIDTH must be 1 or 4");
	serial_bad("ns16550,0x1,2,04", "WIDTH must be 1 or 4");
	serial_bad("ns16550,0x1,2,4,", "expected pl011,ADDR");
	serial_bad("pl011", "expected pl011,ADDR");
	serial_bad("", "expected pl011,ADDR");
	serial_bad("uart9,1", "unknown UART kind 'uart9'");
	serial_bad("pl011\n,1", "unknown UART kind 'pl011?'");
	CHECK_EQ("--serial is parsed with the options", PARSE(&o, &err, "-l", "K", "--serial=pl011,0x90zz"), -EINVAL);
	CHECK_EQ("--serial's value kept parsed", PARSE(&o, &err, "-l", "K", "--serial=ns16550,0x3f8"), 0);
	CHECK("--serial's value kept parsed: the UART", o.serial && o.uart.kind == UART_NS16550 &&
	      o.uart.addr == 0x3f8);
}

/* getopt_long keeps state between calls: each parse starts afresh, and
 * its failures read as what the user typed. */
static void test_getopt_state(void)
{
	struct options o;
	struct error err = { { 0 } };

	CHECK_EQ("-hx is help", PARSE(&o, &err, "-hx"), 0);
	CHECK_EQ("-e after -hx parses", PARSE(&o, &err, "-e"), 0);
	CHECK("-e after -hx: nothing left over from the cluster", o.action == ACTION_EXEC && !o.no_ifdown);
	CHECK_EQ("-p -h parses", PARSE(&o, &err, "-p", "-h"), 0);
	CHECK("-p -h is help alone", o.action == ACTION_HELP && !o.crash);
	CHECK_EQ("--load=x refused", PARSE(&o, &err, "--load=x", "K"), -EINVAL);
	CHECK_STR("--load=x: takes no value", err.msg, "option '--load' takes no value (see kexec --help)");
	CHECK_EQ("--dry-run=1 refused", PARSE(&o, &err, "-l", "K", "--dry-run=1"), -EINVAL);
	CHECK_CONTAINS("--dry-run=1: takes no value", err.msg, "option '--dry-run' takes no value");
	CHECK_EQ("--no (ambiguous) refused", PARSE(&o, &err, "-e", "--no"), -EINVAL);
	CHECK_CONTAINS("--no: named", err.msg, "unknown option '--no'");
	CHECK_EQ("-l-Z refused", PARSE(&o, &err, "-lZ", "K"), -EINVAL);
	CHECK_CONTAINS("-lZ: the letter named", err.msg, "unknown option '-Z'");
	CHECK_EQ("a control character refused", PARSE(&o, &err, "-\n"), -EINVAL);
	CHECK_STR("a control character: shown as ?", err.msg, "unknown option '-?' (see kexec --help)");
	CHECK_EQ("a newline in an argument", PARSE(&o, &err, "-e", "a\nb"), -EINVAL);
	CHECK_CONTAINS("a newline in an argument: one line", err.msg, "'a?b'");
}

/* How callers write their argv: clusters, the kernel first, --, and
 * petitboot's literal --append="" (the quotes reach us). */
static void test_caller_spellings(void)
{
	struct options o;
	struct error err = { { 0 } };

	CHECK_EQ("-la K (GRUB emu)", PARSE(&o, &err, "-la", "K") == 0 && o.action == ACTION_LOAD &&
		 o.syscall == SYSCALL_AUTO && !strcmp(o.kernel, "K"), 1);
	CHECK_EQ("-al K", PARSE(&o, &err, "-al", "K") == 0 && o.action == ACTION_LOAD, 1);
	CHECK_EQ("-ex: boot, no ifdown", PARSE(&o, &err, "-ex") == 0 && o.action == ACTION_EXEC &&
		 o.no_ifdown, 1);
	CHECK_EQ("-e -i (ZFSBootMenu)", PARSE(&o, &err, "-e", "-i") == 0 && o.action == ACTION_EXEC &&
		 o.no_checks, 1);
	CHECK_EQ("the kernel before the options", PARSE(&o, &err, "K", "-l", "--initrd=I") == 0 &&
		 o.action == ACTION_LOAD && !strcmp(o.kernel, "K") && !strcmp(o.initrd, "I"), 1);
	CHECK_EQ("-- then the kernel (nixpkgs)", PARSE(&o, &err, "--load", "--append=x", "--", "-K") == 0 &&
		 !strcmp(o.kernel, "-K") && !strcmp(o.append, "x"), 1);
	CHECK_EQ("--append OPTS, separate (systemctl)", PARSE(&o, &err, "--load", "K", "--append", "a b", "--initrd", "I") == 0 &&
		 !strcmp(o.append, "a b") && !strcmp(o.initrd, "I"), 1);
	CHECK_EQ("--append=\"\" (petitboot) is empty", PARSE(&o, &err, "-l", "--append=\"\"", "K") == 0 &&
		 !strcmp(o.append, ""), 1);
	CHECK_EQ("--command-line='' is empty", PARSE(&o, &err, "-l", "--command-line=''", "K") == 0 &&
		 !strcmp(o.command_line, ""), 1);
	CHECK_EQ("--append='\"x\"' is kept", PARSE(&o, &err, "-l", "--append=\"x\"", "K") == 0 &&
		 !strcmp(o.append, "\"x\""), 1);
	CHECK_EQ("-p -u (kdump-config)", PARSE(&o, &err, "-p", "-u") == 0 && o.action == ACTION_UNLOAD &&
		 o.crash, 1);
	CHECK_EQ("-a -p -u (openSUSE)", PARSE(&o, &err, "-a", "-p", "-u") == 0 &&
		 o.action == ACTION_UNLOAD && o.crash && o.syscall == SYSCALL_AUTO, 1);
}

/* kexec-tools options some callers pass: taken where they mean what they
 * mean here, else refused in one line naming what to do instead. */
static void test_kexec_tools_options(void)
{
	struct options o;
	struct error err = { { 0 } };

	CHECK_EQ("-t Image", PARSE(&o, &err, "-t", "Image", "-l", "K") == 0 && !strcmp(o.type, "Image"), 1);
	CHECK_EQ("--type=vmlinux", PARSE(&o, &err, "--type=vmlinux", "-l", "K") == 0, 1);
	CHECK_EQ("-tzImage", PARSE(&o, &err, "-tzImage", "-l", "K") == 0 && !strcmp(o.type, "zImage"), 1);
	CHECK_EQ("-t bzImage refused", PARSE(&o, &err, "-t", "bzImage", "-l", "K"), -EINVAL);
	CHECK_CONTAINS("-t bzImage: names the known types", err.msg, "known: Image, zImage");
	CHECK_EQ("-t without a name refused", PARSE(&o, &err, "-l", "K", "-t"), -EINVAL);
	CHECK_EQ("--args-linux accepted", PARSE(&o, &err, "--args-linux", "-l", "K"), 0);
	CHECK_EQ("--print-ckr-size", PARSE(&o, &err, "--print-ckr-size") == 0 &&
		 o.action == ACTION_PRINT_CKR_SIZE, 1);
	CHECK_EQ("--print-ckr-size acts at once, as kexec-tools", PARSE(&o, &err, "--print-ckr-size", "--frobnicate") == 0 &&
		 o.action == ACTION_PRINT_CKR_SIZE, 1);
	CHECK_EQ("--mem-min refused", PARSE(&o, &err, "--mem-min=0x1000", "-l", "K"), -EINVAL);
	CHECK_CONTAINS("--mem-min: names --dry-run", err.msg, "--mem-min is not supported");
	CHECK_EQ("--mem-max refused", PARSE(&o, &err, "--mem-max", "0x1000", "-l", "K"), -EINVAL);
	CHECK_CONTAINS("--mem-max: named", err.msg, "--mem-max is not supported");
	CHECK_EQ("--reuseinitrd refused", PARSE(&o, &err, "--reuseinitrd", "-l", "K"), -EINVAL);
	CHECK_CONTAINS("--reuseinitrd: names --initrd", err.msg, "--initrd=FILE");
	CHECK_EQ("--load-preserve-context refused", PARSE(&o, &err, "--load-preserve-context", "K"), -EINVAL);
	CHECK_CONTAINS("--load-preserve-context: names -l", err.msg, "use -l");
	CHECK_EQ("--entry refused", PARSE(&o, &err, "--entry=0x80000", "-l", "K"), -EINVAL);
	CHECK_CONTAINS("--entry: says why", err.msg, "--entry is not supported");
	CHECK("known types", options_known_type("uImage") && options_known_type("elf") &&
	      !options_known_type("image") && !options_known_type(""));
}

int main(void)
{
	struct options o;
	struct error err;

	test_atags_options();
	test_caller_spellings();
	test_kexec_tools_options();
	test_serial();
	test_getopt_state();

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
	CHECK_EQ("-a is the default", PARSE(&o, &err, "-l", "K") == 0 && o.syscall == SYSCALL_AUTO, 1);
	CHECK_EQ("-s: kexec_file_load only", PARSE(&o, &err, "-s", "-l", "K") == 0 && o.syscall == SYSCALL_FILE, 1);
	CHECK_EQ("-c: kexec_load only", PARSE(&o, &err, "-c", "-l", "K") == 0 && o.syscall == SYSCALL_LOAD, 1);
	CHECK_EQ("the last of -s -c -a wins", PARSE(&o, &err, "-s", "-c", "-a", "-l", "K") == 0 && o.syscall == SYSCALL_AUTO, 1);
	CHECK_EQ("long forms", PARSE(&o, &err, "--kexec-syscall-auto", "--kexec-file-syscall", "-l", "K") == 0 && o.syscall == SYSCALL_FILE, 1);
	CHECK_EQ("clustered -ls (petitboot's retry)", PARSE(&o, &err, "-ls", "K") == 0 && o.syscall == SYSCALL_FILE && o.action == ACTION_LOAD, 1);
	CHECK_EQ("-s -u", PARSE(&o, &err, "-s", "-u") == 0 && o.syscall == SYSCALL_FILE && o.action == ACTION_UNLOAD, 1);
	CHECK_EQ("-s with --dtb refused", PARSE(&o, &err, "-s", "-l", "K", "--dtb=D"), -EINVAL);
	CHECK_CONTAINS("-s with --dtb: says why and what to use", err.msg, "kexec_file_load(2) takes no device tree");
	CHECK_EQ("-a with --dtb parses (kexec_load is taken)", PARSE(&o, &err, "-a", "-l", "K", "--dtb=D"), 0);
	CHECK_EQ("-s with --atags refused", PARSE(&o, &err, "-s", "-l", "K", "--atags"), -EINVAL);
	CHECK_EQ("-l without kernel rejected", PARSE(&o, &err, "-l"), -EINVAL);
	CHECK_EQ("two kernels rejected", PARSE(&o, &err, "-l", "A", "B"), -EINVAL);
	CHECK_EQ("-e with a kernel rejected", PARSE(&o, &err, "-e", "K"), -EINVAL);
	CHECK_EQ("-u -e: -u wins (kexec-tools precedence)", PARSE(&o, &err, "-u", "-e"), 0);
	CHECK_EQ("-l with -u refused", PARSE(&o, &err, "-l", "K", "-u"), -EINVAL);
	CHECK_CONTAINS("-l with -u: conflicting", err.msg, "conflicting actions: -u unloads, -l loads");
	CHECK_EQ("-f with -u refused", PARSE(&o, &err, "-u", "-f", "K"), -EINVAL);
	CHECK_EQ("nothing to do rejected", PARSE(&o, &err, "-d"), -EINVAL);
	CHECK_EQ("--arch without --dry-run rejected", PARSE(&o, &err, "--arch=arm64", "-l", "K"), -EINVAL);
	CHECK_EQ("--dry-run without a load rejected", PARSE(&o, &err, "--dry-run", "-e"), -EINVAL);
	CHECK_EQ("-p KERNEL parses", PARSE(&o, &err, "-p", "K", "--reuse-cmdline"), 0);
	CHECK("-p KERNEL is a crash load", o.action == ACTION_LOAD && o.crash && o.reuse_cmdline);
	CHECK_EQ("-p with -e rejected", PARSE(&o, &err, "-p", "K", "-e"), -EINVAL);
	CHECK_EQ("-p with -f rejected", PARSE(&o, &err, "-p", "-f", "K"), -EINVAL);
	return check_status();
}
