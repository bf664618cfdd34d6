/* Device trees: any bytes either fail dtb_check with one error line, or
 * give a tree that every dtb.c function handles without crashing.  The
 * input is two parts (fuzz_util.h): the update to apply, then the DTB.
 *
 * Invariants on a tree that passed dtb_check:
 * - dtb_update_chosen's result passes dtb_check, is packed and at most
 *   DTB_MAX_SIZE bytes, and its /chosen reads back exactly what was
 *   written (bootargs; initrd in the root's cells, 2 when 1 cannot hold
 *   it; rng-seed only when given and not a crash load; kaslr-seed only
 *   where the tree had one and not a crash load; linux,elfcorehdr and
 *   linux,usable-memory-range in the root's cells for a crash load, absent
 *   otherwise); every other /chosen property, linux,uefi-* among them, is
 *   kept byte for byte;
 * - dtb_memory gives sorted, non-overlapping, non-adjacent sets, and the
 *   same answer on the updated tree;
 * - dtb_stdout_uart finds a PL011 or an NS16550 with 1- or 4-byte access
 *   and reg-shift <= 8, or returns -ENOENT and a zeroed uart, and the same
 *   on the updated tree;
 * - every error is negative with one message line. */
#include <errno.h>

#include <libfdt.h>

#include "dtb.h"
#include "fuzz_util.h"

/* The update part, read front to back; bytes past its end read as 0. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static uint8_t take_u8(struct reader *r)
{
	if (!r->left)
		return 0;
	r->left--;
	return *r->p++;
}

static uint64_t take_u64(struct reader *r)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | take_u8(r);
	return v;
}

enum {
	F_BOOTARGS = 1,
	F_INITRD = 2,
	F_CRASH = 4,
	F_RNG = 8,
};

struct update {
	struct chosen_update u;
	struct mem_range usable[16];
	uint8_t seed[64];
	char *bootargs;
};

/* Layout: flags, rng-seed size, number of usable ranges (mod 17), initrd
 * start and end, kaslr-seed, elfcorehdr address and size (8 bytes each,
 * big-endian), the usable ranges as start/end pairs, the seed, and the
 * rest up to a NUL as bootargs. */
static void read_update(const struct fuzz_part *part, struct update *up)
{
	struct reader r = { part->data, part->size };
	uint8_t flags = take_u8(&r);
	size_t i, n;

	memset(up, 0, sizeof(*up));
	up->u.rng_seed_size = take_u8(&r) % (sizeof(up->seed) + 1);
	n = take_u8(&r) % (sizeof(up->usable) / sizeof(up->usable[0]) + 1);
	up->u.has_initrd = flags & F_INITRD;
	up->u.crash = flags & F_CRASH;
	up->u.initrd_start = take_u64(&r);
	up->u.initrd_end = take_u64(&r);
	up->u.kaslr_seed = take_u64(&r);
	up->u.elfcorehdr_addr = take_u64(&r);
	up->u.elfcorehdr_size = take_u64(&r);
	for (i = 0; i < n; i++) {
		up->usable[i].start = take_u64(&r);
		up->usable[i].end = take_u64(&r);
	}
	up->u.usable_ranges = up->usable;
	up->u.nr_usable_ranges = n;
	for (i = 0; i < up->u.rng_seed_size; i++)
		up->seed[i] = take_u8(&r);
	if (!(flags & F_RNG))
		up->u.rng_seed_size = 0;
	up->u.rng_seed = up->seed;
	if (flags & F_BOOTARGS) {
		struct fuzz_part rest = { r.p, r.left };

		up->bootargs = fuzz_dup(&rest);
		up->u.bootargs = up->bootargs;
	}
}

static const void *chosen_prop(const void *blob, const char *name, int *len)
{
	int chosen = fdt_path_offset(blob, "/chosen");

	*len = -1;
	return chosen < 0 ? NULL : fdt_getprop(blob, chosen, name, len);
}

static uint64_t be_cells(const void *p, int cells)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	int i;

	for (i = 0; i < cells * 4; i++)
		v = v << 8 | b[i];
	return v;
}

static bool is_owned(const char *name)
{
	static const char *const owned[] = {
		"bootargs", "linux,initrd-start", "linux,initrd-end", "rng-seed",
		"kaslr-seed", "linux,elfcorehdr", "linux,usable-memory-range",
	};
	size_t i;

	for (i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (!strcmp(name, owned[i]))
			return true;
	return false;
}

static void check_initrd(const void *in, const void *out, const char *name, uint64_t val)
{
	int ac = fdt_address_cells(in, 0), len;
	const void *p = chosen_prop(out, name, &len);
	int want = ac == 1 && val <= UINT32_MAX ? 4 : 8;

	FUZZ_ASSERT(p && len == want, "%s is %d bytes, want %d", name, len, want);
	FUZZ_ASSERT(be_cells(p, len / 4) == val, "%s reads back wrong", name);
}

/* <address size> pairs in the root's cells, as written for a crash load. */
static void check_pairs(const void *in, const void *out, const char *name,
			const struct mem_range *r, size_t n)
{
	int ac = fdt_address_cells(in, 0), sc = fdt_size_cells(in, 0), len;
	const uint8_t *p = chosen_prop(out, name, &len);
	size_t i;

	FUZZ_ASSERT(ac >= 1 && ac <= 2 && sc >= 1 && sc <= 2,
		    "%s written with #address-cells %d, #size-cells %d", name, ac, sc);
	FUZZ_ASSERT(p && (size_t)len == n * (size_t)(ac + sc) * 4, "%s is %d bytes for %zu ranges",
		    name, len, n);
	for (i = 0; i < n; i++, p += (ac + sc) * 4) {
		FUZZ_ASSERT(be_cells(p, ac) == r[i].start, "%s range %zu address", name, i);
		FUZZ_ASSERT(be_cells(p + ac * 4, sc) == r[i].end - r[i].start,
			    "%s range %zu size", name, i);
	}
}

static void check_absent(const void *out, const char *name)
{
	int len;

	FUZZ_ASSERT(!chosen_prop(out, name, &len), "%s left in /chosen", name);
}

/* The next property at or after `off` in a node that the update does not
 * own, or a negative offset. */
static int next_kept(const void *blob, int off, const char **name, const void **val,
		     int *len)
{
	for (; off >= 0; off = fdt_next_property_offset(blob, off)) {
		*val = fdt_getprop_by_offset(blob, off, name, len);
		if (*val && !is_owned(*name))
			return off;
	}
	return off;
}

/* Every /chosen property of `in` the update does not own, linux,uefi-*
 * among them, is in `out` unchanged and in the same order (edits insert
 * and delete only owned ones).  One pass over both, so a /chosen of many
 * thousand properties is checked in linear time. */
static void check_kept(const void *in, const void *out)
{
	int a = fdt_path_offset(in, "/chosen"), b = fdt_path_offset(out, "/chosen");
	const char *na = NULL, *nb = NULL;
	const void *va = NULL, *vb = NULL;
	int la = 0, lb = 0;

	if (a < 0)
		return;
	a = next_kept(in, fdt_first_property_offset(in, a), &na, &va, &la);
	b = next_kept(out, fdt_first_property_offset(out, b), &nb, &vb, &lb);
	while (a >= 0) {
		FUZZ_ASSERT(b >= 0, "/chosen/%s not kept", na);
		FUZZ_ASSERT(!strcmp(na, nb) && la == lb && !memcmp(va, vb, (size_t)la),
			    "/chosen/%s not kept (found %s)", na, nb);
		a = next_kept(in, fdt_next_property_offset(in, a), &na, &va, &la);
		b = next_kept(out, fdt_next_property_offset(out, b), &nb, &vb, &lb);
	}
	FUZZ_ASSERT(b < 0, "/chosen/%s appeared", nb);
}

static void check_update(const void *in, const struct chosen_update *u, const void *out,
			 size_t out_size)
{
	struct error err = { { 0 } };
	const void *p, *q;
	int len, len2;
	bool had_kaslr;

	FUZZ_ASSERT(out_size <= DTB_MAX_SIZE, "updated tree is %zu bytes", out_size);
	FUZZ_ASSERT(dtb_check(out, out_size, "updated", &err) == 0,
		    "updated tree fails the check: %s", err.msg);
	FUZZ_ASSERT(out_size == fdt_totalsize(out), "size %zu is not totalsize %u", out_size,
		    fdt_totalsize(out));
	FUZZ_ASSERT(fdt_path_offset(out, "/chosen") >= 0, "no /chosen after the update");

	p = chosen_prop(out, "bootargs", &len);
	if (u->bootargs) {
		FUZZ_ASSERT(p && (size_t)len == strlen(u->bootargs) + 1 &&
			    !memcmp(p, u->bootargs, (size_t)len), "bootargs not written");
	} else {
		q = chosen_prop(in, "bootargs", &len2);
		FUZZ_ASSERT(!p == !q && (!p || (len == len2 && !memcmp(p, q, (size_t)len))),
			    "bootargs not kept");
	}
	if (u->has_initrd) {
		check_initrd(in, out, "linux,initrd-start", u->initrd_start);
		check_initrd(in, out, "linux,initrd-end", u->initrd_end);
	} else {
		check_absent(out, "linux,initrd-start");
		check_absent(out, "linux,initrd-end");
	}
	p = chosen_prop(out, "rng-seed", &len);
	if (u->rng_seed_size && !u->crash)
		FUZZ_ASSERT(p && (size_t)len == u->rng_seed_size &&
			    !memcmp(p, u->rng_seed, u->rng_seed_size), "rng-seed not written");
	else
		check_absent(out, "rng-seed");
	had_kaslr = chosen_prop(in, "kaslr-seed", &len) != NULL;
	p = chosen_prop(out, "kaslr-seed", &len);
	if (had_kaslr && !u->crash)
		FUZZ_ASSERT(p && len == 8 && be_cells(p, 2) == u->kaslr_seed, "kaslr-seed not "
			    "refreshed");
	else
		check_absent(out, "kaslr-seed");
	if (u->crash) {
		struct mem_range hdr = { u->elfcorehdr_addr,
					 u->elfcorehdr_addr + u->elfcorehdr_size };

		check_pairs(in, out, "linux,elfcorehdr", &hdr, 1);
		check_pairs(in, out, "linux,usable-memory-range", u->usable_ranges,
			    u->nr_usable_ranges);
	} else {
		check_absent(out, "linux,elfcorehdr");
		check_absent(out, "linux,usable-memory-range");
	}
	check_kept(in, out);
}

static bool same_set(const struct mem_ranges *a, const struct mem_ranges *b)
{
	return a->n == b->n && (!a->n || !memcmp(a->r, b->r, a->n * sizeof(a->r[0])));
}

/* dtb_memory on `in`, and on `out` (when not NULL) with the same answer. */
static void check_memory(const void *in, const void *out)
{
	struct mem_ranges ram, res, ram2, res2;
	struct error err = { { 0 } };
	int ret, ret2;

	mem_ranges_init(&ram);
	mem_ranges_init(&res);
	mem_ranges_init(&ram2);
	mem_ranges_init(&res2);
	ret = dtb_memory(in, &ram, &res, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "dtb_memory returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
	} else {
		fuzz_check_ranges(&ram, "RAM");
		fuzz_check_ranges(&res, "reserved");
	}
	if (out) {
		ret2 = dtb_memory(out, &ram2, &res2, &err);
		FUZZ_ASSERT(ret2 == ret, "dtb_memory gives %d before the update, %d after",
			    ret, ret2);
		FUZZ_ASSERT(ret || (same_set(&ram, &ram2) && same_set(&res, &res2)),
			    "dtb_memory changed by the update");
	}
	mem_ranges_free(&ram);
	mem_ranges_free(&res);
	mem_ranges_free(&ram2);
	mem_ranges_free(&res2);
}

static void check_uart(const void *in, const void *out)
{
	static const struct uart_info none;
	struct uart_info uart, uart2;
	int ret = dtb_stdout_uart(in, &uart);

	if (ret) {
		FUZZ_ASSERT(ret == -ENOENT, "dtb_stdout_uart returned %d", ret);
		FUZZ_ASSERT(!memcmp(&uart, &none, sizeof(uart)), "uart not zeroed on failure");
	} else {
		FUZZ_ASSERT(uart.kind == UART_PL011 || uart.kind == UART_NS16550,
			    "uart kind %d", uart.kind);
		FUZZ_ASSERT(uart.io_width == 1 || uart.io_width == 4, "io width %u",
			    uart.io_width);
		FUZZ_ASSERT(uart.reg_shift <= 8, "reg shift %u", uart.reg_shift);
	}
	if (out) {
		FUZZ_ASSERT(dtb_stdout_uart(out, &uart2) == ret, "stdout uart changed by the "
			    "update");
		FUZZ_ASSERT(ret || !memcmp(&uart, &uart2, sizeof(uart)), "stdout uart changed "
			    "by the update");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_part parts[2];
	struct error err = { { 0 } };
	struct update up;
	void *out = NULL;
	size_t out_size = 0;
	char *blob;
	int ret;

	fuzz_split(data, size, parts, 2);
	read_update(&parts[0], &up);
	/* A heap copy: libfdt wants 8-byte alignment, and ASan then sees
	 * any read past the end. */
	blob = fuzz_dup(&parts[1]);
	ret = dtb_check(blob, parts[1].size, "fuzz.dtb", &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "dtb_check returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(strncmp(err.msg, "fuzz.dtb: ", 10) == 0,
			    "message \"%s\" does not name the file", err.msg);
		goto out;
	}
	ret = dtb_update_chosen(blob, &up.u, &out, &out_size, &err);
	if (ret) {
		FUZZ_ASSERT(ret < 0, "dtb_update_chosen returned %d", ret);
		FUZZ_ASSERT_MESSAGE(&err);
		FUZZ_ASSERT(!out && !out_size, "failed update left a result");
	} else {
		check_update(blob, &up.u, out, out_size);
	}
	check_memory(blob, out);
	check_uart(blob, out);
out:
	free(out);
	free(blob);
	free(up.bootargs);
	return 0;
}
