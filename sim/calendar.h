/* calendar.h — the future event list: a 4-ary heap ordered by (time, insertion sequence), with
 * a tier of time buckets for the far future when many events are pending (calendar.c).
 *
 * The sequence tie-break makes simultaneous events run first-in-first-out, so a run is
 * bit-reproducible. Events are small plain values; the heap array grows geometrically and is
 * reused, so there is no allocation per event in steady state. Cancellation is the caller's:
 * events carry a stamp that handlers compare with the state they were made for. */
#ifndef FS_CALENDAR_H
#define FS_CALENDAR_H

#include <stddef.h>
#include <stdint.h>

struct cal_event {
    double time;
    uint64_t seq; /* set by cal_push */
    uint32_t kind;
    uint32_t id;
    uint32_t stamp;
    uint32_t arg;
};

struct calendar;

struct calendar *cal_new(void);
void cal_free(struct calendar *c); /* accepts NULL */

void cal_push(struct calendar *c, struct cal_event ev);
/* Remove the earliest event into *out; returns 0 when the calendar is empty. */
int cal_pop(struct calendar *c, struct cal_event *out);
size_t cal_size(const struct calendar *c);
/* Time of the earliest event, or +infinity when empty. */
double cal_peek_time(struct calendar *c);
/* 1 while the tier is engaged (many events pending), else 0. */
int cal_tiered(const struct calendar *c);
/* While the tier is engaged, each pop prefetches the record of the next
 * event: base + id * stride, for an id below n (n records of stride bytes at base; n = 0: none).
 * For a model too big for the caches, where that record is rarely in cache; the untiered pop,
 * M1's and M2's, pays nothing for it. Set again whenever the records move. */
void cal_prefetch(struct calendar *c, const void *base, size_t stride, size_t n);
/* Tests: engage the tier at `on` pending events, let go below
 * `off` (< on), buckets sized for per_bucket (>= 1) events. Only before the tier has engaged. */
void cal_tune(struct calendar *c, size_t on, size_t off, double per_bucket);

#endif
