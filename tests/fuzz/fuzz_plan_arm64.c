/* The arm64 planner end to end (tests/fuzz/fuzz_plan.h): an Image, an
 * initrd, a DTB, the memory map and a command line in, a plan whose
 * segments are disjoint, inside usable memory and correctly hashed out, or
 * one error line. */
#include "fuzz_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_plan(&arm64_backend, data, size);
}
