#include "calendar.h"

#include <math.h>

#include "core.h"

struct calendar {
    struct cal_event *heap;
    size_t n, cap;
    uint64_t next_seq;
};

struct calendar *cal_new(void) {
    struct calendar *c = fs_calloc(1, sizeof *c);
    return c;
}

void cal_free(struct calendar *c) {
    if (!c) return;
    fs_free(c->heap);
    fs_free(c);
}

static inline int before(const struct cal_event *a, const struct cal_event *b) {
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

void cal_push(struct calendar *c, struct cal_event ev) {
    FS_ASSERT(!isnan(ev.time));
    if (c->n == c->cap) fs_grow((void **)&c->heap, &c->cap, c->n + 1, sizeof *c->heap);
    ev.seq = c->next_seq++;
    /* Sift the hole up rather than swapping: one copy per level. */
    size_t i = c->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!before(&ev, &c->heap[parent])) break;
        c->heap[i] = c->heap[parent];
        i = parent;
    }
    c->heap[i] = ev;
}

int cal_pop(struct calendar *c, struct cal_event *out) {
    if (c->n == 0) return 0;
    *out = c->heap[0];
    struct cal_event last = c->heap[--c->n];
    size_t n = c->n, i = 0;
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        const struct cal_event *mv = &last;
        if (l < n && before(&c->heap[l], mv)) m = l, mv = &c->heap[l];
        if (l + 1 < n && before(&c->heap[l + 1], mv)) m = l + 1;
        if (m == i) break;
        c->heap[i] = c->heap[m];
        i = m;
    }
    if (n) c->heap[i] = last;
    return 1;
}

size_t cal_size(const struct calendar *c) {
    return c->n;
}

double cal_peek_time(const struct calendar *c) {
    return c->n ? c->heap[0].time : INFINITY;
}
