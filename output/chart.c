#include "chart.h"

#include <math.h>
#include <string.h>

#include "models/metrics.h"

const char *const ch_palette[CH_NCOLORS] = {"#E69F00", "#56B4E9", "#009E73",
                                            "#0072B2", "#D55E00", "#CC79A7"};

double ch_px(const struct ch_frame *fr, double x) {
    return CH_ML + (x - fr->x0) / (fr->x1 - fr->x0) * (CH_W - CH_ML - CH_MR);
}

double ch_py(const struct ch_frame *fr, double y) {
    return CH_H - CH_MB - (y - fr->y0) / (fr->y1 - fr->y0) * (CH_H - CH_MT - CH_MB);
}

void ch_esc(FILE *f, const char *s) {
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

void ch_num(FILE *f, double v, int sign) {
    if (isnan(v)) return;
    fprintf(f, sign ? "%+.4g" : "%.4g", v == 0 ? 0.0 : v); /* never "-0" */
}

/* About this many ticks on a y axis (at most twice as many, axis.h). */
#define Y_TICKS 5

int ch_y_axis(struct ch_frame *fr, struct axis *ya, double lo, double hi, const char *metric,
              int system) {
    double lower, upper;
    metric_bounds(metric, system, &lower, &upper);
    if (axis_nice_within(lo, hi, Y_TICKS, lower, upper, ya) != AXIS_OK) return -1;
    fr->y0 = ya->min, fr->y1 = ya->max;
    return 0;
}

void ch_y_grid(FILE *f, const struct ch_frame *fr, const struct axis *ya, const char *title) {
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" class=\"plot\"/>\n", CH_ML,
            CH_MT, CH_W - CH_ML - CH_MR, CH_H - CH_MT - CH_MB);
    for (int i = 0; i < ya->count; i++) {
        char label[32];
        double y = ch_py(fr, axis_tick(ya, i));
        axis_label(ya, i, label, sizeof label);
        fprintf(f, "<line x1=\"%g\" x2=\"%g\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", CH_ML,
                CH_W - CH_MR, y, y);
        fprintf(f, "<text x=\"%g\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>\n",
                CH_ML - 6, y + 4, label);
    }
    double mid = CH_MT + (CH_H - CH_MT - CH_MB) / 2;
    fprintf(f,
            "<text x=\"14\" y=\"%g\" class=\"axis\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 14 %g)\">",
            mid, mid);
    ch_esc(f, title);
    fputs("</text>\n", f);
}

void ch_open(struct ch_page *p, const char *title, const char *desc) {
    int id = p->next_id++;
    fputs("<figure><figcaption>", p->f);
    ch_esc(p->f, title);
    fprintf(p->f,
            "</figcaption>\n<svg class=\"chart\" viewBox=\"0 0 %g %g\" role=\"img\" "
            "aria-labelledby=\"c%d-t c%d-d\">\n<title id=\"c%d-t\">",
            CH_W, CH_H, id, id, id);
    ch_esc(p->f, title);
    fprintf(p->f, "</title><desc id=\"c%d-d\">", id);
    ch_esc(p->f, desc);
    fputs("</desc>\n", p->f);
}

void ch_close(struct ch_page *p) {
    fputs("</svg>\n", p->f);
}

void ch_end(struct ch_page *p) {
    fputs("</figure>\n", p->f);
}

void ch_not_drawn(struct ch_page *p, const char *title) {
    fputs("<figure><figcaption>", p->f);
    ch_esc(p->f, title);
    fputs("</figcaption>\n<p>Not drawn: its values are beyond what a chart's axis can show.</p>"
          "</figure>\n",
          p->f);
}

void ch_legend(FILE *f, const struct ch_key *k, size_t n) {
    /* Keys are CSS boxes styled as the mark: a line is a rule, a dashed line a dashed rule, a
     * band a pale block, a marker a dot or a ring (no SVG: every <svg> on the page is a chart). */
    static const char *const cls[] = {"k-line", "k-dash", "k-band", "k-area", "k-dot", "k-ring"};
    fputs("<ul class=\"legend\">", f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "<li><i class=\"%s\" style=\"--c:%s\"></i>", cls[k[i].mark], k[i].color);
        ch_esc(f, k[i].name);
        fputs("</li>", f);
    }
    fputs("</ul>\n", f);
}

void ch_table_open(FILE *f, const char *caption, const char *const *head, size_t ncol,
                   int collapsed) {
    ch_table_open_as(f, NULL, caption, head, ncol, collapsed);
}

void ch_table_open_as(FILE *f, const char *tag, const char *caption, const char *const *head,
                      size_t ncol, int collapsed) {
    if (collapsed) fputs("<details><summary>Data table</summary>\n", f);
    /* A table wider than the page scrolls, not the page; a region a keyboard can reach and
     * scroll (WCAG 2.1.1: axe's scrollable-region-focusable), named by the table's caption. */
    fputs("<div class=\"wide\" tabindex=\"0\" role=\"region\" aria-label=\"", f);
    ch_esc(f, caption);
    fputs("\">", f);
    if (tag)
        fprintf(f, "<table data-flowsim=\"%s\"><caption>", tag);
    else
        fputs("<table><caption>", f);
    ch_esc(f, caption);
    fputs("</caption>\n<thead><tr>", f);
    for (size_t i = 0; i < ncol; i++) {
        fputs("<th scope=\"col\">", f);
        ch_esc(f, head[i]);
        fputs("</th>", f);
    }
    fputs("</tr></thead>\n<tbody>\n", f);
}

void ch_row_head(FILE *f, const char *text) {
    fputs("<tr><th scope=\"row\">", f);
    ch_esc(f, text);
    fputs("</th>", f);
}

void ch_cell(FILE *f, const char *text) {
    fputs("<td class=\"t\">", f); /* text reads from the left; numbers line up on the right */
    ch_esc(f, text);
    fputs("</td>", f);
}

void ch_cell_num(FILE *f, double v, int sign) {
    fputs("<td>", f);
    ch_num(f, v, sign);
    fputs("</td>", f);
}

void ch_row_end(FILE *f) {
    fputs("</tr>\n", f);
}

void ch_table_close(FILE *f, int collapsed) {
    fputs("</tbody></table></div>\n", f);
    if (collapsed) fputs("</details>\n", f);
}

/* Labels of the metrics the page names most; any other is its name in words. */
static const struct {
    const char *name, *label;
} labels[] = {
    {"occupancy", "occupancy"},
    {"occupancy_pct", "occupancy, % of places"},
    {"delayed_days", "delayed bed-days"},
    {"ae_4h_pct", "A&E 4-hour performance"},
    {"dtoc_per_100k", "delayed transfers per 100,000 people"},
    {"cost_per_day", "cost"},
    {"nctr", "patients with no criteria to reside"},
    {"los_mean", "mean length of stay"},
    {"wait_mean", "mean wait"},
    {"delayed_days_awaiting_", "delayed bed-days awaiting "},
    {"delayed_days_", "delayed bed-days: "},
};

void ch_label(const char *name, int system, char *buf, size_t len) {
    (void)system;
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++) {
        size_t n = strlen(labels[i].name);
        int prefix = labels[i].name[n - 1] == '_';
        if (prefix ? !strncmp(name, labels[i].name, n) : !strcmp(name, labels[i].name)) {
            snprintf(buf, len, "%s%s", labels[i].label, prefix ? name + n : "");
            break;
        } else if (i + 1 == sizeof labels / sizeof *labels) {
            snprintf(buf, len, "%s", name);
        }
    }
    for (char *c = buf; *c; c++)
        if (*c == '_') *c = ' ';
}

const char *ch_measure(const char *name, int system) {
    const struct metric_def *d = metric_lookup(name, system);
    return d ? d->measure : "";
}
