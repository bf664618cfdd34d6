/* /proc/iomem parsing.  The kernel prints one resource per line as
 * "<indent>start-end : name", indent being two spaces per nesting level,
 * start and end in hex with end inclusive. */
#include "iomem.h"
#include "hex.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define IOMEM "/proc/iomem"
/* The kernel's resource tree is a few levels deep (System RAM, Kernel
 * code, ...); far deeper is not /proc/iomem. */
#define IOMEM_MAX_DEPTH 32

void system_memory_init(struct system_memory *mem)
{
	mem_ranges_init(&mem->ram);
	mem_ranges_init(&mem->reserved);
	mem_ranges_init(&mem->crash);
	mem_ranges_init(&mem->kernel_image);
}

void system_memory_free(struct system_memory *mem)
{
	mem_ranges_free(&mem->ram);
	mem_ranges_free(&mem->reserved);
	mem_ranges_free(&mem->crash);
	mem_ranges_free(&mem->kernel_image);
}

struct iomem_line {
	unsigned int depth;
	uint64_t start;
	uint64_t last; /* inclusive, as printed */
	const char *name;
	size_t name_len;
};

/* Parses hex digits at *p (at least one, value within 64 bits) and
 * advances *p past them. */
static bool parse_hex(const char **p, const char *end, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;
	int d;

	if (s == end || hex_digit(*s) < 0)
		return false;
	for (; s < end && (d = hex_digit(*s)) >= 0; s++) {
		if (v >> 60)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*p = s;
	*val = v;
	return true;
}

static bool name_is(const struct iomem_line *line, const char *name)
{
	return line->name_len == strlen(name) && !memcmp(line->name, name, line->name_len);
}

/* Splits one line (without its newline); a false return means malformed. */
static bool parse_line(const char *s, const char *end, struct iomem_line *line)
{
	const char *p = s;

	while (p < end && *p == ' ')
		p++;
	if ((p - s) % 2)
		return false;
	line->depth = (unsigned int)((p - s) / 2);
	if (!parse_hex(&p, end, &line->start))
		return false;
	if (p == end || *p++ != '-')
		return false;
	if (!parse_hex(&p, end, &line->last))
		return false;
	if (end - p < 3 || memcmp(p, " : ", 3))
		return false;
	p += 3;
	/* Tolerate CRLF and trailing blanks from files saved elsewhere. */
	while (end > p && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	line->name = p;
	line->name_len = (size_t)(end - p);
	return true;
}

static bool is_blank(const char *s, const char *end)
{
	for (; s < end; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r')
			return false;
	return true;
}

/* Which set, if any, a resource belongs to.  `in_ram` says its top-level
 * ancestor is System RAM.  The kernel reserves the crash region and places
 * its image in RAM, so only there are they what they say; elsewhere (a
 * device's window, an edited file) they would put a load or a crash
 * kernel outside RAM.  Firmware-reserved holes likewise only count in RAM,
 * since top-level "reserved" entries (arm64 NOMAP memory) are not RAM. */
static struct mem_ranges *classify(struct system_memory *mem,
				   const struct iomem_line *line, bool in_ram)
{
	if (line->depth == 0)
		return name_is(line, "System RAM") ? &mem->ram : NULL;
	if (!in_ram)
		return NULL;
	if (name_is(line, "Crash kernel"))
		return &mem->crash;
	if (name_is(line, "Kernel code") || name_is(line, "Kernel data"))
		return &mem->kernel_image;
	if (name_is(line, "reserved"))
		return &mem->reserved;
	return NULL;
}

/* Records the line in its set, if any.  A nested resource is taken only
 * where it lies inside its top-level ancestor (`top`): the kernel never
 * prints one outside, and an edited file must not put a crash region
 * outside System RAM. */
static int add_line(struct system_memory *mem, const struct iomem_line *line,
		    const struct iomem_line *top, unsigned int lineno, struct error *err)
{
	struct mem_ranges *set = classify(mem, line, name_is(top, "System RAM"));
	uint64_t start = line->start > top->start ? line->start : top->start;
	uint64_t last = line->last < top->last ? line->last : top->last;
	/* A resource ending at the very top of the address space cannot be
	 * stored with an exclusive end: drop its last byte. */
	uint64_t end = last == UINT64_MAX ? UINT64_MAX : last + 1;
	int ret;

	if (!set || start > last || start == end)
		return 0;
	ret = mem_ranges_add(set, start, end);
	if (ret)
		return error_set(err, ret, IOMEM ": line %u: cannot record %.*s: %s",
				 lineno, (int)line->name_len, line->name, strerror(-ret));
	return 0;
}

static int parse_all(const char *text, size_t len, struct system_memory *mem,
		     struct error *err)
{
	const char *p = text, *end = text + len;
	unsigned int lineno = 0, prev_depth = 0;
	bool any = false, all_zero = true;
	struct iomem_line top = { 0 };  /* the current line's top-level ancestor */
	int ret;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		struct iomem_line line;

		if (!eol)
			eol = end;
		lineno++;
		if (is_blank(p, eol)) {
			p = eol + (eol < end);
			continue;
		}
		if (!parse_line(p, eol, &line))
			return error_set(err, -EINVAL, IOMEM ": line %u: malformed, expected "
					 "\"start-end : name\"", lineno);
		if (line.depth > (any ? prev_depth + 1 : 0))
			return error_set(err, -EINVAL, IOMEM ": line %u: nested deeper than "
					 "the line before it", lineno);
		if (line.start > line.last)
			return error_set(err, -EINVAL, IOMEM ": line %u: bad range, start "
					 "above end", lineno);
		if (line.depth >= IOMEM_MAX_DEPTH)
			return error_set(err, -EINVAL, IOMEM ": line %u: nested %u levels "
					 "deep, more than %d", lineno, line.depth, IOMEM_MAX_DEPTH - 1);
		if (line.depth == 0)
			top = line;
		ret = add_line(mem, &line, &top, lineno, err);
		if (ret)
			return ret;
		all_zero = all_zero && line.start == 0 && line.last == 0;
		any = true;
		prev_depth = line.depth;
		p = eol + (eol < end);
	}
	if (any && all_zero)
		return error_set(err, -EPERM, IOMEM ": all addresses read as zero: the "
				 "kernel hides them from non-root readers, run as root");
	if (!mem->ram.n)
		return error_set(err, -ENOENT, IOMEM ": no System RAM listed");
	return 0;
}

int iomem_parse(const char *text, size_t len, struct system_memory *mem,
		struct error *err)
{
	int ret = parse_all(text, len, mem, err);

	/* Half a map is worse than none: the caller must not plan with it. */
	if (ret) {
		system_memory_free(mem);
		system_memory_init(mem);
		return ret;
	}
	/* Callers read the sets' r and n directly (memrange.h): a listing
	 * out of order leaves ranges pending until normalized. */
	mem_ranges_normalize(&mem->ram);
	mem_ranges_normalize(&mem->reserved);
	mem_ranges_normalize(&mem->crash);
	mem_ranges_normalize(&mem->kernel_image);
	return 0;
}

int system_memory_usable(const struct system_memory *mem,
			 struct mem_ranges *usable)
{
	int ret;

	ret = mem_ranges_copy(usable, &mem->ram);
	if (!ret)
		ret = mem_ranges_subtract_all(usable, &mem->reserved);
	if (!ret)
		ret = mem_ranges_subtract_all(usable, &mem->crash);
	return ret;
}
