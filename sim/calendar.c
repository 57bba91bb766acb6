#include "calendar.h"

#include <math.h>
#include <string.h>

#include "core.h"

/* A 4-ary heap: half the depth of a binary one, and a node's four children (4 x 32 bytes) share
 * one 128-byte-aligned block, so a level of a pop touches one block rather than lines far
 * apart. With thousands of pending events (every busy place holds one) the heap is most of
 * the engine's time; the order of events is the same as any heap's, (time, seq). */
#define ARITY 4
#define ALIGN 128

struct calendar {
    struct cal_event *heap; /* heap[0] is the root; heap[1..4] start an aligned block */
    void *block;            /* what was allocated (heap sits one event before a boundary) */
    size_t n, cap;
    uint64_t next_seq;
};

struct calendar *cal_new(void) {
    struct calendar *c = fs_calloc(1, sizeof *c);
    return c;
}

void cal_free(struct calendar *c) {
    if (!c) return;
    fs_aligned_free(c->block);
    fs_free(c);
}

/* Event times are never negative (asserted on push, -0 made +0), so their IEEE bits order as
 * the times do, and (time, seq) becomes one 128-bit integer: the compiler compares and picks a
 * child without a branch, and choosing among children is a coin toss that a branch predictor
 * loses half the time. */
#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 cal_key;
static inline cal_key key(const struct cal_event *e) {
    uint64_t bits;
    memcpy(&bits, &e->time, sizeof bits);
    return (cal_key)bits << 64 | e->seq;
}
static inline int before(const struct cal_event *a, const struct cal_event *b) {
    return key(a) < key(b);
}
#else
static inline int before(const struct cal_event *a, const struct cal_event *b) {
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}
#endif

static void grow(struct calendar *c) {
    size_t cap = c->cap ? 2 * c->cap : 256;
    /* One spare event before the first boundary for the root. */
    void *block = fs_aligned(ALIGN, (cap + 1) * sizeof *c->heap + ALIGN);
    struct cal_event *heap = (struct cal_event *)((char *)block + ALIGN - sizeof *heap);
    if (c->n) memcpy(heap, c->heap, c->n * sizeof *heap);
    fs_aligned_free(c->block);
    c->block = block;
    c->heap = heap;
    c->cap = cap;
}

void cal_push(struct calendar *c, struct cal_event ev) {
    FS_ASSERT(ev.time >= 0); /* and not NaN */
    ev.time += 0.0;          /* -0 becomes +0, whose bits order with the rest */
    if (c->n == c->cap) grow(c);
    ev.seq = c->next_seq++;
    /* Sift the hole up rather than swapping: one copy per level. */
    struct cal_event *h = c->heap;
    size_t i = c->n++;
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&ev, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = ev;
}

int cal_pop(struct calendar *c, struct cal_event *out) {
    if (c->n == 0) return 0;
    struct cal_event *h = c->heap;
    *out = h[0];
    size_t n = --c->n;
    if (n == 0) return 1;
    const struct cal_event last = h[n];
    size_t i = 0;
    for (;;) {
        size_t first = ARITY * i + 1;
        if (first >= n) break;
        size_t m;
        if (first + ARITY <= n) { /* all four: a branch-free tournament */
            size_t a = before(&h[first + 1], &h[first]) ? first + 1 : first;
            size_t b = before(&h[first + 3], &h[first + 2]) ? first + 3 : first + 2;
            m = before(&h[b], &h[a]) ? b : a;
        } else {
            m = first;
            for (size_t k = first + 1; k < n; k++)
                if (before(&h[k], &h[m])) m = k;
        }
        if (!before(&h[m], &last)) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = last;
    return 1;
}

size_t cal_size(const struct calendar *c) {
    return c->n;
}

double cal_peek_time(const struct calendar *c) {
    return c->n ? c->heap[0].time : INFINITY;
}
