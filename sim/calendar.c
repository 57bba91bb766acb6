#include "calendar.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

/* A 4-ary heap: half the depth of a binary one, and a node's four children (4 x 32 bytes) share
 * one 128-byte-aligned block, so a level of a pop touches one block rather than lines far
 * apart. With thousands of pending events (every busy place holds one) the heap is most of
 * the engine's time; the order of events is the same as any heap's, (time, seq). */
#define ARITY 4
#define ALIGN 128

/* The tier (issue 19): with many events pending the heap outgrows the caches (at 50 hospitals,
 * ~150k pending, the issue measured its key compares at 31% of the run; bench/RESULTS.md). Past
 * TIER_ON pending events only the near future stays in the heap: event times are cut into
 * buckets of a power-of-two width (bucket k = [k w, (k+1) w)), the heap holds the events of
 * buckets up to `cur` and a ring of unsorted buckets the next RING - 1; anything later waits
 * in `far`, swept into the ring every RING buckets. When the heap empties the next non-empty
 * bucket is heapified into it. Bucket numbers are monotone in time, so every event in the heap
 * is earlier than every event outside it and pops come in exactly the heap's (time, seq) order.
 * Below TIER_OFF pending events everything goes back into the heap (the tier's bookkeeping
 * costs more than it saves when the heap fits in cache: M1, M2). */
#define RING 1024 /* a power of two */
#ifndef TIER_ON
#define TIER_ON 16384 /* pending events at which the tier engages */
#endif
#ifndef TIER_OFF
#define TIER_OFF 4096 /* ... and below which it lets go (hysteresis) */
#endif
#ifndef TIER_PER_BUCKET
#define TIER_PER_BUCKET 512.0 /* the events a bucket is sized to hold */
#endif

/* A bucket is a list of chunks drawn from one spare list, so that memory follows the events
 * pending rather than each bucket's largest day (growable arrays per bucket cost +19% of peak
 * RSS at 50 hospitals). */
#define CHUNK 62 /* events a chunk: 2,000 bytes with its header */
struct chunk {
    struct chunk *next;
    size_t n;
    struct cal_event ev[CHUNK];
};

struct bucket {
    struct chunk *head;
    size_t n;
};

struct calendar {
    struct cal_event *heap; /* heap[0] is the root; heap[1..4] start an aligned block */
    void *block;            /* what was allocated (heap sits one event before a boundary) */
    size_t n, cap;
    size_t lim; /* a push goes the slow way at n >= lim: 0 while tiered, else min(cap, on) */
    uint64_t next_seq;
    /* the tier: engaged when tiered; total counts the heap, the ring and far */
    int tiered;
    size_t total, nring;
    size_t on, off; /* TIER_ON, TIER_OFF unless a test set others (cal_tune) */
    double per_bucket;
    double inv_width; /* buckets per unit of time, a power of two so that t * inv_width is exact */
    int64_t cur;      /* the heap holds buckets <= cur, the ring cur + 1 .. cur + RING - 1 */
    int64_t next_sweep;   /* the bucket at which far is next swept into the ring */
    int64_t far_min;      /* the earliest bucket in far */
    size_t loads, loaded; /* buckets loaded into the heap since the width was set, and events */
    struct bucket *ring;
    struct bucket far;
    struct chunk *spare; /* chunks not in use */
    /* cal_prefetch: while tiered, the record of the next event's id is fetched on each pop */
    const char *pf_base;
    size_t pf_stride, pf_n;
};

static void set_lim(struct calendar *c) {
    c->lim = c->tiered ? 0 : c->cap < c->on ? c->cap : c->on;
}

struct calendar *cal_new(void) {
    struct calendar *c = fs_calloc(1, sizeof *c);
    c->on = TIER_ON;
    c->off = TIER_OFF;
    c->per_bucket = TIER_PER_BUCKET;
    return c;
}

void cal_tune(struct calendar *c, size_t on, size_t off, double per_bucket) {
    FS_ASSERT(!c->tiered && off < on && per_bucket >= 1);
    c->on = on;
    c->off = off;
    c->per_bucket = per_bucket;
    set_lim(c);
}

static void free_chunks(struct chunk *ch) {
    while (ch) {
        struct chunk *next = ch->next;
        fs_free(ch);
        ch = next;
    }
}

void cal_free(struct calendar *c) {
    if (!c) return;
    fs_aligned_free(c->block);
    if (c->ring)
        for (size_t i = 0; i < RING; i++) free_chunks(c->ring[i].head);
    fs_free(c->ring);
    free_chunks(c->far.head);
    free_chunks(c->spare);
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
    set_lim(c);
}

/* Sift the hole at i up with ev: one copy per level rather than swaps. */
static inline __attribute__((always_inline)) void sift_up(struct cal_event *h, size_t i,
                                                          struct cal_event ev) {
    while (i > 0) {
        size_t parent = (i - 1) / ARITY;
        if (!before(&ev, &h[parent])) break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = ev;
}

/* Sift the hole at i down with ev in a heap of n events. */
static inline __attribute__((always_inline)) void sift_down(struct cal_event *h, size_t n, size_t i,
                                                            struct cal_event ev) {
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
        if (!before(&h[m], &ev)) break;
        h[i] = h[m];
        i = m;
    }
    h[i] = ev;
}

static void heapify(struct calendar *c) {
    for (size_t i = c->n / ARITY + 1; i-- > 0;)
        if (i < c->n) sift_down(c->heap, c->n, i, c->heap[i]);
}

static void heap_append(struct calendar *c, const struct cal_event *ev, size_t k) {
    while (c->n + k > c->cap) grow(c);
    memcpy(c->heap + c->n, ev, k * sizeof *ev);
    c->n += k;
}

/* ---- the tier ---------------------------------------------------------------------------- */

/* The bucket of time t: monotone in t (an exact product, then truncation), so an event in a
 * lower bucket is never later than one in a higher; huge and infinite times share the last. */
static int64_t bucket_of(const struct calendar *c, double t) {
    double x = t * c->inv_width;
    return x < 0x1p62 ? (int64_t)x : (int64_t)1 << 62;
}

static void bucket_add(struct calendar *c, struct bucket *b, const struct cal_event *ev) {
    if (!b->head || b->head->n == CHUNK) {
        struct chunk *ch = c->spare;
        if (ch)
            c->spare = ch->next;
        else
            ch = fs_malloc(sizeof *ch);
        ch->n = 0;
        ch->next = b->head;
        b->head = ch;
    }
    b->head->ev[b->head->n++] = *ev;
    b->n++;
}

/* Take the bucket's chunks, leaving it empty; give each back with give_back once read. */
static struct chunk *bucket_take(struct bucket *b) {
    struct chunk *ch = b->head;
    b->head = NULL;
    b->n = 0;
    return ch;
}

static struct chunk *give_back(struct calendar *c, struct chunk *ch) {
    struct chunk *next = ch->next;
    ch->next = c->spare;
    c->spare = ch;
    return next;
}

/* Every event of the bucket into the heap (unordered: heapify follows). */
static void bucket_to_heap(struct calendar *c, struct bucket *b) {
    for (struct chunk *ch = bucket_take(b); ch; ch = give_back(c, ch))
        heap_append(c, ch->ev, ch->n);
}

/* An event of bucket k > cur goes to the ring when k < cur + RING (a slot other than cur's),
 * else to far. */
static void tier_place(struct calendar *c, const struct cal_event *ev, int64_t k) {
    if (k - c->cur < RING) {
        bucket_add(c, &c->ring[k & (RING - 1)], ev);
        c->nring++;
    } else {
        bucket_add(c, &c->far, ev);
        if (k < c->far_min) c->far_min = k;
    }
}

/* Move far's events of buckets before cur + RING into the ring; far then holds only buckets from
 * cur + RING on, so it need not be looked at again until cur reaches cur + RING (refill). */
static void sweep(struct calendar *c) {
    c->far_min = INT64_MAX;
    for (struct chunk *ch = bucket_take(&c->far); ch; ch = give_back(c, ch))
        for (size_t i = 0; i < ch->n; i++) tier_place(c, &ch->ev[i], bucket_of(c, ch->ev[i].time));
    c->next_sweep = c->cur + RING;
}

/* The power of two at most w, within 2^-20 .. 2^20 units of time, as buckets per unit. */
static double inv_width_of(double w) {
    int e;
    frexp(w < 0x1p-20 ? 0x1p-20 : w > 0x1p20 ? 0x1p20 : w, &e);
    return ldexp(1, -(e - 1)); /* width 2^(e-1) <= w */
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A first width: about per_bucket of the pending events from the earliest on fall within one
 * bucket, by a quantile of 1024 of them taken at a stride (loads then correct it, refill). */
static double first_width(const struct calendar *c) {
    enum { SAMPLE = 1024 };
    if (c->per_bucket >= (double)c->n) return 0x1p20;
    double t[SAMPLE];
    size_t m = c->n < SAMPLE ? c->n : SAMPLE;
    for (size_t i = 0; i < m; i++) t[i] = c->heap[i * (c->n / m)].time;
    qsort(t, m, sizeof *t, cmp_double);
    double w = t[(size_t)(c->per_bucket / (double)c->n * (double)m)] - c->heap[0].time;
    return w > 0 ? w : 0x1p-20;
}

/* Engage with buckets of width w: the heap keeps the earliest event's bucket, the rest goes to
 * the ring and far. */
static void tier_engage(struct calendar *c, double w) {
    struct cal_event *h = c->heap;
    c->inv_width = inv_width_of(w);
    if (!c->ring) c->ring = fs_calloc(RING, sizeof *c->ring);
    c->cur = bucket_of(c, h[0].time);
    c->far_min = INT64_MAX;
    c->nring = 0;
    c->tiered = 1;
    c->total = c->n;
    c->loads = c->loaded = 0;
    size_t keep = 0;
    for (size_t i = 0; i < c->n; i++) {
        int64_t k = bucket_of(c, h[i].time);
        if (k <= c->cur)
            h[keep++] = h[i];
        else
            tier_place(c, &h[i], k);
    }
    c->n = keep;
    heapify(c);
    c->next_sweep = c->cur + RING;
    set_lim(c);
}

/* Let go: every event back into one heap. */
static void tier_off(struct calendar *c) {
    for (size_t i = 0; i < RING; i++) bucket_to_heap(c, &c->ring[i]);
    bucket_to_heap(c, &c->far);
    c->nring = 0;
    c->tiered = 0;
    heapify(c);
    set_lim(c);
}

/* Move every chunk of b onto the front of the list *to. */
static void chain_onto(struct chunk **to, struct bucket *b) {
    struct chunk *ch = bucket_take(b);
    while (ch) {
        struct chunk *next = ch->next;
        ch->next = *to;
        *to = ch;
        ch = next;
    }
}

/* A new bucket width, with the heap empty (refill): every pending event is bucketed again, the
 * earliest one's bucket into the heap. O(pending), when loads show the width far off; the
 * events move chunk by chunk, never all into the heap (which would keep a heap's worth of
 * memory). */
static void retune(struct calendar *c, double w) {
    FS_ASSERT(c->n == 0);
    struct chunk *all = NULL;
    for (size_t i = 0; i < RING; i++) chain_onto(&all, &c->ring[i]);
    chain_onto(&all, &c->far);
    double t0 = INFINITY;
    for (struct chunk *ch = all; ch; ch = ch->next)
        for (size_t i = 0; i < ch->n; i++)
            if (ch->ev[i].time < t0) t0 = ch->ev[i].time;
    c->inv_width = inv_width_of(w);
    c->cur = bucket_of(c, t0);
    c->far_min = INT64_MAX;
    c->nring = 0;
    c->loads = c->loaded = 0;
    for (struct chunk *ch = all; ch; ch = give_back(c, ch))
        for (size_t i = 0; i < ch->n; i++) {
            int64_t k = bucket_of(c, ch->ev[i].time);
            if (k <= c->cur)
                heap_append(c, &ch->ev[i], 1);
            else
                tier_place(c, &ch->ev[i], k);
        }
    heapify(c);
    c->next_sweep = c->cur + RING;
}

/* The heap is empty: heapify the next non-empty bucket into it. A bucket of more than four
 * times per_bucket events narrows the buckets, and 64 loads of fewer than an eighth of it on
 * average widen them (the rate of events changes: a model filling up, a winter). Returns 0 when
 * none is left. */
static int refill(struct calendar *c) {
    while (c->n == 0) {
        if (c->nring == 0) {
            if (c->far.n == 0) return 0;
            c->cur = c->far_min - 1; /* nothing before far's earliest: jump there */
            sweep(c);
        }
        c->cur++;
        if (c->cur == c->next_sweep) sweep(c);
        struct bucket *b = &c->ring[c->cur & (RING - 1)];
        if (b->n == 0) continue;
        double width = 1 / c->inv_width;
        c->loads++;
        c->loaded += b->n;
        double avg = (double)c->loaded / (double)c->loads;
        if (b->n > 4 * c->per_bucket && width > 0x1p-20) {
            /* not loaded: bucketed again, with the rest, by a narrower width */
            retune(c, width * c->per_bucket / (double)b->n);
            return 1;
        }
        if (c->loads == 64 && avg < c->per_bucket / 8 && width < 0x1p20) {
            retune(c, width * c->per_bucket / (avg > 1 ? avg : 1));
            return 1;
        }
        if (c->loads == 64) c->loads = c->loaded = 0;
        c->nring -= b->n;
        bucket_to_heap(c, b);
        heapify(c);
    }
    return 1;
}

/* ---- push and pop ------------------------------------------------------------------------ */

/* Out of the plain heap's way (M1 and M2 come here only to grow the heap): a push while tiered,
 * or one that engages the tier (on events pending), or into a full heap. */
static __attribute__((noinline)) void push_slow(struct calendar *c, struct cal_event ev) {
    if (!c->tiered && c->n >= c->on) tier_engage(c, first_width(c));
    if (c->tiered) {
        c->total++;
        int64_t k = bucket_of(c, ev.time);
        if (k > c->cur) {
            tier_place(c, &ev, k);
            return;
        }
    }
    if (c->n == c->cap) grow(c);
    sift_up(c->heap, c->n++, ev);
}

void cal_push(struct calendar *c, struct cal_event ev) {
    FS_ASSERT(ev.time >= 0); /* and not NaN */
    ev.time += 0.0;          /* -0 becomes +0, whose bits order with the rest */
    ev.seq = c->next_seq++;
    if (__builtin_expect(c->n >= c->lim, 0)) {
        push_slow(c, ev);
        return;
    }
    sift_up(c->heap, c->n++, ev);
}

static inline __attribute__((always_inline)) int heap_pop(struct calendar *c,
                                                          struct cal_event *out) {
    if (c->n == 0) return 0;
    struct cal_event *h = c->heap;
    *out = h[0];
    size_t n = --c->n;
    if (n == 0) return 1;
    sift_down(h, n, 0, h[n]);
    return 1;
}

static __attribute__((noinline)) int pop_tiered(struct calendar *c, struct cal_event *out) {
    if (c->n == 0 && !refill(c)) return 0;
    if (c->total <= c->off)
        tier_off(c); /* and pop from the one heap */
    else
        c->total--;
    int got = heap_pop(c, out);
    /* The next event's record, fetched while this event runs: in a model too big for the
     * caches it is rarely in cache, and it is the first thing its event reads. */
    if (c->n && c->heap[0].id < c->pf_n)
        __builtin_prefetch(c->pf_base + (size_t)c->heap[0].id * c->pf_stride);
    return got;
}

int cal_pop(struct calendar *c, struct cal_event *out) {
    if (__builtin_expect(c->tiered, 0)) return pop_tiered(c, out);
    return heap_pop(c, out);
}

int cal_tiered(const struct calendar *c) {
    return c->tiered;
}

void cal_prefetch(struct calendar *c, const void *base, size_t stride, size_t n) {
    c->pf_base = base;
    c->pf_stride = stride;
    c->pf_n = n;
}

size_t cal_size(const struct calendar *c) {
    return c->tiered ? c->total : c->n;
}

double cal_peek_time(struct calendar *c) {
    if (c->tiered && c->n == 0) refill(c);
    return c->n ? c->heap[0].time : INFINITY;
}
