/* The command's two ways to load (kexec_load.c: kexec_load(2) with our
 * plan and purgatory; load_file.c: kexec_file_load(2)) and what they
 * share (load_common.c): the inputs every load reads and composes, the
 * syscall facts, and the exit statuses scripts read.  Above the pure
 * planners and the system layer; below main(). */
#ifndef KEXEC_LOAD_H
#define KEXEC_LOAD_H

#include <stdbool.h>
#include <stdint.h>

#include "arch.h"
#include "error.h"
#include "file_load.h"
#include "input_file.h"
#include "options.h"

#define KERNEL_LIMIT (512u << 20)
#define INITRD_LIMIT (2048u << 20)
#define RUNNING_DTB "/sys/firmware/fdt"
#define RUNNING_ATAGS "/proc/atags"
#define ATAGS_LIMIT (64u << 10)

/* Exit statuses, as kexec-tools gives them (scripts read them): 1 for a
 * command line we cannot act on (and -e with nothing loaded), 255 for a
 * load, unload or boot that failed, 253 when kexec_file_load(2) is not
 * available or cannot take the image (-s).  -S answers 1/0 (main). */
#define EXIT_USAGE 1
#define EXIT_FAILED 255
#define EXIT_NO_FILE_SYSCALL 253
/* Not an exit status: kexec_file_load(2) refused the image in a way that
 * lets -a try kexec_load(2). */
#define FALL_BACK (-1)

/* Prints "kexec: MESSAGE" on stderr; returns status. */
int report_error(const struct error *err, int status);

struct load_inputs {
	struct file_data kernel, initrd, dtb, atags;
	void *kernel_unpacked;
	char *cmdline;
	/* The initrd the next kernel gets: --initrd's file, a UKI's .initrd
	 * (data inside `kernel`), or none (data NULL). */
	struct input_file next_initrd;
	char uki_initrd_name[4096 + 32];
};

void load_inputs_release(struct load_inputs *in);
/* NULL in *out: no command line option was given. */
int build_cmdline(const struct options *opts, char **out, struct error *err);
int unwrap_kernel(const char *path, struct load_inputs *in, struct kernel_file *kernel,
		  struct error *err);
int load_initrd(const char *path, uint64_t largest, const char *largest_source,
		bool kernel_copies, struct load_inputs *in, struct error *err);
int check_kernel_memory(uint64_t need, const char *syscall_name, bool dry_run,
			struct error *err);
int apply_uki(const struct options *opts, const struct kernel_file *kernel,
	      struct load_inputs *in, const char **cmdline_source, struct error *err);
void syscall_facts_read(const struct options *opts, const struct arch_backend *arch,
			bool native, struct syscall_facts *facts);
int check_lockdown_for_kexec_load(const struct syscall_facts *facts, bool unload,
				  bool dry_run, struct error *err);
void explain_refusal_context(const char *kernel_path, bool crash, bool unload,
			     char *lockdown, size_t size, struct file_load_context *ctx);

/* The kexec_file_load(2) path.  Returns an exit status, or FALL_BACK with
 * the kernel's errno in *refused when -a may try kexec_load(2). */
int load_with_kexec_file(const struct options *opts, const struct arch_backend *arch,
			 bool native, const struct syscall_decision *decision, int *refused);
/* The kexec_load(2) path: our own plan, DTB and purgatory.  Returns an
 * exit status. */
int load_with_kexec_load(const struct options *opts, const struct arch_backend *arch,
			 bool native, const struct syscall_facts *facts);

#endif
