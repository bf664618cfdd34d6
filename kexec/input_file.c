/* The files kexec is handed (kernel, initrd, DTB) and the /proc and /sys
 * files it reads, taken into memory.  Nothing here trusts a file: what is
 * not a regular file (or a device a kernel is kept on) is refused before it
 * is opened, and a file is read, never mapped. */
#define _GNU_SOURCE
#include "input_file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* What a path names, when it is not a regular file. */
static int refuse_kind(const char *path, mode_t mode, struct error *err)
{
	const char *kind;

	switch (mode & S_IFMT) {
	case S_IFIFO: kind = "a FIFO"; break;
	case S_IFCHR: kind = "a character device"; break;
	case S_IFBLK: kind = "a block device"; break;
	case S_IFSOCK: kind = "a socket"; break;
	case S_IFDIR: kind = "a directory"; break;
	default: kind = "not a regular file"; break;
	}
	return error_set(err, S_ISDIR(mode) ? -EISDIR : -EINVAL, "%s: is %s%s", path, kind,
			 strncmp(kind, "not", 3) ? ", not a file" : "");
}

/* /proc, /sys and their kin: their files report a size of 0 (/proc) or a
 * page (sysfs attributes) whatever they hold, so they are read to EOF. */
static bool on_pseudo_fs(int fd)
{
	struct statfs fs;

	if (fstatfs(fd, &fs) < 0)
		return false;
	switch ((unsigned long)fs.f_type) {
	case PROC_SUPER_MAGIC:
	case SYSFS_MAGIC:
	case DEBUGFS_MAGIC:
	case SECURITYFS_MAGIC:
	case TRACEFS_MAGIC:
		return true;
	default:
		return false;
	}
}

static int read_retry(int fd, uint8_t *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, buf + *got, len - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*got += (size_t)n;
	}
	return 0;
}

/* A file whose size is known: one allocation of that size, filled by
 * read(2).  Never mmap: a mapped file that cannot be read in full (an I/O
 * error, a truncation during the load, a hole on a full tmpfs) kills the
 * process with SIGBUS, where read(2) returns an error we can name. */
static int load_sized(int fd, const char *path, size_t size, struct file_data *file,
		      struct error *err)
{
	uint8_t extra;
	size_t got;
	int ret;

	file->data = malloc(size);
	if (!file->data)
		return error_set(err, -ENOMEM, "%s: out of memory reading its %zu MiB", path,
				 (size + (1u << 20) - 1) >> 20);
	ret = read_retry(fd, file->data, size, &got);
	if (ret)
		return error_set(err, ret, "%s: %s", path, strerror(-ret));
	if (got < size)
		return error_set(err, -EIO, "%s: file shrank while being read (%zu of %zu bytes)",
				 path, got, size);
	/* Bytes past the size fstat gave: someone is writing the file, and
	 * what we hold is a mix of two versions. */
	ret = read_retry(fd, &extra, 1, &got);
	if (ret)
		return error_set(err, ret, "%s: %s", path, strerror(-ret));
	if (got)
		return error_set(err, -EIO, "%s: file grew while being read (is it being written?)",
				 path);
	file->size = size;
	return 0;
}

/* A /proc or /sys file: read until EOF, at most `limit` bytes. */
static int load_to_eof(int fd, const char *path, size_t hint, size_t limit,
		       struct file_data *file, struct error *err)
{
	size_t cap = 0;

	for (;;) {
		size_t got;
		int ret;

		if (file->size == cap) {
			size_t next = cap ? cap * 2 : (hint > 4096 ? hint : 4096);
			uint8_t *grown;

			if (cap > limit)
				return error_set(err, -EFBIG, "%s: larger than %zu bytes", path,
						 limit);
			/* One byte past the limit tells "exactly limit" from
			 * "more". */
			if (next > limit)
				next = limit + 1;
			grown = realloc(file->data, next);
			if (!grown)
				return error_set(err, -ENOMEM, "%s: out of memory", path);
			file->data = grown;
			cap = next;
		}
		ret = read_retry(fd, file->data + file->size, cap - file->size, &got);
		if (ret)
			return error_set(err, ret, "%s: %s", path, strerror(-ret));
		file->size += got;
		if (file->size < cap)
			return 0; /* EOF */
	}
}

/* A block device or an MTD partition (character major 90): boards keep a
 * kernel in a raw partition, and kexec-tools reads them, so they are the
 * one kind of device accepted.  Opening one does not act on it, and its
 * size is its capacity: the whole partition is read, bounded by the limit
 * (the formats ignore what follows the kernel). */
#define MTD_CHAR_MAJOR 90

static bool is_kernel_storage(const struct stat *st)
{
	return S_ISBLK(st->st_mode) ||
	       (S_ISCHR(st->st_mode) && major(st->st_rdev) == MTD_CHAR_MAJOR);
}

static int load_storage(int fd, const char *path, size_t limit, struct file_data *file,
			struct error *err)
{
	off_t end;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		return error_set(err, -errno, "%s: %s", path, strerror(errno));
	end = lseek(fd, 0, SEEK_END);
	if (end < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return error_set(err, -errno, "%s: cannot tell the device's size: %s", path,
				 strerror(errno));
	if (end == 0)
		return error_set(err, -EINVAL, "%s: the device is empty", path);
	if ((uint64_t)end > limit)
		return error_set(err, -EFBIG, "%s: device of %" PRIu64 " MiB is larger than the %zu MiB read for it",
				 path, (uint64_t)end >> 20, limit >> 20);
	return load_sized(fd, path, (size_t)end, file, err);
}

int file_load(const char *path, size_t limit, struct file_data *file,
	      struct error *err)
{
	struct stat st;
	int fd, ret;

	memset(file, 0, sizeof(*file));
	/* Refused before open: opening a FIFO with no writer blocks, and
	 * opening a device can act on it (a watchdog starts counting). */
	if (stat(path, &st) < 0)
		return error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !is_kernel_storage(&st))
		return refuse_kind(path, st.st_mode, err);
	/* O_NONBLOCK in case the path was swapped for a FIFO since: the
	 * open returns at once and fstat, which is what counts, refuses it. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return error_set(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		ret = error_set(err, -errno, "%s: %s", path, strerror(errno));
	else if (is_kernel_storage(&st))
		ret = load_storage(fd, path, limit, file, err);
	else if (!S_ISREG(st.st_mode))
		ret = refuse_kind(path, st.st_mode, err);
	else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		ret = error_set(err, -errno, "%s: %s", path, strerror(errno));
	else if (st.st_size == 0 || on_pseudo_fs(fd))
		ret = load_to_eof(fd, path, st.st_size > 0 && (uint64_t)st.st_size <= limit
					    ? (size_t)st.st_size : 0, limit, file, err);
	else if ((uint64_t)st.st_size > limit)
		ret = error_set(err, -EFBIG, "%s: too large (%" PRIu64 " MiB; at most %zu MiB)",
				path, ((uint64_t)st.st_size + (1u << 20) - 1) >> 20, limit >> 20);
	else
		ret = load_sized(fd, path, (size_t)st.st_size, file, err);
	close(fd);
	if (ret)
		file_release(file);
	return ret;
}

void file_release(struct file_data *file)
{
	free(file->data);
	memset(file, 0, sizeof(*file));
}
