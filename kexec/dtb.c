/* Device tree reading and rewriting on top of libfdt. */
#include "dtb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#define DT "device tree"

/* Room for the property and node headers and names /chosen may gain,
 * beyond the payloads counted exactly. */
#define CHOSEN_SLACK 1024

/* The header is checked field by field before libfdt reads anything
 * through it.  libfdt accepts trees back to version 2, whose node names are
 * full paths; fdt_check_full (1.6.1) then dereferences NULL on a root name
 * without a '/'.  fdt_open_into cannot edit such trees either, so they are
 * refused here with a clear reason. */
static int check_header(const void *blob, size_t size, const char *what,
			struct error *err)
{
	uint32_t version, last, total, rsv, off, len;

	if (size < sizeof(struct fdt_header))
		return error_set(err, -EINVAL, "%s: %zu bytes, too small for a device tree",
				 what, size);
	if (fdt_magic(blob) != FDT_MAGIC)
		return error_set(err, -EINVAL, "%s: not a device tree (magic 0x%08x)", what,
				 fdt_magic(blob));
	version = fdt_version(blob);
	last = fdt_last_comp_version(blob);
	if (version < 16)
		return error_set(err, -EINVAL, "%s: device tree version %u is older than 16, "
				 "which kexec cannot edit", what, version);
	if (last > 17)
		return error_set(err, -EINVAL, "%s: device tree needs a reader of version %u; "
				 "kexec reads version 17", what, last);
	if (last > version)
		return error_set(err, -EINVAL, "%s: device tree header is inconsistent: version "
				 "%u, last compatible version %u", what, version, last);
	total = fdt_totalsize(blob);
	if (total > size)
		return error_set(err, -EINVAL, "%s: truncated: header says %u bytes, "
				 "only %zu present", what, total, size);
	if (total > DTB_MAX_SIZE || total < sizeof(struct fdt_header))
		return error_set(err, -EINVAL, "%s: header says %u bytes; a device tree has "
				 "%zu to %u", what, total, sizeof(struct fdt_header), DTB_MAX_SIZE);
	/* The spec's alignments, which also keep libfdt's word reads of the
	 * structure block aligned; the reservation map needs room for at least
	 * its terminating entry. */
	rsv = fdt_off_mem_rsvmap(blob);
	if (rsv < sizeof(struct fdt_header) || rsv % 8 ||
	    rsv > total - sizeof(struct fdt_reserve_entry))
		return error_set(err, -EINVAL, "%s: memory reservation map at offset %u does "
				 "not fit the %u byte tree", what, rsv, total);
	off = fdt_off_dt_struct(blob);
	len = version >= 17 ? fdt_size_dt_struct(blob) : 0;
	if (off < sizeof(struct fdt_header) || off % 4 || (uint64_t)off + len > total)
		return error_set(err, -EINVAL, "%s: structure block (offset %u, %u bytes) does "
				 "not fit the %u byte tree", what, off, len, total);
	off = fdt_off_dt_strings(blob);
	len = fdt_size_dt_strings(blob);
	if (off < sizeof(struct fdt_header) || (uint64_t)off + len > total)
		return error_set(err, -EINVAL, "%s: strings block (offset %u, %u bytes) does "
				 "not fit the %u byte tree", what, off, len, total);
	return 0;
}

/* The spec allows 31 characters; this is generous, and keeps each of
 * libfdt's name lookups (a memchr to the name's end) short. */
#define MAX_PROP_NAME 256

/* libfdt 1.6.1's fdt_next_tag adds a property's length to an int offset
 * unchecked: a length of -12 sends fdt_check_full round the same property
 * forever, larger ones overflow.  So every tag is walked here first, the
 * way libfdt will, with each node name and property value kept inside the
 * structure block (bounded by totalsize in a version 16 tree, as libfdt
 * does).  Property names must be short: every property sharing one
 * megabyte-long name would make each lookup by name scan it again. */
static int check_tags(const void *blob, const char *what, struct error *err)
{
	const char *base = (const char *)blob + fdt_off_dt_struct(blob);
	const char *strings = (const char *)blob + fdt_off_dt_strings(blob);
	bool v17 = fdt_version(blob) >= 17;
	uint32_t end = v17 ? fdt_size_dt_struct(blob)
			   : fdt_totalsize(blob) - fdt_off_dt_struct(blob);
	uint32_t strings_end = v17 ? fdt_size_dt_strings(blob)
				   : fdt_totalsize(blob) - fdt_off_dt_strings(blob);
	uint32_t off = 0, at, tag, len, name;
	const char *nul;

	while (off <= end && end - off >= 4) {
		at = off;
		tag = fdt32_ld((const fdt32_t *)(base + at));
		off = at + 4;
		switch (tag) {
		case FDT_BEGIN_NODE:
			nul = memchr(base + off, '\0', end - off);
			if (!nul)
				return error_set(err, -EINVAL, "%s: malformed device tree: node "
						 "name at offset %u runs past the structure "
						 "block", what, at);
			off = (uint32_t)(nul - base) + 1;
			break;
		case FDT_PROP:
			len = end - off >= 8 ? fdt32_ld((const fdt32_t *)(base + off)) : 0;
			if (end - off < 8 || len > end - off - 8)
				return error_set(err, -EINVAL, "%s: malformed device tree: property "
						 "at offset %u runs past the structure block",
						 what, at);
			name = fdt32_ld((const fdt32_t *)(base + off + 4));
			if (name >= strings_end ||
			    !memchr(strings + name, '\0', strings_end - name < MAX_PROP_NAME + 1
							    ? strings_end - name : MAX_PROP_NAME + 1))
				return error_set(err, -EINVAL, "%s: malformed device tree: property "
						 "at offset %u has no name of at most %d bytes "
						 "in the strings block", what, at, MAX_PROP_NAME);
			off += 8 + len;
			break;
		case FDT_END:
			return 0;
		case FDT_END_NODE:
		case FDT_NOP:
			break;
		default:
			return error_set(err, -EINVAL, "%s: malformed device tree: unknown tag "
					 "0x%x at offset %u", what, tag, at);
		}
		off = (off + 3) & ~3u;
	}
	return error_set(err, -EINVAL, "%s: malformed device tree: no end tag in the "
			 "structure block", what);
}

/* libfdt bounds a version 16 tree's property names by totalsize only, but
 * those of the version 17 tree fdt_open_into makes of it by
 * size_dt_strings.  A version 16 tree is checked again as that tree, so an
 * edit cannot turn a tree that passed into one that does not. */
static int check_as_v17(const void *blob)
{
	/* Reordering copies each block apart, each at most totalsize. */
	size_t room = 3 * (size_t)fdt_totalsize(blob) + 64;
	void *buf = malloc(room);
	int ret;

	if (!buf)
		return -FDT_ERR_NOSPACE;
	ret = fdt_open_into(blob, buf, (int)room);
	if (ret == 0)
		ret = fdt_check_full(buf, room);
	free(buf);
	return ret;
}

int dtb_check(const void *blob, size_t size, const char *what, struct error *err)
{
	int ret;

	ret = check_header(blob, size, what, err);
	if (ret)
		return ret;
	/* Also refuses a blob that is not 8-byte aligned in memory. */
	ret = fdt_check_header(blob);
	if (ret)
		return error_set(err, -EINVAL, "%s: not a device tree: %s", what,
				 fdt_strerror(ret));
	ret = check_tags(blob, what, err);
	if (ret)
		return ret;
	/* fdt_check_full (libfdt >= 1.4.7) walks the whole structure block, so
	 * later libfdt calls cannot trip over a corrupt tag or name. */
	ret = fdt_check_full(blob, size);
	if (ret == 0 && fdt_version(blob) < 17)
		ret = check_as_v17(blob);
	if (ret)
		return error_set(err, -EINVAL, "%s: malformed device tree: %s", what,
				 fdt_strerror(ret));
	return 0;
}

/* ---- reading helpers ---------------------------------------------------- */

/* Reads a value of `cells` 32-bit big-endian cells; false when it needs
 * more than 64 bits. */
static bool read_cells(const fdt32_t *p, int cells, uint64_t *val)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < cells; i++) {
		if (v >> 32)
			return false;
		v = v << 32 | fdt32_ld(&p[i]);
	}
	*val = v;
	return true;
}

/* The exclusive end of [start, start + size), capped at UINT64_MAX (see
 * memrange.c); false when the region would wrap past 2^64. */
static bool region_end(uint64_t start, uint64_t size, uint64_t *end)
{
	if (size - 1 > UINT64_MAX - start)
		return false;
	*end = start + size ? start + size : UINT64_MAX;
	return true;
}

/* For messages: node names are any bytes, but a message is one line of
 * text. */
static const char *node_path(const void *blob, int node, char *buf, int len)
{
	char *p;

	if (fdt_get_path(blob, node, buf, len))
		return "(unknown node)";
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
	return buf;
}

static bool prop_is_string(const void *blob, int node, const char *name,
			   const char *value)
{
	int len;
	const char *p = fdt_getprop(blob, node, name, &len);

	return p && (size_t)len == strlen(value) + 1 && !memcmp(p, value, (size_t)len);
}

/* A missing status means enabled; "ok" is the pre-spec spelling. */
static bool node_enabled(const void *blob, int node)
{
	int len;

	if (!fdt_getprop(blob, node, "status", &len))
		return true;
	return prop_is_string(blob, node, "status", "okay") ||
	       prop_is_string(blob, node, "status", "ok");
}

/* #address-cells and #size-cells that `bus` gives its children's reg.
 * libfdt 1.6.1 caps both at FDT_MAX_NCELLS; the check is repeated so that
 * the reg arithmetic below stays small whatever libfdt we link. */
static int bus_cells(const void *blob, int bus, int *ac, int *sc)
{
	*ac = fdt_address_cells(blob, bus);
	if (*ac < 0)
		return *ac;
	*sc = fdt_size_cells(blob, bus);
	if (*sc < 0)
		return *sc;
	if (*ac > FDT_MAX_NCELLS || *sc > FDT_MAX_NCELLS)
		return -FDT_ERR_BADNCELLS;
	return 0;
}

/* Adds every non-empty (address, size) pair of `node`'s reg to `set` and
 * counts them in *found. */
static int add_reg(const void *blob, int node, int ac, int sc,
		   struct mem_ranges *set, unsigned int *found, struct error *err)
{
	const fdt32_t *reg;
	int len, i, n, stride = ac + sc;
	char path[256];

	reg = fdt_getprop(blob, node, "reg", &len);
	if (!reg)
		return 0;
	if (stride == 0 || len % (stride * 4))
		return error_set(err, -EINVAL, DT ": %s: reg is %d bytes, not a multiple "
				 "of %d cells", node_path(blob, node, path, sizeof(path)),
				 len, stride);
	n = len / (stride * 4);
	for (i = 0; i < n; i++, reg += stride) {
		uint64_t start, size, end;
		int ret;

		if (!read_cells(reg, ac, &start) || !read_cells(reg + ac, sc, &size) ||
		    (size && !region_end(start, size, &end)))
			return error_set(err, -EINVAL, DT ": %s: reg entry %d does not fit "
					 "64-bit addresses", node_path(blob, node, path,
					 sizeof(path)), i);
		if (!size)
			continue;
		ret = mem_ranges_add(set, start, end);
		if (ret)
			return error_set(err, ret, DT ": %s: %s",
					 node_path(blob, node, path, sizeof(path)), strerror(-ret));
		(*found)++;
	}
	return 0;
}

/* ---- dtb_update_chosen ------------------------------------------------- */

/* The /chosen properties an update writes or removes. */
static const char *const owned_props[] = {
	"bootargs", "linux,initrd-start", "linux,initrd-end", "rng-seed", "kaslr-seed",
	"linux,elfcorehdr", "linux,usable-memory-range",
};

static int chosen_offset(void *fdt)
{
	int node = fdt_path_offset(fdt, "/chosen");

	if (node == -FDT_ERR_NOTFOUND)
		node = fdt_add_subnode(fdt, 0, "chosen");
	return node;
}

/* libfdt does not check that a node's property names are unique, and edits
 * only the first of a repeated name: a second copy of, say,
 * linux,elfcorehdr would survive the update for the kernel to find.  Every
 * copy after the first of a property the update owns is turned into NOP
 * tags in place, in one pass (deleting each would move the rest of the
 * tree once per copy). */
static int nop_repeated_props(void *fdt, int chosen)
{
	unsigned int seen = 0;
	int off, next, end, len;
	const char *name;
	size_t i;

	for (off = fdt_first_property_offset(fdt, chosen); off >= 0; off = next) {
		next = fdt_next_property_offset(fdt, off);
		if (!fdt_getprop_by_offset(fdt, off, &name, &len))
			return len;
		for (i = 0; i < sizeof(owned_props) / sizeof(owned_props[0]); i++)
			if (!strcmp(name, owned_props[i]))
				break;
		if (i == sizeof(owned_props) / sizeof(owned_props[0]))
			continue;
		if (seen & 1u << i) {
			fdt_next_tag(fdt, off, &end);
			for (; off < end; off += FDT_TAGSIZE)
				fdt32_st(fdt_offset_ptr_w(fdt, off, FDT_TAGSIZE), FDT_NOP);
		}
		seen |= 1u << i;
	}
	return off == -FDT_ERR_NOTFOUND ? 0 : off;
}

static int delprop_if_present(void *fdt, int node, const char *name)
{
	int ret = fdt_delprop(fdt, node, name);

	return ret == -FDT_ERR_NOTFOUND ? 0 : ret;
}

/* The kernel reads linux,initrd-* with whatever length they have, but the
 * binding says root #address-cells, and a 1-cell root is what a 32-bit
 * board's bootloader writes; fall back to 2 cells when 1 cannot hold the
 * address or the root asks for something else. */
static int set_initrd_prop(void *fdt, int chosen, const char *name, uint64_t val)
{
	int ac = fdt_address_cells(fdt, 0);

	if (ac == 1 && val <= UINT32_MAX)
		return fdt_setprop_u32(fdt, chosen, name, (uint32_t)val);
	return fdt_setprop_u64(fdt, chosen, name, val);
}

/* <address size> pairs in the root's #address-cells and #size-cells, as
 * the kernel reads linux,elfcorehdr and linux,usable-memory-range.  A range
 * the cells cannot hold gives -FDT_ERR_BADVALUE. */
static int set_reg_prop(void *fdt, int node, const char *name,
			const struct mem_range *ranges, size_t n)
{
	int ac = fdt_address_cells(fdt, 0), sc = fdt_size_cells(fdt, 0);
	size_t i;
	int ret;

	if (ac < 1 || ac > 2 || sc < 1 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	ret = fdt_setprop(fdt, node, name, NULL, 0);
	for (i = 0; ret == 0 && i < n; i++) {
		uint64_t start = ranges[i].start, size = ranges[i].end - start;

		if (ranges[i].end < start ||
		    (ac == 1 && (start > UINT32_MAX || size > (1ull << 32) - start)) ||
		    (sc == 1 && size > UINT32_MAX))
			return -FDT_ERR_BADVALUE;
		ret = ac == 2 ? fdt_appendprop_u64(fdt, node, name, start)
			      : fdt_appendprop_u32(fdt, node, name, (uint32_t)start);
		if (ret == 0)
			ret = sc == 2 ? fdt_appendprop_u64(fdt, node, name, size)
				      : fdt_appendprop_u32(fdt, node, name, (uint32_t)size);
	}
	return ret;
}

/* Applies the update to an opened (writable, spacious) fdt.  Returns a
 * libfdt error and names the step in *step. */
static int apply_chosen(void *fdt, const struct chosen_update *u, const char **step)
{
	int chosen, ret, len;

	*step = "/chosen";
	chosen = chosen_offset(fdt);
	if (chosen < 0)
		return chosen;
	/* Edits below only touch /chosen's own properties, which never moves
	 * the node itself, so the offset stays valid. */
	ret = nop_repeated_props(fdt, chosen);
	if (ret)
		return ret;
	if (u->bootargs) {
		*step = "bootargs";
		ret = fdt_setprop_string(fdt, chosen, "bootargs", u->bootargs);
		if (ret)
			return ret;
	}
	*step = "linux,initrd-start";
	ret = u->has_initrd ? set_initrd_prop(fdt, chosen, *step, u->initrd_start)
			    : delprop_if_present(fdt, chosen, *step);
	if (ret)
		return ret;
	*step = "linux,initrd-end";
	ret = u->has_initrd ? set_initrd_prop(fdt, chosen, *step, u->initrd_end)
			    : delprop_if_present(fdt, chosen, *step);
	if (ret)
		return ret;
	/* A seed left in a stored DTB is not fresh, and the kernel credits
	 * rng-seed as entropy: without a new one, drop the old one. */
	*step = "rng-seed";
	ret = u->rng_seed_size && !u->crash
		      ? fdt_setprop(fdt, chosen, *step, u->rng_seed, (int)u->rng_seed_size)
		      : delprop_if_present(fdt, chosen, *step);
	if (ret)
		return ret;
	/* Only refresh a seed the tree already carries (the previous kernel
	 * zeroes the one it consumed): a tree without one comes from a boot
	 * that did not hand out seeds this way, and we keep it like that. */
	*step = "kaslr-seed";
	if (u->crash) {
		ret = delprop_if_present(fdt, chosen, *step);
		if (ret)
			return ret;
	} else if (fdt_getprop(fdt, chosen, *step, &len)) {
		ret = fdt_setprop_u64(fdt, chosen, *step, u->kaslr_seed);
		if (ret)
			return ret;
	}
	*step = "linux,elfcorehdr";
	if (u->crash) {
		struct mem_range hdr = { u->elfcorehdr_addr, u->elfcorehdr_addr + u->elfcorehdr_size };

		/* A header wrapping past 2^64 is refused, not written. */
		ret = hdr.end < hdr.start ? -FDT_ERR_BADVALUE
					  : set_reg_prop(fdt, chosen, *step, &hdr, 1);
	} else {
		ret = delprop_if_present(fdt, chosen, *step);
	}
	if (ret)
		return ret;
	*step = "linux,usable-memory-range";
	ret = u->crash ? set_reg_prop(fdt, chosen, *step, u->usable_ranges, u->nr_usable_ranges)
		       : delprop_if_present(fdt, chosen, *step);
	if (ret)
		return ret;
	*step = "packing";
	return fdt_pack(fdt);
}

static int update_error(struct error *err, int ret, const char *step)
{
	if (ret == -FDT_ERR_NOSPACE)
		return error_set(err, -E2BIG, DT ": %s: the edited tree would be larger than "
				 "the %u byte limit", step, DTB_MAX_SIZE);
	if (ret == -FDT_ERR_BADVALUE || ret == -FDT_ERR_BADNCELLS)
		return error_set(err, -EINVAL, DT ": %s: the value does not fit the root's "
				 "#address-cells and #size-cells (1 or 2 each)", step);
	return error_set(err, -EINVAL, DT ": %s: %s", step, fdt_strerror(ret));
}

/* libfdt trusts the header's totalsize here: the caller is expected to
 * have passed the blob through dtb_check, which knows the real size. */
int dtb_update_chosen(const void *blob, const struct chosen_update *update,
		      void **out, size_t *out_size, struct error *err)
{
	size_t bootargs_len = update->bootargs ? strlen(update->bootargs) + 1 : 0;
	size_t room;
	const char *step = "";
	void *buf = NULL;
	int ret;

	*out = NULL;
	*out_size = 0;
	ret = check_header(blob, fdt_totalsize(blob), DT, err);
	if (ret)
		return ret;
	if (bootargs_len > DTB_MAX_SIZE || update->rng_seed_size > DTB_MAX_SIZE ||
	    update->nr_usable_ranges > DTB_MAX_SIZE / sizeof(struct mem_range))
		return error_set(err, -E2BIG, DT ": bootargs, rng-seed or usable memory "
				 "larger than the %u byte limit", DTB_MAX_SIZE);
	/* Each range takes at most 16 bytes, as does the ELF core header's. */
	room = fdt_totalsize(blob) + bootargs_len + update->rng_seed_size +
	       (update->nr_usable_ranges + 1) * sizeof(struct mem_range) + CHOSEN_SLACK;
	/* The slack is generous, but a tree whose strings block repeats
	 * nothing we add, or whose blocks overlap (fdt_open_into copies each
	 * apart), could still run short: grow and start over.  The result must
	 * pack into DTB_MAX_SIZE, so a working copy many times that is never
	 * needed. */
	for (;;) {
		void *bigger;

		if (room > 16 * (size_t)DTB_MAX_SIZE) {
			ret = -FDT_ERR_NOSPACE;
			break;
		}
		bigger = realloc(buf, room);
		if (!bigger) {
			free(buf);
			return error_set(err, -ENOMEM, DT ": out of memory for %zu bytes", room);
		}
		buf = bigger;
		step = "opening";
		ret = fdt_open_into(blob, buf, (int)room);
		if (ret == 0)
			ret = apply_chosen(buf, update, &step);
		if (ret != -FDT_ERR_NOSPACE)
			break;
		room *= 2;
	}
	if (ret) {
		free(buf);
		return update_error(err, ret, step);
	}
	if (fdt_totalsize(buf) > DTB_MAX_SIZE) {
		ret = error_set(err, -E2BIG, DT ": %u bytes after the /chosen update, "
				"above the %u byte limit", fdt_totalsize(buf), DTB_MAX_SIZE);
		free(buf);
		return ret;
	}
	*out_size = fdt_totalsize(buf);
	*out = realloc(buf, *out_size);
	if (!*out)
		*out = buf;
	return 0;
}

/* ---- dtb_memory -------------------------------------------------------- */

/* Memory nodes are children of the root.  Some old trees name the node
 * memory@... and forget device_type; take those too. */
static bool is_memory_node(const void *blob, int node)
{
	const char *name;

	if (prop_is_string(blob, node, "device_type", "memory"))
		return true;
	if (fdt_getprop(blob, node, "device_type", NULL))
		return false;
	name = fdt_get_name(blob, node, NULL);
	return name && (!strcmp(name, "memory") || !strncmp(name, "memory@", 7));
}

static int reserved_memory(const void *blob, struct mem_ranges *reserved,
			   struct error *err)
{
	int i, n, node, child, ac, sc, ret;
	unsigned int found = 0;

	n = fdt_num_mem_rsv(blob);
	if (n < 0)
		return error_set(err, -EINVAL, DT ": /memreserve/: %s", fdt_strerror(n));
	for (i = 0; i < n; i++) {
		uint64_t addr, size, end;

		ret = fdt_get_mem_rsv(blob, i, &addr, &size);
		if (ret)
			return error_set(err, -EINVAL, DT ": /memreserve/ %d: %s", i,
					 fdt_strerror(ret));
		if (!size)
			continue;
		if (!region_end(addr, size, &end))
			return error_set(err, -EINVAL, DT ": /memreserve/ %d wraps past "
					 "2^64", i);
		ret = mem_ranges_add(reserved, addr, end);
		if (ret)
			return error_set(err, ret, DT ": /memreserve/: %s", strerror(-ret));
	}

	/* Children without reg (size + alloc-ranges) were placed by the
	 * running kernel at boot; the tree does not say where, so they are
	 * not reported here. */
	node = fdt_path_offset(blob, "/reserved-memory");
	if (node < 0)
		return 0;
	ret = bus_cells(blob, node, &ac, &sc);
	if (ret)
		return error_set(err, -EINVAL, DT ": /reserved-memory: #address-cells or "
				 "#size-cells: %s", fdt_strerror(ret));
	fdt_for_each_subnode(child, blob, node) {
		if (!node_enabled(blob, child))
			continue;
		ret = add_reg(blob, child, ac, sc, reserved, &found, err);
		if (ret)
			return ret;
	}
	return 0;
}

static int memory_nodes(const void *blob, struct mem_ranges *ram, struct error *err)
{
	int node, ac, sc, ret;
	unsigned int found = 0;

	ret = bus_cells(blob, 0, &ac, &sc);
	if (ret)
		return error_set(err, -EINVAL, DT ": root: #address-cells or #size-cells: %s",
				 fdt_strerror(ret));
	fdt_for_each_subnode(node, blob, 0) {
		if (!is_memory_node(blob, node) || !node_enabled(blob, node))
			continue;
		ret = add_reg(blob, node, ac, sc, ram, &found, err);
		if (ret)
			return ret;
	}
	if (!found)
		return error_set(err, -ENOENT, DT ": no memory node with a reg (UEFI "
				 "firmware describes RAM in its memory map instead)");
	return 0;
}

/* One pass over the tree, each range added once: the sets sort and merge
 * what arrives out of order when normalized, so even a reg listing a
 * quarter of a million ranges backwards costs O(n log n). */
int dtb_memory(const void *blob, struct mem_ranges *ram,
	       struct mem_ranges *reserved, struct error *err)
{
	int ret;

	ret = memory_nodes(blob, ram, err);
	if (ret == 0)
		ret = reserved_memory(blob, reserved, err);
	mem_ranges_normalize(ram);
	mem_ranges_normalize(reserved);
	return ret;
}

/* ---- dtb_stdout_uart --------------------------------------------------- */

/* Maps `addr`, an address in `bus`'s child address space, into the
 * address space of `parent` through the bus's ranges.  Returns 0, or
 * -ENOENT when the bus does not map it. */
static int translate_up(const void *blob, int bus, int parent, uint64_t *addr)
{
	int child_ac, child_sc, parent_ac, parent_sc, len, stride, i;
	const fdt32_t *ranges;

	ranges = fdt_getprop(blob, bus, "ranges", &len);
	/* The spec: no ranges means the bus is not mapped into its parent's
	 * address space, so there is no CPU address to poke. */
	if (!ranges)
		return -ENOENT;
	if (len == 0)
		return 0;
	if (bus_cells(blob, bus, &child_ac, &child_sc) ||
	    bus_cells(blob, parent, &parent_ac, &parent_sc))
		return -ENOENT;
	stride = child_ac + parent_ac + child_sc;
	if (stride == 0 || len % (stride * 4))
		return -ENOENT;
	for (i = 0; i < len / (stride * 4); i++, ranges += stride) {
		uint64_t child, cpu, size;

		if (!read_cells(ranges, child_ac, &child) ||
		    !read_cells(ranges + child_ac, parent_ac, &cpu) ||
		    !read_cells(ranges + child_ac + parent_ac, child_sc, &size))
			continue;
		if (*addr >= child && *addr - child < size) {
			/* A window mapped past 2^64 is a broken tree. */
			if (*addr - child > UINT64_MAX - cpu)
				return -ENOENT;
			*addr = cpu + (*addr - child);
			return 0;
		}
	}
	return -ENOENT;
}

/* Buses nest a few levels deep in real trees; a console deeper than this
 * is not one we guess at. */
#define MAX_BUS_DEPTH 64

/* Fills anc[0..depth-1] with the offsets of node's ancestors, root first,
 * in one walk from the root (fdt_parent_offset walks from the root on
 * every call, so climbing a deep tree with it is quadratic).  Returns
 * node's depth, or -ENOENT. */
static int ancestors(const void *blob, int node, int anc[MAX_BUS_DEPTH])
{
	int off = 0, depth = 0;

	anc[0] = 0;
	while (off < node) {
		off = fdt_next_node(blob, off, &depth);
		if (off < 0 || depth <= 0)
			return -ENOENT;
		if (depth < MAX_BUS_DEPTH)
			anc[depth] = off;
	}
	return off == node && depth < MAX_BUS_DEPTH ? depth : -ENOENT;
}

/* The CPU address of `node`'s first reg entry.  Only linear ranges with
 * addresses of at most 64 bits are understood (not PCI's 3-cell
 * addresses, nor dma-ranges). */
static int node_address(const void *blob, int node, uint64_t *addr)
{
	int anc[MAX_BUS_DEPTH];
	int depth, ac, sc, len, ret, i;
	const fdt32_t *reg;

	depth = ancestors(blob, node, anc);
	if (depth <= 0 || bus_cells(blob, anc[depth - 1], &ac, &sc))
		return -ENOENT;
	reg = fdt_getprop(blob, node, "reg", &len);
	if (!reg || ac == 0 || len < (ac + sc) * 4 || !read_cells(reg, ac, addr))
		return -ENOENT;
	for (i = depth - 1; i > 0; i--) {
		ret = translate_up(blob, anc[i], anc[i - 1], addr);
		if (ret)
			return ret;
	}
	return 0;
}

static uint32_t u32_prop(const void *blob, int node, const char *name, uint32_t dflt)
{
	int len;
	const fdt32_t *p = fdt_getprop(blob, node, name, &len);

	return p && len == 4 ? fdt32_ld(p) : dflt;
}

/* The node `path` (len bytes, no NUL needed) names: an absolute path, or
 * an alias optionally followed by "/subpath".  libfdt resolves an alias
 * whose value is not absolute as another alias, recursively, so a
 * self-referring alias overflows its stack: aliases are resolved here, an
 * alias must hold an absolute path, and libfdt's path lookup only ever
 * sees paths starting with '/'. */
static int path_offset(const void *blob, const char *path, size_t len)
{
	const char *target;
	size_t i, j;
	int aliases, node, tlen;

	if (len == 0)
		return -ENOENT;
	if (path[0] == '/') {
		node = fdt_path_offset_namelen(blob, path, (int)len);
		return node < 0 ? -ENOENT : node;
	}
	for (i = 0; i < len && path[i] != '/'; i++)
		;
	aliases = fdt_path_offset(blob, "/aliases");
	if (aliases < 0)
		return -ENOENT;
	target = fdt_getprop_namelen(blob, aliases, path, (int)i, &tlen);
	if (!target || tlen < 2 || target[0] != '/' || !memchr(target, '\0', (size_t)tlen))
		return -ENOENT;
	node = fdt_path_offset(blob, target);
	while (node >= 0 && i < len) {
		while (i < len && path[i] == '/')
			i++;
		for (j = i; j < len && path[j] != '/'; j++)
			;
		if (j > i)
			node = fdt_subnode_offset_namelen(blob, node, path + i, (int)(j - i));
		i = j;
	}
	return node < 0 ? -ENOENT : node;
}

static int stdout_node(const void *blob)
{
	int chosen, len;
	const char *path;

	chosen = fdt_path_offset(blob, "/chosen");
	if (chosen < 0)
		return -ENOENT;
	path = fdt_getprop(blob, chosen, "stdout-path", &len);
	if (!path)
		path = fdt_getprop(blob, chosen, "linux,stdout-path", &len);
	if (!path || len <= 1 || !memchr(path, '\0', (size_t)len))
		return -ENOENT;
	return path_offset(blob, path, strcspn(path, ":"));
}

int dtb_stdout_uart(const void *blob, struct uart_info *uart)
{
	static const char *const ns16550[] = { "ns16550a", "ns16550", "snps,dw-apb-uart" };
	struct uart_info u = { .kind = UART_NONE };
	int node;
	size_t i;

	memset(uart, 0, sizeof(*uart));
	node = stdout_node(blob);
	if (node < 0 || !node_enabled(blob, node))
		return -ENOENT;
	if (!fdt_node_check_compatible(blob, node, "arm,pl011")) {
		u.kind = UART_PL011;
		u.io_width = 4;
	}
	for (i = 0; u.kind == UART_NONE && i < sizeof(ns16550) / sizeof(ns16550[0]); i++) {
		if (fdt_node_check_compatible(blob, node, ns16550[i]))
			continue;
		u.kind = UART_NS16550;
		u.reg_shift = u32_prop(blob, node, "reg-shift", 0);
		u.io_width = u32_prop(blob, node, "reg-io-width", 1);
	}
	if (u.kind == UART_NONE)
		return -ENOENT;
	/* The purgatory does byte or word accesses only; anything else would
	 * be a guess at a bus we cannot see. */
	if (u.io_width != 1 && u.io_width != 4)
		return -ENOENT;
	/* The purgatory shifts register numbers by this; a silly value is a
	 * broken tree, not a stride. */
	if (u.reg_shift > 8)
		return -ENOENT;
	if (node_address(blob, node, &u.addr))
		return -ENOENT;
	*uart = u;
	return 0;
}

const char *dtb_bootargs(const void *blob)
{
	int chosen = fdt_path_offset(blob, "/chosen"), len = 0;
	const char *text;

	if (chosen < 0)
		return NULL;
	text = fdt_getprop(blob, chosen, "bootargs", &len);
	/* A string property: one NUL, at its end. */
	if (!text || len <= 0 || text[len - 1] != '\0' || memchr(text, '\0', (size_t)len - 1))
		return NULL;
	return text;
}

/* ---- what the next kernel finds in /chosen ----------------------------- */

static bool has_prop(const void *blob, int node, const char *name)
{
	return node >= 0 && fdt_getprop(blob, node, name, NULL) != NULL;
}

void dtb_chosen_removed(const void *before, const void *after, char *buf, size_t size)
{
	int old = fdt_path_offset(before, "/chosen"), new = fdt_path_offset(after, "/chosen");
	size_t i, used = 0;

	if (size)
		buf[0] = '\0';
	for (i = 0; i < sizeof(owned_props) / sizeof(owned_props[0]); i++) {
		int n;

		if (!has_prop(before, old, owned_props[i]) || has_prop(after, new, owned_props[i]))
			continue;
		if (used >= size)
			break;
		n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", owned_props[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* linux,initrd-*: one cell or two, whatever the root says (the kernel reads
 * either length). */
static void print_initrd_prop(FILE *out, const void *blob, int chosen, const char *name)
{
	int len;
	const fdt32_t *p = fdt_getprop(blob, chosen, name, &len);
	uint64_t v;

	if (!p)
		return;
	if ((len == 4 || len == 8) && read_cells(p, len / 4, &v))
		fprintf(out, "  %s: 0x%" PRIx64 "\n", name, v);
	else
		fprintf(out, "  %s: %d bytes, neither 1 nor 2 cells\n", name, len);
}

/* <address size> pairs in the root's cells, shown as inclusive ranges. */
static void print_reg_prop(FILE *out, const void *blob, int chosen, const char *name)
{
	int ac = fdt_address_cells(blob, 0), sc = fdt_size_cells(blob, 0), len, i, n;
	const fdt32_t *p = fdt_getprop(blob, chosen, name, &len);

	if (!p)
		return;
	if (ac < 1 || ac > 2 || sc < 1 || sc > 2 || len <= 0 || len % ((ac + sc) * 4)) {
		fprintf(out, "  %s: %d bytes, not <address size> pairs\n", name, len);
		return;
	}
	n = len / ((ac + sc) * 4);
	fprintf(out, "  %s:", name);
	for (i = 0; i < n; i++, p += ac + sc) {
		uint64_t start = 0, bytes = 0;

		/* ac and sc are 1 or 2: each read succeeds. */
		read_cells(p, ac, &start);
		read_cells(p + ac, sc, &bytes);
		fprintf(out, "%s 0x%" PRIx64 "-0x%" PRIx64 " (0x%" PRIx64 " bytes)", i ? "," : "",
			start, start + bytes - 1, bytes);
	}
	fputc('\n', out);
}

void dtb_print_chosen(FILE *out, const void *blob)
{
	int chosen = fdt_path_offset(blob, "/chosen"), len;
	const char *bootargs = dtb_bootargs(blob);

	if (bootargs)
		fprintf(out, "command line: \"%s\" (%zu bytes with its NUL; /chosen/bootargs)\n",
			bootargs, strlen(bootargs) + 1);
	else
		fprintf(out, "command line: none (/chosen has no bootargs)\n");
	fprintf(out, "/chosen:\n");
	if (chosen < 0)
		return;
	if (bootargs)
		fprintf(out, "  bootargs: the command line above\n");
	print_initrd_prop(out, blob, chosen, "linux,initrd-start");
	print_initrd_prop(out, blob, chosen, "linux,initrd-end");
	if (fdt_getprop(blob, chosen, "rng-seed", &len))
		fprintf(out, "  rng-seed: %d bytes, fresh\n", len);
	if (fdt_getprop(blob, chosen, "kaslr-seed", &len))
		fprintf(out, "  kaslr-seed: %d bytes, fresh\n", len);
	print_reg_prop(out, blob, chosen, "linux,elfcorehdr");
	print_reg_prop(out, blob, chosen, "linux,usable-memory-range");
}
