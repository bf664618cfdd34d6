/* Many independent SHA-256 computations shared among threads: the loader
 * hashes the chunks of its segments this way, so a large initrd is hashed
 * by every CPU the machine has. */
#ifndef KEXEC_SHA256_JOBS_H
#define KEXEC_SHA256_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

struct sha256_job {
	const void *data;
	size_t len;
	uint8_t *digest; /* SHA256_DIGEST_SIZE bytes */
};

/* Computes every job's digest, using up to `threads` threads in all (the
 * caller's included; 0 counts as 1).  Threads that cannot be started are
 * done without: the result never depends on how many ran. */
void sha256_jobs_run(const struct sha256_job *jobs, size_t count, unsigned int threads);

/* How many threads are worth using here: the CPUs online, within reason. */
unsigned int sha256_jobs_default_threads(void);

#endif
