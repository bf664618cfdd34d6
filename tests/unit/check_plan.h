/* Looking into a plan by segment name: shared by the backends' plan tests
 * (arm64, arm). */
#ifndef TESTS_CHECK_PLAN_H
#define TESTS_CHECK_PLAN_H

#include <string.h>

#include "plan.h"

static inline const struct plan_segment *find_segment(const struct plan *plan, const char *name)
{
	size_t i;

	for (i = 0; i < plan->nr_segments; i++)
		if (strcmp(plan->segments[i].name, name) == 0)
			return &plan->segments[i];
	return NULL;
}

#endif
