/* par.h — the processes of a run under mpirun (a build with FLOWSIM_MPI=ON), or the one
 * process of any other run (then every call here is a no-op on one rank).
 *
 * Every rank runs the same command on the same inputs (SPMD): the replications of each run are
 * split into one contiguous block per rank, each rank runs its block as a part of the run
 * (what --replications-range writes), and rank 0 gathers the parts and merges them, so the
 * results are the bytes a single process writes. Only rank 0 prints or writes results. */
#ifndef FS_PAR_H
#define FS_PAR_H

#include <stddef.h>

/* Start MPI (when built with it); ranks other than 0 stop printing. Call first in main. */
void par_init(int *argc, char ***argv);
/* End MPI with the exit status rc; returns rc. */
int par_finish(int rc);

int par_rank(void);
int par_size(void); /* 1 without MPI, or when run without mpirun */

/* The block of replications [first, first + n) that rank r runs. */
void par_block(int first, int n, int r, int *bfirst, int *bn);

/* The worst (largest) of every rank's status, on every rank. */
int par_worst(int status);
/* Sum of every rank's v, on every rank. */
unsigned long long par_sum(unsigned long long v);

/* Rank root's n values, on every rank. */
void par_bcast_ints(int *v, int n, int root);
void par_bcast_doubles(double *v, size_t n, int root);

/* Rows of width doubles, one per replication of [first, first + n): each rank has filled its
 * block; afterwards every rank holds them all. Returns 0 or -1. */
int par_allgather_rows(double *rows, size_t width, int first, int n);

/* Rank 0: receive the files of rank src's part into folder dir (which exists). Other ranks:
 * send the files of their part folder dir to rank 0. Returns 0, or -1 with a message. */
int par_recv_dir(int src, const char *dir, char *err, size_t errlen);
int par_send_dir(const char *dir, char *err, size_t errlen);

/* A failure on this rank alone, where rank 0 cannot see it: printed on the stderr that
 * par_init kept, naming the rank. */
void par_report(const char *msg);

#endif
