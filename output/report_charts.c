#include "report_charts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "models/metrics.h"
#include "models/value.h"
#include "sim/core.h"

#define X_TICKS 6
/* A data table shows at most about this many intervals (every k-th beyond): timeseries.csv has
 * them all, and a page stays in proportion to its charts. */
#define TABLE_ROWS 60

/* The x axis' ticks: the first of months (axis_dates), counted from the day of t's first
 * bucket; days as numbers where the file's dates cannot be read (a file edited by hand). */
static int x_ticks(const struct ch_frame *fr, const struct runts *t, struct axis_date_tick *tick) {
    long day;
    char why[FS_MSG_MAX], d10[11];
    int n = 0;
    snprintf(d10, sizeof d10, "%.10s", t->date[0]); /* the day of a date-time */
    if (fabs(t->time[0]) < AXIS_MAX_DAYS && val_date(d10, &day, why, sizeof why) == 0 &&
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

/* Axes over time, dates under the ticks, and the y axis' title. */
static void axes(FILE *f, const struct ch_frame *fr, const struct axis *ya, const struct runts *t,
                 const char *ytitle) {
    ch_y_grid(f, fr, ya, ytitle);
    struct axis_date_tick tick[AXIS_MAX_TICKS];
    int n = x_ticks(fr, t, tick);
    for (int i = 0; i < n; i++) {
        double x = ch_px(fr, tick[i].x);
        if (x > CH_W - CH_MR - 36) break; /* a date this close to the edge would be cut off */
        fprintf(f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" class=\"grid\"/>", x, x,
                CH_MT, CH_H - CH_MB);
        fprintf(f, "<text x=\"%.1f\" y=\"%g\" class=\"tick\" text-anchor=\"middle\">", x,
                CH_H - CH_MB + 16);
        ch_esc(f, tick[i].label);
        fputs("</text>\n", f);
    }
    fprintf(f,
            "<text x=\"%g\" y=\"%g\" class=\"axis\" text-anchor=\"middle\">date (interval start)"
            "</text>\n",
            CH_ML + (CH_W - CH_ML - CH_MR) / 2, CH_H - 8);
}

static void polyline(FILE *f, const struct ch_frame *fr, const struct runts *t, const double *y,
                     const char *color, const char *cls) {
    size_t any = 0;
    while (any < t->nb && isnan(y[any])) any++;
    if (any == t->nb) return; /* no interval has a value: no path */
    fprintf(f, "<path class=\"%s\" stroke=\"%s\" d=\"", cls, color);
    int pen = 0;
    for (size_t b = 0; b < t->nb; b++) {
        if (isnan(y[b])) {
            pen = 0;
            continue;
        }
        fprintf(f, "%c%.1f %.1f ", pen ? 'L' : 'M', ch_px(fr, t->time[b]), ch_py(fr, y[b]));
        pen = 1;
    }
    fputs("\"/>\n", f);
}

static void band(FILE *f, const struct ch_frame *fr, const struct runts *t, const double *lo,
                 const double *hi, const char *color) {
    size_t any = 0;
    while (any < t->nb && isnan(lo[any])) any++;
    if (any == t->nb) return; /* no interval has a band: no path (d="Z" is not SVG) */
    fprintf(f, "<path class=\"band\" fill=\"%s\" d=\"", color);
    int first = 1;
    for (size_t b = 0; b < t->nb; b++)
        if (!isnan(lo[b])) {
            fprintf(f, "%c%.1f %.1f ", first ? 'M' : 'L', ch_px(fr, t->time[b]), ch_py(fr, hi[b]));
            first = 0;
        }
    for (size_t b = t->nb; b-- > 0;)
        if (!isnan(lo[b])) fprintf(f, "L%.1f %.1f ", ch_px(fr, t->time[b]), ch_py(fr, lo[b]));
    fputs("Z\"/>\n", f);
}

static struct ch_frame time_frame(const struct runts *t) {
    return (struct ch_frame){t->time[0], t->nb > 1 ? t->time[t->nb - 1] : t->time[0] + 1, 0, 1};
}

/* "LABEL (MEASURE)": a y axis' title; the measure alone where that would not fit beside the
 * plot (about 30 characters of the axis' font along its 220 pixels), the chart's own title
 * naming the metric. */
static char *ytitle(const char *metric, int system) {
    char label[160];
    ch_label(metric, system, label, sizeof label);
    const char *m = ch_measure(metric, system);
    if (*m && strlen(label) + strlen(m) + 3 > 30) return fs_sprintf("%s", m);
    return *m ? fs_sprintf("%s (%s)", label, m) : fs_sprintf("%s", label);
}

/* The data table of a chart over time: a date column, then ncol series (cols[k][b]). */
static void time_table(FILE *f, const struct runts *t, const char *caption, const char *const *head,
                       size_t ncol, double *const *cols) {
    const char **h = fs_calloc(ncol + 1, sizeof *h);
    h[0] = "interval start";
    for (size_t k = 0; k < ncol; k++) h[k + 1] = head[k];
    size_t step = (t->nb + TABLE_ROWS - 1) / TABLE_ROWS;
    if (step < 1) step = 1;
    char *cap = step > 1 ? fs_sprintf("%s (one interval in %zu of %zu; the CSV has all)", caption,
                                      step, t->nb)
                         : fs_sprintf("%s", caption);
    ch_table_open(f, cap, h, ncol + 1, 1);
    for (size_t b = 0; b < t->nb; b += step) {
        ch_row_head(f, t->date[b]);
        for (size_t k = 0; k < ncol; k++) ch_cell_num(f, cols[k][b], 0);
        ch_row_end(f);
    }
    ch_table_close(f, 1);
    fs_free(cap), fs_free(h);
}

/* What a line over time shows, in words, for a chart's description. */
static char *describe(const struct runts *t, const double *mid, const char *what,
                      const char *measure) {
    double lo = INFINITY, hi = -INFINITY, sum = 0;
    size_t n = 0;
    for (size_t b = 0; b < t->nb; b++)
        if (!isnan(mid[b])) lo = fmin(lo, mid[b]), hi = fmax(hi, mid[b]), sum += mid[b], n++;
    if (!n) return fs_sprintf("%s: no values.", what);
    /* the intervals' plain mean: with report_interval's months or a cut last interval they
     * differ in length, and the period's own mean is the headline table's */
    return fs_sprintf("%s from %s to %s, mean across %zu replications: between %.4g and %.4g %s, "
                      "%.4g as the plain mean of its %zu intervals' values (the period's own "
                      "mean is in the headline table and summary.csv); the shaded band is the 5th "
                      "to 95th percentile across replications.",
                      what, t->date[0], t->date[t->nb - 1], t->nrep, lo, hi, measure,
                      sum / (double)n, n);
}

void rc_band(struct ch_page *p, const struct runts *t, const struct series *s, const char *title,
             double ref, const char *ref_label) {
    double *lo = fs_malloc(t->nb * sizeof *lo), *mid = fs_malloc(t->nb * sizeof *mid),
           *hi = fs_malloc(t->nb * sizeof *hi);
    rd_bands(t, s, lo, mid, hi);
    struct ch_frame fr = time_frame(t);
    double ymin = 0, ymax = isnan(ref) ? 0 : ref;
    for (size_t b = 0; b < t->nb; b++) {
        if (!isnan(hi[b])) ymax = fmax(ymax, hi[b]);
        if (!isnan(lo[b])) ymin = fmin(ymin, lo[b]);
    }
    struct axis ya;
    int system = !*s->unit;
    if (ch_y_axis(&fr, &ya, ymin, ymax + (ymax - ymin) * 0.08, s->metric, system) != 0) {
        ch_not_drawn(p, title);
        fs_free(lo), fs_free(mid), fs_free(hi);
        return;
    }
    const char *measure = ch_measure(s->metric, system);
    char *desc = describe(t, mid, title, measure);
    ch_open(p, title, desc);
    char *yt = ytitle(s->metric, system);
    axes(p->f, &fr, &ya, t, yt);
    band(p->f, &fr, t, lo, hi, ch_palette[3]);
    polyline(p->f, &fr, t, mid, ch_palette[3], "line");
    if (!isnan(ref))
        fprintf(p->f, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" class=\"ref\"/>\n", CH_ML,
                CH_W - CH_MR, ch_py(&fr, ref), ch_py(&fr, ref));
    ch_close(p);
    struct ch_key keys[] = {{"mean across replications", ch_palette[3], CH_LINE},
                            {"5-95% of replications", ch_palette[3], CH_BAND},
                            {ref_label, CH_GREY, CH_DASHED}};
    ch_legend(p->f, keys, isnan(ref) ? 2 : 3);
    const char *head[] = {"mean", "5th percentile", "95th percentile"};
    double *cols[] = {mid, lo, hi};
    char *cap = fs_sprintf("%s: %s", title, yt);
    time_table(p->f, t, cap, head, 3, cols);
    ch_end(p);
    fs_free(cap), fs_free(yt), fs_free(desc);
    fs_free(lo), fs_free(mid), fs_free(hi);
}

/* ---- delay reasons ------------------------------------------------------------------------ */

static const char *const fixed_reason[][2] = {
    {"assessment", "#E69F00"},     /* orange */
    {"rejected", "#D55E00"},       /* vermillion */
    {"chc_assessment", "#CC79A7"}, /* reddish purple */
    {"internal", "#000000"},       /* black */
    {"discharge_hour", "#F0E442"}, /* yellow */
};
/* Awaiting a unit: Okabe-Ito's bluish green, sky blue and blue, then five of Paul Tol's muted
 * scheme (also colour-blind safe: Tol, "Colour Schemes", SRON/EPS/TN/09-002, 2021): indigo,
 * wine, olive, teal, sand, so that up to eight units awaited in one chart have a colour each. */
static const char *const awaiting_pool[] = {"#009E73", "#56B4E9", "#0072B2", "#332288",
                                            "#882255", "#999933", "#44AA99", "#DDCC77"};
#define NPOOL 8

static int by_name(const void *a, const void *b) {
    return strcmp(**(const char *const *const *)a, **(const char *const *const *)b);
}

void rc_reason_colors(const char *const *reason, size_t n, const char **out) {
    const char *const **order = fs_calloc(n + 1, sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = &reason[i];
    qsort(order, n, sizeof *order, by_name); /* name order: the same whatever the file's order */
    int used[NPOOL] = {0};
    for (size_t k = 0; k < n; k++) {
        size_t i = (size_t)(order[k] - reason);
        out[i] = NULL;
        for (size_t j = 0; j < sizeof fixed_reason / sizeof *fixed_reason; j++)
            if (!strcmp(reason[i], fixed_reason[j][0])) out[i] = fixed_reason[j][1];
        if (out[i]) continue;
        size_t h = fs_hash(FS_HASH_INIT, reason[i]) % NPOOL;
        for (size_t probe = 0; probe < NPOOL && used[h]; probe++) h = (h + 1) % NPOOL;
        used[h] = 1; /* once all are used, colours repeat (white edges still part the stacks) */
        out[i] = awaiting_pool[h];
    }
    fs_free(order);
}

void rc_reasons(struct ch_page *p, const struct runts *t, const char *unit) {
    const struct series **r = fs_calloc(t->ns + 1, sizeof *r);
    size_t n = 0;
    double total = 0;
    for (size_t i = 0; i < t->ns; i++)
        if (!strcmp(t->s[i].unit, unit) && !strncmp(t->s[i].metric, "delayed_days_", 13)) {
            r[n++] = &t->s[i];
            total += t->s[i].total;
        }
    const struct series *all = rd_find(t, unit, "delayed_days");
    if (!n || !(total > 0)) {
        fs_free(r);
        return;
    }
    double **mids = fs_calloc(n + 3, sizeof *mids);
    for (size_t i = 0; i < n + 3; i++) mids[i] = fs_calloc(t->nb + 1, sizeof **mids);
    double *tlo = mids[n], *tmid = mids[n + 1], *thi = mids[n + 2], *lo = fs_malloc(t->nb * 8),
           *hi = fs_malloc(t->nb * 8), *base = fs_calloc(t->nb + 1, sizeof *base),
           *top = fs_malloc(t->nb * sizeof *top);
    for (size_t i = 0; i < n; i++) rd_bands(t, r[i], lo, mids[i], hi);
    if (all) rd_bands(t, all, tlo, tmid, thi);
    double ymax = 0;
    for (size_t b = 0; b < t->nb; b++) {
        double sum = 0;
        for (size_t i = 0; i < n; i++) sum += isnan(mids[i][b]) ? 0 : mids[i][b];
        ymax = fmax(ymax, sum);
        if (all && !isnan(thi[b])) ymax = fmax(ymax, thi[b]);
    }
    struct ch_frame fr = time_frame(t);
    char *title = fs_sprintf("%s: delayed bed-days per day by reason", unit);
    struct axis ya;
    if (ch_y_axis(&fr, &ya, 0, ymax * 1.08, "delayed_days", 0) != 0) {
        ch_not_drawn(p, title);
    } else {
        char *desc = describe(t, all ? tmid : mids[0], title, "bed-days per day");
        char *d2 = fs_sprintf("%s The mean of each reason is stacked in its own colour.", desc);
        ch_open(p, title, d2);
        fs_free(desc), fs_free(d2);
        char *yt = ytitle("delayed_days", 0);
        axes(p->f, &fr, &ya, t, yt);
        if (all) band(p->f, &fr, t, tlo, thi, CH_GREY);
        const char **names = fs_calloc(n + 1, sizeof *names),
                   **colors = fs_calloc(n + 1, sizeof *colors);
        for (size_t i = 0; i < n; i++) names[i] = r[i]->metric + 13;
        rc_reason_colors(names, n, colors);
        for (size_t i = 0; i < n; i++) {
            for (size_t b = 0; b < t->nb; b++)
                top[b] = base[b] + (isnan(mids[i][b]) ? 0 : mids[i][b]);
            fprintf(p->f, "<path class=\"stack\" fill=\"%s\" d=\"", colors[i]);
            for (size_t b = 0; b < t->nb; b++)
                fprintf(p->f, "%c%.1f %.1f ", b ? 'L' : 'M', ch_px(&fr, t->time[b]),
                        ch_py(&fr, top[b]));
            for (size_t b = t->nb; b-- > 0;)
                fprintf(p->f, "L%.1f %.1f ", ch_px(&fr, t->time[b]), ch_py(&fr, base[b]));
            fputs("Z\"/>\n", p->f);
            memcpy(base, top, t->nb * sizeof *base);
        }
        ch_close(p);
        struct ch_key *keys = fs_calloc(n + 1, sizeof *keys);
        size_t nk = 0;
        for (size_t i = 0; i < n; i++) keys[nk++] = (struct ch_key){names[i], colors[i], CH_AREA};
        if (all) keys[nk++] = (struct ch_key){"total: 5-95% of replications", CH_GREY, CH_BAND};
        ch_legend(p->f, keys, nk);
        const char **head = fs_calloc(n + 3, sizeof *head);
        double **cols = fs_calloc(n + 3, sizeof *cols);
        size_t nc = 0;
        for (size_t i = 0; i < n; i++) head[nc] = names[i], cols[nc++] = mids[i];
        if (all) {
            head[nc] = "total: 5th percentile", cols[nc++] = tlo;
            head[nc] = "total: 95th percentile", cols[nc++] = thi;
        }
        char *cap = fs_sprintf("%s (means across replications)", title);
        time_table(p->f, t, cap, head, nc, cols);
        ch_end(p);
        fs_free(cap), fs_free(head), fs_free(cols), fs_free(keys), fs_free(yt);
        fs_free(names), fs_free(colors);
    }
    fs_free(title);
    for (size_t i = 0; i < n + 3; i++) fs_free(mids[i]);
    fs_free(mids), fs_free(lo), fs_free(hi), fs_free(base), fs_free(top), fs_free(r);
}

/* ---- places open against places used ------------------------------------------------------ */

int rc_beds(struct ch_page *p, const struct runts *t, const char *unit) {
    const struct series *occ = rd_find(t, unit, "occupancy");
    /* Places available per replication and bucket: occupancy / (occupancy_pct / 100), both
     * time averages over the bucket (models/metrics.c, available_area); none where empty. The
     * series of it is there where the unit has both (report_data.c). */
    if (!occ || !occ->open || t->nb < 2) return 0;
    double *lo = fs_malloc(t->nb * 8), *mid = fs_malloc(t->nb * 8), *hi = fs_malloc(t->nb * 8),
           *olo = fs_malloc(t->nb * 8), *omid = fs_malloc(t->nb * 8), *ohi = fs_malloc(t->nb * 8);
    rd_bands(t, occ, lo, mid, hi);
    rd_bands(t, occ->open, olo, omid, ohi);
    double a = INFINITY, b = -INFINITY, ymax = 0;
    for (size_t k = 0; k < t->nb; k++) {
        if (!isnan(omid[k])) a = fmin(a, omid[k]), b = fmax(b, omid[k]), ymax = fmax(ymax, ohi[k]);
        if (!isnan(hi[k])) ymax = fmax(ymax, hi[k]);
    }
    /* Drawn where the places open changed: by more than the 9 significant digits the CSV's
     * two numbers carry (the ratio's rounding), relative to the level. */
    int drawn = 0;
    struct ch_frame fr = time_frame(t);
    struct axis ya;
    char *title = fs_sprintf("%s: places open against places used", unit);
    if (b - a > 1e-6 * fmax(fabs(a), fabs(b)) && !p) {
        drawn = 1;
    } else if (b - a > 1e-6 * fmax(fabs(a), fabs(b))) {
        drawn = 1;
        if (ch_y_axis(&fr, &ya, 0, ymax * 1.08, "occupancy", 0) != 0) {
            ch_not_drawn(p, title);
        } else {
            char *desc = fs_sprintf(
                "%s, %s to %s, means across %zu replications: places open (capacity, and any "
                "place held beyond it) ranged from %.4g to %.4g; patients in place are the solid "
                "line with its 5-95%% band.",
                title, t->date[0], t->date[t->nb - 1], t->nrep, a, b);
            ch_open(p, title, desc);
            fs_free(desc);
            axes(p->f, &fr, &ya, t, "patients or places");
            band(p->f, &fr, t, lo, hi, ch_palette[3]);
            polyline(p->f, &fr, t, mid, ch_palette[3], "line");
            polyline(p->f, &fr, t, omid, ch_palette[4], "line dashed");
            ch_close(p);
            struct ch_key keys[] = {{"patients in place (mean)", ch_palette[3], CH_LINE},
                                    {"5-95% of replications", ch_palette[3], CH_BAND},
                                    {"places open (mean)", ch_palette[4], CH_DASHED}};
            ch_legend(p->f, keys, 3);
            const char *head[] = {"patients (mean)", "places open (mean)"};
            double *cols[] = {mid, omid};
            time_table(p->f, t, title, head, 2, cols);
            ch_end(p);
        }
    }
    fs_free(title);
    fs_free(lo), fs_free(mid), fs_free(hi), fs_free(olo), fs_free(omid), fs_free(ohi);
    return drawn;
}

/* ---- the warm-up ------------------------------------------------------------------------- */

void rc_welch(struct ch_page *p, const struct runts *w, const struct series *s, double warmup) {
    double *lo = fs_malloc(w->nb * sizeof *lo), *mid = fs_malloc(w->nb * sizeof *mid),
           *hi = fs_malloc(w->nb * sizeof *hi), *ma = fs_malloc(w->nb * sizeof *ma);
    rd_bands(w, s, lo, mid, hi);
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
    struct ch_frame fr = time_frame(w);
    char *title =
        fs_sprintf("%s: occupancy from the start, for judging the warm-up (Welch)", s->unit);
    struct axis ya;
    if (ch_y_axis(&fr, &ya, 0, ymax * 1.08, "occupancy", 0) != 0) {
        ch_not_drawn(p, title);
    } else {
        char *d0 = describe(w, ma, title, "patients");
        char *desc =
            fs_sprintf("%s The dashed line marks the end of the warm-up, day %g.", d0, warmup);
        ch_open(p, title, desc);
        fs_free(d0), fs_free(desc);
        axes(p->f, &fr, &ya, w, "occupancy (patients)");
        polyline(p->f, &fr, w, mid, ch_palette[1], "line thin");
        polyline(p->f, &fr, w, ma, ch_palette[4], "line");
        int mark = warmup > fr.x0 && warmup < fr.x1;
        if (mark)
            fprintf(p->f, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" class=\"ref\"/>\n",
                    ch_px(&fr, warmup), ch_px(&fr, warmup), CH_MT, CH_H - CH_MB);
        ch_close(p);
        struct ch_key keys[] = {{"mean across replications", ch_palette[1], CH_LINE},
                                {"its moving average (Welch)", ch_palette[4], CH_LINE},
                                {"end of the warm-up", CH_GREY, CH_DASHED}};
        ch_legend(p->f, keys, mark ? 3 : 2);
        const char *head[] = {"mean occupancy", "moving average"};
        double *cols[] = {mid, ma};
        time_table(p->f, w, title, head, 2, cols);
        ch_end(p);
    }
    fs_free(title), fs_free(lo), fs_free(mid), fs_free(hi), fs_free(ma);
}

/* ---- a comparison's levels ---------------------------------------------------------------- */

void rc_whiskers(struct ch_page *p, const struct table *tb, const char *unit, const char *metric) {
    const char **name = fs_calloc(tb->n + 1, sizeof *name);
    double *m = fs_calloc(tb->n + 1, sizeof *m), *lo = fs_calloc(tb->n + 1, sizeof *lo),
           *hi = fs_calloc(tb->n + 1, sizeof *hi);
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
    if (n >= 2) {
        double pad = (ymax - ymin) * 0.15;
        struct ch_frame fr = {0, (double)n, 0, 1};
        char label[160];
        ch_label(metric, !*unit, label, sizeof label);
        char *title = fs_sprintf("%s: %s, each scenario's mean and 95%% interval",
                                 *unit ? unit : "whole system", label);
        struct axis ya;
        if (ch_y_axis(&fr, &ya, ymin - pad, ymax + pad, metric, !*unit) != 0) {
            ch_not_drawn(p, title);
        } else {
            char *desc = fs_sprintf("%s, %zu scenarios: each scenario's own mean with its "
                                    "unpaired 95%% interval; the paired differences above are "
                                    "the comparison. The table below gives the numbers.",
                                    title, n);
            ch_open(p, title, desc);
            fs_free(desc);
            char *yt = ytitle(metric, !*unit);
            ch_y_grid(p->f, &fr, &ya, yt);
            for (size_t i = 0; i < n; i++) {
                double x = ch_px(&fr, (double)i + 0.5);
                const char *c = ch_palette[i % CH_NCOLORS];
                fprintf(p->f,
                        "<path class=\"whisker\" d=\"M%.1f %.1f L%.1f %.1f M%.1f %.1f L%.1f %.1f "
                        "M%.1f %.1f L%.1f %.1f\"/>",
                        x, ch_py(&fr, lo[i]), x, ch_py(&fr, hi[i]), x - 8, ch_py(&fr, lo[i]), x + 8,
                        ch_py(&fr, lo[i]), x - 8, ch_py(&fr, hi[i]), x + 8, ch_py(&fr, hi[i]));
                fprintf(p->f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>", x,
                        ch_py(&fr, m[i]), c);
                if (n <= 12) {
                    fprintf(p->f,
                            "<text x=\"%.1f\" y=\"%g\" class=\"tick\" "
                            "text-anchor=\"middle\">",
                            x, CH_H - CH_MB + 16);
                    ch_esc(p->f, name[i]);
                    fputs("</text>\n", p->f);
                }
            }
            ch_close(p);
            struct ch_key *keys = fs_calloc(n + 2, sizeof *keys);
            for (size_t i = 0; i < n; i++)
                keys[i] = (struct ch_key){name[i], ch_palette[i % CH_NCOLORS], CH_DOT};
            keys[n] = (struct ch_key){"95% interval (whiskers)", "#333333", CH_LINE};
            ch_legend(p->f, keys, n + 1);
            fs_free(keys);
            static const char *const head[] = {"scenario", "mean", "95% low", "95% high"};
            char *cap = fs_sprintf("%s (%s)", title, ch_measure(metric, !*unit));
            ch_table_open(p->f, cap, head, 4, 1);
            for (size_t i = 0; i < n; i++) {
                ch_row_head(p->f, name[i]);
                ch_cell_num(p->f, m[i], 0);
                ch_cell_num(p->f, lo[i], 0);
                ch_cell_num(p->f, hi[i], 0);
                ch_row_end(p->f);
            }
            ch_table_close(p->f, 1);
            ch_end(p);
            fs_free(cap), fs_free(yt);
        }
        fs_free(title);
    }
    fs_free(name), fs_free(m), fs_free(lo), fs_free(hi);
}
