/* The 32-bit ARM planner end to end (tests/fuzz/fuzz_plan.h): a zImage or
 * a container's raw Image, an initrd, a DTB or an ATAG list, the memory
 * map and a command line in, a plan whose segments are disjoint, inside
 * usable memory and correctly hashed out, or one error line. */
#include "fuzz_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_plan(&arm_backend, data, size);
}
