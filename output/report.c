#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "axis.h"
#include "csvout.h"
#include "models/limits.h"
#include "models/metrics.h"
#include "models/table.h"
#include "models/value.h"
#include "sim/core.h"

/* ---- the time series of a run, as series[unit|metric][bucket][replication] ---------------- */

struct series {
    char *unit, *metric;
    double *v; /* nb x nrep, NAN where missing */
};

struct runts {
    size_t nb, nrep, ns;
    double *time;
    char (*date)[11]; /* YYYY-MM-DD, as results.c writes them (a longer cell is refused) */
    struct series *s;
    char *scenario;
};

static void runts_fini(struct runts *t) {
    for (size_t i = 0; i < t->ns; i++) {
        fs_free(t->s[i].unit);
        fs_free(t->s[i].metric);
        fs_free(t->s[i].v);
    }
    fs_free(t->s);
    fs_free(t->time);
    fs_free(t->date);
    fs_free(t->scenario);
}

static struct series *find(const struct runts *t, const char *unit, const char *metric) {
    for (size_t i = 0; i < t->ns; i++)
        if (!strcmp(t->s[i].unit, unit) && !strcmp(t->s[i].metric, metric)) return &t->s[i];
    return NULL;
}

/* find for the rows of a time series, which come in the same order of series in every bucket:
 * the one after the last found (*hint), or the first, before a search. Linear in rows, where a
 * search per row was rows x series (4,000 units: half a minute). */
static struct series *find_next(const struct runts *t, const char *unit, const char *metric,
                                size_t *hint) {
    size_t try[2] = {*hint + 1, 0};
    for (int k = 0; k < 2; k++)
        if (try[k] < t->ns && !strcmp(t->s[try[k]].unit, unit) &&
            !strcmp(t->s[try[k]].metric, metric))
            return &t->s[*hint = try[k]];
    struct series *s = find(t, unit, metric);
    if (s) *hint = (size_t)(s - t->s);
    return s;
}

/* Rows come replication by replication, bucket by bucket: times repeat for each
 * replication, so the first replication's times are the buckets. Our own file, but one that
 * may have been edited or cut short: every number is read strictly, and a damaged cell is
 * refused with its line rather than read as 0 (or as a replication number that would size
 * the arrays). */
static int read_timeseries(const char *path, struct runts *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    struct table tb;
    if (table_read(path, &tb, err, errlen) != 0) return -1;
    size_t rows = tb.n ? tb.n - 1 : 0;
    size_t *rep = fs_calloc(rows + 1, sizeof *rep);
    double *tm = fs_calloc(rows + 1, sizeof *tm), *val = fs_calloc(rows + 1, sizeof *val);
    int rc = 0;
    size_t hint = (size_t)-1; /* find_next's: none yet */
    for (size_t i = 1; i < tb.n && rc == 0; i++) {
        const struct table_row *r = &tb.row[i];
        char why[FS_MSG_MAX];
        long long k;
        if (r->n < 6 || r->n > 7) {
            snprintf(err, errlen,
                     "%s:%ld: expected 7 columns (scenario,replication,time,date,unit,metric,"
                     "value), got %zu",
                     path, r->line, r->n);
            rc = -1;
        } else if (val_int(r->field[1], 1, 1000000, &k, why, sizeof why) != 0) {
            snprintf(err, errlen, "%s:%ld: replication: %s", path, r->line, why);
            rc = -1;
        } else if (table_number(path, r, 2, "time", val_number, &tm[i - 1], err, errlen) != 0) {
            rc = -1;
        } else if (strlen(r->field[3]) >= sizeof *t->date) { /* never cut to fit */
            snprintf(err, errlen, "%s:%ld: date: expected YYYY-MM-DD, got '%.40s%s'", path, r->line,
                     r->field[3], strlen(r->field[3]) > 40 ? "..." : "");
            rc = -1;
        } else if (*table_field(r, 6) &&
                   table_number(path, r, 6, "value", val_number, &val[i - 1], err, errlen) != 0) {
            rc = -1;
        } else {
            rep[i - 1] = (size_t)k;
            if (!*table_field(r, 6)) val[i - 1] = NAN;
        }
    }
    size_t cap = 0, scap = 0;
    for (size_t i = 1; i < tb.n && rc == 0; i++) {
        const struct table_row *r = &tb.row[i];
        if (rep[i - 1] > t->nrep) t->nrep = rep[i - 1];
        if (rep[i - 1] == 1) {
            if (!t->nb || t->time[t->nb - 1] != tm[i - 1]) {
                fs_grow((void **)&t->time, &cap, t->nb + 1, sizeof *t->time);
                t->date = fs_realloc(t->date, cap * sizeof *t->date);
                t->time[t->nb] = tm[i - 1];
                snprintf(t->date[t->nb], 11, "%s", r->field[3]);
                t->nb++;
            }
            if (!find_next(t, r->field[4], r->field[5], &hint)) {
                hint = t->ns;
                fs_grow((void **)&t->s, &scap, t->ns + 1, sizeof *t->s);
                t->s[t->ns].unit = fs_strdup(r->field[4]);
                t->s[t->ns].metric = fs_strdup(r->field[5]);
                t->s[t->ns++].v = NULL;
            }
        }
        if (!t->scenario) t->scenario = fs_strdup(r->field[0]);
    }
    /* Every replication has every bucket, each in a row of its own: more of them than rows is
     * a damaged file (and would size the arrays from a number nobody wrote). */
    if (rc == 0 && t->nb && t->nrep > rows / t->nb) {
        snprintf(err, errlen,
                 "%s: %zu replications of %zu time buckets each cannot be in %zu rows: the file "
                 "is damaged",
                 path, t->nrep, t->nb, rows);
        rc = -1;
    }
    for (size_t i = 0; i < t->ns && rc == 0; i++) {
        t->s[i].v = fs_malloc(t->nb * t->nrep * sizeof *t->s[i].v);
        for (size_t k = 0; k < t->nb * t->nrep; k++) t->s[i].v[k] = NAN;
    }
    /* Second pass: the values, bucket found by time within each replication. */
    size_t b = 0, last_rep = 0;
    struct series *s = NULL;
    for (size_t i = 1; i < tb.n && rc == 0; i++) {
        const struct table_row *r = &tb.row[i];
        if (rep[i - 1] != last_rep) b = 0, last_rep = rep[i - 1];
        while (b + 1 < t->nb && t->time[b] < tm[i - 1]) b++;
        if (!s || strcmp(s->unit, r->field[4]) || strcmp(s->metric, r->field[5]))
            s = find_next(t, r->field[4], r->field[5], &hint);
        if (s && t->nb) s->v[b * t->nrep + rep[i - 1] - 1] = val[i - 1];
    }
    fs_free(rep), fs_free(tm), fs_free(val);
    table_fini(&tb);
    if (rc) runts_fini(t);
    return rc;
}

/* comparison.csv or sweep.csv: metric,unit,scenario (or variant), then numbers, each empty
 * where undefined. Read as a table whose number cells are checked here, once, so that the
 * charts draw only numbers that were written. */
static int read_comparison(const char *path, struct table *t, char *err, size_t errlen) {
    if (table_read(path, t, err, errlen) != 0) return -1;
    size_t width = t->n ? t->row[0].n : 0;
    for (size_t i = 1; i < t->n; i++) {
        const struct table_row *r = &t->row[i];
        int rc = 0;
        if (r->n < 3 || r->n > width) {
            snprintf(err, errlen, "%s:%ld: expected %zu columns like the header, got %zu", path,
                     r->line, width, r->n);
            rc = -1;
        }
        for (size_t k = 3; k < r->n && rc == 0; k++) {
            double v;
            if (*r->field[k])
                rc = table_number(path, r, (int)k, t->row[0].field[k], val_number, &v, err, errlen);
        }
        if (rc) {
            table_fini(t);
            return -1;
        }
    }
    return 0;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean and the 5% and 95% quantiles (linear interpolation) across replications, per bucket. */
static void bands(const struct runts *t, const struct series *s, double *lo, double *mid,
                  double *hi) {
    double *x = fs_malloc((t->nrep + 1) * sizeof *x);
    for (size_t b = 0; b < t->nb; b++) {
        size_t n = 0;
        double sum = 0;
        for (size_t r = 0; r < t->nrep; r++) {
            double v = s->v[b * t->nrep + r];
            if (!isnan(v)) x[n++] = v, sum += v;
        }
        if (!n) {
            lo[b] = mid[b] = hi[b] = NAN;
            continue;
        }
        qsort(x, n, sizeof *x, cmp_double);
        double p5 = 0.05 * (double)(n - 1), p95 = 0.95 * (double)(n - 1);
        size_t i5 = (size_t)p5, i95 = (size_t)p95;
        lo[b] = x[i5] + (p5 - (double)i5) * (i5 + 1 < n ? x[i5 + 1] - x[i5] : 0);
        hi[b] = x[i95] + (p95 - (double)i95) * (i95 + 1 < n ? x[i95 + 1] - x[i95] : 0);
        mid[b] = sum / (double)n;
    }
    fs_free(x);
}

/* ---- SVG ------------------------------------------------------------------------------------ */

#define W 760.0
#define H 280.0
#define ML 62.0
#define MR 16.0
#define MT 14.0
#define MB 46.0

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                      "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

static void esc(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '<')
            fputs("&lt;", f);
        else if (*s == '>')
            fputs("&gt;", f);
        else if (*s == '&')
            fputs("&amp;", f);
        else if (*s == '"')
            fputs("&quot;", f);
        else
            fputc(*s, f);
    }
}

struct frame {
    double x0, x1, y0, y1;
};

static double px(const struct frame *fr, double x) {
    return ML + (x - fr->x0) / (fr->x1 - fr->x0) * (W - ML - MR);
}
static double py(const struct frame *fr, double y) {
    return H - MB - (y - fr->y0) / (fr->y1 - fr->y0) * (H - MT - MB);
}

/* About this many ticks on a y axis (at most twice as many, axis.h) and on a time axis. */
#define Y_TICKS 5
#define X_TICKS 6

/* The y axis of a chart of data in [lo, hi] of a metric (its values' bounds: metric_bounds),
 * as fr's y range. Nonzero when no axis can show them (beyond +-AXIS_MAX_ABS, or not numbers):
 * the chart is then not drawn (not_drawn). */
static int y_axis(struct frame *fr, struct axis *ya, double lo, double hi, const char *metric,
                  int system) {
    double lower, upper;
    metric_bounds(metric, system, &lower, &upper);
    if (axis_nice_within(lo, hi, Y_TICKS, lower, upper, ya) != AXIS_OK) return -1;
    fr->y0 = ya->min, fr->y1 = ya->max;
    return 0;
}

/* A chart whose numbers no axis can show: its title and why, in place of the chart. */
static void not_drawn(FILE *f, const char *title) {
    fputs("<figure><figcaption>", f);
    esc(f, title);
    fputs("</figcaption>\n<p>Not drawn: its values are beyond what a chart's axis can show.</p>"
          "</figure>\n",
          f);
}

/* The y axis' gridlines and tick labels. */
static void y_grid(FILE *f, const struct frame *fr, const struct axis *ya) {
    for (int i = 0; i < ya->count; i++) {
        char label[32];
        double y = py(fr, axis_tick(ya, i));
        axis_label(ya, i, label, sizeof label);
        fprintf(f, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", ML, W - MR,
                y, y);
        fprintf(f, "<text x=\"%g\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>\n",
                ML - 6, y + 4, label);
    }
}

/* The x axis' ticks: the first of months (axis_dates), counted from the day of t's first
 * bucket; days as numbers where the file's dates cannot be read (a file edited by hand). */
static int x_ticks(const struct frame *fr, const struct runts *t, struct axis_date_tick *tick) {
    long day;
    char why[FS_MSG_MAX];
    int n = 0;
    if (fabs(t->time[0]) < AXIS_MAX_DAYS && val_date(t->date[0], &day, why, sizeof why) == 0 &&
        axis_dates(day - (long)floor(t->time[0]), fr->x0, fr->x1, X_TICKS, tick, &n) == AXIS_OK)
        return n;
    struct axis xa;
    if (axis_nice_within(fr->x0, fr->x1, X_TICKS, fr->x0, fr->x1, &xa) != AXIS_OK) return 0;
    for (int i = 0; i < xa.count; i++) {
        tick[i].x = axis_tick(&xa, i);
        char label[32];
        axis_label(&xa, i, label, sizeof label);
        snprintf(tick[i].label, sizeof tick[i].label, "day %s", label);
    }
    return xa.count;
}

/* Axes over time, with dates under the ticks, and a y axis with its label. */
static void axes(FILE *f, const struct frame *fr, const struct axis *ya, const struct runts *t,
                 const char *ylabel) {
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" class=\"plot\"/>\n", ML, MT,
            W - ML - MR, H - MT - MB);
    y_grid(f, fr, ya);
    struct axis_date_tick tick[AXIS_MAX_TICKS];
    int n = x_ticks(fr, t, tick);
    for (int i = 0; i < n; i++) {
        double x = px(fr, tick[i].x);
        if (x > W - MR - 36) break; /* a date this close to the edge would be cut off */
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" class=\"grid\"/>", x, x, MT,
                H - MB);
        fprintf(f, "<text x=\"%.1f\" y=\"%g\" class=\"tick\" text-anchor=\"middle\">", x,
                H - MB + 16);
        esc(f, tick[i].label);
        fputs("</text>\n", f);
    }
    fprintf(f,
            "<text x=\"%g\" y=\"%g\" class=\"axis\" text-anchor=\"middle\">date (bucket start)"
            "</text>\n",
            ML + (W - ML - MR) / 2, H - 8);
    fprintf(f,
            "<text x=\"14\" y=\"%g\" class=\"axis\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 14 %g)\">",
            MT + (H - MT - MB) / 2, MT + (H - MT - MB) / 2);
    esc(f, ylabel);
    fputs("</text>\n", f);
}

static void polyline(FILE *f, const struct frame *fr, const struct runts *t, const double *y,
                     const char *color, const char *cls) {
    fprintf(f, "<path class=\"%s\" stroke=\"%s\" d=\"", cls, color);
    int pen = 0;
    for (size_t b = 0; b < t->nb; b++) {
        if (isnan(y[b])) {
            pen = 0;
            continue;
        }
        fprintf(f, "%c%.1f %.1f ", pen ? 'L' : 'M', px(fr, t->time[b]), py(fr, y[b]));
        pen = 1;
    }
    fputs("\"/>\n", f);
}

static void band(FILE *f, const struct frame *fr, const struct runts *t, const double *lo,
                 const double *hi, const char *color) {
    fprintf(f, "<path class=\"band\" fill=\"%s\" d=\"", color);
    int first = 1;
    for (size_t b = 0; b < t->nb; b++)
        if (!isnan(lo[b])) {
            fprintf(f, "%c%.1f %.1f ", first ? 'M' : 'L', px(fr, t->time[b]), py(fr, hi[b]));
            first = 0;
        }
    for (size_t b = t->nb; b-- > 0;)
        if (!isnan(lo[b])) fprintf(f, "L%.1f %.1f ", px(fr, t->time[b]), py(fr, lo[b]));
    fputs("Z\"/>\n", f);
}

static void legend(FILE *f, const char *const *names, const char *const *colors, size_t n) {
    fputs("<div class=\"legend\">", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "<span><i style=\"background:%s\"></i>", colors[i]);
        esc(f, names[i]);
        fputs("</span>", f);
    }
    fputs("</div>\n", f);
}

static void chart_open(FILE *f, const char *title) {
    fputs("<figure><figcaption>", f);
    esc(f, title);
    fprintf(f, "</figcaption>\n<svg class=\"chart\" viewBox=\"0 0 %g %g\" role=\"img\">\n", W, H);
}

/* A metric over time: mean, 5-95% band across replications, and an optional reference line. */
static void chart_band(FILE *f, const struct runts *t, const struct series *s, const char *title,
                       const char *ylabel, double ref, const char *ref_label) {
    double *lo = fs_malloc(t->nb * sizeof *lo), *mid = fs_malloc(t->nb * sizeof *mid),
           *hi = fs_malloc(t->nb * sizeof *hi);
    bands(t, s, lo, mid, hi);
    struct frame fr = {t->time[0], t->nb > 1 ? t->time[t->nb - 1] : t->time[0] + 1, 0, 1};
    /* From 0 (or below, for a metric that goes there) to the top of the band or the reference
     * line, with 8% of room above. */
    double ymin = 0, ymax = isnan(ref) ? 0 : ref;
    for (size_t b = 0; b < t->nb; b++) {
        if (!isnan(hi[b])) ymax = fmax(ymax, hi[b]);
        if (!isnan(lo[b])) ymin = fmin(ymin, lo[b]);
    }
    struct axis ya;
    if (y_axis(&fr, &ya, ymin, ymax + (ymax - ymin) * 0.08, s->metric, !*s->unit) != 0) {
        not_drawn(f, title);
        fs_free(lo), fs_free(mid), fs_free(hi);
        return;
    }
    chart_open(f, title);
    axes(f, &fr, &ya, t, ylabel);
    band(f, &fr, t, lo, hi, palette[0]);
    polyline(f, &fr, t, mid, palette[0], "line");
    if (!isnan(ref))
        fprintf(f, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" class=\"ref\"/>\n", ML,
                W - MR, py(&fr, ref), py(&fr, ref));
    fputs("</svg>\n", f);
    const char *names[] = {"mean across replications", "5-95% of replications", ref_label};
    const char *colors[] = {palette[0], "#aec7e8", "#444"};
    legend(f, names, colors, isnan(ref) ? 2 : 3);
    fputs("</figure>\n", f);
    fs_free(lo), fs_free(mid), fs_free(hi);
}

/* Delayed days of a unit by reason, means across replications stacked. */
static void chart_reasons(FILE *f, const struct runts *t, const char *unit) {
    /* Every reason the file has, however many (no fixed array drops the later ones). */
    const struct series **r = fs_calloc(t->ns, sizeof *r);
    size_t n = 0;
    double total = 0;
    for (size_t i = 0; i < t->ns; i++)
        if (!strcmp(t->s[i].unit, unit) && !strncmp(t->s[i].metric, "delayed_days_", 13)) {
            r[n++] = &t->s[i];
            for (size_t k = 0; k < t->nb * t->nrep; k++)
                if (!isnan(t->s[i].v[k])) total += t->s[i].v[k];
        }
    if (!n || !(total > 0)) {
        fs_free(r);
        return;
    }
    double *base = fs_calloc(t->nb, sizeof *base), *top = fs_malloc(t->nb * sizeof *top);
    double *lo = fs_malloc(t->nb * sizeof *lo), *mid = fs_malloc(t->nb * sizeof *mid),
           *hi = fs_malloc(t->nb * sizeof *hi);
    double ymax = 0;
    for (size_t i = 0; i < n; i++) {
        bands(t, r[i], lo, mid, hi);
        for (size_t b = 0; b < t->nb; b++) base[b] += isnan(mid[b]) ? 0 : mid[b];
    }
    for (size_t b = 0; b < t->nb; b++) ymax = fmax(ymax, base[b]);
    struct frame fr = {t->time[0], t->nb > 1 ? t->time[t->nb - 1] : t->time[0] + 1, 0, 1};
    char *title = fs_sprintf("%s: delayed bed-days per day by reason (means, stacked)", unit);
    struct axis ya;
    if (y_axis(&fr, &ya, 0, ymax * 1.08, "delayed_days", 0) != 0) {
        not_drawn(f, title);
        fs_free(title), fs_free(base), fs_free(top), fs_free(lo), fs_free(mid), fs_free(hi);
        fs_free(r);
        return;
    }
    chart_open(f, title); /* titles are made to their length: a long unit name is whole */
    fs_free(title);
    axes(f, &fr, &ya, t, "delayed bed-days per day");
    memset(base, 0, t->nb * sizeof *base);
    const char **names = fs_calloc(n, sizeof *names), **colors = fs_calloc(n, sizeof *colors);
    for (size_t i = 0; i < n; i++) {
        bands(t, r[i], lo, mid, hi);
        for (size_t b = 0; b < t->nb; b++) top[b] = base[b] + (isnan(mid[b]) ? 0 : mid[b]);
        const char *c = palette[i % 10];
        fprintf(f, "<path class=\"stack\" fill=\"%s\" d=\"", c);
        for (size_t b = 0; b < t->nb; b++)
            fprintf(f, "%c%.1f %.1f ", b ? 'L' : 'M', px(&fr, t->time[b]), py(&fr, top[b]));
        for (size_t b = t->nb; b-- > 0;)
            fprintf(f, "L%.1f %.1f ", px(&fr, t->time[b]), py(&fr, base[b]));
        fputs("Z\"/>\n", f);
        memcpy(base, top, t->nb * sizeof *base);
        names[i] = r[i]->metric + 13;
        colors[i] = c;
    }
    fputs("</svg>\n", f);
    legend(f, names, colors, n);
    fputs("</figure>\n", f);
    fs_free(base), fs_free(top), fs_free(lo), fs_free(mid), fs_free(hi);
    fs_free(r), fs_free(names), fs_free(colors);
}

/* Welch's method for the warm-up: the mean across replications of a unit's occupancy per
 * interval from time 0, smoothed by a centred moving average, with the warm-up marked. Where
 * the curve has flattened before the mark, the warm-up is long enough. */
static void chart_welch(FILE *f, const struct runts *w, const struct series *s, double warmup) {
    double *lo = fs_malloc(w->nb * sizeof *lo), *mid = fs_malloc(w->nb * sizeof *mid),
           *hi = fs_malloc(w->nb * sizeof *hi), *ma = fs_malloc(w->nb * sizeof *ma);
    bands(w, s, lo, mid, hi);
    size_t win = w->nb / 50 > 1 ? w->nb / 50 : 1;
    double ymax = 0;
    for (size_t b = 0; b < w->nb; b++) {
        /* Near the ends the window shrinks to what there is on both sides (Welch 1983). */
        size_t h = b < win ? b : win;
        if (w->nb - 1 - b < h) h = w->nb - 1 - b;
        double sum = 0;
        size_t n = 0;
        for (size_t k = b - h; k <= b + h; k++)
            if (!isnan(mid[k])) sum += mid[k], n++;
        ma[b] = n ? sum / (double)n : NAN;
        if (!isnan(mid[b])) ymax = fmax(ymax, mid[b]);
    }
    struct frame fr = {w->time[0], w->nb > 1 ? w->time[w->nb - 1] : w->time[0] + 1, 0, 1};
    char *title =
        fs_sprintf("%s: occupancy from the start, for judging the warm-up (Welch)", s->unit);
    struct axis ya;
    if (y_axis(&fr, &ya, 0, ymax * 1.08, "occupancy", 0) != 0) {
        not_drawn(f, title);
        fs_free(title), fs_free(lo), fs_free(mid), fs_free(hi), fs_free(ma);
        return;
    }
    chart_open(f, title);
    fs_free(title);
    axes(f, &fr, &ya, w, "occupancy (places)");
    polyline(f, &fr, w, mid, "#aec7e8", "line");
    polyline(f, &fr, w, ma, palette[1], "line");
    if (warmup > fr.x0 && warmup < fr.x1)
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" class=\"ref\"/>\n",
                px(&fr, warmup), px(&fr, warmup), MT, H - MB);
    fputs("</svg>\n", f);
    const char *names[] = {"mean across replications", "its moving average", "end of the warm-up"};
    const char *colors[] = {"#aec7e8", palette[1], "#444"};
    legend(f, names, colors, warmup > fr.x0 && warmup < fr.x1 ? 3 : 2);
    fputs("</figure>\n", f);
    fs_free(lo), fs_free(mid), fs_free(hi), fs_free(ma);
}

/* ---- compare and sweep: each headline metric per scenario, with its 95% interval ----------- */

/* The kind of each unit of the base (the first scenario), for the one headline rule
 * (metric_is_headline), which compare's console table applies with the base's kinds too.
 * comparison.csv has no kind column, but the kinds with headline metrics (MH_ACUTE, MH_AE:
 * tests/test_report.c fails if another gets one) each report a metric no other kind does (the
 * registry's WHEN: MW_ACUTE, MW_AE), and that row tells the kind; a unit with neither is of a
 * kind without headlines. A unit the base lacks has none either, as in the console table. */
struct unit_kind_of {
    const char *unit;
    int kind;
};

static int by_unit_name(const void *a, const void *b) {
    return strcmp(((const struct unit_kind_of *)a)->unit, ((const struct unit_kind_of *)b)->unit);
}

static int by_unit(const void *a, const void *b) {
    const struct unit_kind_of *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);
    return c ? c : (x->kind < y->kind) - (x->kind > y->kind); /* a kind before "none" */
}

static struct unit_kind_of *base_kinds(const struct table *tb, size_t *n) {
    struct unit_kind_of *k = fs_calloc(tb->n + 1, sizeof *k);
    size_t m = 0;
    for (size_t i = 1; i < tb->n; i++) {
        const struct table_row *r = &tb->row[i];
        if (!*r->field[1] || strcmp(r->field[2], tb->row[1].field[2])) continue;
        const struct metric_def *d = metric_find(r->field[0], 0);
        int kind = !d                    ? UNIT_GENERIC
                   : d->when == MW_ACUTE ? UNIT_ACUTE
                   : d->when == MW_AE    ? UNIT_AE
                                         : UNIT_GENERIC;
        k[m++] = (struct unit_kind_of){r->field[1], kind};
    }
    qsort(k, m, sizeof *k, by_unit);
    size_t u = 0; /* each unit once, with its kind where a row told it */
    for (size_t i = 0; i < m; i++)
        if (u == 0 || strcmp(k[u - 1].unit, k[i].unit)) k[u++] = k[i];
    *n = u;
    return k;
}

static int headline(const struct unit_kind_of *kinds, size_t nkinds, const char *unit,
                    const char *metric) {
    if (!*unit) return metric_is_headline(metric, METRIC_SYSTEM);
    struct unit_kind_of key = {unit, 0};
    const struct unit_kind_of *k = bsearch(&key, kinds, nkinds, sizeof *kinds, by_unit_name);
    return metric_is_headline(metric, k ? k->kind : UNIT_GENERIC);
}

static void chart_whiskers(FILE *f, const struct table *tb, const char *unit, const char *metric) {
    /* Every scenario or variant, however many a sweep has. */
    const char **name = fs_calloc(tb->n, sizeof *name);
    double *m = fs_calloc(tb->n, sizeof *m), *lo = fs_calloc(tb->n, sizeof *lo),
           *hi = fs_calloc(tb->n, sizeof *hi);
    size_t n = 0;
    double ymin = INFINITY, ymax = -INFINITY;
    /* Whiskers stay inside what the metric can be (a file written before intervals were cut
     * at the range, or by hand, may cross it). */
    double lo_b, hi_b;
    metric_bounds(metric, !*unit, &lo_b, &hi_b);
    for (size_t i = 1; i < tb->n; i++) {
        const struct table_row *r = &tb->row[i];
        const char *u = r->n > 1 ? r->field[1] : "";
        if (r->n < 6 || strcmp(r->field[0], metric) || strcmp(u, unit) || !*r->field[3]) continue;
        name[n] = r->field[2];
        m[n] = strtod(r->field[3], NULL);
        lo[n] = *r->field[4] ? fmax(strtod(r->field[4], NULL), lo_b) : m[n];
        hi[n] = *r->field[5] ? fmin(strtod(r->field[5], NULL), hi_b) : m[n];
        ymin = fmin(ymin, lo[n]);
        ymax = fmax(ymax, hi[n]);
        n++;
    }
    if (n < 2) {
        fs_free(name), fs_free(m), fs_free(lo), fs_free(hi);
        return;
    }
    /* 15% of the spread as room either side, cut at what the metric can be (axis_nice_within):
     * all scenarios equal (an all-zero metric) is one value, drawn in a window around it. */
    double pad = (ymax - ymin) * 0.15;
    struct frame fr = {0, (double)n, 0, 1};
    char *title =
        fs_sprintf("%s%s%s: mean and 95%% interval per scenario", unit, *unit ? " " : "", metric);
    struct axis ya;
    if (y_axis(&fr, &ya, ymin - pad, ymax + pad, metric, !*unit) != 0) {
        not_drawn(f, title);
        fs_free(title), fs_free(name), fs_free(m), fs_free(lo), fs_free(hi);
        return;
    }
    chart_open(f, title);
    fs_free(title);
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" class=\"plot\"/>\n", ML, MT,
            W - ML - MR, H - MT - MB);
    y_grid(f, &fr, &ya);
    for (size_t i = 0; i < n; i++) {
        double x = px(&fr, (double)i + 0.5);
        fprintf(f,
                "<path class=\"whisker\" d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f "
                "M%.1f %.1f L%.1f %.1f\"/>",
                x, py(&fr, lo[i]), x, py(&fr, hi[i]), x - 8, py(&fr, lo[i]), x + 8, py(&fr, lo[i]),
                x - 8, py(&fr, hi[i]), x + 8, py(&fr, hi[i]));
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", x, py(&fr, m[i]),
                palette[i % 10]);
        fprintf(f, "<text x=\"%.1f\" y=\"%g\" class=\"tick\" text-anchor=\"middle\">", x,
                H - MB + 16);
        esc(f, name[i]);
        fputs("</text>\n", f);
    }
    fprintf(f,
            "<text x=\"14\" y=\"%g\" class=\"axis\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 14 %g)\">",
            MT + (H - MT - MB) / 2, MT + (H - MT - MB) / 2);
    esc(f, metric);
    fputs("</text>\n</svg>\n", f);
    const char *names[] = {"mean across replications", "95% interval (whiskers)"};
    const char *colors[] = {palette[0], "#333"};
    legend(f, names, colors, 2);
    fputs("</figure>\n", f);
    fs_free(name), fs_free(m), fs_free(lo), fs_free(hi);
}

/* ---- the page -------------------------------------------------------------------------------- */

static const char style[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px auto;"
    "max-width:820px;color:#222}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;"
    "margin:28px 0 8px;border-bottom:1px solid #ddd}figure{margin:16px 0}figcaption{font-weight:"
    "600;margin-bottom:4px}svg.chart{width:100%;height:auto;background:#fff}.plot{fill:#fafafa;"
    "stroke:#bbb}.grid{stroke:#e4e4e4}.tick{font-size:11px;fill:#555}.axis{font-size:12px;"
    "fill:#333}.line{fill:none;stroke-width:2}.band{opacity:.25;stroke:none}.ref{stroke:#444;"
    "stroke-dasharray:6 4}.stack{opacity:.85;stroke:none}.whisker{stroke:#333;stroke-width:1.5;"
    "fill:none}.legend span{margin-right:16px;font-size:12px}.legend i{display:inline-block;"
    "width:12px;height:12px;margin-right:5px;vertical-align:-1px}table{border-collapse:collapse;"
    "font-size:13px}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}"
    "td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:8px;"
    "font-size:12px;overflow:auto}";

static void file_as_pre(FILE *f, const char *path) {
    char why[FS_MSG_MAX]; /* never blocks on a FIFO put at the name */
    FILE *in = table_fopen(path, "file", why, sizeof why);
    if (!in) return;
    char piece[1024]; /* the file a piece at a time, every piece written: a long line is whole */
    fputs("<pre>", f);
    while (fgets(piece, sizeof piece, in)) esc(f, piece);
    fputs("</pre>\n", f);
    fclose(in);
}

/* The run's warnings (run-info's "warning = " lines), first on the page, where a reader sees
 * them before the numbers they qualify; nothing when there are none. */
static void warnings_box(FILE *f, const char *dir) {
    char path[FS_PATH_MAX], why[FS_MSG_MAX];
    if (fs_path(path, sizeof path, why, sizeof why, "%s/run-info", dir) != 0) return;
    FILE *in = table_fopen(path, "file", why, sizeof why);
    if (!in) return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int shown = 0;
    while ((n = getline(&line, &cap, in)) > 0) {
        if (strncmp(line, "warning = ", 10)) continue;
        if (line[n - 1] == '\n') line[n - 1] = 0;
        if (!shown++) fputs("<h2>Warnings</h2>\n<ul>\n", f);
        fputs("<li>", f);
        esc(f, line + 10);
        fputs("</li>\n", f);
    }
    if (shown) fputs("</ul>\n", f);
    free(line);
    fclose(in);
}

int report_write(const char *dir, const char *folder, const volatile sig_atomic_t *stop, char *err,
                 size_t errlen) {
    if (!folder) folder = dir;
    char path[FS_PATH_MAX];
    struct stat st;
    struct runts t;
    int have_ts = 0;
    /* The longest of the names read here: once it fits, every path below does. */
    if (fs_path(path, sizeof path, err, errlen, "%s/comparison.csv", dir) != 0) return FS_EINPUT;
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    if (stat(path, &st) == 0) {
        if (read_timeseries(path, &t, err, errlen) != 0) return -1;
        have_ts = t.nb > 0 && t.nrep > 0;
        if (!have_ts) runts_fini(&t);
    }
    struct table cmp = {0};
    int have_cmp = 0;
    const char *cmp_files[] = {"comparison.csv", "sweep.csv"};
    for (int i = 0; i < 2 && !have_cmp; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, cmp_files[i]);
        if (stat(path, &st) == 0) {
            if (read_comparison(path, &cmp, err, errlen) != 0) {
                if (have_ts) runts_fini(&t);
                return -1;
            }
            have_cmp = 1;
        }
    }
    if (!have_ts && !have_cmp) {
        snprintf(err, errlen, "%s: no timeseries.csv, comparison.csv or sweep.csv to report on",
                 folder);
        return -1;
    }
    struct csvout_file cf;
    int rc = csvout_open(&cf, dir, "report.html", err, errlen);
    if (rc != 0) {
        if (have_ts) runts_fini(&t);
        table_fini(&cmp);
        return rc;
    }
    FILE *f = cf.f;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
               "<meta name=\"viewport\" content=\"width=device-width\"><title>flowsim report: ");
    esc(f, have_ts ? t.scenario : folder);
    fprintf(f, "</title><style>%s</style></head><body>\n<h1>flowsim report: ", style);
    if (have_ts) {
        esc(f, t.scenario);
    } else {
        /* A comparison: its scenarios in order, joined by "vs". */
        const char **shown = fs_calloc(cmp.n, sizeof *shown); /* every one, however many */
        size_t ns = 0;
        for (size_t i = 1; i < cmp.n; i++) {
            const char *name = cmp.row[i].n > 2 ? cmp.row[i].field[2] : "";
            int seen = 0;
            for (size_t k = 0; k < ns; k++) seen |= !strcmp(shown[k], name);
            if (!seen) {
                if (ns) fputs(" vs ", f);
                esc(f, name);
                shown[ns++] = name;
            }
        }
        fs_free(shown);
    }
    fputs("</h1>\n", f);
    if (have_ts)
        fprintf(f,
                "<p>%zu replications, %zu report buckets from %s to %s. Bands show the 5th to "
                "95th percentile across replications; lines their mean.</p>\n",
                t.nrep, t.nb, t.date[0], t.date[t.nb - 1]);
    warnings_box(f, dir);
    if (have_cmp) {
        fputs("<h2>Scenarios compared</h2>\n<p>Every scenario ran on the same patients (common "
              "random numbers); comparison.csv holds the paired differences.</p>\n",
              f);
        size_t nkinds;
        struct unit_kind_of *kinds = base_kinds(&cmp, &nkinds);
        for (size_t i = 1; i < cmp.n; i++) {
            const struct table_row *r = &cmp.row[i];
            const char *u = r->field[1];
            if (!headline(kinds, nkinds, u, r->field[0])) continue;
            /* Each (unit, metric) once: where it first appears. */
            int seen = 0;
            for (size_t j = 1; j < i && !seen; j++) {
                const struct table_row *q = &cmp.row[j];
                seen = q->n > 1 && !strcmp(q->field[0], r->field[0]) && !strcmp(q->field[1], u);
            }
            if (!seen) chart_whiskers(f, &cmp, u, r->field[0]);
        }
        fs_free(kinds);
    }
    if (have_ts) {
        fputs("<h2>Occupancy</h2>\n", f);
        for (size_t i = 0; i < t.ns && !(stop && *stop); i++)
            if (!strcmp(t.s[i].metric, "occupancy_pct")) {
                char *title = fs_sprintf("%s: occupancy, %% of places", t.s[i].unit);
                chart_band(f, &t, &t.s[i], title, "occupancy %", 100, "capacity (100%)");
                fs_free(title);
            }
        fputs("<h2>Delayed transfers</h2>\n", f);
        for (size_t i = 0; i < t.ns && !(stop && *stop); i++)
            if (!strcmp(t.s[i].metric, "delayed_days")) chart_reasons(f, &t, t.s[i].unit);
        for (size_t i = 0; i < t.ns; i++)
            if (!strcmp(t.s[i].metric, "ae_4h_pct")) {
                char *title = fs_sprintf("%s: A&E 4-hour performance", t.s[i].unit);
                fputs("<h2>A&amp;E</h2>\n", f);
                chart_band(f, &t, &t.s[i], title, "% within 4 hours", 95, "the 95% standard");
                fs_free(title);
            }
        /* The warm-up: acute units (those with an NCTR count), else every unit. */
        struct runts w;
        snprintf(path, sizeof path, "%s/warmup.csv", dir);
        if (stat(path, &st) == 0 && read_timeseries(path, &w, err, errlen) == 0) {
            if (w.nb > 1 && w.nrep > 0) {
                fputs("<h2>Warm-up</h2>\n<p>Statistics start at the dashed line. The warm-up is "
                      "long enough if the smoothed curve has levelled off before it.</p>\n",
                      f);
                int acute = 0;
                for (size_t i = 0; i < t.ns; i++) acute |= !strcmp(t.s[i].metric, "nctr");
                for (size_t i = 0; i < w.ns; i++)
                    if (!acute || find(&t, w.s[i].unit, "nctr"))
                        chart_welch(f, &w, &w.s[i], t.time[0]);
            }
            runts_fini(&w);
        }
        fputs("<h2>Run</h2>\n", f);
        snprintf(path, sizeof path, "%s/run-info", dir);
        file_as_pre(f, path);
    }
    fputs("<p>Made by flowsim from the CSV files beside this page.</p>\n</body></html>\n", f);
    if (have_ts) runts_fini(&t);
    table_fini(&cmp);
    if (stop && *stop) { /* a signal: no page, rather than half of one */
        csvout_discard(&cf);
        snprintf(err, errlen, "interrupted");
        return FS_ESTOPPED;
    }
    return csvout_close(&cf, err, errlen);
}
