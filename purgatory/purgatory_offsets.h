/* Offsets into struct purgatory_params for the assembly entry code; the
 * build asserts them against the C definition (purgatory/offsets_check.c). */
#ifndef PURGATORY_OFFSETS_H
#define PURGATORY_OFFSETS_H

#define PARAMS_ENTRY 0
#define PARAMS_REGS 8

#endif
