/* series.h — series.csv: for every report bucket (or report_interval window), unit and metric,
 * the mean of the replications' values and their 5th and 95th percentiles: what an analyst
 * plots first, without aggregating timeseries.csv (100 replications of a year: 28 MB a
 * scenario).
 *
 * The values summarised are timeseries.csv's own, as written (%.9g) and read back
 * (series_round), so that series.csv is made from the very same numbers by a run, by a run on
 * any number of threads, and by `flowsim merge` of its parts (which reads the parts'
 * timeseries.csv): the same bytes whichever way. A mean is the sum in replication order over
 * the count; p5 and p95 are Hyndman & Fan's type 7 sample quantile (R's and numpy's default):
 * with the n values sorted x[0..n-1] and h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1]
 * - x[floor h]). Empty cells (undefined values) are not counted; `replications` says how many
 * were.
 *
 * Memory stays flat in the replications (tests/test_extremes.c's soak): each replication's
 * values go to a scratch file in the run's staging folder (outdir_scratch: 8 bytes a
 * timeseries.csv row of every metric, nameless, so gone however the run ends), read back a
 * block of keys at a time, every replication's values of a key together, at the end. */
#ifndef FS_SERIES_H
#define FS_SERIES_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SERIES_FILE "series.csv"
#define SERIES_HEADER "scenario,time,date,unit,metric,mean,p5,p95,replications\n"

struct series {
    size_t
        nkeys; /* rows per replication: keys (bucket or window, slot), in timeseries.csv's order */
    /* Each key's "time,date,unit,metric" cells, as timeseries.csv writes them, in two halves
     * kept once each (a string a key was most of a long run's memory: 17.8 MB for M2's ten
     * years of days). On a grid (series_grid, ncol > 0) key k's halves are pre[k / ncol] and
     * suf[k % ncol], and nothing is kept per key; else (series_label) kpre[k] and ksuf[k] index
     * them, UINT32_MAX for no label set. */
    size_t ncol;
    uint32_t *kpre, *ksuf;
    char **pre, **suf;
    size_t npre, nsuf, cappre, capsuf;
    uint32_t *sufmap; /* open addressing over suf: 1 + its index, 0 empty; sufcap slots */
    size_t sufcap;
    double *row; /* the replication being filled (series_next), nkeys values as computed */
    int pending; /* row holds a replication not yet in spill */
    FILE *spill; /* every replication before it, nkeys doubles each, in order */
    size_t nrep; /* replications, the pending one included */
    int failed;  /* the temporary file could not be made or written */
    char *dir;   /* where spill is made (outdir_scratch), or NULL for $TMPDIR */
};

/* nkeys labels to be set (series_grid or series_label); no replication yet. dir (copied): the
 * folder the scratch file goes in, the run's staging folder (NULL: $TMPDIR, else /tmp). */
void series_init(struct series *s, size_t nkeys, const char *dir);
void series_fini(struct series *s);
/* Every key's label at once, on a grid of npre windows by ncol slots (npre * ncol = nkeys):
 * key w * ncol + i is "PRE[w],SUF[i]", each already quoted CSV cells ("TIME,DATE" and
 * "UNIT,METRIC"; copied). What a run's keys are; memory O(npre + ncol), not O(nkeys). */
void series_grid(struct series *s, size_t npre, const char *const *pre, size_t ncol,
                 const char *const *suf);
/* Key k's label (copied): "TIME,DATE,UNIT,METRIC", already quoted as CSV cells. For keys read
 * back from a file (merge), in order: a key's TIME,DATE is kept once while it repeats. */
void series_label(struct series *s, size_t k, const char *label);
/* Room for the next replication's nkeys values, in order (the previous one's are kept first);
 * returns where to write them, valid until the next call. Values as computed: series_write
 * reads each back as timeseries.csv writes it (series_round) where it sums or sorts them. */
double *series_next(struct series *s);
/* The next replication's nkeys values, as series_next's, in an array of nkeys + 1 doubles made
 * with fs_malloc that the series takes (and frees): a run hands over the array it filled
 * rather than a copy, so that a long run holds its values once. */
void series_add(struct series *s, double *vals);
/* v as timeseries.csv writes it, read back: the value series.csv summarises (NAN stays NAN).
 * Writing series_round(v) gives the same text as writing v (%.9g, then the double nearest). */
double series_round(double v);
/* Hyndman & Fan type 7 quantile p (0..1) of n > 0 sorted values. */
double series_quantile(const double *sorted, size_t n, double p);
/* The whole file: header and one row per key, q_scenario the quoted scenario name. Returns 0,
 * or -1 when the temporary file failed (nothing sound can be written) or a write failed. */
int series_write(struct series *s, FILE *f, const char *q_scenario);

#endif
