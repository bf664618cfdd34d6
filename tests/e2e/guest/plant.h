/*
 * The pattern plant.c writes into every page it plants and vmcore-check.c
 * looks for in /proc/vmcore: the page is filled with 64-byte records
 *
 *   "E2EPLANT:<token>:<page index, 8 hex digits>:" padded with '.', '\n' last
 *
 * so that a page found at its physical address proves both that the crash
 * dump maps that address to the right file offset (the token is fresh for
 * every run) and which page it is (the index).
 */
#ifndef E2E_PLANT_H
#define E2E_PLANT_H

#include <stdio.h>
#include <string.h>

#define PLANT_RECORD 64
#define PLANT_TOKEN_MAX 32

/* Writes the record for (token, index) into rec[PLANT_RECORD].
 * Returns 0, or -1 when the token is too long to fit. */
static inline int plant_record(char rec[PLANT_RECORD], const char *token,
			       unsigned long index)
{
	int n;

	if (strlen(token) > PLANT_TOKEN_MAX)
		return -1;
	n = snprintf(rec, PLANT_RECORD, "E2EPLANT:%s:%08lx:", token, index);
	if (n < 0 || n >= PLANT_RECORD - 1)
		return -1;
	memset(rec + n, '.', PLANT_RECORD - 1 - n);
	rec[PLANT_RECORD - 1] = '\n';
	return 0;
}

#endif
