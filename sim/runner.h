/* runner.h — runs independent replications on a pool of threads.
 *
 * Each replication owns everything it touches, so workers share nothing but a counter.
 * Results are handed to `done` strictly in replication order (a small reorder buffer), one
 * at a time, so whatever done writes is byte-identical for any thread count. */
#ifndef FS_RUNNER_H
#define FS_RUNNER_H

#include <signal.h>
#include <stddef.h>

/* Run replication rep; on success store its result in *result and return 0. On failure
 * return nonzero with a message in err. Called concurrently from several threads. */
typedef int (*runner_fn)(void *ctx, int rep, void **result, char *err, size_t errlen);
/* Consume the result of replication rep (and free it). Called in order 0, 1, 2, ... and never
 * concurrently. Return nonzero (with a message) to stop the run. */
typedef int (*runner_done_fn)(void *ctx, int rep, void *result, char *err, size_t errlen);
/* Frees a result that will never reach done (after a failure elsewhere). */
typedef void (*runner_discard_fn)(void *ctx, void *result);

struct runner_job {
    int first_rep; /* replications first_rep .. first_rep + nrep - 1 */
    int nrep;
    int nthreads; /* <= 0: the number of online cores */
    runner_fn run;
    runner_done_fn done;
    runner_discard_fn discard;
    void *ctx;
    const volatile sig_atomic_t *stop; /* once set, no further replication starts (may be NULL) */
};

/* Returns 0, or the first failure's status (what run or done returned, when negative; else -1;
 * FS_ESTOPPED once stop was set) with its message in err. */
int runner_run(const struct runner_job *job, char *err, size_t errlen);

/* Number of online processor cores (at least 1). */
int runner_cores(void);

#endif
