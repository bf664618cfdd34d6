/* The kexec_file_load(2) path, pure: which syscall a request takes, what
 * it hands the kernel (for --dry-run and -d), and what the kernel's
 * refusals mean.  The syscalls themselves are in system.c. */
#ifndef KEXEC_FILE_LOAD_H
#define KEXEC_FILE_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "options.h"

/* kexec_file_load(2)'s flags (include/uapi/linux/kexec.h). */
#define KEXEC_FILE_UNLOAD       0x1ul
#define KEXEC_FILE_ON_CRASH     0x2ul
#define KEXEC_FILE_NO_INITRAMFS 0x4ul
#define KEXEC_FILE_DEBUG        0x8ul /* Linux 6.7 and later */

enum syscall_path {
	SYSCALL_PATH_FILE,      /* kexec_file_load(2) */
	SYSCALL_PATH_LOAD,      /* kexec_load(2) */
	SYSCALL_PATH_REFUSED,   /* -s where kexec_file_load(2) cannot be had */
};

/* What the choice depends on. */
struct syscall_facts {
	enum syscall_choice choice;
	bool arch_has_file;     /* the architecture has kexec_file_load(2) */
	bool native;            /* loading on (or planning for) this machine */
	bool file_present;      /* native: the running kernel has it */
	bool dtb_given;         /* --dtb */
	bool atags_given;       /* --atags */
};

struct syscall_decision {
	enum syscall_path path;
	/* -a taking kexec_file_load(2): kexec_load(2) follows when the kernel
	 * answers as file_load_may_fall_back() says. */
	bool may_fall_back;
	char why[192];          /* one phrase, for -d and --dry-run */
};

/* Decides; for SYSCALL_PATH_REFUSED, err says why (the caller exits 253,
 * as kexec-tools does when kexec_file_load(2) is not available). */
void syscall_decide(const struct syscall_facts *facts, struct syscall_decision *d,
		    struct error *err);

/* The errors after which -a tries kexec_load(2), as kexec-tools does:
 * the kernel lacks the syscall (ENOSYS) or cannot use this image or these
 * arguments (EINVAL, ENOEXEC, ENOTSUP).  Never a signature failure, never
 * EPERM (lockdown, kexec_load_disabled): those are final. */
bool file_load_may_fall_back(int error_number);

/* What the system says around a refusal, to explain it. */
struct file_load_context {
	const char *kernel_path;
	bool crash;
	bool unload;
	const char *lockdown;   /* "none", "integrity", "confidentiality"; NULL: unknown */
	bool kexec_disabled;    /* kernel.kexec_load_disabled is 1 */
	bool root;              /* euid 0 */
};

/* One line for a failed kexec_file_load(2) that returned `error_number`;
 * returns -error_number. */
int file_load_refusal(int error_number, const struct file_load_context *ctx,
		      struct error *err);

/* One line for kexec_load(2) refused with EPERM under lockdown, or NULL
 * context when there is no lockdown: "kexec_load(2) is refused under
 * lockdown (integrity): ...".  Returns -EPERM. */
int load_lockdown_refusal(const char *lockdown, bool file_present, bool arch_has_file,
			  bool unload, struct error *err);

/* "integrity" from /sys/kernel/security/lockdown's "none [integrity]
 * confidentiality": the bracketed word, into mode.  -EINVAL when the text
 * has no single bracketed word of letters. */
int lockdown_parse(const char *text, size_t len, char *mode, size_t size);
/* A lockdown mode that stops kexec_load(2): integrity and above. */
bool lockdown_blocks_kexec_load(const char *mode);

/* One file descriptor's contents, as --dry-run shows them. */
struct file_load_input {
	const char *source;     /* "memfd", or the file's path */
	const char *what;       /* "vmlinuz: gzip -> Image", "UKI .initrd", ... */
	const uint8_t *data;    /* NULL: no such input (fd -1) */
	size_t size;
};

struct file_load_description {
	const char *why;        /* syscall_decision.why */
	struct file_load_input kernel, initrd;
	const char *cmdline;    /* NULL or "": none (length 0) */
	const char *cmdline_source;
	unsigned long flags;
};

/* "KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS" into buf ("none" for 0). */
const char *file_load_flags_text(unsigned long flags, char *buf, size_t size);

/* Prints what kexec_file_load(2) is (or would be) given: the syscall and
 * why, each fd's contents (what it is, size, SHA-256), the command line
 * and the flags, and what the kernel then does by itself. */
void file_load_print(FILE *out, const struct file_load_description *desc);

#endif
