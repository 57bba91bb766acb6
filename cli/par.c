#include "par.h"

#include <stdio.h>
#include <string.h>

void par_block(int first, int n, int r, int *bfirst, int *bn) {
    int size = par_size();
    /* Contiguous and as even as can be: the first n % size ranks take one more. */
    int q = n / size, rem = n % size;
    *bfirst = first + r * q + (r < rem ? r : rem);
    *bn = q + (r < rem);
}

#ifdef FLOWSIM_MPI

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "models/limits.h"
#include "sim/core.h"

enum { TAG_COUNT = 1, TAG_NAME, TAG_SIZE, TAG_DATA };
/* A file name sent, with its NUL: Linux's NAME_MAX (255) and one. */
#define NAME_MAX_SENT 256
#define CHUNK (1 << 20)

/* Where a rank other than 0 reports its own failure, its stdout and stderr being silenced.
 * Process state, like MPI's own: set once in par_init, before any thread starts. */
static int report_fd = 2;

void par_init(int *argc, char ***argv) {
    int provided;
    /* Threads run replications but only the main thread calls MPI. */
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    if (par_rank() != 0) {
        report_fd = dup(2);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, 1);
            dup2(null, 2);
            close(null);
        }
    }
}

int par_finish(int rc) {
    MPI_Finalize();
    return rc;
}

int par_rank(void) {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int par_size(void) {
    int s = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &s);
    return s;
}

int par_worst(int status) {
    int worst = status;
    MPI_Allreduce(&status, &worst, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    return worst;
}

unsigned long long par_sum(unsigned long long v) {
    unsigned long long sum = v;
    MPI_Allreduce(&v, &sum, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
    return sum;
}

void par_bcast_ints(int *v, int n, int root) {
    MPI_Bcast(v, n, MPI_INT, root, MPI_COMM_WORLD);
}

void par_bcast_doubles(double *v, size_t n, int root) {
    /* In pieces: MPI counts are ints. */
    for (size_t k = 0; k < n; k += 1 << 24) {
        size_t m = n - k < (size_t)1 << 24 ? n - k : (size_t)1 << 24;
        MPI_Bcast(v + k, (int)m, MPI_DOUBLE, root, MPI_COMM_WORLD);
    }
}

int par_allgather_rows(double *rows, size_t width, int first, int n) {
    int size = par_size();
    int *count = fs_calloc((size_t)size, sizeof *count),
        *displ = fs_calloc((size_t)size, sizeof *displ);
    for (int r = 0; r < size; r++) {
        int bf, bn;
        par_block(first, n, r, &bf, &bn);
        count[r] = bn * (int)width;
        displ[r] = (bf - first) * (int)width;
    }
    double *base = rows + (size_t)first * width;
    int rc = MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, base, count, displ, MPI_DOUBLE,
                            MPI_COMM_WORLD);
    fs_free(count);
    fs_free(displ);
    return rc == MPI_SUCCESS ? 0 : -1;
}

int par_send_dir(const char *dir, char *err, size_t errlen) {
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot list: %s", dir, strerror(errno));
        int none = -1;
        MPI_Send(&none, 1, MPI_INT, 0, TAG_COUNT, MPI_COMM_WORLD);
        return -1;
    }
    /* Every file of the part, however many: one left out would be a result missing a file. */
    char **names = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            if (n == cap) names = fs_realloc(names, (size_t)(cap = 2 * cap + 8) * sizeof *names);
            names[n++] = fs_strdup(e->d_name);
        }
    closedir(d);
    MPI_Send(&n, 1, MPI_INT, 0, TAG_COUNT, MPI_COMM_WORLD);
    char *buf = fs_malloc(CHUNK);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[FS_PATH_MAX];
        /* A name or path too long is sent as an unreadable file (size -1): rank 0 fails. */
        int fits = strlen(names[i]) < NAME_MAX_SENT &&
                   snprintf(path, sizeof path, "%s/%s", dir, names[i]) < (int)sizeof path;
        if (strlen(names[i]) >= NAME_MAX_SENT) names[i][NAME_MAX_SENT - 1] = 0;
        FILE *f = fits ? fopen(path, "rb") : NULL;
        struct stat st;
        /* A file that cannot be read is sent as size -1: rank 0 then fails the run too. */
        int64_t size = f && fstat(fileno(f), &st) == 0 ? (int64_t)st.st_size : -1;
        MPI_Send(names[i], (int)strlen(names[i]) + 1, MPI_CHAR, 0, TAG_NAME, MPI_COMM_WORLD);
        MPI_Send(&size, 1, MPI_INT64_T, 0, TAG_SIZE, MPI_COMM_WORLD);
        for (int64_t left = size; left > 0;) {
            size_t k = fread(buf, 1, left < CHUNK ? (size_t)left : CHUNK, f);
            if (k == 0) { /* the file shrank: send zeros to keep the count, and fail */
                k = left < CHUNK ? (size_t)left : CHUNK;
                memset(buf, 0, k);
                rc = -1;
            }
            MPI_Send(buf, (int)k, MPI_BYTE, 0, TAG_DATA, MPI_COMM_WORLD);
            left -= (int64_t)k;
        }
        if (size < 0 || rc) {
            snprintf(err, errlen, "%s/%s: cannot read%s", dir, names[i],
                     fits ? "" : " (path too long)");
            rc = -1;
        }
        if (f) fclose(f);
    }
    fs_free(buf);
    for (int i = 0; i < n; i++) fs_free(names[i]);
    fs_free(names);
    return rc;
}

int par_recv_dir(int src, const char *dir, char *err, size_t errlen) {
    int n;
    MPI_Recv(&n, 1, MPI_INT, src, TAG_COUNT, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (n < 0) {
        snprintf(err, errlen, "rank %d could not send its part", src);
        return -1;
    }
    char *buf = fs_malloc(CHUNK);
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char name[NAME_MAX_SENT], path[FS_PATH_MAX];
        int64_t size;
        MPI_Recv(name, sizeof name, MPI_CHAR, src, TAG_NAME, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        name[sizeof name - 1] = 0;
        MPI_Recv(&size, 1, MPI_INT64_T, src, TAG_SIZE, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        int fits = snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path;
        /* The name came from a directory listing of flowsim's own part: no path in it; and
         * the folder is a fresh private one, so the file is created, never found there. */
        int fd = !fits || strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, ".")
                     ? -1
                     : open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (fd >= 0 && !f) close(fd);
        if (size < 0 || !f) {
            if (rc == 0) snprintf(err, errlen, "rank %d: %s: cannot transfer", src, name);
            rc = -1;
        }
        for (int64_t left = size; left > 0;) {
            size_t k = left < CHUNK ? (size_t)left : CHUNK;
            MPI_Recv(buf, (int)k, MPI_BYTE, src, TAG_DATA, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            if (f) fwrite(buf, 1, k, f);
            left -= (int64_t)k;
        }
        if (f && (ferror(f) | fclose(f))) {
            if (rc == 0) snprintf(err, errlen, "%s: write failed (disk full?)", path);
            rc = -1;
        }
    }
    fs_free(buf);
    return rc;
}

void par_report(const char *msg) {
    char line[FS_MSG_MAX + 64];
    int n = snprintf(line, sizeof line, "flowsim: rank %d: %s\n", par_rank(), msg);
    if (n > 0 &&
        write(report_fd, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1) < 0) {
        /* nowhere left to say it */
    }
}

#else /* one process */

void par_init(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
}

int par_finish(int rc) {
    return rc;
}

int par_rank(void) {
    return 0;
}

int par_size(void) {
    return 1;
}

int par_worst(int status) {
    return status;
}

unsigned long long par_sum(unsigned long long v) {
    return v;
}

void par_bcast_ints(int *v, int n, int root) {
    (void)v;
    (void)n;
    (void)root;
}

void par_bcast_doubles(double *v, size_t n, int root) {
    (void)v;
    (void)n;
    (void)root;
}

int par_allgather_rows(double *rows, size_t width, int first, int n) {
    (void)rows;
    (void)width;
    (void)first;
    (void)n;
    return 0;
}

int par_send_dir(const char *dir, char *err, size_t errlen) {
    snprintf(err, errlen, "%s: no MPI in this build", dir);
    return -1;
}

int par_recv_dir(int src, const char *dir, char *err, size_t errlen) {
    (void)src;
    snprintf(err, errlen, "%s: no MPI in this build", dir);
    return -1;
}

void par_report(const char *msg) {
    fprintf(stderr, "flowsim: %s\n", msg);
}

#endif
