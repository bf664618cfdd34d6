/* Input files, read whole into memory with every failure named. */
#ifndef KEXEC_INPUT_FILE_H
#define KEXEC_INPUT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct file_data {
	uint8_t *data; /* malloc'd */
	size_t size;
};

/* Reads a whole regular file of at most `limit` bytes into memory (never
 * mapped: a file that cannot be read in full is an error, not a SIGBUS).
 * Anything else (a FIFO, a device, a socket, a directory) is refused
 * without reading: "PATH: is a FIFO, not a file".  A file that shrinks or
 * grows while being read is refused; /proc and /sys files, whose size says
 * nothing, are read to EOF.  Messages name the path. */
int file_load(const char *path, size_t limit, struct file_data *file,
	      struct error *err);
void file_release(struct file_data *file);

#endif
