#include "arch.h"

#include <string.h>

static const struct arch_backend *const backends[] = {
	&arm64_backend,
	&arm_backend,
};

const struct arch_backend *arch_backend_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

const struct arch_backend *arch_backend_for_machine(const char *machine)
{
	size_t i, j;

	for (i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		for (j = 0; j < sizeof(backends[i]->machines) / sizeof(backends[i]->machines[0]) &&
			    backends[i]->machines[j]; j++)
			if (strcmp(backends[i]->machines[j], machine) == 0)
				return backends[i];
	return NULL;
}
