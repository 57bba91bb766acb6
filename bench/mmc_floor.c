/* Copied unchanged from ../shared/bench/mmc_floor.c (the project's speed floor) so that the
 * benchmark runs from a clone alone. */
/* The floor: the least work an M/M/c simulation can do on this machine — a binary heap of
 * events, PCG32, inverse-transform exponentials, a FIFO ring of arrival times, time-weighted
 * number in system. No model generality, no outputs. flowsim's M1 time divided by this is
 * its overhead over the limit. Usage: mmc_floor [hours] */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct {
    uint64_t s, inc;
} pcg32;
static uint32_t pcg_next(pcg32 *r) {
    uint64_t old = r->s;
    r->s = old * 6364136223846793005ULL + r->inc;
    uint32_t x = (uint32_t)(((old >> 18u) ^ old) >> 27u), rot = (uint32_t)(old >> 59u);
    return (x >> rot) | (x << ((-rot) & 31));
}
static void pcg_seed(pcg32 *r, uint64_t st, uint64_t seq) {
    r->s = 0;
    r->inc = (seq << 1u) | 1u;
    pcg_next(r);
    r->s += st;
    pcg_next(r);
}
static double u01(pcg32 *r) {
    uint64_t a = pcg_next(r) >> 5, b = pcg_next(r) >> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
}
static double expo(pcg32 *r, double mean) {
    return -mean * log1p(-u01(r));
}

typedef struct {
    double t;
    uint64_t seq;
    int kind;
} ev;
static ev heap[64];
static int hn;
static uint64_t seqc;
static int lt(const ev *a, const ev *b) {
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}
static void push(double t, int kind) {
    int i = hn++;
    ev e = {t, seqc++, kind};
    while (i > 0) {
        int p = (i - 1) / 2;
        if (!lt(&e, &heap[p])) break;
        heap[i] = heap[p];
        i = p;
    }
    heap[i] = e;
}
static ev pop(void) {
    ev top = heap[0], last = heap[--hn];
    int i = 0;
    for (;;) {
        int l = 2 * i + 1, r = l + 1, m = i;
        const ev *mv = &last;
        if (l < hn && lt(&heap[l], mv)) {
            m = l;
            mv = &heap[l];
        }
        if (r < hn && lt(&heap[r], mv)) {
            m = r;
        }
        if (m == i) break;
        heap[i] = heap[m];
        i = m;
    }
    heap[i] = last;
    return top;
}

int main(int argc, char **argv) {
    double horizon = argc > 1 ? atof(argv[1]) : 200000.0, lam = 9.5, mean_s = 1.0;
    int c = 10;
    pcg32 ra, rs;
    pcg_seed(&ra, 42, 1);
    pcg_seed(&rs, 42, 2);
    size_t cap = 1 << 20, qh = 0, qt = 0;
    double *q = malloc(cap * sizeof *q);
    int busy = 0, insys = 0;
    double now = 0, last = 0, area = 0, wsum = 0;
    long served = 0, events = 0;
    push(expo(&ra, 1 / lam), 0);
    while (hn) {
        ev e = pop();
        if (e.t > horizon) break;
        events++;
        area += insys * (e.t - last);
        last = now = e.t;
        if (e.kind == 0) {
            insys++;
            push(now + expo(&ra, 1 / lam), 0);
            if (busy < c) {
                busy++;
                served++;
                push(now + expo(&rs, mean_s), 1);
            } else {
                q[qt++ & (cap - 1)] = now;
            }
        } else {
            insys--;
            if (qh != qt) {
                double a = q[qh++ & (cap - 1)];
                wsum += now - a;
                served++;
                push(now + expo(&rs, mean_s), 1);
            } else
                busy--;
        }
    }
    printf("customers %ld events %ld mean_wait %.5f mean_in_system %.5f\n", served, events,
           wsum / served, area / now);
    free(q);
    return 0;
}
