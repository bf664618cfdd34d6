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
#include <zstd_errors.h>
#endif
#ifdef HAVE_LZMA
#include <lzma.h>
#endif

/* liblzma refuses a stream whose dictionary needs more than this: kernels
 * use at most 64 MiB (xz -9), and a crafted header must not make us
 * allocate gigabytes before the first byte comes out.  Below it, a
 * decoder needs no more than the output may take (plus its own state). */
#define LZMA_MEMLIMIT (256u << 20)
#define DECODER_SLACK (1u << 20)
/* zstd's own default ceiling on the window, 128 MiB: lowered to the
 * output limit, since a window larger than the output is never needed. */
#define ZSTD_WINDOWLOG_CEILING 27
#define ZSTD_WINDOWLOG_FLOOR 10
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

/* -EFBIG: `claimed` bytes announced by the stream itself (0: the output
 * passed the limit as it came out).  The caller words the message. */
static int too_big(struct error *err, uint64_t claimed, struct decompressed *out)
{
	out->claimed = claimed;
	if (err)
		err->msg[0] = '\0';
	return -EFBIG;
}

/* Out of room: the end of a peek, or too much output. */
static int outbuf_full(const struct outbuf *o, bool peek, enum room r,
		       struct decompressed *out, struct error *err)
{
	if (r == ROOM_NOMEM)
		return error_set(err, -ENOMEM, "out of memory after %zu bytes", o->size);
	if (peek)
		return 0;
	return too_big(err, 0, out);
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

/* One decompression: the input, what may come out, and where it goes. */
struct job {
	const uint8_t *in;
	size_t in_size;
	size_t limit;
	size_t memory;
	unsigned flags;
	struct outbuf o;
	size_t consumed;
	struct decompressed *out;
	struct error *err;
};

static bool peeking(const struct job *j)
{
	return j->flags & DECOMPRESS_PEEK;
}

/* The decoders' memory for their own state (window, dictionary): about
 * what the caller allows, and never past the libraries' own ceilings. */
static size_t decoder_memlimit(const struct job *j, size_t ceiling)
{
	if (!j->memory || j->memory > ceiling - DECODER_SLACK)
		return ceiling;
	return j->memory + DECODER_SLACK;
}

/* deflate turns at most 258 bytes into 2 bits: no stream unpacks to more
 * than 1032 times its size.  A gzip trailer's ISIZE (the size mod 2^32)
 * past that is not the size of this stream, and is left to the decoder. */
#define DEFLATE_MAX_RATIO 1032u
#define GZIP_MIN_SIZE 18

static int gunzip(struct job *j)
{
	struct outbuf *o = &j->o;
	z_stream zs;
	enum room r;
	int ret, zret;

	if (j->in_size > UINT_MAX)
		return error_set(j->err, -EFBIG, "stream of %zu bytes is too large for zlib", j->in_size);
	if ((j->flags & DECOMPRESS_WHOLE) && !peeking(j) && j->in_size >= GZIP_MIN_SIZE) {
		uint64_t isize = get_le32(j->in + j->in_size - 4);

		if (isize > j->limit && isize <= (uint64_t)j->in_size * DEFLATE_MAX_RATIO)
			return too_big(j->err, isize, j->out);
	}
	memset(&zs, 0, sizeof(zs));
	/* 16 + MAX_WBITS: a gzip wrapper only, so its CRC and ISIZE are checked. */
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return error_set(j->err, -ENOMEM, "cannot start zlib");
	zs.next_in = (Bytef *)j->in;
	zs.avail_in = (uInt)j->in_size;
	for (;;) {
		size_t chunk;
		uInt avail_in = zs.avail_in;

		r = outbuf_room(o);
		if (r != ROOM_OK) {
			ret = outbuf_full(o, peeking(j), r, j->out, j->err);
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
		if (zret == Z_OK ||
		    (zret == Z_BUF_ERROR && zs.avail_in > 0 &&
		     (zs.avail_in != avail_in || zs.avail_out != chunk)))
			continue;
		if (zret == Z_BUF_ERROR) {
			ret = peeking(j) ? 0 : error_set(j->err, -EINVAL, "truncated: the data ends before the end of the stream (after %zu bytes of output)",
							  o->size);
			break;
		}
		if (zret == Z_MEM_ERROR) {
			ret = error_set(j->err, -ENOMEM, "out of memory");
			break;
		}
		if (peeking(j)) {
			ret = 0; /* what came out before the damage is what we look at */
			break;
		}
		if (zs.msg && strcmp(zs.msg, "incorrect length check") == 0)
			ret = error_set(j->err, -EINVAL, "the size in the gzip trailer (ISIZE) disagrees with the %zu bytes the data decompresses to",
					o->size);
		else if (zs.msg && strcmp(zs.msg, "incorrect data check") == 0)
			ret = error_set(j->err, -EINVAL, "CRC32 mismatch: the data is corrupt");
		else
			ret = error_set(j->err, -EINVAL, "corrupt data (%s)", zs.msg ? zs.msg : "zlib error");
		break;
	}
	j->consumed = j->in_size - zs.avail_in;
	inflateEnd(&zs);
	return ret;
}

#ifdef HAVE_ZSTD
static bool zstd_size_known(unsigned long long declared)
{
	return declared != ZSTD_CONTENTSIZE_UNKNOWN && declared != ZSTD_CONTENTSIZE_ERROR;
}

/* The largest window a frame may ask for: a power of two covering the
 * limit (a window larger than the whole output is never used). */
static int zstd_window_log(const struct job *j)
{
	size_t mem = decoder_memlimit(j, (size_t)1 << ZSTD_WINDOWLOG_CEILING);
	int wlog = ZSTD_WINDOWLOG_FLOOR;

	while (wlog < ZSTD_WINDOWLOG_CEILING && ((size_t)1 << wlog) < mem)
		wlog++;
	return wlog;
}

static int unzstd(struct job *j)
{
	struct outbuf *o = &j->o;
	ZSTD_DStream *ds;
	ZSTD_inBuffer ib = { j->in, j->in_size, 0 };
	unsigned long long declared;
	size_t frame_start = 0, ret_z;
	enum room r;
	int ret;

	declared = ZSTD_getFrameContentSize(j->in, j->in_size);
	if (declared == ZSTD_CONTENTSIZE_ERROR && !peeking(j))
		return error_set(j->err, -EINVAL, "bad frame header");
	/* Refused before anything is allocated: the header is only a claim. */
	if (!peeking(j) && zstd_size_known(declared) && declared > j->limit)
		return too_big(j->err, declared, j->out);
	ds = ZSTD_createDStream();
	if (!ds)
		return error_set(j->err, -ENOMEM, "cannot start zstd");
	ZSTD_initDStream(ds);
	if (ZSTD_isError(ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, zstd_window_log(j)))) {
		ZSTD_freeDStream(ds);
		return error_set(j->err, -ENOMEM, "cannot bound zstd's window");
	}
	for (;;) {
		ZSTD_outBuffer ob;

		r = outbuf_room(o);
		if (r != ROOM_OK) {
			ret = outbuf_full(o, peeking(j), r, j->out, j->err);
			break;
		}
		ob = (ZSTD_outBuffer){ o->data + o->size, room_left(o, SIZE_MAX), 0 };
		ret_z = ZSTD_decompressStream(ds, &ob, &ib);
		o->size += ob.pos;
		if (ZSTD_isError(ret_z)) {
			/* zstd checks the frame content size itself, and calls a
			 * mismatch corruption: give the claim to judge by. */
			if (peeking(j))
				ret = 0;
			else if (ZSTD_getErrorCode(ret_z) == ZSTD_error_frameParameter_windowTooLarge)
				ret = error_set(j->err, -E2BIG, "its frame asks for a decoding window larger than the %zu MiB allowed here",
						((size_t)1 << zstd_window_log(j)) >> 20);
			else if (zstd_size_known(declared))
				ret = error_set(j->err, -EINVAL, "corrupt data (%s) after %zu bytes of output, or a frame header size (%llu bytes) that disagrees with the data",
						ZSTD_getErrorName(ret_z), o->size - frame_start, declared);
			else
				ret = error_set(j->err, -EINVAL, "corrupt data (%s)", ZSTD_getErrorName(ret_z));
			break;
		}
		if (ret_z == 0) {
			/* A frame ended.  zstd checks its content size too;
			 * say which size lied rather than "corrupted". */
			if (!peeking(j) && zstd_size_known(declared) && o->size - frame_start != declared) {
				ret = error_set(j->err, -EINVAL, "frame header says %llu bytes but the frame decompresses to %zu",
						declared, o->size - frame_start);
				break;
			}
			/* Concatenated frames (pzstd) are one stream. */
			if (ib.size - ib.pos >= 4 && get_le32(j->in + ib.pos) == 0xfd2fb528) {
				frame_start = o->size;
				declared = ZSTD_getFrameContentSize(j->in + ib.pos, ib.size - ib.pos);
				if (!peeking(j) && zstd_size_known(declared) &&
				    declared > j->limit - o->size) {
					ret = too_big(j->err, o->size + declared, j->out);
					break;
				}
				continue;
			}
			ret = 0;
			break;
		}
		if (ib.pos == ib.size && ob.pos < ob.size) {
			ret = peeking(j) ? 0 : error_set(j->err, -EINVAL, "truncated: the data ends before the end of the frame (after %zu bytes of output)",
							  o->size);
			break;
		}
	}
	j->consumed = ib.pos;
	ZSTD_freeDStream(ds);
	return ret;
}
#endif

#ifdef HAVE_LZMA
/* The size an xz stream's index gives (the sum of its blocks'), read from
 * the footer at the end of the input: UINT64_MAX when there is none to
 * read there.  Only asked of a stream known to end where the input does. */
static uint64_t xz_index_size(const uint8_t *in, size_t in_size)
{
	lzma_stream_flags footer;
	lzma_index *index = NULL;
	uint64_t memlimit = 1u << 20, size;
	size_t at = 0, index_at;

	if (in_size < 2 * LZMA_STREAM_HEADER_SIZE ||
	    lzma_stream_footer_decode(&footer, in + in_size - LZMA_STREAM_HEADER_SIZE) != LZMA_OK ||
	    footer.backward_size > in_size - 2 * LZMA_STREAM_HEADER_SIZE)
		return UINT64_MAX;
	index_at = in_size - LZMA_STREAM_HEADER_SIZE - (size_t)footer.backward_size;
	if (lzma_index_buffer_decode(&index, &memlimit, NULL, in + index_at, &at,
				     (size_t)footer.backward_size) != LZMA_OK)
		return UINT64_MAX;
	size = lzma_index_uncompressed_size(index);
	lzma_index_end(index, NULL);
	return size;
}

static int unxz(struct job *j, enum compression c)
{
	struct outbuf *o = &j->o;
	lzma_stream s = LZMA_STREAM_INIT;
	uint64_t declared = UINT64_MAX, memlimit = decoder_memlimit(j, LZMA_MEMLIMIT);
	lzma_ret lret;
	enum room r;
	int ret;

	if (c == COMPRESSION_LZMA) {
		/* lzma-alone: 5 bytes of properties, then the size (or all
		 * ones: unknown, the stream has an end marker). */
		if (j->in_size >= 13)
			declared = get_le64(j->in + 5);
	} else if (j->flags & DECOMPRESS_WHOLE) {
		declared = xz_index_size(j->in, j->in_size);
	}
	if (!peeking(j) && declared != UINT64_MAX && declared > j->limit)
		return too_big(j->err, declared, j->out);
	if (c == COMPRESSION_LZMA)
		lret = lzma_alone_decoder(&s, memlimit);
	else
		lret = lzma_stream_decoder(&s, memlimit, 0);
	if (lret != LZMA_OK)
		return error_set(j->err, -ENOMEM, "cannot start liblzma");
	s.next_in = j->in;
	s.avail_in = j->in_size;
	for (;;) {
		size_t chunk;

		r = outbuf_room(o);
		if (r != ROOM_OK) {
			ret = outbuf_full(o, peeking(j), r, j->out, j->err);
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
		if (peeking(j)) {
			ret = 0;
			break;
		}
		switch (lret) {
		case LZMA_BUF_ERROR:
			ret = error_set(j->err, -EINVAL, "truncated: the data ends before the end of the stream (after %zu bytes of output)",
					o->size);
			break;
		case LZMA_MEM_ERROR:
			ret = error_set(j->err, -ENOMEM, "out of memory");
			break;
		case LZMA_MEMLIMIT_ERROR:
			ret = error_set(j->err, -E2BIG, "needs %" PRIu64 " MiB of memory to decompress, more than the %" PRIu64 " MiB allowed here",
					(lzma_memusage(&s) + (1u << 20) - 1) >> 20, memlimit >> 20);
			break;
		case LZMA_FORMAT_ERROR:
			ret = error_set(j->err, -EINVAL, "bad header");
			break;
		case LZMA_OPTIONS_ERROR:
			ret = error_set(j->err, -ENOTSUP, "compression options liblzma does not support");
			break;
		default:
			if (declared != UINT64_MAX)
				ret = error_set(j->err, -EINVAL, "corrupt data after %zu bytes of output, or a size it gives (%" PRIu64 " bytes) that disagrees with the data",
						o->size, declared);
			else
				ret = error_set(j->err, -EINVAL, "corrupt data after %zu bytes of output, or a size in its index that disagrees with the data (liblzma error %d)",
						o->size, (int)lret);
			break;
		}
		break;
	}
	j->consumed = j->in_size - s.avail_in;
	lzma_end(&s);
	return ret;
}
#endif

int decompress(enum compression c, const uint8_t *in, size_t in_size, size_t limit,
	       size_t memory, unsigned flags, struct decompressed *out, struct error *err)
{
	struct job j = { in, in_size, limit, memory, flags, { NULL, 0, 0, 0 }, 0, out, err };
	int ret;

	memset(out, 0, sizeof(*out));
	/* Not peeking, one byte past the limit proves the stream is larger
	 * without decoding the rest of it. */
	j.o.max = (flags & DECOMPRESS_PEEK) || limit == SIZE_MAX ? limit : limit + 1;
	switch (c) {
	case COMPRESSION_GZIP:
		ret = gunzip(&j);
		break;
#ifdef HAVE_ZSTD
	case COMPRESSION_ZSTD:
		ret = unzstd(&j);
		break;
#endif
#ifdef HAVE_LZMA
	case COMPRESSION_XZ:
	case COMPRESSION_LZMA:
		ret = unxz(&j, c);
		break;
#endif
	default:
		ret = error_set(err, -ENOTSUP, "%s support not built in", compression_name(c));
		break;
	}
	/* A stream that ends right after the byte past the limit. */
	if (!ret && !(flags & DECOMPRESS_PEEK) && j.o.size > limit)
		ret = too_big(err, 0, out);
	if (ret) {
		free(j.o.data);
		return ret;
	}
	/* Doubling leaves up to half the buffer unused: give it back, so that
	 * what the caller holds is what it counts. */
	if (j.o.size && j.o.size < j.o.cap) {
		uint8_t *p = realloc(j.o.data, j.o.size);

		if (p)
			j.o.data = p;
	}
	out->data = j.o.data;
	out->size = j.o.size;
	out->consumed = j.consumed;
	return 0;
}
