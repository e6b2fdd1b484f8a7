/* progress.c: the one-line progress status of long commands (`test` over many folders; `bench` could
 * share it). It is for a person watching: drawn on stderr only when stderr is a terminal, so scripts,
 * logs and pipes never see it, and redrawn in place ("\r" + erase to end of line). A line is cut to the
 * terminal's width: a wrapped line could not be erased by "\r", and the next one would pile up under it. */
#include "cli.h"

#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

cli_progress cli_progress_init(bool wanted)
{
    cli_progress p = {false, 80};
    if (!wanted || !isatty(STDERR_FILENO))
        return p;
    p.on = true;
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        p.cols = ws.ws_col;
    return p;
}

void cli_progress_show(const cli_progress *p, const char *fmt, ...)
{
    if (!p->on)
        return;
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* one column short of the width: writing the last column leaves some terminals' cursor on the next
     * line. Bytes, not characters: a UTF-8 name may be cut shorter than needed, never longer. */
    size_t max = p->cols > 1 ? (size_t)p->cols - 1 : 1;
    if (max < sizeof line && strlen(line) > max)
        line[max] = '\0';
    fprintf(stderr, "\r\033[K%s", line);
    fflush(stderr);
}

void cli_progress_clear(const cli_progress *p)
{
    if (!p->on)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
}
