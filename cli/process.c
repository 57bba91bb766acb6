/* What the whole process shares: the stop flag the signal handler sets, and the command line as
 * text for run-info. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "sim/core.h"
#include "sim/platform.h"

volatile sig_atomic_t cli_interrupted;

static void on_signal(int sig) {
    cli_interrupted = sig;
}

/* A broken invariant (fs_assert_failed, which has said what broke) aborts: the program exits
 * with the status its documentation gives a bug, 1, rather than the shell's 134 for SIGABRT.
 * The staging folder is left, and the next command on the folder removes it, as after running
 * out of memory: removing it here, from a state known to be broken and with other threads
 * still writing, would risk more than it saves. */
static void on_abort(int sig) {
    (void)sig;
    _exit(1);
}

void cli_catch_signals(void) {
    /* Ctrl-C, and SIGTERM (kill, timeout, docker stop, a batch system's time limit) and SIGHUP
     * alike, stop the run: replications poll the flag, and nothing half-written is kept. */
    plat_catch_signals(on_signal, on_abort);
}

char *cli_command_line(int argc, char **argv) {
    /* As long as the command line is: run-info records it whole. */
    size_t len = strlen("flowsim") + 1;
    for (int i = 1; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = fs_malloc(len), *p = s + strlen(strcpy(s, "flowsim"));
    for (int i = 1; i < argc; i++) p += sprintf(p, " %s", argv[i]);
    return s;
}
