/* error.h: filling onr_error. Every library failure goes through these so messages have one shape. */
#ifndef ONR_CORE_ERROR_H
#define ONR_CORE_ERROR_H

#include "onnxrun.h"

#if defined(__GNUC__)
#define ONR_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define ONR_PRINTF(a, b)
#endif

/* Sets err (if not NULL) and returns code, so call sites read `return onr_err(err, ONR_E_IO, ...)`. */
onr_status onr_err(onr_error *err, onr_status code, const char *fmt, ...) ONR_PRINTF(3, 4);
/* Prepends "<prefix>: " to an existing message (e.g. the node that failed); returns err->code. */
onr_status onr_err_prefix(onr_error *err, const char *fmt, ...) ONR_PRINTF(2, 3);

#endif
