/* clamp.h: the clamp an activation (Relu, Clip) becomes when the planner fuses it into the op that
 * computes its input (Conv), so the activation costs no pass of its own over memory (op.h,
 * ONR_OP_FUSES_CLAMP). Clip and the fused kernels share this one formula, so fusing never changes a
 * bit of the result. */
#ifndef ONR_OPS_CLAMP_H
#define ONR_OPS_CLAMP_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>

/* The zero value is "no clamp", so contexts built by hand (tests) mean no activation. */
typedef struct onr_clamp {
    bool on;
    float lo, hi;   /* lo <= hi: onr_clamp_make folds Clip's lo > hi case (every value becomes hi) */
} onr_clamp;

static inline onr_clamp onr_clamp_make(float lo, float hi)
{
    onr_clamp c = {true, lo > hi ? hi : lo, hi};
    return c;
}

/* min(max(v, lo), hi) with NaN passing through, as numpy's clip and ONNX's Clip and Relu: both
 * comparisons are false for NaN. -0.0 stays -0.0 under Relu (it is not < 0). */
static inline float onr_clamp_f32(float v, float lo, float hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* The clamp over n floats in place; a no-op when !c->on. */
static inline void onr_clamp_apply(const onr_clamp *c, float *x, size_t n)
{
    if (!c || !c->on)
        return;
    const float lo = c->lo, hi = c->hi;
    for (size_t i = 0; i < n; i++)
        x[i] = onr_clamp_f32(x[i], lo, hi);
}

#endif
