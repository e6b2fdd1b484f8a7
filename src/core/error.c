/* error.c: formatted status messages, truncated safely to the fixed onr_error buffer. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

onr_status onr_err(onr_error *err, onr_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->code = code;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return code;
}

onr_status onr_err_prefix(onr_error *err, const char *fmt, ...)
{
    if (!err)
        return ONR_E_INTERNAL;
    char prefix[sizeof err->message];
    char old[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err->message, sizeof old);
    old[sizeof old - 1] = '\0';
    /* Truncation is intended: the message buffer is fixed and the prefix matters most. */
    size_t np = strlen(prefix), no = strlen(old), cap = sizeof err->message - 1;
    if (np > cap)
        np = cap;
    memcpy(err->message, prefix, np);
    size_t pos = np;
    if (pos + 2 <= cap) {
        memcpy(err->message + pos, ": ", 2);
        pos += 2;
    }
    if (no > cap - pos)
        no = cap - pos;
    memcpy(err->message + pos, old, no);
    err->message[pos + no] = '\0';
    return err->code;
}

const char *onr_status_name(onr_status s)
{
    switch (s) {
    case ONR_OK: return "ONR_OK";
    case ONR_E_IO: return "ONR_E_IO";
    case ONR_E_PARSE: return "ONR_E_PARSE";
    case ONR_E_INVALID_MODEL: return "ONR_E_INVALID_MODEL";
    case ONR_E_UNSUPPORTED: return "ONR_E_UNSUPPORTED";
    case ONR_E_INVALID_ARG: return "ONR_E_INVALID_ARG";
    case ONR_E_NOMEM: return "ONR_E_NOMEM";
    case ONR_E_INTERNAL: return "ONR_E_INTERNAL";
    }
    return "ONR_E_UNKNOWN";
}

const char *onr_version(void)
{
    return ONR_VERSION_STRING;
}
