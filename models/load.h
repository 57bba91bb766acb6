/* load.h — a rough-cut capacity check: each unit's offered load, worked out from the scenario
 * alone (no simulation), for `flowsim validate`.
 *
 * The patients entering each unit a day solve the traffic equations lambda = a + lambda P,
 * one case-mix group at a time: a is each unit's arrivals from outside (each stream's mean rate
 * over the report period: its hour-of-week profile has mean 1, its by-date multipliers are
 * averaged over the period, weighted by time), P where a patient goes when its stay ends —
 * `next`, with each [transfer]'s acceptance (refused patients routed by `on_reject`, where they
 * may be assessed again), readmissions of those going home (`readmit` to `readmit_to`) and
 * step-downs (a share moves to the step-down unit part-way and leaves from there). A unit's
 * offered load is the places its patients would hold if none ever waited: sum over groups of
 * lambda x the mean time holding a place (the stay, shortened by a step-down, plus transfer
 * assessments in the bed, re-offers and choice time after them (a refused share
 * routed by on_reject: (1 - accept)^max_offers), internal delays and the mean wait for the
 * discharge hour). Queues, blocking, diverts, losses, patience, surges and [chc] are not in it: the
 * load is what the demand asks, which the simulation then shows the system coping with, or not.
 * Capacity is the schedule's mean over the report period; a visit-based unit's, the patients its
 * mean slots a day could carry at a patient's mean visits a day. */
#ifndef FS_LOAD_H
#define FS_LOAD_H

#include "scenario.h"

struct load_unit {
    double arrivals; /* patients entering a day: from outside, other units, readmissions and
                      * step-downs (+infinity when some loop never lets them leave) */
    double stay;     /* mean days each holds a place: load / arrivals (NAN with no arrivals) */
    double load;     /* offered load, places */
    double capacity; /* mean places over the report period (+infinity: unlimited) */
};

/* out[sc->nunits]. Returns 0, or 1 when some units' traffic has no finite solution (routing
 * that never lets patients leave): those units' arrivals and load are +infinity. */
int load_offered(const struct scenario *sc, struct load_unit *out);

/* Each unit's offered load as a percentage of its capacity, as `flowsim validate` prints it,
 * into pct[sc->nunits]: 100 x load / capacity; NAN where there is no ratio (unlimited places,
 * or no load and no places), +infinity for a load on no places or a load without end. */
void load_pct(const struct scenario *sc, double *pct);

#endif
