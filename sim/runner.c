#include "runner.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "platform.h"

struct pool {
    const struct runner_job *job;
    pthread_mutex_t lock;
    pthread_cond_t room; /* signalled when the window moves on or the run fails */
    int window;          /* at most this many replications started and not yet emitted */
    int next;            /* next replication to start (offset from first_rep) */
    int emitted;         /* replications handed to done so far */
    int failed;          /* the first failure's status (an fs_status, or -1), or 0 */
    void **results;      /* reorder buffer */
    char *ready;
    char err[FS_SIM_MSG_MAX]; /* a replication's failure, which may name a file */
};

static void fail(struct pool *p, int rc, const char *msg) {
    if (!p->failed) snprintf(p->err, sizeof p->err, "%s", msg), p->failed = rc < 0 ? rc : -1;
    pthread_cond_broadcast(&p->room);
}

static void *worker(void *arg) {
    struct pool *p = arg;
    const struct runner_job *job = p->job;
    char err[FS_SIM_MSG_MAX];
    for (;;) {
        pthread_mutex_lock(&p->lock);
        /* A slow replication holds back the emission of those after it; the window bounds what
         * waits (results and their temporary files) to a few per thread, however many
         * replications there are. The one holding it back is running, so the wait ends. */
        while (!p->failed && p->next < job->nrep && p->next >= p->emitted + p->window &&
               !(job->stop && *job->stop))
            pthread_cond_wait(&p->room, &p->lock);
        if (!p->failed && job->stop && *job->stop) fail(p, FS_ESTOPPED, "interrupted");
        int i = p->failed ? job->nrep : p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= job->nrep) break;

        void *res = NULL;
        err[0] = 0;
        int rc = job->run(job->ctx, job->first_rep + i, &res, err, sizeof err);

        pthread_mutex_lock(&p->lock);
        if (rc != 0) {
            fail(p, rc, err);
            if (res && job->discard) job->discard(job->ctx, res);
        } else if (p->failed) {
            if (job->discard) job->discard(job->ctx, res);
        } else {
            p->results[i] = res;
            p->ready[i] = 1;
            /* Emit every result that is now next in order. */
            while (!p->failed && p->emitted < job->nrep && p->ready[p->emitted]) {
                int k = p->emitted++;
                void *r = p->results[k];
                p->results[k] = NULL;
                int drc = job->done(job->ctx, job->first_rep + k, r, err, sizeof err);
                if (drc != 0) fail(p, drc, err);
                pthread_cond_broadcast(&p->room);
            }
        }
        pthread_mutex_unlock(&p->lock);
    }
    return NULL;
}

int runner_cores(void) {
    return plat_cores();
}

int runner_run(const struct runner_job *job, char *err, size_t errlen) {
    struct pool p;
    memset(&p, 0, sizeof p);
    p.job = job;
    pthread_mutex_init(&p.lock, NULL);
    pthread_cond_init(&p.room, NULL);
    p.results = fs_calloc((size_t)job->nrep + 1, sizeof *p.results);
    p.ready = fs_calloc((size_t)job->nrep + 1, 1);

    int nthreads = job->nthreads > 0 ? job->nthreads : runner_cores();
    if (nthreads > job->nrep) nthreads = job->nrep;
    p.window = 4 * (nthreads > 1 ? nthreads : 1);
    if (nthreads <= 1) {
        worker(&p); /* no thread for the common single-core case */
    } else {
        pthread_t *tid = fs_calloc((size_t)nthreads, sizeof *tid);
        int started = 0;
        for (; started < nthreads; started++)
            if (pthread_create(&tid[started], NULL, worker, &p) != 0) break;
        if (started == 0) worker(&p);
        for (int i = 0; i < started; i++) pthread_join(tid[i], NULL);
        fs_free(tid);
    }
    /* Results left unemitted after a failure are discarded. */
    for (int i = 0; i < job->nrep; i++)
        if (p.results[i] && job->discard) job->discard(job->ctx, p.results[i]);
    fs_free(p.results);
    fs_free(p.ready);
    pthread_mutex_destroy(&p.lock);
    pthread_cond_destroy(&p.room);
    if (p.failed) snprintf(err, errlen, "%s", p.err);
    return p.failed;
}
