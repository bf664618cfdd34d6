/* The kexec_file_load(2) path's decisions: which syscall a request takes,
 * which refusals let -a fall back, how each refusal reads, the lockdown
 * file, and what --dry-run prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "file_load.h"

static struct syscall_decision decide(enum syscall_choice choice, bool arch_has_file,
				      bool native, bool present, bool dtb, struct error *err)
{
	struct syscall_facts f = { .choice = choice, .arch_has_file = arch_has_file,
				   .native = native, .file_present = present, .dtb_given = dtb };
	struct syscall_decision d;

	memset(err, 0, sizeof(*err));
	syscall_decide(&f, &d, err);
	return d;
}

static void test_decide(void)
{
	struct error err;
	struct syscall_decision d;

	d = decide(SYSCALL_AUTO, true, true, true, false, &err);
	CHECK("-a on arm64 with the syscall: kexec_file_load, may fall back",
	      d.path == SYSCALL_PATH_FILE && d.may_fall_back);
	d = decide(SYSCALL_AUTO, true, true, false, false, &err);
	CHECK("-a on arm64 without the syscall (Debian's kernels): kexec_load",
	      d.path == SYSCALL_PATH_LOAD);
	CHECK_CONTAINS("... and says why", d.why, "this kernel has no kexec_file_load");
	d = decide(SYSCALL_AUTO, false, true, false, false, &err);
	CHECK("-a on 32-bit arm: kexec_load", d.path == SYSCALL_PATH_LOAD);
	CHECK_CONTAINS("... because arm has none", d.why, "32-bit arm has no kexec_file_load");
	d = decide(SYSCALL_AUTO, true, true, true, true, &err);
	CHECK("-a with --dtb: kexec_load", d.path == SYSCALL_PATH_LOAD);
	CHECK_CONTAINS("... because of --dtb", d.why, "--dtb given");
	d = decide(SYSCALL_AUTO, true, false, false, false, &err);
	CHECK("-a planning for another machine: kexec_load, said so",
	      d.path == SYSCALL_PATH_LOAD && strstr(d.why, "another machine"));
	d = decide(SYSCALL_FILE, true, true, true, false, &err);
	CHECK("-s with the syscall: kexec_file_load, never falls back",
	      d.path == SYSCALL_PATH_FILE && !d.may_fall_back);
	d = decide(SYSCALL_FILE, true, false, false, false, &err);
	CHECK("-s planning for another arm64: kexec_file_load", d.path == SYSCALL_PATH_FILE);
	d = decide(SYSCALL_FILE, true, true, false, false, &err);
	CHECK("-s without the syscall: refused", d.path == SYSCALL_PATH_REFUSED);
	CHECK_CONTAINS("... naming CONFIG_KEXEC_FILE", err.msg, "CONFIG_KEXEC_FILE");
	d = decide(SYSCALL_FILE, false, true, false, false, &err);
	CHECK("-s on 32-bit arm: refused", d.path == SYSCALL_PATH_REFUSED);
	CHECK_CONTAINS("... saying arm has none", err.msg, "does not exist on 32-bit arm");
	d = decide(SYSCALL_LOAD, true, true, true, false, &err);
	CHECK("-c: kexec_load even where kexec_file_load exists", d.path == SYSCALL_PATH_LOAD);
}

static void test_fall_back(void)
{
	CHECK("ENOSYS falls back", file_load_may_fall_back(ENOSYS));
	CHECK("EINVAL falls back (arm64: not an Image)", file_load_may_fall_back(EINVAL));
	CHECK("ENOEXEC falls back", file_load_may_fall_back(ENOEXEC));
	CHECK("ENOTSUP falls back", file_load_may_fall_back(ENOTSUP));
	CHECK("EPERM (lockdown) is final", !file_load_may_fall_back(EPERM));
	CHECK("EKEYREJECTED is final", !file_load_may_fall_back(EKEYREJECTED));
	CHECK("EBADMSG is final", !file_load_may_fall_back(EBADMSG));
	CHECK("ENOKEY is final", !file_load_may_fall_back(ENOKEY));
	CHECK("ENODATA (unsigned, signature required) is final", !file_load_may_fall_back(ENODATA));
	CHECK("ENOMEM is final", !file_load_may_fall_back(ENOMEM));
}

static const char *refusal(int e, const char *lockdown, bool root, bool disabled, bool crash)
{
	static struct error err;
	struct file_load_context ctx = { .kernel_path = "/boot/Image", .crash = crash,
					 .lockdown = lockdown, .root = root,
					 .kexec_disabled = disabled };

	memset(&err, 0, sizeof(err));
	CHECK_EQ("refusal returns -errno", file_load_refusal(e, &ctx, &err), -e);
	CHECK("refusal is one line", !strchr(err.msg, '\n'));
	return err.msg;
}

static void test_refusals(void)
{
	CHECK_CONTAINS("EKEYREJECTED names the signature and the key",
		       refusal(EKEYREJECTED, "none", true, false, false),
		       "kexec_file_load(2): /boot/Image: signature rejected (EKEYREJECTED): signed, but not by a key the running kernel trusts");
	CHECK_CONTAINS("EPERM under lockdown names lockdown and the signature",
		       refusal(EPERM, "integrity", true, false, false),
		       "refused under lockdown (integrity): its signature is missing or not from a key the running kernel trusts");
	CHECK_CONTAINS("EPERM with kexec_load_disabled says so",
		       refusal(EPERM, "integrity", true, true, false), "kernel.kexec_load_disabled is 1");
	CHECK_CONTAINS("EPERM as a user says root is needed",
		       refusal(EPERM, "none", false, false, false), "needs root (CAP_SYS_BOOT)");
	CHECK_CONTAINS("EPERM, root, no lockdown: the signature or IMA",
		       refusal(EPERM, "none", true, false, false), "signature check or an IMA policy");
	CHECK_CONTAINS("ENODATA: not signed", refusal(ENODATA, NULL, true, false, false),
		       "not signed, and the running kernel requires a signature");
	CHECK_CONTAINS("EBADMSG: malformed", refusal(EBADMSG, NULL, true, false, false),
		       "signature is malformed");
	CHECK_CONTAINS("ENOSYS: CONFIG_KEXEC_FILE and the way out",
		       refusal(ENOSYS, NULL, true, false, false), "leave out -s to use kexec_load(2)");
	CHECK_CONTAINS("EINVAL: cannot load this image",
		       refusal(EINVAL, NULL, true, false, false), "cannot load this image (EINVAL)");
	CHECK_CONTAINS("EADDRNOTAVAIL for -p: the crash region",
		       refusal(EADDRNOTAVAIL, NULL, true, false, true), "crashkernel=");
	CHECK_CONTAINS("an errno without a story still names itself",
		       refusal(EIO, NULL, true, false, false), "errno 5");
}

static void test_lockdown(void)
{
	char mode[32];
	struct error err = { { 0 } };

	CHECK_EQ("lockdown: none", lockdown_parse("[none] integrity confidentiality\n", 33, mode, sizeof(mode)), 0);
	CHECK_STR("... reads none", mode, "none");
	CHECK("none lets kexec_load through", !lockdown_blocks_kexec_load(mode));
	CHECK_EQ("lockdown: integrity", lockdown_parse("none [integrity] confidentiality\n", 33, mode, sizeof(mode)), 0);
	CHECK_STR("... reads integrity", mode, "integrity");
	CHECK("integrity stops kexec_load", lockdown_blocks_kexec_load(mode));
	CHECK_EQ("lockdown: confidentiality", lockdown_parse("none integrity [confidentiality]\n", 33, mode, sizeof(mode)), 0);
	CHECK("confidentiality stops kexec_load", lockdown_blocks_kexec_load(mode));
	CHECK_EQ("no brackets", lockdown_parse("none integrity", 14, mode, sizeof(mode)), -EINVAL);
	CHECK_EQ("two bracketed words", lockdown_parse("[none] [integrity]", 18, mode, sizeof(mode)), -EINVAL);
	CHECK_EQ("empty brackets", lockdown_parse("[] none", 7, mode, sizeof(mode)), -EINVAL);
	CHECK_EQ("unterminated", lockdown_parse("none [integ", 11, mode, sizeof(mode)), -EINVAL);
	CHECK_EQ("a word longer than the buffer", lockdown_parse("[integrity]", 11, mode, 4), -EINVAL);
	CHECK_EQ("not letters", lockdown_parse("[in\ntegrity]", 12, mode, sizeof(mode)), -EINVAL);

	CHECK_EQ("kexec_load under lockdown: EPERM", load_lockdown_refusal("integrity", true, true, false, &err), -EPERM);
	CHECK_CONTAINS("... names lockdown and points to -s", err.msg,
		       "kexec_load(2) is refused under lockdown (integrity, /sys/kernel/security/lockdown): use -s");
	load_lockdown_refusal("integrity", false, true, false, &err);
	CHECK_CONTAINS("... without kexec_file_load: no way to kexec", err.msg, "cannot kexec while locked down");
	load_lockdown_refusal("confidentiality", true, true, true, &err);
	CHECK_CONTAINS("... an unload points to -s -u", err.msg, "-s -u");
}

static void test_print(void)
{
	char flags[128], *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	static const uint8_t abc[] = "abc";
	struct file_load_description desc = {
		.why = "kexec_file_load(2) (-s)",
		.kernel = { "sealed memfd", "Image unpacked from vmlinuz (gzip -> Image)", abc, 3 },
		.cmdline = "console=ttyAMA0 marker",
		.cmdline_source = "from the command line options",
		.flags = KEXEC_FILE_ON_CRASH | KEXEC_FILE_NO_INITRAMFS,
	};

	CHECK_STR("flags text", file_load_flags_text(KEXEC_FILE_ON_CRASH | KEXEC_FILE_DEBUG, flags, sizeof(flags)),
		  "KEXEC_FILE_ON_CRASH|KEXEC_FILE_DEBUG");
	CHECK_STR("no flags", file_load_flags_text(0, flags, sizeof(flags)), "none");
	CHECK_STR("an unknown bit shows in hex", file_load_flags_text(0x104, flags, sizeof(flags)),
		  "KEXEC_FILE_NO_INITRAMFS|0x100");
	file_load_print(out, &desc);
	fclose(out);
	CHECK_CONTAINS("print: the syscall", text, "syscall: kexec_file_load(2) (-s)\n");
	CHECK_CONTAINS("print: the kernel fd with its SHA-256", text,
		       "kernel fd: sealed memfd: Image unpacked from vmlinuz (gzip -> Image), 3 bytes, sha256 ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\n");
	CHECK_CONTAINS("print: no initrd is fd -1", text, "initrd fd: none (-1)\n");
	CHECK_CONTAINS("print: the command line with its length", text,
		       "command line: \"console=ttyAMA0 marker\" (23 bytes with its NUL; from the command line options)\n");
	CHECK_CONTAINS("print: the flags", text, "flags: 0x6 (KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS)\n");
	CHECK_CONTAINS("print: what the kernel does for -p", text, "elfcorehdr, usable memory");
	free(text);
}

int main(void)
{
	test_decide();
	test_fall_back();
	test_refusals();
	test_lockdown();
	test_print();
	return check_status();
}
