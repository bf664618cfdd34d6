/* What the per-architecture entry code and the shared C provide each other. */
#ifndef PURGATORY_PURGATORY_H
#define PURGATORY_PURGATORY_H

#include "params.h"

/* The parameter block (purgatory.c).  Hidden: an extern of default
 * visibility would be reached through a GOT entry, an absolute address. */
extern struct purgatory_params purgatory_params __attribute__((visibility("hidden")));

/* Shared C: verify every segment; returns only when they all match. */
void purgatory_main(void);

/* Architecture code: what computes the hashes, for the verbose report. */
const char *purgatory_hash_engine(void);

#endif
