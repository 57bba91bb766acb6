/* cli.h — what the flowsim subcommands share: parsed options and exit codes. */
#ifndef FS_CLI_H
#define FS_CLI_H

#include <stddef.h>

enum { EXIT_OK = 0, EXIT_INTERNAL = 1, EXIT_BAD_INPUT = 2 };

struct opts {
    const char *cmd, *file, *outdir;
    const char **files; /* every FILE argument; file is the first */
    size_t nfiles;
    const char **sets;
    size_t nsets;
    int threads, quiet, by_group;
    char *owned[2]; /* --set strings made from --replications / --seed */
};

/* flowsim compare BASE.ini VARIANT.ini [MORE.ini...] */
int cmd_compare(const struct opts *o);

#endif
