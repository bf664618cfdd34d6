/* A few macros for the unit tests: each check prints one TAP-like line,
 * "ok - name" or "not ok - name", and main() returns check_status(). */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures;
static int check_count;

static inline void check_report(int ok, const char *name, const char *file, int line)
{
	check_count++;
	if (ok) {
		printf("ok - %s\n", name);
		return;
	}
	check_failures++;
	printf("not ok - %s (%s:%d)\n", name, file, line);
}

#define CHECK(name, cond) check_report(!!(cond), (name), __FILE__, __LINE__)

/* Equality of integers, printing both values when they differ. */
#define CHECK_EQ(name, got, want)                                              \
	do {                                                                   \
		uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);     \
		check_report(got_ == want_, (name), __FILE__, __LINE__);       \
		if (got_ != want_)                                             \
			printf("#   got 0x%" PRIx64 ", want 0x%" PRIx64 "\n",      \
			       got_, want_);                                   \
	} while (0)

#define CHECK_STR(name, got, want)                                             \
	do {                                                                   \
		const char *got_ = (got), *want_ = (want);                     \
		int ok_ = got_ && want_ && !strcmp(got_, want_);               \
		check_report(ok_, (name), __FILE__, __LINE__);                 \
		if (!ok_)                                                      \
			printf("#   got \"%s\", want \"%s\"\n",                \
			       got_ ? got_ : "(null)", want_ ? want_ : "(null)"); \
	} while (0)

/* Substring test, for error messages. */
#define CHECK_CONTAINS(name, hay, needle)                                      \
	do {                                                                   \
		const char *hay_ = (hay);                                      \
		int ok_ = hay_ && strstr(hay_, (needle)) != NULL;              \
		check_report(ok_, (name), __FILE__, __LINE__);                 \
		if (!ok_)                                                      \
			printf("#   \"%s\" lacks \"%s\"\n", hay_ ? hay_ : "(null)", \
			       (needle));                                      \
	} while (0)

static inline int check_status(void)
{
	printf("# %d checks, %d failed\n", check_count, check_failures);
	return check_failures ? 1 : 0;
}

/* Fixtures live in $FIXTURES_DIR, else the directory given as argv[1],
 * else the build's -DFIXTURES_DIR="..." default. */
#ifndef FIXTURES_DIR
#define FIXTURES_DIR "tests/fixtures"
#endif

static inline const char *fixtures_dir(int argc, char **argv)
{
	const char *dir = getenv("FIXTURES_DIR");

	if (dir && *dir)
		return dir;
	if (argc > 1)
		return argv[1];
	return FIXTURES_DIR;
}

/* Reads dir/name into a malloc'd buffer (NUL-terminated for text);
 * exits on failure since every later check would fail anyway. */
static inline char *read_fixture(const char *dir, const char *name, size_t *size)
{
	char path[4096];
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		printf("Bail out! cannot open fixture %s\n", path);
		exit(1);
	}
	do {
		if (cap - len < 4097) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf) {
				printf("Bail out! out of memory reading %s\n", path);
				exit(1);
			}
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	*size = len;
	return buf;
}

#endif
