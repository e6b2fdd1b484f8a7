/* test_tensor_io.c: .npy and TensorProto .pb readers and writers (src/io/).
 *
 * References: byte strings written by numpy 1.24 (np.save / np.lib.format.write_array) and by
 * onnx.numpy_helper / onnx.helper.make_tensor, pasted below with the Python that made them. Hostile
 * inputs check the status and that nothing is returned; every test also runs under ASan+UBSan. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/dtype.h"
#include "onnxrun.h"

#define S(lit) lit, sizeof(lit) - 1

/* ONNX backend test data (Debian libonnx-testdata); tests that need it skip when it is absent. */
#ifndef TESTDATA_DIR
#define TESTDATA_DIR "/usr/share/libonnx-testdata/data"
#endif

/* --- helpers ------------------------------------------------------------------------------------------ */

static char tmpdir[64];

static void make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/onr_tio_XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

static const char *tmp_path(const char *name)
{
    static char buf[256]; /* tests run one at a time (--jobs 1) */
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    cr_assert_eq(fclose(f), 0);
}

static size_t read_bytes(const char *path, unsigned char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return n;
}

static void assert_shape(const onr_tensor *t, onr_dtype dtype, int32_t rank, const int64_t *dims)
{
    cr_assert_eq(t->dtype, dtype, "dtype %s, want %s", onr_dtype_name(t->dtype), onr_dtype_name(dtype));
    cr_assert_eq(t->rank, rank, "rank %d, want %d", t->rank, rank);
    for (int32_t i = 0; i < rank; i++)
        cr_assert_eq(t->dims[i], dims[i], "dims[%d] = %lld, want %lld", i, (long long)t->dims[i], (long long)dims[i]);
}

/* --- .npy files numpy wrote -------------------------------------------------------------------------- */

/* np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)) */
static const char NPY_F4_2x3[] =
    "\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
    "                                                          \n"
    "\x00\x00\x00\x00\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40\x00\x00\x80\x40\x00\x00\xa0\x40";

Test(npy, parses_numpy_float32_2x3)
{
    onr_tensor *t = NULL;
    onr_error e = {0};
    cr_assert_eq(sizeof NPY_F4_2x3 - 1, 152); /* what numpy wrote: 128-byte header + 24 data bytes */
    cr_assert_eq(onr_tensor_parse_npy(S(NPY_F4_2x3), &t, &e), ONR_OK, "%s", e.message);
    assert_shape(t, ONR_DTYPE_FLOAT, 2, (int64_t[]){2, 3});
    for (int i = 0; i < 6; i++)
        cr_assert_eq(((float *)t->data)[i], (float)i);
    onr_tensor_free(t);
}

/* Each case: bytes numpy wrote, and what they must decode to (as doubles, C order). */
typedef struct npy_case {
    const char *name;
    const char *bytes;
    size_t size;
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[4];
    double want[6];
    size_t count;
} npy_case;

static const npy_case numpy_cases[] = {
    /* np.save(f, np.asfortranarray(np.arange(6, dtype='<i2').reshape(2, 3))): column-major data
     * 0 3 1 4 2 5 must come back as C-order 0..5 */
    {"fortran i2",
     S("\x93NUMPY\x01\x00v\x00{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }"
       "                                                           \n"
       "\x00\x00\x03\x00\x01\x00\x04\x00\x02\x00\x05\x00"),
     ONR_DTYPE_INT16, 2, {2, 3}, {0, 1, 2, 3, 4, 5}, 6},
    /* np.save(f, np.arange(3, dtype='>i4')): big-endian, byte-swapped on read */
    {"big-endian i4",
     S("\x93NUMPY\x01\x00v\x00{'descr': '>i4', 'fortran_order': False, 'shape': (3,), }"
       "                                                            \n"
       "\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x02"),
     ONR_DTYPE_INT32, 1, {3}, {0, 1, 2}, 3},
    /* np.save(f, np.array(2.5)): 0-d */
    {"0-d f8",
     S("\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False, 'shape': (), }"
       "                                                              \n"
       "\x00\x00\x00\x00\x00\x00\x04\x40"),
     ONR_DTYPE_DOUBLE, 0, {0}, {2.5}, 1},
    /* np.save(f, np.zeros((0, 3), dtype='u1')): empty */
    {"empty u1",
     S("\x93NUMPY\x01\x00v\x00{'descr': '|u1', 'fortran_order': False, 'shape': (0, 3), }"
       "                                                          \n"),
     ONR_DTYPE_UINT8, 2, {0, 3}, {0}, 0},
    /* write_array(f, np.arange(3, dtype='<f2'), version=(2, 0)) */
    {"v2 f2",
     S("\x93NUMPY\x02\x00t\x00\x00\x00{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }"
       "                                                          \n"
       "\x00\x00\x00\x3c\x00\x40"),
     ONR_DTYPE_FLOAT16, 1, {3}, {0, 1, 2}, 3},
    /* write_array(f, np.arange(3, dtype='<f2'), version=(3, 0)) */
    {"v3 f2",
     S("\x93NUMPY\x03\x00t\x00\x00\x00{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }"
       "                                                          \n"
       "\x00\x00\x00\x3c\x00\x40"),
     ONR_DTYPE_FLOAT16, 1, {3}, {0, 1, 2}, 3},
    /* np.save(f, np.array([True, False])) */
    {"bool",
     S("\x93NUMPY\x01\x00v\x00{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }"
       "                                                            \n"
       "\x01\x00"),
     ONR_DTYPE_BOOL, 1, {2}, {1, 0}, 2},
    /* Hand-written: Python 2 numpy wrote longs ("3L"), keys may come in any order, double quotes. */
    {"py2 longs, reordered keys",
     S("\x93NUMPY\x01\x00\x39\x00{\"shape\": (2L,), \"fortran_order\": False, \"descr\": \"<i8\"}\n"
       "\xff\xff\xff\xff\xff\xff\xff\xff\x07\x00\x00\x00\x00\x00\x00\x00"),
     ONR_DTYPE_INT64, 1, {2}, {-1, 7}, 2},
};

Test(npy, parses_what_numpy_wrote)
{
    for (size_t c = 0; c < sizeof numpy_cases / sizeof numpy_cases[0]; c++) {
        const npy_case *k = &numpy_cases[c];
        onr_tensor *t = NULL;
        onr_error e = {0};
        cr_assert_eq(onr_tensor_parse_npy(k->bytes, k->size, &t, &e), ONR_OK, "%s: %s", k->name, e.message);
        assert_shape(t, k->dtype, k->rank, k->dims);
        cr_assert_eq(onr_tensor_count(t), k->count, "%s", k->name);
        for (size_t i = 0; i < k->count; i++)
            cr_assert_eq(onr_load_as_double(t->dtype, t->data, i), k->want[i], "%s: element %zu", k->name, i);
        onr_tensor_free(t);
    }
}

/* A 3-D Fortran-order array: np.asfortranarray(np.arange(24, dtype='|u1').reshape(2, 3, 4)). The data
 * bytes are arr.flatten(order='F') = element (i,j,k) at i + 2j + 6k. */
Test(npy, fortran_order_rank3)
{
    unsigned char buf[256];
    const char *hdr = "{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3, 4), }";
    size_t hl = strlen(hdr);
    memcpy(buf, "\x93NUMPY\x01\x00", 8);
    buf[8] = (unsigned char)hl;
    buf[9] = 0;
    memcpy(buf + 10, hdr, hl);
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 4; k++)
                buf[10 + hl + i + 2 * j + 6 * k] = (unsigned char)(i * 12 + j * 4 + k);
    onr_tensor *t = NULL;
    onr_error e = {0};
    cr_assert_eq(onr_tensor_parse_npy(buf, 10 + hl + 24, &t, &e), ONR_OK, "%s", e.message);
    assert_shape(t, ONR_DTYPE_UINT8, 3, (int64_t[]){2, 3, 4});
    for (int i = 0; i < 24; i++)
        cr_assert_eq(((uint8_t *)t->data)[i], i, "C-order element %d", i);
    onr_tensor_free(t);
}

/* --- hostile .npy headers ---------------------------------------------------------------------------- */

typedef struct bad_case {
    const char *name;
    const char *bytes;
    size_t size;
    onr_status want;
    const char *in_message; /* substring the message must hold */
} bad_case;

/* Raw preamble-level cases. */
static const bad_case bad_npy_raw[] = {
    {"empty", S(""), ONR_E_PARSE, "magic"},
    {"short", S("\x93NUM"), ONR_E_PARSE, "magic"},
    {"bad magic", S("\x93NUMPX\x01\x00\x02\x00{}"), ONR_E_PARSE, "magic"},
    {"version 4.0", S("\x93NUMPY\x04\x00\x02\x00{}"), ONR_E_UNSUPPORTED, "version 4.0"},
    {"version 1.1", S("\x93NUMPY\x01\x01\x02\x00{}"), ONR_E_UNSUPPORTED, "version 1.1"},
    {"v2 preamble cut", S("\x93NUMPY\x02\x00\x02\x00"), ONR_E_PARSE, "preamble"},
    {"header past end", S("\x93NUMPY\x01\x00\xff\x00{'descr': '<f4'}"), ONR_E_PARSE, "past the end"},
    {"v2 header length 4 GiB", S("\x93NUMPY\x02\x00\xff\xff\xff\xff{}"), ONR_E_PARSE, "past the end"},
};

/* Header-level cases: the test wraps `bytes` as a version 1.0 header (correct length) + `data`. */
typedef struct bad_header_case {
    const char *name;
    const char *header;
    const char *data;
    size_t data_size;
    onr_status want;
    const char *in_message;
} bad_header_case;

#define F4(shape) "{'descr': '<f4', 'fortran_order': False, 'shape': " shape ", }"
#define NODATA "", 0

static const bad_header_case bad_npy[] = {
    {"no dict", "abcd", NODATA, ONR_E_PARSE, "expected '{'"},
    {"missing shape", "{'descr': '<f4', 'fortran_order': False}", NODATA, ONR_E_PARSE, "'shape'"},
    {"missing descr", "{'fortran_order': False, 'shape': ()}", NODATA, ONR_E_PARSE, "'descr'"},
    {"duplicate key", "{'descr': '<f4', 'descr': '<f4', 'shape': ()}", NODATA, ONR_E_PARSE, "duplicate"},
    {"unknown key", "{'descr': '<f4', 'fortran_order': False, 'x': 1}", NODATA, ONR_E_PARSE, "unexpected key"},
    {"unterminated string", "{'descr': '<f4", NODATA, ONR_E_PARSE, "not a string"},
    {"unterminated dict", "{'descr': '<f4', ", NODATA, ONR_E_PARSE, "quoted key"},
    {"bad fortran_order", "{'fortran_order': 1, }", NODATA, ONR_E_PARSE, "True or False"},
    {"negative dim", F4("(2, -3)"), NODATA, ONR_E_PARSE, "non-negative"},
    {"float dim", F4("(2.5,)"), NODATA, ONR_E_PARSE, "',' or ')'"},
    {"unclosed shape", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3", NODATA, ONR_E_PARSE, "',' or ')'"},
    {"dim overflows int64", F4("(99999999999999999999,)"), NODATA, ONR_E_PARSE, "overflows int64"},
    {"count overflows size_t", F4("(4294967296, 4294967296, 4294967296)"), NODATA, ONR_E_PARSE, "overflows"},
    {"bytes overflow size_t", F4("(4611686018427387904,)"), NODATA, ONR_E_PARSE, "overflows"},
    {"huge shape, tiny data", F4("(1000000000, 1000000000)"), "\0\0", 2, ONR_E_PARSE, "truncated"},
    {"truncated data", F4("(2,)"), "\0\0\0\0", 4, ONR_E_PARSE, "truncated"},
    {"trailing data", F4("(1,)"), "\0\0\0\0\0", 5, ONR_E_PARSE, "trailing"},
    {"rank 9", F4("(1, 1, 1, 1, 1, 1, 1, 1, 1)"), NODATA, ONR_E_UNSUPPORTED, "more than 8"},
    {"complex dtype", "{'descr': '<c8', 'fortran_order': False, 'shape': ()}", NODATA, ONR_E_UNSUPPORTED, "'<c8'"},
    {"unicode dtype", "{'descr': '<U3', 'fortran_order': False, 'shape': ()}", NODATA, ONR_E_UNSUPPORTED, "'<U3'"},
    {"object dtype", "{'descr': '|O', 'fortran_order': False, 'shape': ()}", NODATA, ONR_E_UNSUPPORTED, "'|O'"},
    {"float128", "{'descr': '<f16', 'fortran_order': False, 'shape': ()}", NODATA, ONR_E_UNSUPPORTED, "'<f16'"},
    {"no byte order", "{'descr': 'f4', 'fortran_order': False, 'shape': ()}", NODATA, ONR_E_UNSUPPORTED,
     "byte order"},
    {"structured dtype", "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': ()}", NODATA,
     ONR_E_UNSUPPORTED, "structured"},
    {"bytes after dict", F4("()") " x", NODATA, ONR_E_PARSE, "after the closing"},
    {"shape not a tuple", F4("3"), NODATA, ONR_E_PARSE, "not a tuple"},
};

static void check_bad(const char *name, const void *bytes, size_t size, onr_status want, const char *in_message)
{
    onr_tensor *t = (onr_tensor *)&t; /* must be reset to NULL */
    onr_error e = {0};
    onr_status st = onr_tensor_parse_npy(bytes, size, &t, &e);
    cr_assert_eq(st, want, "%s: got %s, want %s (%s)", name, onr_status_name(st), onr_status_name(want), e.message);
    cr_assert_null(t, "%s", name);
    cr_assert_eq(e.code, want, "%s", name);
    cr_assert_not_null(strstr(e.message, in_message), "%s: message \"%s\" lacks \"%s\"", name, e.message,
                       in_message);
}

Test(npy, refuses_hostile_headers)
{
    for (size_t c = 0; c < sizeof bad_npy_raw / sizeof bad_npy_raw[0]; c++)
        check_bad(bad_npy_raw[c].name, bad_npy_raw[c].bytes, bad_npy_raw[c].size, bad_npy_raw[c].want,
                  bad_npy_raw[c].in_message);
    for (size_t c = 0; c < sizeof bad_npy / sizeof bad_npy[0]; c++) {
        const bad_header_case *k = &bad_npy[c];
        unsigned char buf[512];
        size_t hl = strlen(k->header);
        memcpy(buf, "\x93NUMPY\x01\x00", 8);
        buf[8] = (unsigned char)hl;
        buf[9] = 0;
        memcpy(buf + 10, k->header, hl);
        memcpy(buf + 10 + hl, k->data, k->data_size);
        check_bad(k->name, buf, 10 + hl + k->data_size, k->want, k->in_message);
    }
}

/* Every strict prefix of a valid file is refused, never read past (ASan watches the copy). */
Test(npy, every_truncation_refused)
{
    for (size_t n = 0; n < sizeof NPY_F4_2x3 - 1; n++) {
        char *copy = malloc(n ? n : 1);
        memcpy(copy, NPY_F4_2x3, n);
        onr_tensor *t = NULL;
        onr_status st = onr_tensor_parse_npy(copy, n, &t, NULL);
        cr_assert_neq(st, ONR_OK, "prefix of %zu bytes accepted", n);
        cr_assert_null(t);
        free(copy);
    }
}

/* Flipping any single header byte either still parses to something consistent or fails cleanly. */
Test(npy, single_byte_corruptions_do_not_crash)
{
    char copy[sizeof NPY_F4_2x3];
    const unsigned char flips[] = {0x00, 0xff, '(', ')', ',', '\'', '9', ' '};
    for (size_t pos = 0; pos < 128; pos++)
        for (size_t f = 0; f < sizeof flips; f++) {
            memcpy(copy, NPY_F4_2x3, sizeof copy);
            copy[pos] = (char)flips[f];
            onr_tensor *t = NULL;
            onr_error e = {0};
            onr_status st = onr_tensor_parse_npy(copy, sizeof copy - 1, &t, &e);
            if (st == ONR_OK) {
                cr_assert_eq(onr_tensor_bytes(t), 24u, "pos %zu accepted with a different size", pos);
                onr_tensor_free(t);
            } else {
                cr_assert_null(t);
                cr_assert_neq(e.message[0], '\0', "pos %zu: empty message", pos);
            }
        }
}

Test(npy, null_arguments)
{
    onr_tensor *t = NULL;
    cr_assert_eq(onr_tensor_parse_npy(NPY_F4_2x3, 10, NULL, NULL), ONR_E_INVALID_ARG);
    cr_assert_eq(onr_tensor_parse_npy(NULL, 10, &t, NULL), ONR_E_INVALID_ARG);
    cr_assert_eq(onr_tensor_parse_npy(NULL, 0, &t, NULL), ONR_E_PARSE);
}

/* --- writing .npy --------------------------------------------------------------------------------------- */

Test(npy, save_matches_numpy_bytes, .init = make_tmpdir, .fini = remove_tmpdir)
{
    onr_tensor *t = NULL;
    onr_error e = {0};
    cr_assert_eq(onr_tensor_new(ONR_DTYPE_FLOAT, 2, (int64_t[]){2, 3}, "x", &t, &e), ONR_OK);
    for (int i = 0; i < 6; i++)
        ((float *)t->data)[i] = (float)i;
    cr_assert_eq(onr_tensor_save_npy(t, tmp_path("x.npy"), &e), ONR_OK, "%s", e.message);
    unsigned char got[512];
    size_t n = read_bytes(tmp_path("x.npy"), got, sizeof got);
    cr_assert_eq(n, sizeof NPY_F4_2x3 - 1);
    cr_assert_eq(memcmp(got, NPY_F4_2x3, n), 0, "bytes differ from np.save");
    onr_tensor_free(t);
}

/* Headers numpy writes for other shapes: 1-D "(3,)", 0-d "()"; checked against the numpy cases above. */
Test(npy, save_matches_numpy_headers, .init = make_tmpdir, .fini = remove_tmpdir)
{
    const size_t which[] = {1 /* big-endian i4 (3,) -> written '<i4' */, 2 /* 0-d */, 3 /* empty */, 6 /* bool */};
    for (size_t w = 0; w < sizeof which / sizeof which[0]; w++) {
        const npy_case *k = &numpy_cases[which[w]];
        onr_tensor *t = NULL, *back = NULL;
        onr_error e = {0};
        cr_assert_eq(onr_tensor_parse_npy(k->bytes, k->size, &t, &e), ONR_OK, "%s", e.message);
        cr_assert_eq(onr_tensor_save_npy(t, tmp_path("h.npy"), &e), ONR_OK, "%s", e.message);
        unsigned char got[512];
        size_t n = read_bytes(tmp_path("h.npy"), got, sizeof got);
        cr_assert_eq(n, k->size, "%s: %zu bytes, numpy wrote %zu", k->name, n, k->size);
        if (k->dtype == ONR_DTYPE_INT32) { /* numpy's file was big-endian; ours is little-endian */
            cr_assert_eq(k->bytes[21], '>');
            cr_assert_eq(memcmp(got, k->bytes, 21), 0);
            cr_assert_eq(got[21], '<');
            cr_assert_eq(memcmp(got + 22, k->bytes + 22, 128 - 22), 0);
        } else {
            cr_assert_eq(memcmp(got, k->bytes, n), 0, "%s: bytes differ from np.save", k->name);
        }
        cr_assert_eq(onr_tensor_load_npy(tmp_path("h.npy"), &back, &e), ONR_OK, "%s", e.message);
        cr_assert_eq(memcmp(back->data, t->data, onr_tensor_bytes(t)), 0, "%s", k->name);
        onr_tensor_free(t);
        onr_tensor_free(back);
    }
}

/* Round trip through both writers for every dtype and several shapes (0-d, empty, rank 8). */
static const onr_dtype all_dtypes[] = {ONR_DTYPE_FLOAT,  ONR_DTYPE_UINT8,  ONR_DTYPE_INT8,    ONR_DTYPE_UINT16,
                                       ONR_DTYPE_INT16,  ONR_DTYPE_INT32,  ONR_DTYPE_INT64,   ONR_DTYPE_BOOL,
                                       ONR_DTYPE_FLOAT16, ONR_DTYPE_DOUBLE, ONR_DTYPE_UINT32, ONR_DTYPE_UINT64,
                                       ONR_DTYPE_BFLOAT16};
static const struct {
    int32_t rank;
    int64_t dims[ONR_MAX_RANK];
} shapes[] = {{0, {0}}, {1, {5}}, {2, {0, 4}}, {3, {2, 3, 4}}, {8, {1, 2, 1, 3, 1, 2, 1, 2}}};

typedef onr_status (*save_fn)(const onr_tensor *, const char *, onr_error *);
typedef onr_status (*load_fn)(const char *, onr_tensor **, onr_error *);

static void round_trip(save_fn save, load_fn load, const char *file, bool bf16_widens)
{
    for (size_t d = 0; d < sizeof all_dtypes / sizeof all_dtypes[0]; d++)
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
            onr_dtype dt = all_dtypes[d];
            onr_tensor *t = NULL, *back = NULL;
            onr_error e = {0};
            cr_assert_eq(onr_tensor_new(dt, shapes[s].rank, shapes[s].dims, "t", &t, &e), ONR_OK);
            size_t n = onr_tensor_count(t);
            for (size_t i = 0; i < n; i++) /* distinct, exactly representable values incl. negatives */
                onr_store_from_double(dt, t->data, i, dt == ONR_DTYPE_BOOL ? (double)(i % 2) : (double)i - 2.0);
            cr_assert_eq(save(t, tmp_path(file), &e), ONR_OK, "%s: %s", onr_dtype_name(dt), e.message);
            cr_assert_eq(load(tmp_path(file), &back, &e), ONR_OK, "%s: %s", onr_dtype_name(dt), e.message);
            onr_dtype want = (bf16_widens && dt == ONR_DTYPE_BFLOAT16) ? ONR_DTYPE_FLOAT : dt;
            assert_shape(back, want, shapes[s].rank, shapes[s].dims);
            for (size_t i = 0; i < n; i++)
                cr_assert_eq(onr_load_as_double(back->dtype, back->data, i), onr_load_as_double(dt, t->data, i),
                             "%s element %zu", onr_dtype_name(dt), i);
            onr_tensor_free(t);
            onr_tensor_free(back);
        }
}

Test(npy, round_trip_every_dtype, .init = make_tmpdir, .fini = remove_tmpdir)
{
    round_trip(onr_tensor_save_npy, onr_tensor_load_npy, "r.npy", true);
}

Test(pb, round_trip_every_dtype, .init = make_tmpdir, .fini = remove_tmpdir)
{
    round_trip(onr_tensor_save_pb, onr_tensor_load_pb, "r.pb", false);
}

/* bfloat16 has no numpy dtype: it is written as exact float32 (documented in npy.c). */
Test(npy, bfloat16_saved_as_float32, .init = make_tmpdir, .fini = remove_tmpdir)
{
    onr_tensor *t = NULL, *back = NULL;
    onr_error e = {0};
    cr_assert_eq(onr_tensor_new(ONR_DTYPE_BFLOAT16, 1, (int64_t[]){3}, "b", &t, &e), ONR_OK);
    const uint16_t bits[3] = {0x3fc0 /* 1.5 */, 0xc2f7 /* -123.5 */, 0x7f80 /* +inf */};
    memcpy(t->data, bits, sizeof bits);
    cr_assert_eq(onr_tensor_save_npy(t, tmp_path("b.npy"), &e), ONR_OK, "%s", e.message);
    unsigned char got[256];
    read_bytes(tmp_path("b.npy"), got, sizeof got);
    cr_assert_eq(memcmp(got + 10, "{'descr': '<f4',", 16), 0);
    cr_assert_eq(onr_tensor_load_npy(tmp_path("b.npy"), &back, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(back->dtype, ONR_DTYPE_FLOAT);
    cr_assert_eq(((float *)back->data)[0], 1.5f);
    cr_assert_eq(((float *)back->data)[1], -123.5f);
    cr_assert(isinf(((float *)back->data)[2]));
    onr_tensor_free(t);
    onr_tensor_free(back);
}

/* --- TensorProto .pb ---------------------------------------------------------------------------------- */

typedef struct pb_case {
    const char *name;
    const char *bytes;
    size_t size;
    const char *tensor_name;
    onr_dtype dtype;
    int32_t rank;
    int64_t dims[2];
    double want[4];
} pb_case;

static const pb_case pb_cases[] = {
    /* numpy_helper.from_array(np.array([[1.5, -2], [3, 4.25]], dtype=np.float32), 'x'): raw_data */
    {"float raw_data",
     S("\x08\x02\x08\x02\x10\x01\x42\x01x\x4a\x10\x00\x00\xc0\x3f\x00\x00\x00\xc0\x00\x00\x40\x40\x00\x00\x88\x40"),
     "x", ONR_DTYPE_FLOAT, 2, {2, 2}, {1.5, -2, 3, 4.25}},
    /* helper.make_tensor('y', TensorProto.INT64, [3], [7, -1, 1 << 40]): int64_data */
    {"int64_data",
     S("\x08\x03\x10\x07\x3a\x11\x07\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\x80\x80\x80\x80\x80\x20\x42\x01y"),
     "y", ONR_DTYPE_INT64, 1, {3}, {7, -1, 1099511627776.0}},
    /* helper.make_tensor('h', TensorProto.FLOAT16, [2], [1.0, -0.5]): int32_data holds the half bits 0x3c00, 0xb800 */
    {"float16 in int32_data", S("\x08\x02\x10\x0a\x2a\x05\x80\x78\x80\xf0\x02\x42\x01h"), "h", ONR_DTYPE_FLOAT16,
     1, {2}, {1.0, -0.5}},
};

Test(pb, parses_what_onnx_wrote)
{
    for (size_t c = 0; c < sizeof pb_cases / sizeof pb_cases[0]; c++) {
        const pb_case *k = &pb_cases[c];
        onr_tensor *t = NULL;
        onr_error e = {0};
        cr_assert_eq(onr_tensor_parse_pb(k->bytes, k->size, &t, &e), ONR_OK, "%s: %s", k->name, e.message);
        assert_shape(t, k->dtype, k->rank, k->dims);
        cr_assert_str_eq(t->name, k->tensor_name);
        for (size_t i = 0; i < onr_tensor_count(t); i++)
            cr_assert_eq(onr_load_as_double(t->dtype, t->data, i), k->want[i], "%s: element %zu", k->name, i);
        onr_tensor_free(t);
    }
}

static const bad_case bad_pb[] = {
    /* field 1 (dims) as a length-delimited field of 100 bytes that are not there */
    {"truncated field", S("\x0a\x64\x01\x02"), ONR_E_PARSE, "not a valid serialized TensorProto"},
    {"invalid wire type", S("\x0f\x01"), ONR_E_PARSE, "not a valid"},
    {"empty message: no data_type", S(""), ONR_E_INVALID_MODEL, "data_type"},
    /* dims [2, 2] float but raw_data has 4 bytes */
    {"raw_data too short", S("\x08\x02\x08\x02\x10\x01\x4a\x04\x00\x00\x00\x00"), ONR_E_INVALID_MODEL, "raw_data"},
    /* dims [1<<62] float, raw_data 4 bytes: byte size overflows, refused before allocating; no data can
     * match such dims, so the tensor itself is invalid */
    {"huge dims", S("\x08\x80\x80\x80\x80\x80\x80\x80\x80\x40\x10\x01\x4a\x04\x00\x00\x00\x00"),
     ONR_E_INVALID_MODEL, "overflow"},
    {"unknown data_type 8 (string)", S("\x08\x01\x10\x08"), ONR_E_UNSUPPORTED, "data type 8"},
};

Test(pb, refuses_hostile_bytes)
{
    for (size_t c = 0; c < sizeof bad_pb / sizeof bad_pb[0]; c++) {
        const bad_case *k = &bad_pb[c];
        onr_tensor *t = (onr_tensor *)&t;
        onr_error e = {0};
        onr_status st = onr_tensor_parse_pb(k->bytes, k->size, &t, &e);
        cr_assert_eq(st, k->want, "%s: got %s, want %s (%s)", k->name, onr_status_name(st), onr_status_name(k->want),
                     e.message);
        cr_assert_null(t, "%s", k->name);
        cr_assert_not_null(strstr(e.message, k->in_message), "%s: message \"%s\" lacks \"%s\"", k->name, e.message,
                           k->in_message);
    }
}

Test(pb, every_truncation_fails_cleanly)
{
    const pb_case *k = &pb_cases[0];
    for (size_t n = 0; n < k->size; n++) {
        char *copy = malloc(n ? n : 1);
        memcpy(copy, k->bytes, n);
        onr_tensor *t = NULL;
        onr_status st = onr_tensor_parse_pb(copy, n, &t, NULL);
        cr_assert_neq(st, ONR_OK, "prefix of %zu bytes accepted", n);
        cr_assert_null(t);
        free(copy);
    }
}

/* External data (onnx.external_data_helper layout): a .pb file resolves it against its own folder and
 * may not leave it; a buffer has no folder, so it is refused before any allocation (a fuzzer found
 * dims of 2^40 with EXTERNAL allocating 4 TiB first). Bytes from onnx.TensorProto in Python:
 * name 'w', FLOAT, dims [2], data_location EXTERNAL, external_data {location: 'w.bin' | '../w.bin'}. */
static const char PB_EXT[] = "\x08\x02\x10\x01\x42\x01\x77\x6a\x11\x0a\x08location\x12\x05w.bin\x70\x01";
static const char PB_EXT_UP[] = "\x08\x02\x10\x01\x42\x01\x77\x6a\x14\x0a\x08location\x12\x08../w.bin\x70\x01";
static const char PB_EXT_HUGE[] = "\x08\x80\x80\x80\x80\x80\x20\x10\x01\x70\x01"; /* dims [2^40], no location */

Test(pb, external_data, .init = make_tmpdir, .fini = remove_tmpdir)
{
    onr_tensor *t = (onr_tensor *)&t;
    onr_error e = {0};
    cr_assert_eq(onr_tensor_parse_pb(PB_EXT_HUGE, sizeof PB_EXT_HUGE - 1, &t, &e), ONR_E_INVALID_ARG);
    cr_assert_not_null(strstr(e.message, "external"), "%s", e.message);
    cr_assert_null(t);
    cr_assert_eq(onr_tensor_parse_pb(PB_EXT, sizeof PB_EXT - 1, &t, &e), ONR_E_INVALID_ARG);

    const float w[2] = {0.25f, -8.0f};
    write_bytes(tmp_path("w.bin"), w, sizeof w);
    write_bytes(tmp_path("w.pb"), PB_EXT, sizeof PB_EXT - 1);
    cr_assert_eq(onr_tensor_load_pb(tmp_path("w.pb"), &t, &e), ONR_OK, "%s", e.message);
    assert_shape(t, ONR_DTYPE_FLOAT, 1, (int64_t[]){2});
    cr_assert_eq(((float *)t->data)[0], 0.25f);
    cr_assert_eq(((float *)t->data)[1], -8.0f);
    onr_tensor_free(t);

    write_bytes(tmp_path("up.pb"), PB_EXT_UP, sizeof PB_EXT_UP - 1);
    t = (onr_tensor *)&t;
    cr_assert_eq(onr_tensor_load_pb(tmp_path("up.pb"), &t, &e), ONR_E_INVALID_MODEL);
    cr_assert_not_null(strstr(e.message, "../w.bin"), "%s", e.message);
    cr_assert_null(t);
}

/* The .pb files of the ONNX backend tests load (test_maxpool_2d_default: x is (1, 3, 32, 32) float). */
Test(pb, loads_backend_test_data)
{
    const char *p = TESTDATA_DIR "/node/test_maxpool_2d_default/test_data_set_0/input_0.pb";
    if (access(p, R_OK) != 0)
        cr_skip_test("no ONNX test data at %s", p);
    onr_tensor *t = NULL;
    onr_error e = {0};
    cr_assert_eq(onr_tensor_load(p, &t, &e), ONR_OK, "%s", e.message);
    assert_shape(t, ONR_DTYPE_FLOAT, 4, (int64_t[]){1, 3, 32, 32});
    cr_assert_str_eq(t->name, "x");
    /* first element: bytes 78 cc e1 3f of the file */
    uint32_t bits = 0x3fe1cc78u;
    float want;
    memcpy(&want, &bits, sizeof want);
    cr_assert_eq(((float *)t->data)[0], want);
    onr_tensor_free(t);
}

/* --- files -------------------------------------------------------------------------------------------- */

Test(files, load_picks_reader_by_extension, .init = make_tmpdir, .fini = remove_tmpdir)
{
    onr_tensor *t = NULL;
    onr_error e = {0};
    write_bytes(tmp_path("a.NPY"), NPY_F4_2x3, sizeof NPY_F4_2x3 - 1);
    cr_assert_eq(onr_tensor_load(tmp_path("a.NPY"), &t, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(t->dtype, ONR_DTYPE_FLOAT);
    onr_tensor_free(t);

    write_bytes(tmp_path("b.pb"), pb_cases[1].bytes, pb_cases[1].size);
    cr_assert_eq(onr_tensor_load(tmp_path("b.pb"), &t, &e), ONR_OK, "%s", e.message);
    cr_assert_eq(t->dtype, ONR_DTYPE_INT64);
    onr_tensor_free(t);

    /* numpy bytes named .pb go to the protobuf reader and fail as such */
    write_bytes(tmp_path("c.pb"), NPY_F4_2x3, sizeof NPY_F4_2x3 - 1);
    cr_assert_neq(onr_tensor_load(tmp_path("c.pb"), &t, &e), ONR_OK);
    cr_assert_null(t);

    write_bytes(tmp_path("d.txt"), "1 2 3", 5);
    cr_assert_eq(onr_tensor_load(tmp_path("d.txt"), &t, &e), ONR_E_INVALID_ARG);
    cr_assert_not_null(strstr(e.message, "d.txt"), "%s", e.message);
    cr_assert_null(t);
}

Test(files, io_errors_name_the_file, .init = make_tmpdir, .fini = remove_tmpdir)
{
    onr_tensor *t = NULL;
    onr_error e = {0};
    const load_fn loads[] = {onr_tensor_load_npy, onr_tensor_load_pb, onr_tensor_load};
    const char *names[] = {"missing.npy", "missing.pb", "missing.npy"};
    for (size_t i = 0; i < 3; i++) {
        cr_assert_eq(loads[i](tmp_path(names[i]), &t, &e), ONR_E_IO);
        cr_assert_not_null(strstr(e.message, names[i]), "%s", e.message);
        cr_assert_null(t);
    }
    /* a directory is not a tensor file */
    mkdir(tmp_path("dir.npy"), 0700);
    cr_assert_eq(onr_tensor_load_npy(tmp_path("dir.npy"), &t, &e), ONR_E_IO);

    /* writing into a folder that does not exist */
    cr_assert_eq(onr_tensor_new(ONR_DTYPE_FLOAT, 1, (int64_t[]){2}, "x", &t, &e), ONR_OK);
    cr_assert_eq(onr_tensor_save_npy(t, tmp_path("nope/x.npy"), &e), ONR_E_IO);
    cr_assert_not_null(strstr(e.message, "nope/x.npy"), "%s", e.message);
    cr_assert_eq(onr_tensor_save_pb(t, tmp_path("nope/x.pb"), &e), ONR_E_IO);
    onr_tensor_free(t);
}

Test(files, save_refuses_bad_tensors, .init = make_tmpdir, .fini = remove_tmpdir)
{
    onr_error e = {0};
    onr_tensor bad = {.name = "bad", .dtype = ONR_DTYPE_FLOAT, .rank = 1, .dims = {4}, .data = NULL};
    const save_fn saves[] = {onr_tensor_save_npy, onr_tensor_save_pb};
    for (size_t i = 0; i < 2; i++) {
        cr_assert_eq(saves[i](NULL, tmp_path("n"), &e), ONR_E_INVALID_ARG);
        cr_assert_eq(saves[i](&bad, tmp_path("n"), &e), ONR_E_INVALID_ARG); /* data NULL */
        cr_assert_not_null(strstr(e.message, "data is NULL"), "%s", e.message);
        onr_tensor t = bad;
        float x[4] = {0};
        t.data = x;
        t.dtype = (onr_dtype)8; /* string: not an onnxrun dtype */
        cr_assert_eq(saves[i](&t, tmp_path("n"), &e), ONR_E_INVALID_ARG);
        t.dtype = ONR_DTYPE_FLOAT;
        t.rank = 9;
        cr_assert_eq(saves[i](&t, tmp_path("n"), &e), ONR_E_INVALID_ARG);
        t.rank = 1;
        t.dims[0] = -1;
        cr_assert_eq(saves[i](&t, tmp_path("n"), &e), ONR_E_INVALID_ARG);
        cr_assert_eq(saves[i](&t, NULL, &e), ONR_E_INVALID_ARG);
        /* nothing was created by the refusals */
        cr_assert_neq(access(tmp_path("n"), F_OK), 0);
    }
}
