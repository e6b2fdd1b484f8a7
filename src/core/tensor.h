/* tensor.h: internal tensor helpers beside the public onr_tensor_* functions. */
#ifndef ONR_CORE_TENSOR_H
#define ONR_CORE_TENSOR_H

#include "onnxrun.h"

/* Copy dtype, rank and dims (not name or data). */
static inline void onr_tensor_copy_shape(onr_tensor *dst, const onr_tensor *src)
{
    dst->dtype = src->dtype;
    dst->rank = src->rank;
    for (int i = 0; i < ONR_MAX_RANK; i++)
        dst->dims[i] = i < src->rank ? src->dims[i] : 0;
}

#endif
