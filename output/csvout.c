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

size_t csvout_fmt_num(char *buf, double v) {
    if (!isfinite(v)) return 0;
    /* Most cells are counts: a whole number below 1e9 is its digits under %.9g too, and this
     * is several times quicker than printf's exact conversion. -0 prints as 0. */
    if (v > -1e9 && v < 1e9 && v == (double)(long)v) {
        char tmp[16], *p = tmp + sizeof tmp;
        long n = (long)v;
        unsigned long m = n < 0 ? 0UL - (unsigned long)n : (unsigned long)n;
        do *--p = (char)('0' + m % 10);
        while (m /= 10);
        if (n < 0) *--p = '-';
        size_t len = (size_t)(tmp + sizeof tmp - p);
        memcpy(buf, p, len);
        return len;
    }
    int n = snprintf(buf, CSVOUT_NUM_MAX, "%.9g", v);
    return n > 0 ? (size_t)n : 0;
}

void csvout_num(FILE *f, double v) {
    char buf[CSVOUT_NUM_MAX];
    fwrite(buf, 1, csvout_fmt_num(buf, v), f);
}

int csvout_append(FILE *dst, FILE *tmp) {
    char buf[1 << 16];
    size_t n;
    rewind(tmp);
    while ((n = fread(buf, 1, sizeof buf, tmp)) > 0) fwrite(buf, 1, n, dst);
    int bad = ferror(tmp) || ferror(dst);
    fclose(tmp);
    return bad ? -1 : 0;
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
