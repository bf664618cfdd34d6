#include "decompress.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "byteorder.h"
#include "config.h"

#ifdef HAVE_ZSTD
#include <zstd.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

/* liblzma refuses a stream whose dictionary needs more than this: kernels
 * use at most 64 MiB (xz -9), and a crafted header must not make us
 * allocate gigabytes before the first byte comes out. */
#define LZMA_MEMLIMIT (256u << 20)
#define FIRST_CHUNK (256u << 10)

/* The output buffer: doubles as data comes out, up to `max` bytes.  Not
 * peeking, max is limit + 1, so that one byte too many proves the stream
 * is larger than the limit without decoding the rest of it. */
struct outbuf {
	uint8_t *data;
	size_t size, cap, max;
};

enum room { ROOM_OK, ROOM_FULL, ROOM_NOMEM };

static enum room outbuf_room(struct outbuf *o)
{
	size_t cap;
	uint8_t *p;

	if (o->size < o->cap)
		return ROOM_OK;
	if (o->cap >= o->max)
		return ROOM_FULL;
	cap = o->cap ? o->cap * 2 : FIRST_CHUNK;
	if (cap > o->max || cap < o->cap)
		cap = o->max;
	p = realloc(o->data, cap);
	if (!p)
		return ROOM_NOMEM;
	o->data = p;
	o->cap = cap;
	return ROOM_OK;
}

/* The chunk handed to a decoder whose sizes are 32-bit (zlib's uInt). */
static size_t room_left(const struct outbuf *o, size_t type_max)
{
	size_t n = o->cap - o->size;

	return n > type_max ? type_max : n;
}

/* Out of room: the end of a peek, or too much output. */
static int outbuf_full(const struct outbuf *o, bool peek, size_t limit, enum room r,
		       struct error *err)
{
	if (r == ROOM_NOMEM)
		return error_set(err, -ENOMEM, "out of memory after %zu bytes", o->size);
	if (peek)
		return 0;
	return error_set(err, -EFBIG, "decompresses to more than %zu MiB (the limit for a kernel)",
			 limit >> 20);
}

const char *compression_name(enum compression c)
{
	switch (c) {
	case COMPRESSION_GZIP: return "gzip";
	case COMPRESSION_ZSTD: return "zstd";
	case COMPRESSION_XZ: return "xz";
	case COMPRESSION_LZMA: return "lzma";
	}
	return "unknown";
}

bool compression_supported(enum compression c)
{
	switch (c) {
	case COMPRESSION_GZIP:
		return true;
	case COMPRESSION_ZSTD:
#ifdef HAVE_ZSTD
		return true;
#else
		return false;
#endif
	case COMPRESSION_XZ:
	case COMPRESSION_LZMA:
#ifdef HAVE_LZMA
		return true;
#else
		return false;
#endif
	}
	return false;
}

static int gunzip(const uint8_t *in, size_t in_size, size_t limit, bool peek,
		  struct outbuf *o, size_t *consumed, struct error *err)
{
	z_stream zs;
	enum room r;
	int ret, zret;

	if (in_size > UINT_MAX)
		return error_set(err, -EFBIG, "stream of %zu bytes is too large for zlib", in_size);
	memset(&zs, 0, sizeof(zs));
	/* 16 + MAX_WBITS: a gzip wrapper only, so its CRC and ISIZE are checked. */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return error_set(err, -ENOMEM, "cannot start zlib");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)in_size;
	for (;;) {
		size_t chunk;

		r = outbuf_room(o);
		if (r != ROOM_OK) {
			ret = outbuf_full(o, peek, limit, r, err);
			break;
		}
		chunk = room_left(o, UINT_MAX);
		zs.next_out = o->data + o->size;
		zs.avail_out = (uInt)chunk;
		zret = inflate(&zs, Z_NO_FLUSH);
		o->size += chunk - zs.avail_out;
		if (zret == Z_STREAM_END) {
			ret = 0;
			break;
		}
		if (zret == Z_OK || (zret == Z_BUF_ERROR && zs.avail_in > 0))
			continue;
		if (zret == Z_BUF_ERROR) {
			ret = peek ? 0 : error_set(err, -EINVAL, "truncated: the data ends before the end of the stream (after %zu bytes of output)",
						   o->size);
			break;
		}
		if (zret == Z_MEM_ERROR) {
			ret = error_set(err, -ENOMEM, "out of memory");
			break;
		}
		if (peek) {
			ret = 0; /* what came out before the damage is what we look at */
			break;
		}
		if (zs.msg && strcmp(zs.msg, "incorrect length check") == 0)
			ret = error_set(err, -EINVAL, "the size in the gzip trailer (ISIZE) disagrees with the %zu bytes the data decompresses to",
					o->size);
		else if (zs.msg && strcmp(zs.msg, "incorrect data check") == 0)
			ret = error_set(err, -EINVAL, "CRC32 mismatch: the data is corrupt");
		else
			ret = error_set(err, -EINVAL, "corrupt data (%s)", zs.msg ? zs.msg : "zlib error");
		break;
	}
	*consumed = in_size - zs.avail_in;
	inflateEnd(&zs);
	return ret;
}

#ifdef HAVE_ZSTD
static int unzstd(const uint8_t *in, size_t in_size, size_t limit, bool peek,
		  struct outbuf *o, size_t *consumed, struct error *err)
{
	ZSTD_DStream *ds;
	ZSTD_inBuffer ib = { in, in_size, 0 };
	unsigned long long declared;
	size_t frame_start = 0, ret_z;
	enum room r;
	int ret;

	declared = ZSTD_getFrameContentSize(in, in_size);
	if (declared == ZSTD_CONTENTSIZE_ERROR && !peek)
		return error_set(err, -EINVAL, "bad frame header");
	/* Refused before anything is allocated: the header is only a claim. */
	if (!peek && declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR &&
	    declared > limit)
		return error_set(err, -EFBIG, "frame header says %llu bytes, more than %zu MiB (the limit for a kernel)",
				 declared, limit >> 20);
	ds = ZSTD_createDStream();
	if (!ds)
		return error_set(err, -ENOMEM, "cannot start zstd");
	ZSTD_initDStream(ds);
	for (;;) {
		ZSTD_outBuffer ob;

		r = outbuf_room(o);
		if (r != ROOM_OK) {
			ret = outbuf_full(o, peek, limit, r, err);
			break;
		}
		ob = (ZSTD_outBuffer){ o->data + o->size, room_left(o, SIZE_MAX), 0 };
		ret_z = ZSTD_decompressStream(ds, &ob, &ib);
		o->size += ob.pos;
		if (ZSTD_isError(ret_z)) {
			/* zstd checks the frame content size itself, and calls a
			 * mismatch corruption: give the claim to judge by. */
			if (peek)
				ret = 0;
			else if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR)
				ret = error_set(err, -EINVAL, "corrupt data (%s) after %zu bytes of output, or a frame header size (%llu bytes) that disagrees with the data",
						ZSTD_getErrorName(ret_z), o->size - frame_start, declared);
			else
				ret = error_set(err, -EINVAL, "corrupt data (%s)", ZSTD_getErrorName(ret_z));
			break;
		}
		if (ret_z == 0) {
			/* A frame ended.  zstd checks its content size too;
			 * say which size lied rather than "corrupted". */
			if (!peek && declared != ZSTD_CONTENTSIZE_UNKNOWN &&
			    declared != ZSTD_CONTENTSIZE_ERROR && o->size - frame_start != declared) {
				ret = error_set(err, -EINVAL, "frame header says %llu bytes but the frame decompresses to %zu",
						declared, o->size - frame_start);
				break;
			}
			/* Concatenated frames (pzstd) are one stream. */
			if (ib.size - ib.pos >= 4 && get_le32(in + ib.pos) == 0xfd2fb528) {
				frame_start = o->size;
				declared = ZSTD_getFrameContentSize(in + ib.pos, ib.size - ib.pos);
				continue;
			}
			ret = 0;
			break;
		}
		if (ib.pos == ib.size && ob.pos < ob.size) {
			ret = peek ? 0 : error_set(err, -EINVAL, "truncated: the data ends before the end of the frame (after %zu bytes of output)",
						   o->size);
			break;
		}
	}
	*consumed = ib.pos;
	ZSTD_freeDStream(ds);
	return ret;
}
#endif

#ifdef HAVE_LZMA
static int unxz(enum compression c, const uint8_t *in, size_t in_size, size_t limit,
		bool peek, struct outbuf *o, size_t *consumed, struct error *err)
{
	lzma_stream s = LZMA_STREAM_INIT;
	uint64_t declared = UINT64_MAX;
	lzma_ret lret;
	enum room r;
	int ret;

	if (c == COMPRESSION_LZMA) {
		/* lzma-alone: 5 bytes of properties, then the size (or all
		 * ones: unknown, the stream has an end marker). */
		if (in_size >= 13)
			declared = get_le64(in + 5);

		if (!peek && declared != UINT64_MAX && declared > limit)
			return error_set(err, -EFBIG, "header says %" PRIu64 " bytes, more than %zu MiB (the limit for a kernel)",
					 declared, limit >> 20);
		lret = lzma_alone_decoder(&s, LZMA_MEMLIMIT);
	} else {
		lret = lzma_stream_decoder(&s, LZMA_MEMLIMIT, 0);
	}
	if (lret != LZMA_OK)
		return error_set(err, -ENOMEM, "cannot start liblzma");
	s.next_in = in;
	s.avail_in = in_size;
	for (;;) {
		size_t chunk;

		r = outbuf_room(o);
		if (r != ROOM_OK) {
			ret = outbuf_full(o, peek, limit, r, err);
			break;
		}
		chunk = room_left(o, SIZE_MAX);
		s.next_out = o->data + o->size;
		s.avail_out = chunk;
		lret = lzma_code(&s, LZMA_FINISH);
		o->size += chunk - s.avail_out;
		if (lret == LZMA_STREAM_END) {
			ret = 0;
			break;
		}
		if (lret == LZMA_OK)
			continue;
		if (peek) {
			ret = 0;
			break;
		}
		switch (lret) {
		case LZMA_BUF_ERROR:
			ret = error_set(err, -EINVAL, "truncated: the data ends before the end of the stream (after %zu bytes of output)",
					o->size);
			break;
		case LZMA_MEM_ERROR:
			ret = error_set(err, -ENOMEM, "out of memory");
			break;
		case LZMA_MEMLIMIT_ERROR:
			ret = error_set(err, -EFBIG, "needs more than %u MiB of memory to decompress",
					LZMA_MEMLIMIT >> 20);
			break;
		case LZMA_FORMAT_ERROR:
			ret = error_set(err, -EINVAL, "bad header");
			break;
		case LZMA_OPTIONS_ERROR:
			ret = error_set(err, -ENOTSUP, "compression options liblzma does not support");
			break;
		default:
			if (declared != UINT64_MAX)
				ret = error_set(err, -EINVAL, "corrupt data after %zu bytes of output, or a header size (%" PRIu64 " bytes) that disagrees with the data",
						o->size, declared);
			else
				ret = error_set(err, -EINVAL, "corrupt data after %zu bytes of output, or a size in its index that disagrees with the data (liblzma error %d)",
						o->size, (int)lret);
			break;
		}
		break;
	}
	*consumed = in_size - s.avail_in;
	lzma_end(&s);
	return ret;
}
#endif

int decompress(enum compression c, const uint8_t *in, size_t in_size, size_t limit,
	       bool peek, struct decompressed *out, struct error *err)
{
	struct outbuf o = { NULL, 0, 0, peek ? limit : limit + 1 };
	size_t consumed = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	switch (c) {
	case COMPRESSION_GZIP:
		ret = gunzip(in, in_size, limit, peek, &o, &consumed, err);
		break;
#ifdef HAVE_ZSTD
	case COMPRESSION_ZSTD:
		ret = unzstd(in, in_size, limit, peek, &o, &consumed, err);
		break;
#endif
#ifdef HAVE_LZMA
	case COMPRESSION_XZ:
	case COMPRESSION_LZMA:
		ret = unxz(c, in, in_size, limit, peek, &o, &consumed, err);
		break;
#endif
	default:
		ret = error_set(err, -ENOTSUP, "%s support not built in", compression_name(c));
		break;
	}
	if (ret) {
		free(o.data);
		return ret;
	}
	out->data = o.data;
	out->size = o.size;
	out->consumed = consumed;
	return 0;
}
