/* npy.c: numpy .npy files <-> owned tensors (onr_tensor_parse_npy / load_npy / save_npy).
 *
 * Format (numpy/lib/format.py, NEP 1): the magic "\x93NUMPY", a major and minor version byte, the header
 * length (uint16 LE in version 1.0, uint32 LE in 2.0 and 3.0), then a Python dict literal such as
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * padded with spaces and a final '\n', then the raw elements.
 *
 * Reading accepts versions 1.0, 2.0 and 3.0 and the descrs b1 i1 u1 i2 u2 i4 u4 i8 u8 f2 f4 f8 in any
 * byte order ('<' '>' '|' '='); data in the non-native order is byte-swapped. fortran_order=True data is
 * transposed to the C order every onr_tensor uses. The shape may be 0-d "()" or hold zeros (empty
 * arrays); ranks beyond ONR_MAX_RANK, structured/object/string/complex dtypes are ONR_E_UNSUPPORTED. The
 * bytes after the header must be exactly count * itemsize: a short file is truncated, a longer one is not
 * what np.save writes, and both are ONR_E_PARSE, checked before anything is allocated. Bool bytes are
 * normalized to 0/1.
 *
 * Writing produces what np.save does: version 1.0, header padded so the data starts at a multiple of 64
 * bytes, C order, native (little-endian) byte order. bfloat16 has no numpy dtype (ml_dtypes' bfloat16
 * saves as an opaque '<V2'), so a bfloat16 tensor is written as '<f4', an exact widening that numpy reads
 * as float32; loading that file gives a float tensor.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dtype.h"
#include "core/error.h"
#include "core/file.h"
#include "core/shape.h"
#include "io/tensor_file.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define HOST_ORDER '>'
#else
#define HOST_ORDER '<'
#endif

static const char MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};

/* --- header dict parsing --------------------------------------------------------------------------- */

typedef struct cursor {
    const char *p, *begin, *end;
    const char *what; /* file name or "npy buffer" for messages */
    onr_error *err;
} cursor;

/* ONR_E_PARSE with the offending spot of the header shown (non-printable bytes as '?'). */
static onr_status bad_header(cursor *c, const char *msg)
{
    char near[24];
    size_t n = 0;
    for (const char *q = c->p; q < c->end && n < sizeof near - 1; q++, n++)
        near[n] = (*q >= 0x20 && *q < 0x7f) ? *q : '?';
    near[n] = '\0';
    return onr_err(c->err, ONR_E_PARSE, "%s: bad .npy header: %s at header offset %zu (near \"%s\")", c->what, msg,
                   (size_t)(c->p - c->begin), near);
}

static void skip_ws(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static bool accept(cursor *c, char ch)
{
    skip_ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return true;
    }
    return false;
}

static bool peek(cursor *c, char ch)
{
    skip_ws(c);
    return c->p < c->end && *c->p == ch;
}

/* A Python str literal in '...' or "..."; escapes never occur in the keys and descrs we accept. */
static bool parse_string(cursor *c, const char **s, size_t *len)
{
    skip_ws(c);
    if (c->p >= c->end || (*c->p != '\'' && *c->p != '"'))
        return false;
    char q = *c->p;
    const char *start = c->p + 1;
    for (const char *r = start; r < c->end; r++) {
        if (*r == '\\')
            return false;
        if (*r == q) {
            *s = start;
            *len = (size_t)(r - start);
            c->p = r + 1;
            return true;
        }
    }
    return false;
}

static bool parse_word(cursor *c, const char *w)
{
    size_t n = strlen(w);
    skip_ws(c);
    if ((size_t)(c->end - c->p) >= n && memcmp(c->p, w, n) == 0) {
        c->p += n;
        return true;
    }
    return false;
}

static bool str_is(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* "(d0, d1, ...)" with an optional trailing comma; Python 2 files may write longs as "3L". */
static onr_status parse_shape(cursor *c, int32_t *rank, int64_t *dims)
{
    if (!accept(c, '('))
        return bad_header(c, "'shape' is not a tuple");
    int32_t r = 0;
    while (!accept(c, ')')) {
        skip_ws(c);
        if (c->p >= c->end || *c->p < '0' || *c->p > '9')
            return bad_header(c, "expected a non-negative integer dimension in 'shape'");
        int64_t v = 0;
        while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
            int d = *c->p - '0';
            if (v > (INT64_MAX - d) / 10)
                return bad_header(c, "dimension in 'shape' overflows int64");
            v = v * 10 + d;
            c->p++;
        }
        if (c->p < c->end && *c->p == 'L')
            c->p++;
        if (r == ONR_MAX_RANK)
            return onr_err(c->err, ONR_E_UNSUPPORTED, "%s: .npy array has more than %d dimensions", c->what,
                           ONR_MAX_RANK);
        dims[r++] = v;
        if (!accept(c, ',')) {
            if (!accept(c, ')'))
                return bad_header(c, "expected ',' or ')' in 'shape'");
            break;
        }
    }
    *rank = r;
    return ONR_OK;
}

typedef struct npy_header {
    onr_dtype dtype;
    size_t itemsize;
    bool swap;    /* data is in the non-native byte order */
    bool fortran;
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
} npy_header;

/* descr is one of '<' '>' '|' '=' then a kind letter and the item size in bytes. */
static onr_status parse_descr(cursor *c, const char *s, size_t len, npy_header *h)
{
    char d[16];
    if (len == 0 || len >= sizeof d)
        return bad_header(c, "'descr' is not a dtype string");
    memcpy(d, s, len);
    d[len] = '\0';
    char order = d[0];
    if (order != '<' && order != '>' && order != '|' && order != '=')
        return onr_err(c->err, ONR_E_UNSUPPORTED, "%s: .npy dtype '%s' has no byte order prefix (<, >, |, =)",
                       c->what, d);
    static const struct {
        const char *code;
        onr_dtype dtype;
    } table[] = {
        {"b1", ONR_DTYPE_BOOL},   {"i1", ONR_DTYPE_INT8},   {"u1", ONR_DTYPE_UINT8},   {"i2", ONR_DTYPE_INT16},
        {"u2", ONR_DTYPE_UINT16}, {"i4", ONR_DTYPE_INT32},  {"u4", ONR_DTYPE_UINT32},  {"i8", ONR_DTYPE_INT64},
        {"u8", ONR_DTYPE_UINT64}, {"f2", ONR_DTYPE_FLOAT16}, {"f4", ONR_DTYPE_FLOAT}, {"f8", ONR_DTYPE_DOUBLE},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(d + 1, table[i].code) == 0) {
            h->dtype = table[i].dtype;
            h->itemsize = onr_dtype_size(h->dtype);
            /* '|' (not applicable) and '=' (native) mean host order; single bytes never swap. */
            h->swap = h->itemsize > 1 && (order == '<' || order == '>') && order != HOST_ORDER;
            return ONR_OK;
        }
    }
    return onr_err(c->err, ONR_E_UNSUPPORTED,
                   "%s: .npy dtype '%s' is not supported (want one of b1 i1 u1 i2 u2 i4 u4 i8 u8 f2 f4 f8)", c->what,
                   d);
}

static onr_status parse_dict(cursor *c, npy_header *h)
{
    bool have_descr = false, have_order = false, have_shape = false;
    onr_status st;
    if (!accept(c, '{'))
        return bad_header(c, "expected '{'");
    while (!accept(c, '}')) {
        const char *key;
        size_t klen;
        if (!parse_string(c, &key, &klen))
            return bad_header(c, "expected a quoted key or '}'");
        if (!accept(c, ':'))
            return bad_header(c, "expected ':' after a key");
        if (str_is(key, klen, "descr")) {
            const char *s;
            size_t slen;
            if (have_descr)
                return bad_header(c, "duplicate key 'descr'");
            if (peek(c, '[') || peek(c, '('))
                return onr_err(c->err, ONR_E_UNSUPPORTED, "%s: .npy structured dtypes are not supported", c->what);
            if (!parse_string(c, &s, &slen))
                return bad_header(c, "'descr' is not a string");
            if ((st = parse_descr(c, s, slen, h)) != ONR_OK)
                return st;
            have_descr = true;
        } else if (str_is(key, klen, "fortran_order")) {
            if (have_order)
                return bad_header(c, "duplicate key 'fortran_order'");
            if (parse_word(c, "True"))
                h->fortran = true;
            else if (parse_word(c, "False"))
                h->fortran = false;
            else
                return bad_header(c, "'fortran_order' is not True or False");
            have_order = true;
        } else if (str_is(key, klen, "shape")) {
            if (have_shape)
                return bad_header(c, "duplicate key 'shape'");
            if ((st = parse_shape(c, &h->rank, h->dims)) != ONR_OK)
                return st;
            have_shape = true;
        } else {
            c->p = key; /* point the message at the key */
            return bad_header(c, "unexpected key (numpy writes only descr, fortran_order, shape)");
        }
        if (!accept(c, ',')) {
            if (!accept(c, '}'))
                return bad_header(c, "expected ',' or '}'");
            break;
        }
    }
    skip_ws(c);
    if (c->p != c->end)
        return bad_header(c, "bytes after the closing '}'");
    if (!have_descr || !have_order || !have_shape)
        return onr_err(c->err, ONR_E_PARSE, "%s: bad .npy header: missing key '%s'", c->what,
                       !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
    return ONR_OK;
}

/* --- data -------------------------------------------------------------------------------------------- */

/* Column-major (Fortran) source to row-major destination: walk destination indexes in C order while
 * keeping the source offset up to date (source stride of axis k = product of dims before k). */
static void fortran_to_c(const unsigned char *src, unsigned char *dst, int32_t rank, const int64_t *dims,
                         size_t count, size_t es)
{
    size_t fstride[ONR_MAX_RANK], idx[ONR_MAX_RANK] = {0};
    size_t s = 1, off = 0;
    for (int32_t k = 0; k < rank; k++) {
        fstride[k] = s;
        s *= (size_t)dims[k]; /* cannot overflow: the total count fits */
    }
    for (size_t i = 0; i < count; i++) {
        memcpy(dst + i * es, src + off * es, es);
        for (int32_t k = rank - 1; k >= 0; k--) {
            if (++idx[k] < (size_t)dims[k]) {
                off += fstride[k];
                break;
            }
            off -= (idx[k] - 1) * fstride[k];
            idx[k] = 0;
        }
    }
}

static void byteswap(unsigned char *p, size_t count, size_t es)
{
    for (size_t i = 0; i < count; i++, p += es)
        for (size_t a = 0, b = es - 1; a < b; a++, b--) {
            unsigned char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

static onr_status parse_npy(const void *data, size_t size, const char *what, onr_tensor **out, onr_error *err)
{
    const unsigned char *b = data;
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: out is NULL", what);
    *out = NULL;
    if (!data && size)
        return onr_err(err, ONR_E_INVALID_ARG, "%s: data is NULL", what);
    if (size < 10 || memcmp(b, MAGIC, sizeof MAGIC) != 0)
        return onr_err(err, ONR_E_PARSE, "%s: not a .npy file (no \\x93NUMPY magic)", what);
    unsigned major = b[6], minor = b[7];
    size_t pre, hlen;
    if (major == 1 && minor == 0) {
        pre = 10;
        hlen = (size_t)b[8] | (size_t)b[9] << 8;
    } else if ((major == 2 || major == 3) && minor == 0) {
        if (size < 12)
            return onr_err(err, ONR_E_PARSE, "%s: .npy file truncated in its preamble", what);
        pre = 12;
        uint32_t l = (uint32_t)b[8] | (uint32_t)b[9] << 8 | (uint32_t)b[10] << 16 | (uint32_t)b[11] << 24;
        hlen = (size_t)l; /* size_t has at least 32 bits on every supported host */
    } else {
        return onr_err(err, ONR_E_UNSUPPORTED, "%s: .npy format version %u.%u is not supported (1.0, 2.0, 3.0 are)",
                       what, major, minor);
    }
    if (hlen > size - pre)
        return onr_err(err, ONR_E_PARSE, "%s: .npy header of %zu bytes runs past the end of the %zu-byte file", what,
                       hlen, size);

    npy_header h = {0};
    cursor c = {(const char *)b + pre, (const char *)b + pre, (const char *)b + pre + hlen, what, err};
    onr_status st = parse_dict(&c, &h);
    if (st != ONR_OK)
        return st;

    size_t count = 1, bytes;
    for (int32_t k = 0; k < h.rank; k++)
        if ((uint64_t)h.dims[k] > SIZE_MAX || !onr_mul_size(count, (size_t)h.dims[k], &count))
            return onr_err(err, ONR_E_PARSE, "%s: .npy shape element count overflows", what);
    char shape[160];
    onr_shape_str(h.rank, h.dims, shape, sizeof shape);
    if (!onr_mul_size(count, h.itemsize, &bytes))
        return onr_err(err, ONR_E_PARSE, "%s: .npy shape %s of %s overflows the byte size", what, shape,
                       onr_dtype_name(h.dtype));
    size_t avail = size - pre - hlen;
    if (avail != bytes)
        return onr_err(err, ONR_E_PARSE, "%s: .npy data holds %zu bytes but shape %s of %s needs %zu (%s)", what,
                       avail, shape, onr_dtype_name(h.dtype), bytes, avail < bytes ? "truncated" : "trailing bytes");

    onr_tensor *t;
    if ((st = onr_tensor_new(h.dtype, h.rank, h.dims, NULL, &t, err)) != ONR_OK)
        return st;
    const unsigned char *src = b + pre + hlen;
    if (h.fortran && h.rank > 1)
        fortran_to_c(src, t->data, h.rank, h.dims, count, h.itemsize);
    else if (bytes)
        memcpy(t->data, src, bytes);
    if (h.swap)
        byteswap(t->data, count, h.itemsize);
    if (h.dtype == ONR_DTYPE_BOOL) /* numpy reads any non-zero byte as True; onnxrun keeps 0/1 */
        for (size_t i = 0; i < count; i++)
            ((uint8_t *)t->data)[i] = ((uint8_t *)t->data)[i] != 0;
    *out = t;
    return ONR_OK;
}

onr_status onr_tensor_parse_npy(const void *data, size_t size, onr_tensor **out, onr_error *err)
{
    return parse_npy(data, size, "npy buffer", out, err);
}

onr_status onr_tensor_load_npy(const char *path, onr_tensor **out, onr_error *err)
{
    void *data;
    size_t size;
    if (!out)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_load_npy: out is NULL");
    *out = NULL;
    onr_status st = onr_read_file(path, ONR_TENSOR_FILE_MAX_BYTES, &data, &size, err);
    if (st != ONR_OK)
        return st;
    st = parse_npy(data, size, path, out, err);
    free(data);
    return st;
}

/* --- writing ------------------------------------------------------------------------------------------- */

static const char *npy_descr(onr_dtype t)
{
    switch (t) {
    case ONR_DTYPE_BOOL: return "|b1";
    case ONR_DTYPE_INT8: return "|i1";
    case ONR_DTYPE_UINT8: return "|u1";
    case ONR_DTYPE_INT16: return HOST_ORDER == '<' ? "<i2" : ">i2";
    case ONR_DTYPE_UINT16: return HOST_ORDER == '<' ? "<u2" : ">u2";
    case ONR_DTYPE_INT32: return HOST_ORDER == '<' ? "<i4" : ">i4";
    case ONR_DTYPE_UINT32: return HOST_ORDER == '<' ? "<u4" : ">u4";
    case ONR_DTYPE_INT64: return HOST_ORDER == '<' ? "<i8" : ">i8";
    case ONR_DTYPE_UINT64: return HOST_ORDER == '<' ? "<u8" : ">u8";
    case ONR_DTYPE_FLOAT16: return HOST_ORDER == '<' ? "<f2" : ">f2";
    case ONR_DTYPE_FLOAT: /* fallthrough: bfloat16 is widened to float32, see the file comment */
    case ONR_DTYPE_BFLOAT16: return HOST_ORDER == '<' ? "<f4" : ">f4";
    case ONR_DTYPE_DOUBLE: return HOST_ORDER == '<' ? "<f8" : ">f8";
    case ONR_DTYPE_UNDEFINED: break;
    }
    return NULL;
}

onr_status onr_tensor_save_npy(const onr_tensor *t, const char *path, onr_error *err)
{
    size_t bytes;
    if (!path)
        return onr_err(err, ONR_E_INVALID_ARG, "onr_tensor_save_npy: path is NULL");
    onr_status st = onr_tensor_check_writable(t, path, &bytes, err);
    if (st != ONR_OK)
        return st;
    const char *descr = npy_descr(t->dtype);
    if (!descr)
        return onr_err(err, ONR_E_UNSUPPORTED, "%s: dtype %s cannot be written as .npy", path,
                       onr_dtype_name(t->dtype));

    /* Rank <= 8 dims of <= 19 digits keep the dict well under 512 bytes: version 1.0 always fits. */
    char hdr[512];
    size_t n = 10;
    n += (size_t)snprintf(hdr + n, sizeof hdr - n, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int32_t k = 0; k < t->rank; k++)
        n += (size_t)snprintf(hdr + n, sizeof hdr - n, "%s%lld", k ? ", " : "", (long long)t->dims[k]);
    n += (size_t)snprintf(hdr + n, sizeof hdr - n, "%s), }", t->rank == 1 ? "," : "");
    /* numpy pads with spaces and ends with '\n' so the data starts 64-byte aligned (format.ARRAY_ALIGN). */
    size_t total = (n + 1 + 63) / 64 * 64;
    memset(hdr + n, ' ', total - 1 - n);
    hdr[total - 1] = '\n';
    memcpy(hdr, MAGIC, sizeof MAGIC);
    hdr[6] = 1;
    hdr[7] = 0;
    hdr[8] = (char)((total - 10) & 0xff);
    hdr[9] = (char)((total - 10) >> 8);

    if (t->dtype != ONR_DTYPE_BFLOAT16)
        return onr_write_file2(path, hdr, total, t->data, bytes, err);

    size_t count = bytes / 2, wide;
    if (!onr_mul_size(count, sizeof(float), &wide))
        return onr_err(err, ONR_E_NOMEM, "%s: bfloat16 tensor too large to widen", path);
    float *f = malloc(wide ? wide : 1);
    if (!f)
        return onr_err(err, ONR_E_NOMEM, "%s: cannot allocate %zu bytes to widen bfloat16", path, wide);
    for (size_t i = 0; i < count; i++)
        f[i] = onr_bf16_to_f32(((const uint16_t *)t->data)[i]);
    st = onr_write_file2(path, hdr, total, f, wide, err);
    free(f);
    return st;
}
