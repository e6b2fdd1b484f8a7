/* test_load_memory.c: the model loader's memory path (core/file.c mapping, graph/pb_alloc.c, the
 * adopting onr_tensor_take_proto): tensors whose decoded block is adopted, copied or converted keep the
 * exact values the model holds, sit 64-byte aligned as onr_tensor_new's do, the loader's checks still
 * refuse lying data, and loading a 48 MiB model peaks under 1.5x the file size (issue 4). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "graph/model.h"
#include "graph/pb_alloc.h"
#include "model_builder.h"
#include "onnxrun.h"

#define BIG_ROWS 256
#define BIG_COLS 128 /* 256 x 128 floats = 128 KiB: adopted (>= ONR_PB_BIG) */
#define TYPED_N 20000 /* 80 000 bytes of float_data / int64_data: adopted */

static float big_value(size_t j)
{
    return (float)j * 0.25f - 100.0f; /* exact in float for j < 2^22 */
}

/* The model of every value test: initializers stored each way the loader treats differently, and a
 * Constant whose value attribute is a large tensor. */
static mb *mixed_model(void)
{
    mb *b = mb_new(13);
    float *big = mb_alloc(b, BIG_ROWS * BIG_COLS * sizeof(float));
    for (size_t j = 0; j < BIG_ROWS * BIG_COLS; j++)
        big[j] = big_value(j);
    mb_init(b, "big_raw", ONR_DTYPE_FLOAT, 2, (int64_t[]){BIG_ROWS, BIG_COLS}, big, BIG_ROWS * BIG_COLS * 4);

    Onnx__TensorProto *t = mb_init(b, "big_typed", ONR_DTYPE_FLOAT, 1, (int64_t[]){TYPED_N}, NULL, 0);
    t->n_float_data = TYPED_N;
    t->float_data = mb_alloc(b, TYPED_N * sizeof(float));
    for (size_t j = 0; j < TYPED_N; j++)
        t->float_data[j] = -big_value(j);

    t = mb_init(b, "big_i64", ONR_DTYPE_INT64, 1, (int64_t[]){TYPED_N}, NULL, 0);
    t->n_int64_data = TYPED_N;
    t->int64_data = mb_alloc(b, TYPED_N * sizeof(int64_t));
    for (size_t j = 0; j < TYPED_N; j++)
        t->int64_data[j] = (int64_t)j * 1000003 - ((int64_t)1 << 40);

    mb_init_f32(b, "small_raw", 1, (int64_t[]){3}, (float[]){1.5f, -2.0f, 3.25f});

    t = mb_init(b, "i8_typed", ONR_DTYPE_INT8, 1, (int64_t[]){5}, NULL, 0);
    t->n_int32_data = 5;
    t->int32_data = mb_alloc(b, 5 * sizeof(int32_t));
    memcpy(t->int32_data, (int32_t[]){-128, -1, 0, 1, 127}, 5 * sizeof(int32_t));

    Onnx__NodeProto *n = mb_node(b, "Constant", "const", "", "c");
    mb_attr_tensor(b, n, "value",
                   mb_tensor(b, "cval", ONR_DTYPE_FLOAT, 2, (int64_t[]){BIG_ROWS, BIG_COLS}, big,
                             BIG_ROWS * BIG_COLS * 4));
    mb_node(b, "Identity", "id", "small_raw", "y");
    mb_output(b, "y", ONR_DTYPE_FLOAT, 1, (int64_t[]){3});
    mb_output(b, "c", ONR_DTYPE_FLOAT, -1, NULL);
    return b;
}

static void check_mixed(const onr_model *m)
{
    static const struct {
        const char *name;
        onr_dtype dtype;
        int32_t rank;
        int64_t d0;
    } want[] = {
        {"big_raw", ONR_DTYPE_FLOAT, 2, BIG_ROWS}, {"big_typed", ONR_DTYPE_FLOAT, 1, TYPED_N},
        {"big_i64", ONR_DTYPE_INT64, 1, TYPED_N},  {"small_raw", ONR_DTYPE_FLOAT, 1, 3},
        {"i8_typed", ONR_DTYPE_INT8, 1, 5},
    };
    cr_assert_eq(onr_model_initializer_count(m), 5);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const onr_tensor *t = onr_model_initializer(m, want[i].name);
        cr_assert_not_null(t, "%s", want[i].name);
        cr_expect_str_eq(t->name, want[i].name);
        cr_expect_eq(t->dtype, want[i].dtype, "%s dtype", want[i].name);
        cr_expect_eq(t->rank, want[i].rank, "%s rank", want[i].name);
        cr_expect_eq(t->dims[0], want[i].d0, "%s dims[0]", want[i].name);
        /* Kernels get onr_tensor_new's 64-byte alignment whether the block was adopted or copied. */
        cr_expect_eq((uintptr_t)t->data % 64, 0, "%s data at %p", want[i].name, t->data);
    }
    const onr_tensor *t = onr_model_initializer(m, "big_raw");
    cr_expect_eq(t->dims[1], BIG_COLS);
    for (size_t j = 0; j < BIG_ROWS * BIG_COLS; j++)
        if (((const float *)t->data)[j] != big_value(j))
            cr_assert_fail("big_raw[%zu] = %g, want %g", j, ((const float *)t->data)[j], big_value(j));
    t = onr_model_initializer(m, "big_typed");
    for (size_t j = 0; j < TYPED_N; j++)
        if (((const float *)t->data)[j] != -big_value(j))
            cr_assert_fail("big_typed[%zu] = %g, want %g", j, ((const float *)t->data)[j], -big_value(j));
    t = onr_model_initializer(m, "big_i64");
    for (size_t j = 0; j < TYPED_N; j++)
        if (((const int64_t *)t->data)[j] != (int64_t)j * 1000003 - ((int64_t)1 << 40))
            cr_assert_fail("big_i64[%zu] = %lld", j, (long long)((const int64_t *)t->data)[j]);
    t = onr_model_initializer(m, "small_raw");
    cr_expect_eq(((const float *)t->data)[0], 1.5f);
    cr_expect_eq(((const float *)t->data)[1], -2.0f);
    cr_expect_eq(((const float *)t->data)[2], 3.25f);
    t = onr_model_initializer(m, "i8_typed");
    const int8_t i8[5] = {-128, -1, 0, 1, 127};
    cr_expect_arr_eq(t->data, i8, 5);

    cr_assert_eq(m->n_attr_tensors, 1);
    t = m->attr_tensors[0];
    cr_expect_str_eq(t->name, "cval");
    cr_expect_eq(t->dtype, ONR_DTYPE_FLOAT);
    cr_expect_eq(t->rank, 2);
    cr_expect_eq((uintptr_t)t->data % 64, 0);
    for (size_t j = 0; j < BIG_ROWS * BIG_COLS; j++)
        if (((const float *)t->data)[j] != big_value(j))
            cr_assert_fail("cval[%zu] = %g, want %g", j, ((const float *)t->data)[j], big_value(j));
}

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/onr-load-memory-XXXXXX");
    cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static void remove_dir(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    unlink(path);
    rmdir(dir);
}

TestSuite(load_memory, .init = make_dir, .fini = remove_dir);

Test(load_memory, values_from_a_mapped_file)
{
    char path[128];
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    mb *b = mixed_model();
    cr_assert_eq(mb_write(b, path), 0);
    mb_free(b);
    onr_model *m = NULL;
    onr_error err = {0};
    cr_assert_eq(onr_model_load_file(path, &m, &err), ONR_OK, "%s", err.message);
    check_mixed(m);
    onr_model_free(m);
}

Test(load_memory, values_from_a_buffer)
{
    mb *b = mixed_model();
    onr_model *m = NULL;
    onr_error err = {0};
    onr_status st = mb_load(b, NULL, &m, &err);
    mb_free(b);
    cr_assert_eq(st, ONR_OK, "%s", err.message);
    check_mixed(m);
    onr_model_free(m);
}

/* A large block that is one element short (or long) must still be refused, not adopted. */
Test(load_memory, lying_large_data_is_refused)
{
    static const struct {
        int typed, delta;
        const char *msg;
    } cases[] = {
        {0, -4, "initializer 'w': raw_data has 131068 bytes, shape needs 131072"},
        {0, 4, "initializer 'w': raw_data has 131076 bytes, shape needs 131072"},
        {1, -1, "initializer 'w': float_data holds 32767 elements, shape needs 32768"},
        {1, 1, "initializer 'w': float_data holds 32769 elements, shape needs 32768"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mb *b = mb_new(13);
        size_t n = BIG_ROWS * BIG_COLS;
        Onnx__TensorProto *t = mb_init(b, "w", ONR_DTYPE_FLOAT, 2, (int64_t[]){BIG_ROWS, BIG_COLS}, NULL, 0);
        if (cases[i].typed) {
            t->n_float_data = n + (size_t)cases[i].delta;
            t->float_data = mb_alloc(b, t->n_float_data * sizeof(float));
        } else {
            t->has_raw_data = 1;
            t->raw_data.len = n * 4 + (size_t)cases[i].delta;
            t->raw_data.data = mb_alloc(b, t->raw_data.len);
        }
        mb_node(b, "Identity", NULL, "w", "y");
        mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
        onr_model *m = NULL;
        onr_error err = {0};
        onr_status st = mb_load(b, NULL, &m, &err);
        mb_free(b);
        cr_expect_eq(st, ONR_E_INVALID_MODEL, "case %zu: status %d", i, (int)st);
        cr_expect_str_eq(err.message, cases[i].msg, "case %zu", i);
        cr_expect_null(m);
    }
}

#define RSS_TENSORS 12
#define RSS_FLOATS ((size_t)1 << 20) /* 4 MiB per tensor, 48 MiB of weights */

/* kB value of a /proc/self/status line ("VmRSS:", "VmHWM:"). */
static long status_kib(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, strlen(key)) == 0)
            v = strtol(line + strlen(key), NULL, 10);
    if (f)
        fclose(f);
    return v;
}

/* Tensor i holds i + j at element j: all twelve raw_data point into one buffer, so writing the model
 * needs 4 MiB, not 48. Written by a child process so this process's peak RSS is the load's. */
static void write_rss_model(const char *path)
{
    pid_t pid = fork();
    cr_assert_neq(pid, -1, "fork: %s", strerror(errno));
    if (pid == 0) {
        mb *b = mb_new(13);
        float *buf = malloc((RSS_FLOATS + RSS_TENSORS) * sizeof(float));
        if (!buf)
            _exit(2);
        for (size_t j = 0; j < RSS_FLOATS + RSS_TENSORS; j++)
            buf[j] = (float)j;
        char name[16];
        for (int i = 0; i < RSS_TENSORS; i++) {
            snprintf(name, sizeof name, "w%d", i);
            Onnx__TensorProto *t = mb_init(b, name, ONR_DTYPE_FLOAT, 1, (int64_t[]){RSS_FLOATS}, NULL, 0);
            t->has_raw_data = 1;
            t->raw_data.len = RSS_FLOATS * sizeof(float);
            t->raw_data.data = (uint8_t *)(buf + i);
        }
        mb_node(b, "Identity", NULL, "w0", "y");
        mb_output(b, "y", ONR_DTYPE_FLOAT, -1, NULL);
        int rc = mb_write(b, path);
        for (int i = 0; i < RSS_TENSORS; i++)
            mb_graph(b)->initializer[i]->raw_data.data = NULL; /* buf is not the builder's */
        mb_free(b);
        free(buf);
        _exit(rc == 0 ? 0 : 1);
    }
    int status = 0;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writing the model failed");
}

/* Issue 4: peak RSS during load <= 1.5x the file size. Before the mapping and adoption the loader held
 * the file, protobuf-c's copies and the tensors (about 2-3x); adopting alone would still peak near 2x
 * with the file resident. The lower bound makes sure the measure sees the weights at all. */
Test(load_memory, peak_rss_under_one_and_a_half_file_sizes)
{
    char path[128];
    snprintf(path, sizeof path, "%s/model.onnx", dir);
    write_rss_model(path);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    long file_kib = (long)(st.st_size / 1024);
    long before = status_kib("VmRSS:");
    cr_assert_gt(before, 0, "no VmRSS in /proc/self/status");

    onr_model *m = NULL;
    onr_error err = {0};
    cr_assert_eq(onr_model_load_file(path, &m, &err), ONR_OK, "%s", err.message);
    long peak = status_kib("VmHWM:") - before;
    cr_log_info("file %ld KiB, load peak +%ld KiB (%.2fx)", file_kib, peak, (double)peak / (double)file_kib);
    cr_expect_leq(peak, file_kib * 3 / 2, "load peak +%ld KiB for a %ld KiB file", peak, file_kib);
    cr_expect_geq(peak, file_kib * 9 / 10, "load peak +%ld KiB cannot hold a %ld KiB file", peak, file_kib);

    const onr_tensor *t = onr_model_initializer(m, "w11");
    cr_assert_not_null(t);
    cr_expect_eq(((const float *)t->data)[0], 11.0f);
    cr_expect_eq(((const float *)t->data)[RSS_FLOATS - 1], (float)(RSS_FLOATS - 1 + 11));
    onr_model_free(m);
}
