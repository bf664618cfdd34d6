#include "file_load.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sha256.h"

/* Older C libraries lack some of the key errors the kernel returns. */
#ifndef EKEYREJECTED
#define EKEYREJECTED 129
#endif
#ifndef ENOKEY
#define ENOKEY 126
#endif

void syscall_decide(const struct syscall_facts *facts, struct syscall_decision *d,
		    struct error *err)
{
	memset(d, 0, sizeof(*d));
	d->path = SYSCALL_PATH_LOAD;
	switch (facts->choice) {
	case SYSCALL_LOAD:
		snprintf(d->why, sizeof(d->why), "kexec_load(2) (-c)");
		return;
	case SYSCALL_FILE:
		d->path = SYSCALL_PATH_REFUSED;
		if (!facts->arch_has_file)
			error_set(err, -ENOSYS, "-s: kexec_file_load(2) does not exist on 32-bit arm; leave out -s (kexec_load(2) is used)");
		else if (facts->native && !facts->file_present)
			error_set(err, -ENOSYS, "-s: this kernel has no kexec_file_load(2) (built without CONFIG_KEXEC_FILE); leave out -s to use kexec_load(2)");
		else {
			d->path = SYSCALL_PATH_FILE;
			snprintf(d->why, sizeof(d->why), "kexec_file_load(2) (-s)");
		}
		return;
	case SYSCALL_AUTO:
		break;
	}
	if (!facts->arch_has_file)
		snprintf(d->why, sizeof(d->why), "kexec_load(2) (-a: 32-bit arm has no kexec_file_load)");
	else if (facts->dtb_given || facts->atags_given)
		snprintf(d->why, sizeof(d->why), "kexec_load(2) (-a: %s given, which kexec_file_load(2) cannot take)",
			 facts->dtb_given ? "--dtb" : "--atags");
	else if (!facts->native)
		snprintf(d->why, sizeof(d->why), "kexec_load(2) (-a, planning for another machine; there it tries kexec_file_load(2) first when the kernel has it, or give -s)");
	else if (!facts->file_present)
		snprintf(d->why, sizeof(d->why), "kexec_load(2) (-a: this kernel has no kexec_file_load(2))");
	else {
		d->path = SYSCALL_PATH_FILE;
		d->may_fall_back = true;
		snprintf(d->why, sizeof(d->why), "kexec_file_load(2) (-a: kexec_load(2) if the kernel cannot use the image)");
	}
}

bool file_load_may_fall_back(int error_number)
{
	switch (error_number) {
	case ENOSYS:
	case EINVAL:
	case ENOEXEC:
	case ENOTSUP: /* EOPNOTSUPP on Linux */
		return true;
	default:
		return false;
	}
}

static const char *errno_name(int e)
{
	switch (e) {
	case EPERM: return "EPERM";
	case EKEYREJECTED: return "EKEYREJECTED";
	case ENOKEY: return "ENOKEY";
	case ENODATA: return "ENODATA";
	case EBADMSG: return "EBADMSG";
	case ELIBBAD: return "ELIBBAD";
	case EMSGSIZE: return "EMSGSIZE";
	case ENOPKG: return "ENOPKG";
	case ENOSYS: return "ENOSYS";
	case EINVAL: return "EINVAL";
	case ENOEXEC: return "ENOEXEC";
	case ENOTSUP: return "ENOTSUP";
	case EBUSY: return "EBUSY";
	case ENOMEM: return "ENOMEM";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	default: return NULL;
	}
}

int file_load_refusal(int e, const struct file_load_context *ctx, struct error *err)
{
	const char *name = errno_name(e);
	const char *path = ctx->kernel_path ? ctx->kernel_path : "kernel";
	const char *op = ctx->unload ? "kexec_file_load(2) (unload)" : "kexec_file_load(2)";
	bool locked = ctx->lockdown && lockdown_blocks_kexec_load(ctx->lockdown);
	char code[48];

	if (name)
		snprintf(code, sizeof(code), "%s", name);
	else
		snprintf(code, sizeof(code), "errno %d", e);

	switch (e) {
	case EKEYREJECTED:
		return error_set(err, -e, "%s: %s: signature rejected (%s): signed, but not by a key the running kernel trusts",
				 op, path, code);
	case ENOKEY:
		return error_set(err, -e, "%s: %s: signature by a key the running kernel does not have (%s)",
				 op, path, code);
	case ENODATA:
		return error_set(err, -e, "%s: %s: not signed, and the running kernel requires a signature (%s)",
				 op, path, code);
	case EBADMSG:
	case ELIBBAD:
	case EMSGSIZE:
		return error_set(err, -e, "%s: %s: its signature is malformed or does not match the image (%s)",
				 op, path, code);
	case ENOPKG:
		return error_set(err, -e, "%s: %s: signed with an algorithm the running kernel lacks (%s)",
				 op, path, code);
	case EPERM:
		if (ctx->kexec_disabled)
			return error_set(err, -e, "%s: refused (EPERM): kexec is disabled until reboot (kernel.kexec_load_disabled is 1)",
					 op);
		if (!ctx->root)
			return error_set(err, -e, "%s: permission denied (EPERM): loading a kernel needs root (CAP_SYS_BOOT)",
					 op);
		if (locked)
			return error_set(err, -e, "%s: %s: refused under lockdown (%s): its signature is missing or not from a key the running kernel trusts (EPERM)",
					 op, path, ctx->lockdown);
		return error_set(err, -e, "%s: %s: refused (EPERM): the signature check or an IMA policy did not accept it",
				 op, path);
	case ENOSYS:
		return error_set(err, -e, "%s: not in this kernel (ENOSYS: built without CONFIG_KEXEC_FILE)%s",
				 op, ctx->unload ? "" : "; leave out -s to use kexec_load(2)");
	case EINVAL:
	case ENOEXEC:
	case ENOTSUP:
		return error_set(err, -e, "%s: %s: the running kernel cannot load this image (%s)%s",
				 op, path, code,
				 ctx->unload ? "" : "; leave out -s to use kexec_load(2)");
	case EBUSY:
		return error_set(err, -e, "%s: another kexec operation is in progress (EBUSY)", op);
	case ENOMEM:
		return error_set(err, -e, "%s: the kernel is out of memory%s (ENOMEM)", op,
				 ctx->crash ? " or the crash kernel region is too small for it" : "");
	case EADDRNOTAVAIL:
		return error_set(err, -e, "%s: no room for the image in %s (EADDRNOTAVAIL)", op,
				 ctx->crash ? "the crash kernel region: reserve more with crashkernel=" : "the memory the kernel may use");
	default:
		return error_set(err, -e, "%s: %s: %s (%s)", op, path, strerror(e), code);
	}
}

int load_lockdown_refusal(const char *lockdown, bool file_present, bool arch_has_file,
			  bool unload, struct error *err)
{
	const char *op = unload ? "kexec_load(2) (unload)" : "kexec_load(2)";

	if (!arch_has_file)
		return error_set(err, -EPERM, "%s is refused under lockdown (%s, /sys/kernel/security/lockdown), and 32-bit arm has no kexec_file_load(2): this kernel cannot kexec while locked down",
				 op, lockdown);
	if (!file_present)
		return error_set(err, -EPERM, "%s is refused under lockdown (%s, /sys/kernel/security/lockdown), and this kernel has no kexec_file_load(2) (CONFIG_KEXEC_FILE off): it cannot kexec while locked down",
				 op, lockdown);
	if (unload)
		return error_set(err, -EPERM, "%s is refused under lockdown (%s, /sys/kernel/security/lockdown): unload with -s -u (kexec_file_load)",
				 op, lockdown);
	return error_set(err, -EPERM, "%s is refused under lockdown (%s, /sys/kernel/security/lockdown): use -s (kexec_file_load) with a kernel signed by a key the running kernel trusts",
			 op, lockdown);
}

int lockdown_parse(const char *text, size_t len, char *mode, size_t size)
{
	const char *open = memchr(text, '[', len), *close, *p;
	size_t n;

	if (!open)
		return -EINVAL;
	close = memchr(open, ']', len - (size_t)(open - text));
	if (!close || memchr(close + 1, '[', len - (size_t)(close + 1 - text)) ||
	    memchr(text, ']', (size_t)(open - text)))
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n == 0 || n >= size)
		return -EINVAL;
	for (p = open + 1; p < close; p++)
		if (!islower((unsigned char)*p))
			return -EINVAL;
	memcpy(mode, open + 1, n);
	mode[n] = '\0';
	return 0;
}

bool lockdown_blocks_kexec_load(const char *mode)
{
	return strcmp(mode, "integrity") == 0 || strcmp(mode, "confidentiality") == 0;
}

const char *file_load_flags_text(unsigned long flags, char *buf, size_t size)
{
	static const struct { unsigned long bit; const char *name; } names[] = {
		{ KEXEC_FILE_UNLOAD, "KEXEC_FILE_UNLOAD" },
		{ KEXEC_FILE_ON_CRASH, "KEXEC_FILE_ON_CRASH" },
		{ KEXEC_FILE_NO_INITRAMFS, "KEXEC_FILE_NO_INITRAMFS" },
		{ KEXEC_FILE_DEBUG, "KEXEC_FILE_DEBUG" },
	};
	size_t used = 0, i;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		flags &= ~names[i].bit;
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%s",
					 used ? "|" : "", names[i].name);
	}
	if (flags)
		used += (size_t)snprintf(buf + used, used < size ? size - used : 0, "%s%#lx",
					 used ? "|" : "", flags);
	if (!used)
		snprintf(buf, size, "none");
	return buf;
}

static void print_input(FILE *out, const char *label, const struct file_load_input *in)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	size_t i;

	if (!in->data) {
		fprintf(out, "%s fd: none (-1)\n", label);
		return;
	}
	sha256(in->data, in->size, digest);
	fprintf(out, "%s fd: %s: %s, %zu bytes, sha256 ", label, in->source, in->what, in->size);
	for (i = 0; i < sizeof(digest); i++)
		fprintf(out, "%02x", digest[i]);
	fputc('\n', out);
}

void file_load_print(FILE *out, const struct file_load_description *desc)
{
	char flags[128];
	size_t len = desc->cmdline ? strlen(desc->cmdline) : 0;

	fprintf(out, "syscall: %s\n", desc->why);
	print_input(out, "kernel", &desc->kernel);
	print_input(out, "initrd", &desc->initrd);
	if (len)
		fprintf(out, "command line: \"%s\" (%zu bytes with its NUL; %s)\n", desc->cmdline,
			len + 1, desc->cmdline_source);
	else
		fprintf(out, "command line: none (length 0; %s)\n", desc->cmdline_source);
	fprintf(out, "flags: %#lx (%s)\n", desc->flags,
		file_load_flags_text(desc->flags, flags, sizeof(flags)));
	fprintf(out, "then: the running kernel checks the image's signature if it is set to, places the segments, and writes the next device tree from its own (bootargs, initrd%s, kaslr-seed, rng-seed); no purgatory runs\n",
		desc->flags & KEXEC_FILE_ON_CRASH ? ", elfcorehdr, usable memory" : "");
}
