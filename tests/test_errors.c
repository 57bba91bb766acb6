/* docs/errors.md catalogues every message flowsim can print about a scenario. This test reads
 * the loader's sources (the scenario, its INI and CSV files, values, distributions and
 * arrival profiles) and calibrate's (its TARGETS.csv and VARY.csv), takes the text of every
 * message they build (and of the loader's warnings that a key has no effect), and checks that
 * each piece of fixed text — the message around its %s and %d holes — appears in the
 * catalogue. A new message without an entry fails here. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

/* The calls that make a message, and the files they are in. */
static const char *const makers[] = {"failf",    "key_fail", "key_got",  "cell_fail", "fail_at",
                                     "expected", "bad",      "snprintf", "vsnprintf", NULL};
static const char *const sources[] = {"models/scenario.c",
                                      "models/scenario_read.c",
                                      "models/scenario_tables.c",
                                      "models/scenario_units.c",
                                      "models/scenario_check.c",
                                      "models/scenario_query.c",
                                      "models/scenario_write.c",
                                      "models/inidoc.c",
                                      "models/table.c",
                                      "models/value.c",
                                      "sim/dist.c",
                                      "sim/nhpp.c",
                                      "cli/cmd_calibrate.c",
                                      NULL};

static int is_maker(const char *id, size_t n) {
    for (const char *const *m = makers; *m; m++)
        if (strlen(*m) == n && !strncmp(*m, id, n)) return 1;
    return 0;
}

/* Fixed text of a format, one piece per line into out: split at conversions (%s, %.3g, %zu,
 * ...), pieces shorter than 6 characters dropped (", ", "': ") as too common to check. */
static void pieces(const char *fmt, char *out, size_t len) {
    char cur[1024];
    size_t n = 0, o = strlen(out);
    for (const char *p = fmt;; p++) {
        int end = *p == 0, conv = *p == '%' && p[1] != '%';
        if (end || conv) {
            while (n && cur[n - 1] == ' ') n--;
            size_t s = 0;
            while (s < n && cur[s] == ' ') s++;
            if (n - s >= 6 && o + n - s + 2 < len) {
                memcpy(out + o, cur + s, n - s);
                o += n - s;
                out[o++] = '\n';
                out[o] = 0;
            }
            n = 0;
            if (end) return;
            p++;
            while (*p && !isalpha((unsigned char)*p)) p++; /* flags, width, precision */
            while (*p == 'l' || *p == 'z' || *p == 'h') p++;
            continue;
        }
        if (*p == '%') p++; /* %% */
        if (n + 1 < sizeof cur) cur[n++] = *p;
    }
}

/* Every string literal inside a call to a maker (adjacent literals joined), and the hints that
 * messages take in (#define DURATION_HINT "...", static const char hint[] = "..."). */
static void messages(const char *src, char *out, size_t len) {
    int depth = 0, in_maker = 0, hint = 0;
    int maker_depth[64] = {0};
    for (const char *p = src; *p; p++) {
        if (*p == '\n' && p > src && p[-1] != '\\') hint = 0; /* a hint's line has ended */
        if (p[0] == '/' && p[1] == '*') {
            p = strstr(p + 2, "*/");
            if (!p) return;
            p++;
            continue;
        }
        if (p[0] == '/' && p[1] == '/') {
            p = strchr(p, '\n');
            if (!p) return;
            continue;
        }
        if (*p == '\'') { /* a character literal: skip it whole */
            p++;
            if (*p == '\\') p++;
            p++;
            continue;
        }
        if (isalpha((unsigned char)*p) || *p == '_') {
            const char *id = p;
            while (isalnum((unsigned char)p[1]) || p[1] == '_') p++;
            size_t n = (size_t)(p - id + 1);
            if ((n >= 4 && !strncmp(p - 3, "HINT", 4)) || (n == 4 && !strncmp(id, "hint", 4)))
                hint = 1;
            const char *q = p + 1;
            while (*q == ' ') q++;
            if (*q == '(' && is_maker(id, n) && in_maker < 64) maker_depth[in_maker++] = depth + 1;
            continue;
        }
        if (*p == '(') depth++;
        if (*p == ')') {
            if (in_maker && maker_depth[in_maker - 1] == depth) in_maker--;
            depth--;
        }
        if (*p == '"') {
            char lit[2048];
            size_t n = 0;
            for (;;) { /* this literal and any that follow it */
                for (p++; *p && *p != '"'; p++) {
                    if (*p == '\\') {
                        p++;
                        if (*p == 'n') continue; /* a line break ends nothing here */
                    }
                    if (n + 1 < sizeof lit) lit[n++] = *p;
                }
                const char *q = p + 1; /* spaces and line continuations between literals */
                while (isspace((unsigned char)*q) || (*q == '\\' && q[1] == '\n')) q++;
                if (*q != '"') break;
                p = q;
            }
            lit[n] = 0;
            /* a key that does nothing where it is: the loader's warnings say what it needs */
            if (in_maker || hint || !strncmp(lit, "has no effect", 13)) pieces(lit, out, len);
            hint = 0;
        }
    }
}

static void every_message_is_in_the_catalogue(void **s) {
    (void)s;
    char *doc = tu_read(tu_src("docs/errors.md"));
    assert_non_null(doc);
    static char found[1 << 18];
    found[0] = 0;
    for (const char *const *f = sources; *f; f++) {
        char *src = tu_read(tu_src(*f));
        assert_non_null(src);
        messages(src, found, sizeof found);
        free(src);
    }
    int missing = 0, checked = 0;
    for (char *line = strtok(found, "\n"); line; line = strtok(NULL, "\n")) {
        checked++;
        if (!strstr(doc, line)) {
            print_message("not in docs/errors.md: \"%s\"\n", line);
            missing++;
        }
    }
    free(doc);
    assert_true(checked > 100); /* the extraction found the messages at all */
    assert_int_equal(missing, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_message_is_in_the_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
