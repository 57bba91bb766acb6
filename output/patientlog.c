#include "patientlog.h"

#include <math.h>
#include <string.h>

#include "csvout.h"
#include "sim/core.h"

struct plog {
    struct csvout_file cf;
    const struct scenario *sc;
    char **q_unit, **q_group;
    char **q_await; /* "awaiting_UNIT" as one CSV cell, per unit */
    int discharges; /* the scenario's: the columns of internal and discharge-hour delays */
};

static void free_log(struct plog *log) {
    for (size_t i = 0; i < log->sc->nunits; i++) fs_free(log->q_unit[i]), fs_free(log->q_await[i]);
    for (size_t g = 0; g < log->sc->ngroups; g++) fs_free(log->q_group[g]);
    fs_free(log->q_unit);
    fs_free(log->q_await);
    fs_free(log->q_group);
    fs_free(log);
}

struct plog *plog_open(const char *dir, const struct scenario *sc, char *err, size_t errlen) {
    struct plog *log = fs_calloc(1, sizeof *log);
    log->sc = sc;
    log->q_unit = fs_calloc(sc->nunits, sizeof *log->q_unit);
    log->q_group = fs_calloc(sc->ngroups + 1, sizeof *log->q_group);
    log->q_await = fs_calloc(sc->nunits, sizeof *log->q_await);
    for (size_t i = 0; i < sc->nunits; i++) {
        log->q_unit[i] = csvout_quote(sc->unit[i].name);
        size_t n = strlen(sc->unit[i].name) + 10;
        char *a = fs_malloc(n);
        snprintf(a, n, "awaiting_%s", sc->unit[i].name);
        log->q_await[i] = csvout_quote(a);
        fs_free(a);
    }
    for (size_t g = 0; g < sc->ngroups; g++) log->q_group[g] = csvout_quote(sc->group[g].name);
    if (csvout_open(&log->cf, dir, "patients.csv", err, errlen) != 0) {
        free_log(log);
        return NULL;
    }
    /* Columns added at the end, each set only where the scenario has what it counts (internal
     * delays or discharge hours, then corridor spaces, then choice time): a log without them is
     * what it was. */
    log->discharges = sc->discharges;
    fwrite(PLOG_HEADER, 1, sizeof PLOG_HEADER - 2, log->cf.f); /* without its newline */
    if (log->discharges) fputs(PLOG_HEADER_DISCHARGE, log->cf.f);
    if (sc->corridors) fputs(",corridor", log->cf.f);
    if (sc->choices) fputs(",delayed_days_choice", log->cf.f);
    fputc('\n', log->cf.f);
    return log;
}

FILE *plog_file(struct plog *log) {
    return log->cf.f;
}

void plog_visit(void *ctx, const struct flow_visit *v) {
    const struct plog_sink *s = ctx;
    const struct plog *log = s->log;
    FILE *f = s->f;
    fprintf(f, "%d,%llu,%s,%s,", v->rep + 1, (unsigned long long)v->patient,
            log->sc->ngroups ? log->q_group[v->group] : "", log->q_unit[v->unit]);
    csvout_num(f, v->arrive);
    fputc(',', f);
    csvout_num(f, v->start);
    fputc(',', f);
    csvout_num(f, v->end_of_care);
    fputc(',', f);
    csvout_num(f, v->leave);
    fputc(',', f);
    fputs(v->next == FLOW_NEXT_HOME   ? "home"
          : v->next == FLOW_NEXT_LOST ? "lost"
          : v->next == FLOW_NEXT_NONE ? ""
                                      : log->q_unit[v->next],
          f);
    fputc(',', f);
    if (!strcmp(v->delay_reason, "awaiting") && v->delay_target >= 0)
        fputs(log->q_await[v->delay_target], f); /* awaiting_UNIT, one cell */
    else
        fputs(v->delay_reason, f);
    /* Delayed days by reason: a visit's, 0 included; empty on a queue row (no place held). The
     * reasons added after delayed_in come after it, and only in a scenario that has them. */
    for (int k = 0; k <= FLOW_DELAY_AWAITING; k++) {
        fputc(',', f);
        if (!v->queue) csvout_num(f, v->delayed[k]);
    }
    fputc(',', f);
    if (v->delayed_in >= 0) fputs(log->q_unit[v->delayed_in], f);
    for (int k = FLOW_DELAY_AWAITING + 1; log->discharges && k <= FLOW_DELAY_DISCHARGE_HOUR; k++) {
        fputc(',', f);
        if (!v->queue) csvout_num(f, v->delayed[k]);
    }
    if (log->sc->corridors) {
        fputc(',', f);
        if (!isnan(v->corridor)) csvout_num(f, v->corridor);
    }
    if (log->sc->choices) {
        fputc(',', f);
        if (!v->queue) csvout_num(f, v->delayed[FLOW_DELAY_CHOICE]);
    }
    fputc('\n', f);
}

int plog_append(struct plog *log, FILE *tmp, char *err, size_t errlen) {
    int bad = csvout_append(log->cf.f, tmp) != 0;
    if (bad) snprintf(err, errlen, "%s: write failed (disk full?)", log->cf.final);
    return bad ? FS_EIO : 0;
}

int plog_commit(struct plog *log, char *err, size_t errlen) {
    int rc = csvout_close(&log->cf, err, errlen);
    free_log(log);
    return rc;
}

void plog_abort(struct plog *log) {
    if (!log) return;
    csvout_discard(&log->cf);
    free_log(log);
}
