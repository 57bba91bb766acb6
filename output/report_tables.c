#include "report_tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/limits.h"
#include "models/metrics.h"
#include "output/contable.h"
#include "output/csvout.h"
#include "output/results.h"
#include "output/utf8.h"
#include "report_data.h"
#include "sim/core.h"

/* The unit of a paired difference: a difference of percentages is in percentage points, not a
 * per cent change. */
static const char *diff_measure(const char *metric, int system) {
    const char *m = ch_measure(metric, system);
    return !strcmp(m, "%") ? "percentage points" : m;
}

static double cell(const struct table_row *r, int k) {
    if (k < 0 || (size_t)k >= r->n || !*r->field[k]) return NAN;
    return strtod(r->field[k], NULL); /* the table's numbers were checked, or are ours */
}

static void interval_cell(FILE *f, double lo, double hi, int sign) {
    fputs("<td>", f);
    if (!isnan(lo) && !isnan(hi)) {
        fputc('[', f);
        ch_num(f, lo, sign);
        fputs(", ", f);
        ch_num(f, hi, sign);
        fputc(']', f);
    }
    fputs("</td>", f);
}

static const char *where(const char *unit) {
    return *unit ? unit : "whole system";
}

void rt_headlines(struct ch_page *p, const char *path) {
    struct table tb;
    char err[FS_MSG_MAX];
    if (table_read(path, &tb, err, sizeof err) != 0) return;
    int cu = rd_column(&tb, "unit"), cm = rd_column(&tb, "metric"), cs = rd_column(&tb, "scenario");
    int cmean = rd_column(&tb, "mean"), clo = rd_column(&tb, "ci95_low"),
        chi = rd_column(&tb, "ci95_high");
    if (cu < 0 || cm < 0 || cs < 0 || cmean < 0) {
        table_fini(&tb);
        return;
    }
    struct rd_kinds *kinds = rd_kinds_of(&tb, cm, cu, cs);
    static const char *const head[] = {"metric", "where", "mean", "95% interval",
                                       "unit of measure"};
    fputs("<h2>Headline results</h2>\n", p->f);
    ch_table_open_as(p->f, "headline-table",
                     "Each headline metric: mean across replications and its 95% interval", head, 5,
                     0);
    for (size_t i = 1; i < tb.n; i++) {
        const struct table_row *r = &tb.row[i];
        if (r->n <= (size_t)cmean || !rd_headline(kinds, r->field[cu], r->field[cm])) continue;
        char label[160];
        ch_label(r->field[cm], !*r->field[cu], label, sizeof label);
        /* The row's metric and unit by their CSV names, for a reader that checks the numbers. */
        fputs("<tr data-metric=\"", p->f);
        ch_esc(p->f, r->field[cm]);
        fputs("\" data-unit=\"", p->f);
        ch_esc(p->f, r->field[cu]);
        fputs("\"><th scope=\"row\">", p->f);
        ch_esc(p->f, label);
        fputs("</th>", p->f);
        ch_cell(p->f, where(r->field[cu]));
        ch_cell_num(p->f, cell(r, cmean), 0);
        interval_cell(p->f, cell(r, clo), cell(r, chi), 0);
        ch_cell(p->f, ch_measure(r->field[cm], !*r->field[cu]));
        ch_row_end(p->f);
    }
    ch_table_close(p->f, 0);
    rd_kinds_free(kinds);
    table_fini(&tb);
}

void rt_warnings(struct ch_page *p, const char *info) {
    char *w = info ? results_info_lines(info, "warning") : NULL;
    if (w && *w) {
        fputs("<h2>Warnings</h2>\n<ul class=\"warn\">\n", p->f);
        for (char *line = w, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            *nl = 0;
            fputs("<li>", p->f);
            ch_esc(p->f, line);
            fputs("</li>\n", p->f);
        }
        fputs("</ul>\n", p->f);
    }
    fs_free(w);
}

/* "UNIT: what was found: VERDICT", or "UNIT: not tested (why)". */
void rt_stationarity(struct ch_page *p, const char *info) {
    char *s = info ? results_info_lines(info, "stationarity") : NULL;
    if (s && *s) {
        static const char *const head[] = {"unit", "verdict", "what the trend test found"};
        fputs("<h2>Stationarity</h2>\n<p>Whether each unit was steady over the report period "
              "(the trend test, docs/model.md).</p>\n",
              p->f);
        ch_table_open(p->f, "Each unit's stationarity verdict", head, 3, 0);
        for (char *line = s, *nl; *line; line = nl + 1) {
            nl = strchr(line, '\n');
            *nl = 0;
            char *colon = strstr(line, ": ");
            if (!colon) continue;
            *colon = 0;
            char *rest = colon + 2, *verdict = strrchr(rest, ':');
            ch_row_head(p->f, line);
            if (!strncmp(rest, "not tested", 10) || !verdict) {
                ch_cell(p->f, "not tested");
                ch_cell(p->f, rest);
            } else {
                *verdict = 0;
                ch_cell(p->f, verdict + 1 + (verdict[1] == ' '));
                ch_cell(p->f, rest);
            }
            ch_row_end(p->f);
        }
        ch_table_close(p->f, 0);
    }
    fs_free(s);
}

void rt_run_facts(struct ch_page *p, const char *info) {
    static const char *const keys[][2] = {
        {"scenario_file", "scenario file"},
        {"seed", "seed"},
        {"replications", "replications"},
        {"flowsim_version", "flowsim version"},
        {"git_revision", "git revision"},
        {"command", "command"},
        {"finished_utc", "finished (UTC)"},
        {"wall_seconds", "wall time (seconds)"},
        {"events", "events"},
        {"patients", "patients"},
    };
    if (!info) return;
    static const char *const head[] = {"item", "value"};
    fputs("<h2>The run</h2>\n", p->f);
    ch_table_open(p->f, "What was run (run-info)", head, 2, 0);
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        char *v = results_info_lines(info, keys[i][0]);
        if (*v) {
            v[strcspn(v, "\n")] = 0;
            ch_row_head(p->f, keys[i][1]);
            ch_cell(p->f, v);
            ch_row_end(p->f);
        }
        fs_free(v);
    }
    ch_table_close(p->f, 0);
}

int rt_reproduction(struct ch_page *p, const char *path) {
    struct table tb;
    char err[FS_MSG_MAX];
    if (table_read(path, &tb, err, sizeof err) != 0) return -1;
    /* Every text as given (a review value "=90", a tolerance "-5 pts"), not as neutralised for
     * a spreadsheet. */
    for (size_t i = 1; i < tb.n; i++)
        for (size_t k = 0; k < tb.row[i].n; k++) csvout_plain(tb.row[i].field[k]);
    int cq = rd_column(&tb, "quantity"), cr = rd_column(&tb, "review_value"),
        cm = rd_column(&tb, "flowsim_mean"), clo = rd_column(&tb, "ci95_low"),
        chi = rd_column(&tb, "ci95_high"), ct = rd_column(&tb, "tolerance"),
        cw = rd_column(&tb, "within"), ck = rd_column(&tb, "kind"), cf = rd_column(&tb, "from"),
        cto = rd_column(&tb, "to"), cd = rd_column(&tb, "drift");
    if (cq < 0 || cr < 0 || cm < 0 || cw < 0) {
        table_fini(&tb);
        return -1;
    }
    static const char *const head[] = {"quantity",     "period",       "kind",      "review value",
                                       "flowsim mean", "95% interval", "tolerance", "verdict"};
    fputs("<h2>Reproduction</h2>\n<p>Each published figure beside flowsim's mean and 95% "
          "interval, and whether it is within the tolerance (reproduction.csv).</p>\n",
          p->f);
    ch_table_open_as(p->f, "reproduction-table",
                     "The reproduction: review values against flowsim's", head, 8, 0);
    for (size_t i = 1; i < tb.n; i++) {
        const struct table_row *r = &tb.row[i];
        ch_row_head(p->f, table_field(r, cq));
        fputs("<td>", p->f);
        if (cf >= 0 && *table_field(r, cf)) {
            ch_esc(p->f, table_field(r, cf));
            fputs(" to ", p->f);
            ch_esc(p->f, table_field(r, cto));
        }
        fputs("</td>", p->f);
        ch_cell(p->f, ck >= 0 ? table_field(r, ck) : "");
        ch_cell(p->f, table_field(r, cr));
        ch_cell_num(p->f, cell(r, cm), 0);
        interval_cell(p->f, cell(r, clo), cell(r, chi), 0);
        ch_cell(p->f, ct >= 0 ? table_field(r, ct) : "");
        int input = ck >= 0 && !strcmp(table_field(r, ck), "input");
        int drift = cd >= 0 && !strcmp(table_field(r, cd), "yes");
        int within = !strcmp(table_field(r, cw), "yes");
        ch_cell(p->f,
                drift    ? "not shown steady"
                : input  ? (within ? "within (input, not counted)" : "outside (input, not counted)")
                : within ? "within"
                         : "outside");
        ch_row_end(p->f);
    }
    ch_table_close(p->f, 0);
    table_fini(&tb);
    return 0;
}

/* ---- the paired answer ---------------------------------------------------------------------- */

struct paired_row { /* one variant's difference in one (metric, unit) */
    size_t metric;  /* index into the metric list */
    const char *variant;
    size_t vi; /* the variant's index, for its colour */
    double d, lo, hi;
};

static int excludes0(const struct paired_row *r) {
    return !isnan(r->lo) && !isnan(r->hi) && (r->lo > 0 || r->hi < 0);
}

/* The forest plot's layout: each metric a block of a title line, a row per variant (its name
 * left of the plot, its numbers right of it) and the block's own ticks. */
#define FP_X0 210.0
#define FP_X1 500.0
#define FP_HEAD 22.0
#define FP_ROW 20.0
#define FP_AXIS 30.0
/* A tick label's width a character (11 px DejaVu Sans digits are 7 px: with room to spare),
 * and the columns of a variant's name that fit the margin left of the plot. */
#define FP_CHAR 7.0
#define FP_LABEL_COLS 28

/* Right of the plot: "+d [+lo, +hi] excludes 0" (or "not defined ..."); its length. */
static size_t annotation(const struct paired_row *r, char *buf, size_t len) {
    const char *verdict = excludes0(r) ? " excludes 0" : " includes 0";
    int n = isnan(r->d) || isnan(r->lo) || isnan(r->hi)
                ? snprintf(buf, len, "not defined%s", verdict)
                : snprintf(buf, len, "%+.3g [%+.3g, %+.3g]%s", r->d + 0.0, r->lo + 0.0, r->hi + 0.0,
                           verdict); /* + 0.0: never "-0" */
    return n < 0 ? 0 : (size_t)n;
}

/* A variant's name cut to FP_LABEL_COLS terminal columns with "…", so that it stays in the
 * margin left of the plot; returns 1 when cut. Cut between UTF-8 characters. */
static int short_label(const char *name, char *out, size_t len) {
    if (ctab_width(name) <= FP_LABEL_COLS || len < 8) {
        snprintf(out, len, "%s", name);
        return 0;
    }
    size_t k = 0, used = 0;
    while (name[k]) {
        const char *next = name + k;
        size_t w = (size_t)ctab_columns(utf8_next(&next, NULL)), c = (size_t)(next - name) - k;
        if (used + w > FP_LABEL_COLS - 1 || k + c + 4 > len) break;
        used += w, k += c;
    }
    snprintf(out, len, "%.*s\u2026", (int)k, name);
    return 1;
}

static void forest(struct ch_page *p, const struct table *cmp, const size_t *mrow, size_t nm,
                   const struct paired_row *pr, size_t np, const char *base) {
    FILE *f = p->f;
    double height = 16;
    for (size_t m = 0; m < nm; m++) {
        size_t nv = 0;
        for (size_t i = 0; i < np; i++) nv += pr[i].metric == m;
        height += FP_HEAD + (double)nv * FP_ROW + FP_AXIS;
    }
    size_t nx = 0;
    for (size_t i = 0; i < np; i++) nx += excludes0(&pr[i]);
    char *title = fs_sprintf("Paired differences from %s, with 95%% intervals", base);
    char *desc = fs_sprintf(
        "A forest plot: for each headline metric, each variant's mean paired difference from "
        "%s (the same patients in both) with its 95%% interval, on a scale of its own centred "
        "on 0. %zu of the %zu intervals exclude 0 (a filled marker); the others include it (a "
        "hollow marker). The table below gives every number.",
        base, nx, np);
    /* As wide as the longest figures right of the plot need (1.8e+11 [...] is long): the page
     * scales the drawing to fit rather than cut them. */
    size_t ann = 0;
    for (size_t i = 0; i < np; i++) {
        char buf[128];
        size_t k = annotation(&pr[i], buf, sizeof buf);
        ann = k > ann ? k : ann;
    }
    double width = fmax(CH_W, FP_X1 + 16 + FP_CHAR * (double)ann);
    int id = p->next_id++;
    fputs("<figure><figcaption>", f);
    ch_esc(f, title);
    fprintf(f,
            "</figcaption>\n<svg class=\"chart forest\" data-flowsim=\"paired-chart\" "
            "viewBox=\"0 0 %g %g\" role=\"img\" "
            "aria-labelledby=\"c%d-t c%d-d\">\n<title id=\"c%d-t\">",
            width, height, id, id, id);
    ch_esc(f, title);
    fprintf(f, "</title><desc id=\"c%d-d\">", id);
    ch_esc(f, desc);
    fputs("</desc>\n", f);
    fs_free(title), fs_free(desc);
    double y = 16, mid = (FP_X0 + FP_X1) / 2;
    for (size_t m = 0; m < nm; m++) {
        const struct table_row *r = &cmp->row[mrow[m]];
        double half = 0;
        size_t nv = 0;
        for (size_t i = 0; i < np; i++)
            if (pr[i].metric == m) {
                nv++;
                double e[] = {pr[i].d, pr[i].lo, pr[i].hi};
                for (int k = 0; k < 3; k++)
                    if (isfinite(e[k])) half = fmax(half, fabs(e[k]));
            }
        struct axis ax;
        if (!(half > 0) || axis_nice(-half, half, 4, &ax) != AXIS_OK) axis_nice(-1, 1, 4, &ax);
        half = fmax(fabs(ax.min), fabs(ax.max));
        double top = y + FP_HEAD, bottom = top + (double)nv * FP_ROW;
        char label[200];
        ch_label(r->field[0], !*r->field[1], label, sizeof label);
        fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" class=\"plot\"/>\n", FP_X0,
                top - 4, FP_X1 - FP_X0, bottom - top + 8);
        fprintf(f, "<text x=\"4\" y=\"%g\" class=\"axis\">", y + 12);
        ch_esc(f, where(r->field[1]));
        fputs(": ", f);
        ch_esc(f, label);
        fputs(" (", f);
        ch_esc(f, diff_measure(r->field[0], !*r->field[1]));
        fputs(")</text>\n", f);
#define FX(v) (mid + (v) / half * (FP_X1 - FP_X0) / 2)
        for (int k = 0; k < ax.count; k++) {
            double v = axis_tick(&ax, k);
            if (fabs(v) > half) continue;
            char tl[32];
            axis_label(&ax, k, tl, sizeof tl);
            fprintf(f,
                    "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%g\" y2=\"%g\" class=\"grid\"/><text "
                    "x=\"%.1f\" y=\"%g\" class=\"tick\" text-anchor=\"middle\">%s</text>\n",
                    FX(v), FX(v), top - 4, bottom + 4, FX(v), bottom + 17, tl);
        }
        double yy = top + FP_ROW / 2;
        for (size_t i = 0; i < np; i++) {
            if (pr[i].metric != m) continue;
            const char *c = ch_palette[pr[i].vi % CH_NCOLORS];
            if (!isnan(pr[i].lo) && !isnan(pr[i].hi))
                fprintf(f,
                        "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                        "class=\"ci\"/>",
                        FX(fmax(pr[i].lo, -half)), FX(fmin(pr[i].hi, half)), yy, yy, c);
            if (!isnan(pr[i].d))
                fprintf(f,
                        "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" stroke=\"%s\" fill=\"%s\" "
                        "class=\"%s\"/>",
                        FX(pr[i].d), yy, c, excludes0(&pr[i]) ? c : "#fff",
                        excludes0(&pr[i]) ? "excl" : "incl");
            fprintf(f, "<text x=\"%g\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">", FP_X0 - 8,
                    yy + 4);
            char shown[4 * FP_LABEL_COLS + 8], ab[128];
            if (short_label(pr[i].variant, shown, sizeof shown)) { /* the whole name on hover */
                fputs("<title>", f);
                ch_esc(f, pr[i].variant);
                fputs("</title>", f);
            }
            ch_esc(f, shown);
            annotation(&pr[i], ab, sizeof ab);
            fprintf(f, "</text><text x=\"%g\" y=\"%.1f\" class=\"tick\">%s</text>\n", FP_X1 + 8,
                    yy + 4, ab);
            yy += FP_ROW;
        }
#undef FX
        fprintf(f, "<line x1=\"%g\" x2=\"%g\" y1=\"%g\" y2=\"%g\" class=\"zero\"/>\n", mid, mid,
                top - 6, bottom + 6);
        y = bottom + FP_AXIS;
    }
    fputs("</svg>\n", f);
}

void rt_paired(struct ch_page *p, const struct table *cmp) {
    if (cmp->n < 2 || cmp->row[0].n < 9) return;
    const char *base = cmp->row[1].field[2];
    struct rd_kinds *kinds = rd_kinds_of(cmp, 0, 1, 2);
    size_t *mrow = fs_calloc(cmp->n, sizeof *mrow), nm = 0;
    struct paired_row *pr = fs_calloc(cmp->n, sizeof *pr);
    size_t np = 0;
    const char **variants = fs_calloc(cmp->n, sizeof *variants);
    size_t nvar = 0;
    /* The headline (metric, unit)s in the base's order, then each variant's difference. */
    for (size_t i = 1; i < cmp->n; i++) {
        const struct table_row *r = &cmp->row[i];
        if (r->n < 3 || strcmp(r->field[2], base) || !rd_headline(kinds, r->field[1], r->field[0]))
            continue;
        mrow[nm++] = i;
    }
    for (size_t i = 1; i < cmp->n; i++) {
        const struct table_row *r = &cmp->row[i];
        if (r->n < 9 || !strcmp(r->field[2], base)) continue;
        size_t vi = 0;
        while (vi < nvar && strcmp(variants[vi], r->field[2])) vi++;
        if (vi == nvar) variants[nvar++] = r->field[2];
        for (size_t m = 0; m < nm; m++) {
            const struct table_row *b = &cmp->row[mrow[m]];
            if (strcmp(b->field[0], r->field[0]) || strcmp(b->field[1], r->field[1])) continue;
            pr[np++] = (struct paired_row){m, r->field[2], vi, cell(r, 6), cell(r, 7), cell(r, 8)};
        }
    }
    /* Grouped by metric: the plot's rows and the table's. */
    struct paired_row *sorted = fs_calloc(np + 1, sizeof *sorted);
    size_t ns = 0;
    for (size_t m = 0; m < nm; m++)
        for (size_t i = 0; i < np; i++)
            if (pr[i].metric == m) sorted[ns++] = pr[i];
    fputs("<h2>The paired answer</h2>\n<p>Every scenario ran on the same patients (common random "
          "numbers), so each variant's difference from the base is measured replication by "
          "replication: these paired differences and their 95% intervals are the answer. An "
          "interval that excludes 0 is a difference the replications show; one that includes "
          "0 is not shown.</p>\n",
          p->f);
    if (ns) {
        forest(p, cmp, mrow, nm, sorted, ns, base);
        struct ch_key *keys = fs_calloc(nvar + 2, sizeof *keys);
        for (size_t v = 0; v < nvar; v++)
            keys[v] = (struct ch_key){variants[v], ch_palette[v % CH_NCOLORS], CH_LINE};
        keys[nvar] = (struct ch_key){"interval excludes 0", CH_GREY, CH_DOT};
        keys[nvar + 1] = (struct ch_key){"interval includes 0", CH_GREY, CH_RING};
        ch_legend(p->f, keys, nvar + 2);
        fs_free(keys);
        fputs("</figure>\n", p->f);
    }
    static const char *const head[] = {"metric",     "unit of measure", "where",     "variant",
                                       "difference", "95% interval",    "excludes 0"};
    char *cap = fs_sprintf("Paired differences from %s (variant minus base)", base);
    ch_table_open_as(p->f, "paired-table", cap, head, 7, 0);
    fs_free(cap);
    for (size_t i = 0; i < ns; i++) {
        const struct table_row *r = &cmp->row[mrow[sorted[i].metric]];
        char label[200];
        ch_label(r->field[0], !*r->field[1], label, sizeof label);
        fputs("<tr data-metric=\"", p->f);
        ch_esc(p->f, r->field[0]);
        fputs("\" data-unit=\"", p->f);
        ch_esc(p->f, r->field[1]);
        fputs("\" data-variant=\"", p->f);
        ch_esc(p->f, sorted[i].variant);
        fputs("\"><th scope=\"row\">", p->f);
        ch_esc(p->f, label);
        fputs("</th>", p->f);
        ch_cell(p->f, diff_measure(r->field[0], !*r->field[1]));
        ch_cell(p->f, where(r->field[1]));
        ch_cell(p->f, sorted[i].variant);
        ch_cell_num(p->f, sorted[i].d, 1);
        interval_cell(p->f, sorted[i].lo, sorted[i].hi, 1);
        ch_cell(p->f, excludes0(&sorted[i]) ? "yes" : "no");
        ch_row_end(p->f);
    }
    ch_table_close(p->f, 0);
    fs_free(sorted), fs_free(pr), fs_free(mrow), fs_free(variants);
    rd_kinds_free(kinds);
}
