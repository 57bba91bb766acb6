/* chart.h — the report's SVG and table primitives: a chart's frame and axes, legends whose keys
 * look like the marks they name, an accessible chart (a <figure> whose <svg> has role="img", a
 * <title> and a <desc> it is labelled by), and a chart's data as a table collapsed under it.
 *
 * Accessibility follows WCAG 2.1 AA (W3C, 2018): 1.1.1 (a text alternative: <title>, <desc>
 * and the data table), 1.3.1 (tables with <caption> and <th scope>), 1.4.3 (text contrast of at
 * least 4.5:1: text is #222 to #555 on white), 1.4.1 (colour is never the only cue: the forest
 * plot's filled and hollow markers are also said in words). Colours are Okabe and Ito's
 * colour-blind-safe palette ("Color Universal Design", 2002; Wong, "Points of view: Color
 * blindness", Nature Methods 8:441, 2011). */
#ifndef FS_CHART_H
#define FS_CHART_H

#include <stddef.h>
#include <stdio.h>

#include "axis.h"

/* A chart's size in SVG units, and its margins (left, right, top, bottom). */
#define CH_W 760.0
#define CH_H 280.0
#define CH_ML 62.0
#define CH_MR 16.0
#define CH_MT 14.0
#define CH_MB 46.0

/* Okabe-Ito, less its black and yellow (too light to read as a line on white): orange, sky
 * blue, bluish green, blue, vermillion, reddish purple; CH_GREY for reference lines. */
#define CH_NCOLORS 6
extern const char *const ch_palette[CH_NCOLORS];
#define CH_GREY "#555555"

/* A page being written: the file and the next id, so that every chart's title and description
 * have ids of their own on the page (aria-labelledby names them). */
struct ch_page {
    FILE *f;
    int next_id;
};

/* Data coordinates [x0, x1] x [y0, y1] mapped onto the plot area. */
struct ch_frame {
    double x0, x1, y0, y1;
};
double ch_px(const struct ch_frame *fr, double x);
double ch_py(const struct ch_frame *fr, double y);

/* s with <, >, & and " escaped for HTML. */
void ch_esc(FILE *f, const char *s);
/* A number as a table shows it: 4 significant digits, "" for NaN; signed with sign != 0. */
void ch_num(FILE *f, double v, int sign);

/* A y axis for data in [lo, hi] of the metric named metric (system: a system metric), cut at
 * what the metric can take (metric_bounds); fr's y range is set to it. Nonzero when no axis can
 * show the data (beyond +-AXIS_MAX_ABS, or not numbers). */
int ch_y_axis(struct ch_frame *fr, struct axis *ya, double lo, double hi, const char *metric,
              int system);
/* The plot area, the y axis' gridlines and tick labels, and its title (rotated). */
void ch_y_grid(FILE *f, const struct ch_frame *fr, const struct axis *ya, const char *title);

/* Open a chart: <figure>, its caption (title), and an <svg role="img"> labelled by its own
 * <title> (title) and <desc> (desc: what it shows, in words). ch_close ends the svg; the
 * caller then writes its legend and data table and ch_end ends the figure. */
void ch_open(struct ch_page *p, const char *title, const char *desc);
void ch_close(struct ch_page *p);
void ch_end(struct ch_page *p);
/* In place of a chart whose numbers no axis can show: its title and why. */
void ch_not_drawn(struct ch_page *p, const char *title);

/* A legend's key drawn like its mark: a solid or dashed line, a band, a filled area, a filled
 * or a hollow marker. */
enum ch_mark { CH_LINE, CH_DASHED, CH_BAND, CH_AREA, CH_DOT, CH_RING };
struct ch_key {
    const char *name;
    const char *color;
    enum ch_mark mark;
};
void ch_legend(FILE *f, const struct ch_key *k, size_t n);

/* A data table collapsed under its chart (<details>): caption, and ncol column headers
 * (<th scope="col">). Rows are written by the caller: ch_row_head (the row's first cell,
 * <th scope="row">), then ch_cell/ch_cell_num cells, then ch_row_end. */
void ch_table_open(FILE *f, const char *caption, const char *const *head, size_t ncol,
                   int collapsed);
/* The same, the table marked data-flowsim="TAG" (the browser test's contract for the table a
 * page leads with: tests/browser/README.md), or unmarked when tag is NULL. */
void ch_table_open_as(FILE *f, const char *tag, const char *caption, const char *const *head,
                      size_t ncol, int collapsed);
void ch_row_head(FILE *f, const char *text);
void ch_cell(FILE *f, const char *text);
void ch_cell_num(FILE *f, double v, int sign);
void ch_row_end(FILE *f);
void ch_table_close(FILE *f, int collapsed);

/* A short human label of the metric named name as a CSV has it ("A&E 4-hour performance"
 * for ae_4h_pct; a per-target metric's target after it), into buf; and its unit of measure
 * from the registry (MEASURE), "" for a name of no registry metric. */
void ch_label(const char *name, int system, char *buf, size_t len);
const char *ch_measure(const char *name, int system);

#endif
