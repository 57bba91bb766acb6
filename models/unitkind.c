/* unitkind.c — the one table of what each unit kind does (unitkind.h). */
#include "unitkind.h"

#include "sim/core.h"

/* ORDER unit_kind: one row per kind; a kind with no flag is a label. */
static const unsigned kind_caps[] = {
    [UNIT_GENERIC] = 0,
    [UNIT_AE] = UK_AE_CLOCK | UK_HANDOVER | UK_TROLLEY_WAIT | UK_CORRIDOR,
    [UNIT_ACUTE] = UK_ACUTE_BEDS,
    [UNIT_STEP_DOWN] = 0, /* label */
    [UNIT_HOME_CARE] = UK_HOME_91D,
    [UNIT_CARE_HOME] = 0,    /* label */
    [UNIT_VIRTUAL_WARD] = 0, /* label */
};
_Static_assert(sizeof kind_caps / sizeof *kind_caps == UNIT_VIRTUAL_WARD + 1,
               "one row per enum unit_kind (scenario.h)");

unsigned unitkind_caps(enum unit_kind k) {
    FS_ASSERT((unsigned)k < sizeof kind_caps / sizeof *kind_caps);
    return kind_caps[k];
}
