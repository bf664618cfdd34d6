#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "sha256_jobs.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

/* More threads than this only add start-up cost: a few threads already
 * hash faster than the kernel copies the segments into place. */
#define SHA256_JOBS_MAX_THREADS 16

struct job_queue {
	const struct sha256_job *jobs;
	size_t count;
	size_t next; /* taken with an atomic add: each job is done once */
};

static void *worker(void *arg)
{
	struct job_queue *queue = arg;
	size_t i;

	while ((i = __atomic_fetch_add(&queue->next, 1, __ATOMIC_RELAXED)) < queue->count)
		sha256(queue->jobs[i].data, queue->jobs[i].len, queue->jobs[i].digest);
	return NULL;
}

void sha256_jobs_run(const struct sha256_job *jobs, size_t count, unsigned int threads)
{
	struct job_queue queue = { jobs, count, 0 };
	pthread_t ids[SHA256_JOBS_MAX_THREADS];
	unsigned int started = 0, i;

	if (threads > SHA256_JOBS_MAX_THREADS)
		threads = SHA256_JOBS_MAX_THREADS;
	if (threads > count)
		threads = (unsigned int)count;
	/* The caller is one of the workers. */
	while (started + 1 < threads &&
	       pthread_create(&ids[started], NULL, worker, &queue) == 0)
		started++;
	worker(&queue);
	/* pthread_join's completion orders the workers' digest stores
	 * before the caller reads them. */
	for (i = 0; i < started; i++)
		pthread_join(ids[i], NULL);
}

unsigned int sha256_jobs_default_threads(void)
{
	cpu_set_t allowed;
	long cpus;

	/* The CPUs this process may run on (taskset, cpusets), not all the
	 * machine has: more threads than those would only take turns. */
	if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0)
		cpus = CPU_COUNT(&allowed);
	else
		cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		return 1;
	return cpus > SHA256_JOBS_MAX_THREADS ? SHA256_JOBS_MAX_THREADS : (unsigned int)cpus;
}
