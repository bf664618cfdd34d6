/* Offsets into struct purgatory_params for the assembly entry code; the
 * build asserts them against the C definition (purgatory/offsets_check.c). */
#ifndef PURGATORY_OFFSETS_H
#define PURGATORY_OFFSETS_H

#define PARAMS_ENTRY 0
#define PARAMS_REGS 8
#define PARAMS_FLAGS 40
#define PARAMS_FLAG_KEEP_R1 4
#define PARAMS_FLAG_PORTABLE_HASH 8
#define PARAMS_NR_SEGMENTS 44
#define PARAMS_IDMAP_TTBR0 72
#define PARAMS_IDMAP_SIZE 80
#define PARAMS_SEGMENTS 88
#define SEGMENT_ADDR 0
#define SEGMENT_SIZE 8
#define SEGMENT_STRIDE 16

#endif
