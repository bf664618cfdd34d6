/* What the per-architecture entry code and the shared C provide each other. */
#ifndef PURGATORY_PURGATORY_H
#define PURGATORY_PURGATORY_H

/* Shared C: verify every segment; returns only when they all match. */
void purgatory_main(void);

/* Entry code: stop this CPU for good (no exception, no jump). */
void purgatory_halt(void) __attribute__((noreturn));

#endif
