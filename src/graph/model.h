/* model.h: the loaded, validated, immutable model (what onr_model is inside). */
#ifndef ONR_GRAPH_MODEL_H
#define ONR_GRAPH_MODEL_H

#include "graph/arena.h"
#include "ops/op.h"

/* A named value of the graph: graph input, initializer or node output. */
typedef struct onr_value {
    const char *name;
    onr_value_info decl;   /* declared type (graph input/output/value_info); decl.rank -1 if unknown */
    int has_decl;
    onr_tensor *init;      /* initializer data (owned), NULL otherwise */
    int producer;          /* index into nodes (execution order), -1 for graph inputs and initializers */
    int input_index;       /* index among model inputs, -1 if not a model input */
} onr_value;

typedef struct onr_node {
    onr_node_desc desc;    /* name, op, domain, opset, attributes as parse sees them */
    const onr_op_def *def;
    void *params;          /* def->params_size bytes, filled by def->parse */
    size_t n_in, n_out;
    int *in;               /* value ids; -1 for an omitted optional input */
    int *out;              /* value ids; -1 for an omitted optional output */
    char label[96];        /* "node 'name' (Op-13)" for messages */
} onr_node;

struct onr_model {
    onr_arena arena;
    char *base_dir;        /* NULL: external data refused */
    const char *producer;
    int64_t ir_version;
    size_t n_opsets;
    onr_opset *opsets;
    size_t n_values;
    onr_value *values;
    size_t n_nodes;
    onr_node *nodes;       /* topological order */
    onr_node_info *node_infos;
    size_t n_inputs;
    int *inputs;           /* value ids of model inputs (initializers excluded) */
    onr_value_info *input_infos;
    size_t n_outputs;
    int *outputs;
    onr_value_info *output_infos;
    size_t n_inits;
    int *inits;
    onr_tensor **attr_tensors; /* TENSOR attributes (owned) */
    size_t n_attr_tensors;
};

/* graph.c: orders m->nodes topologically (stable for already-ordered graphs); detects cycles. */
onr_status onr_graph_sort(onr_model *m, onr_error *err);

#endif
