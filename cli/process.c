/* What the whole process shares: the stop flag the signal handler sets, and the command line as
 * text for run-info. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "sim/core.h"

volatile sig_atomic_t cli_interrupted;

static void on_signal(int sig) {
    cli_interrupted = sig;
}

void cli_catch_signals(void) {
    /* Ctrl-C, and SIGTERM (kill, timeout, docker stop, a batch system's time limit) and SIGHUP
     * alike, stop the run: replications poll the flag, and nothing half-written is kept. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

char *cli_command_line(int argc, char **argv) {
    /* As long as the command line is: run-info records it whole. */
    size_t len = strlen("flowsim") + 1;
    for (int i = 1; i < argc; i++) len += strlen(argv[i]) + 1;
    char *s = fs_malloc(len), *p = s + strlen(strcpy(s, "flowsim"));
    for (int i = 1; i < argc; i++) p += sprintf(p, " %s", argv[i]);
    return s;
}
