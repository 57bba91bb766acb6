#include "csvout.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "sim/core.h"

char *csvout_quote(const char *s) {
    size_t len = strlen(s);
    int needs = strpbrk(s, ",\"\r\n") != NULL || (len && (s[0] == ' ' || s[len - 1] == ' '));
    if (!needs) return fs_strdup(s);
    size_t n = csv_write(NULL, 0, s, len);
    char *out = fs_malloc(n + 1);
    csv_write(out, n, s, len);
    out[n] = 0;
    return out;
}

void csvout_num(FILE *f, double v) {
    if (isfinite(v)) fprintf(f, "%.9g", v == 0 ? 0.0 : v); /* no "-0" */
}

int csvout_open(struct csvout_file *cf, const char *dir, const char *name, char *err,
                size_t errlen) {
    snprintf(cf->tmp, sizeof cf->tmp, "%s/.%s.tmp", dir, name);
    snprintf(cf->final, sizeof cf->final, "%s/%s", dir, name);
    cf->f = fopen(cf->tmp, "wb");
    if (!cf->f) {
        snprintf(err, errlen, "%s: cannot write: %s", cf->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

int csvout_close(struct csvout_file *cf, char *err, size_t errlen) {
    int bad = ferror(cf->f);
    if (fclose(cf->f) != 0) bad = 1;
    cf->f = NULL;
    if (bad) {
        snprintf(err, errlen, "%s: write failed (disk full?)", cf->tmp);
        unlink(cf->tmp);
        return -1;
    }
    if (rename(cf->tmp, cf->final) != 0) {
        snprintf(err, errlen, "%s: cannot rename into place: %s", cf->final, strerror(errno));
        unlink(cf->tmp);
        return -1;
    }
    return 0;
}

void csvout_discard(struct csvout_file *cf) {
    if (cf->f) fclose(cf->f);
    cf->f = NULL;
    unlink(cf->tmp);
}

int csvout_mkdirs(const char *path, char *err, size_t errlen) {
    char buf[4000];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) goto fail;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) goto fail;
    struct stat st;
    if (stat(buf, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: exists and is not a directory", path);
        return -1;
    }
    return 0;
fail:
    snprintf(err, errlen, "%s: cannot create directory: %s", buf, strerror(errno));
    return -1;
}
