/* unitkind.h — what a unit's kind does. A `kind` (enum unit_kind, scenario.h) is a set of
 * capability flags, one row per kind in unitkind.c's table, so the engine and the metric
 * layout ask "does this unit keep the A&E clock?", never "is it an A&E?"; the flow model reads
 * them once per run into its units.
 *
 * Kinds that set no flag are labels: `generic`, `step_down`, `care_home` and `virtual_ward`
 * change nothing in the run (a step-down ward's behaviour comes from the `step_down` key of
 * the unit that steps down to it, a care home's from its routing and stays); they name the
 * unit for the reader and the results. */
#ifndef FS_UNITKIND_H
#define FS_UNITKIND_H

#include "scenario.h"

enum unit_capability {
    /* The A&E clock: the time from arriving at the door to leaving the department is measured
     * against 4 and 12 hours (ae_4h_pct, ae_12h_waits, ae_12h_pct). */
    UK_AE_CLOCK = 1u << 0,
    /* Ambulance handover: a patient brought by ambulance is handed over when it takes a place
     * (a cubicle) in the unit (handovers, handover_mean, handovers_30m, handovers_60m). */
    UK_HANDOVER = 1u << 1,
    /* Trolley waits: a patient admitted onwards from the unit waited in it from the decision to
     * admit (trolley_wait_mean, trolley_waits_12h). */
    UK_TROLLEY_WAIT = 1u << 2,
    /* Acute beds: the unit reports its patients no longer meeting the criteria to reside (nctr),
     * and its delays count towards the system's delayed transfers of care (dtoc_per_100k). */
    UK_ACUTE_BEDS = 1u << 3,
    /* Reablement outcome: where readmissions are modelled, whether a patient going home from the
     * unit is still at home 91 days later is measured (home_91d_pct, ASCOF 2B(1)). */
    UK_HOME_91D = 1u << 4,
    /* Corridor spaces: a patient whose stay has ended and who waits for its next unit may
     * leave its place for a corridor space (corridor_capacity), freeing the place
     * (corridor_occupancy, corridor_hours). */
    UK_CORRIDOR = 1u << 5,
};

/* The UK_* flags of kind k. */
unsigned unitkind_caps(enum unit_kind k);

#endif
