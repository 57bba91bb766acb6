/* limits.h — the largest scenario flowsim accepts, every bound in one place with its reason.
 *
 * In the manner of SQLite's sqliteLimit.h: each limit is checked where the scenario is loaded
 * (models/scenario.c, models/inidoc.c; the arrival rate in sim/nhpp.c) and refused with "FILE:LINE:
 * KEY: expected at most N ..." (docs/errors.md), instead of a run that exhausts memory, never ends,
 * or silently files patients under the wrong number. Each bound is far above any real care system;
 * raising one means re-checking the reason given beside it. docs/scenario-reference.md ("Limits")
 * states them for planners. */
#ifndef FS_LIMITS_H
#define FS_LIMITS_H

/* [unit NAME] sections. Real systems have tens of units; generated ones (a unit per ward
 * bay, per care home) a few thousand. Loading and running are linear in units, but the INI
 * reader compares each new section name with those before it, so reading grows as the
 * square of the sections: 10,000 units load in a fraction of a second. Unit indices are
 * int everywhere, the calendar's event ids 32 bits. */
#define FS_MAX_UNITS 10000

/* Sections of all kinds in one scenario (with what it extends): every kind at its limit and a
 * few more. Checked while the file is read, so that a file of a million sections is refused in
 * seconds rather than read whole (reading compares each new name with those before it). */
#define FS_MAX_SECTIONS (FS_MAX_UNITS + FS_MAX_TRANSFERS + FS_MAX_ARRIVALS + FS_MAX_GROUPS + 16)

/* [transfer FROM -> TO] sections: at most one per pair of units, and in practice one per
 * handoff that needs an assessment (tens). Sections too, so read at the same square-law
 * cost as units; looked up per unit by binary search, so a run does not care how many. */
#define FS_MAX_TRANSFERS 10000

/* [escalation]: the checks one signal's window spans (window / check_every). Each replication
 * keeps one snapshot of the signal unit's counts per check of the window (some 600 bytes each),
 * so 10000 is 6 MB a replication: a week's window checked every minute fits; the OPEL review
 * (a 24-hour window checked every few hours) needs a handful. */
#define FS_MAX_ESC_WINDOW_CHECKS 10000

/* [escalation] check_every: at least a minute (days). Each review is an event; OPEL is reviewed
 * a few times a day, and a review every 1e-12 days would make a run of events that never ends. */
#define FS_MIN_ESC_CHECK_DAYS (1.0 / 1440)

/* [arrivals NAME] streams: a few per front door in practice. Each keeps a 168-hour profile
 * (1.4 KB) and a random stream per replication; stream numbers go into 32-bit event ids. */
#define FS_MAX_ARRIVALS 10000

/* priority on [group] and [arrivals]: a whole number within +-FS_MAX_PRIORITY, so the distinct
 * priorities (at most 2 x 100 + 1) rank in a patient's one byte. A handful are used in
 * practice (emergency above elective, say). */
#define FS_MAX_PRIORITY 100

/* outbreak_rate: at most one an hour (24 a day). Outbreaks are rare events — a few a year a
 * ward — and each is two events; a rate written per day for per year would otherwise run for
 * ever at 1e7 a day. */
#define FS_MAX_OUTBREAKS_PER_DAY 24

/* visits_initial, visits_final: at most one visit every 15 minutes. A patient needing more is
 * in a bed, not at home; a slip (visits a week for a day) would otherwise book thousands. */
#define FS_MAX_VISITS_PER_DAY 96

/* [group NAME] sections (case-mix groups: frailty, age bands; a handful in practice). A
 * patient keeps its group in one byte (models/flow.c, struct patient), which bounds this at
 * 256; every unit also keeps a record per group (its stay, routing and readmission, some
 * 200 bytes), so units x groups records are made at load, and --by-group keeps six metrics
 * per unit and group: 10,000 units x 64 groups validate in 180 MB (and --by-group writes
 * close to 1 GB of CSV). */
#define FS_MAX_GROUPS 64

/* Report buckets after the warm-up, and warm-up-chart intervals from time 0 (both horizon /
 * interval, one row of values per unit each): beyond this an interval is surely a typo, and
 * the run would spend its time and memory on windows, or never end (horizon = 1e12d with
 * warmup just below it and no arrivals closed 10^12 empty intervals). */
#define FS_MAX_BUCKETS 2000000

/* The horizon, in days (1,000 years). Time is a double in days: at 10^14 days two events a
 * minute apart have the same time and the clock stops, so a long enough horizon never ends;
 * at 365,250 days events are still told apart to the microsecond. */
#define FS_MAX_HORIZON_DAYS 365250.0

/* Arrivals a day at the busiest moment (rate x hour-of-week x by-date multipliers): the
 * engine's own bound, NHPP_MAX_PER_DAY in sim/nhpp.h (10^7). England's A&E departments see
 * some 10^5 attendances a day; beyond it a rate per year given per day, or a multiplier of
 * 1e300, would be a run that never ends. */

/* A unit's discharge_rate (per unit weight of its discharge_hour_of_week) is bounded as the
 * arrivals' rate is: at the busiest hour, rate x weight at most NHPP_MAX_PER_DAY (a patient's
 * own discharge process is one of sim/nhpp.c's; beyond it a rate per year given per day would
 * be a run that never ends; `inf` is the way to say "at once"); and, over the week, rate x the
 * mean weight at least this, one discharge in the longest horizon (FS_MAX_HORIZON_DAYS): a
 * slower rate (1e-300/d) leaves every patient who waits for the discharge hour in its place
 * for good in any run flowsim allows, which is the fault of a profile of zeros (refused too). */
#define FS_MIN_DISCHARGES_PER_DAY (1.0 / FS_MAX_HORIZON_DAYS)

/* cost_per_place_day and cost_per_patient_day: at most 10^9 (in whatever currency) a place or
 * patient a day. An intensive-care bed-day costs some £2,000; the bound is there because costs
 * are summed over places, patients, days and replications, and 1e307 a day overflowed them to
 * infinity, which summary.csv can only leave empty. 10^9 x 10^8 places x 1,000 years of days
 * stays some 10^280 below the overflow. */
#define FS_MAX_COST_PER_DAY 1e9

/* Patients in the units at time 0, all units together ([scenario] initial; the keys
 * initial_occupancy and initial_delayed, which models/value.c bounds at 10^8 each). Each is a
 * patient record from the start, some 190 bytes: 10^7 is 2 GB a replication. England has
 * some 100,000 general and acute beds. */
#define FS_MAX_CENSUS 10000000

/* Rows of CSV tables in one scenario, counted each time a key names a table (a by_date table
 * shared by many streams is read and kept for each): every table is held in memory while the
 * scenario lives. 4,000,000 rows is a few seconds of reading and some hundreds of MB. */
#define FS_MAX_TABLE_ROWS 4000000

/* Rows of a dated table (by_date, capacity_schedule): one a day for some 2,700 years. A
 * capacity change is an event whose row number travels in a 32-bit field of the calendar. */
#define FS_MAX_DATED_ROWS 1000000

/* Time a patient of today's patients file ([scenario] patients, the admitted column) has
 * already spent in its unit, in days (100 years): nobody has been in one bed longer than a
 * lifetime, and a longer time is a typo (1900-01-01 for 2025, 1e300d) that would put a
 * stay of centuries into los_mean. Beyond FS_WARN_ADMITTED_DAYS (5 years: long-stay care home
 * residents, but far past any hospital stay) the row loads with a warning to check its year. */
#define FS_MAX_ADMITTED_DAYS 36525.0
#define FS_WARN_ADMITTED_DAYS 1826.25

/* A loop of units (routing, rejections, patience, readmissions, step-downs; a move's internal
 * delay counts as time on its route) every step of which takes on average less than this (days: one
 * minute) could be gone round without the clock moving: a patient routed from a unit with stay =
 * fixed(0d) back to itself, or two full queues whose patience of exp(1e-12d) sends patients to each
 * other, made events for ever at one instant and the run never reached its horizon. Such a loop is
 * refused, even one patients leave (fixed(0d), back with probability 0.5): they could go round it
 * many times at one instant, which no care pathway does (docs/model.md, "Loops"). */
#define FS_MIN_LOOP_STEP_DAYS (1.0 / 1440)

/* Buffers. Paths and messages are the only text flowsim keeps in fixed arrays that may be
 * near full; every other string (names, cells, command lines, warnings, run-info values) is
 * allocated to its length. Every fixed array left in sim/, models/, output/ and cli/ (found by
 * `grep 'char [a-z_]*\[[0-9A-Z_]'`, each declarator of a line), and why none can cut what a
 * file or a result says:
 *  - paths, FS_PATH_MAX (also arrays of them: a rank's or a variant's folder in
 *    cli/runfiles.c and cli/cmd_sweep.c), each built with a check (fs_path in sim/core.h,
 *    cli_path, outdir.c's join, csvout_open), so a longer one is refused with
 *    "START...: path too long", exit 2;
 *  - messages, FS_MSG_MAX, and two made of a message and fixed text sized for both: a rank's
 *    report (cli/par.c, FS_MSG_MAX + 64) and --precision's stopping line (struct run_stats in
 *    cli/cli.h, FS_MSG_MAX + 128). sim/ cannot include this file: the runner's copy of a
 *    replication's failure (which may name a file) is FS_SIM_MSG_MAX in sim/core.h, equal to
 *    FS_MSG_MAX (checked below), and sim/dist.c's err[64] is never read. A message quotes
 *    what it refuses; one that quotes a cell of unbounded length (`flowsim fit`) quotes its
 *    first 64 bytes and "...", so that it is never cut inside its quotes;
 *  - a number's text, sized for its widest form: CSVOUT_NUM_MAX (32) for %.9g (csvout.c's
 *    nine digits d[9] and tmp[16] on the way), 16 for a whole number below 10^9 (the
 *    resolved file's replications), 11 for a date YYYY-MM-DD (report.c's and results.c's
 *    buckets, scenario_units.c's schedule dates), 64 for a time stamp (results.c, outputs.c),
 *    32 for an int or a %.6g number (inidoc.c's line count, calibrate's evaluations,
 *    validate's columns, whose occupancy % turns to %.3g from 10^9), 64 for a "--set" of a
 *    seed or a count (cli/variants.h) and for three %.4g numbers (compare's console table),
 *    64 or 96 for fixed text with one to three numbers (value.c's "a whole number from A to
 *    B", scenario_tables.c's column count, fit's and reproduce's table cells, sweep's
 *    "variant (from the row's values)");
 *  - buffers that fall back to an allocation when the text is longer (results.c's rows and
 *    row prefixes), or copy a file in pieces of their size (report.c's run-info, the 64 KB
 *    copy buffers of csvout.c and outdir.c): a size for speed, never a bound;
 *  - parsing scratch that refuses what does not fit rather than cut it: a distribution's name
 *    (16) and argument (64) in value.c, a time of day's number (64) in scenario_check.c, a
 *    date before its time (16) in scenario_tables.c, --precision's percentage and
 *    --replications-range's first number (64) in cli/main.c, a --set (or --grid column)
 *    section name and key (200) in inidoc.c, more than any line of a file holds (below);
 *  - names that become folder names, OUTDIR_LABEL_MAX (128, output/outdir.h): a sweep
 *    variant's label and the results folder made from a scenario's name; a longer one is
 *    refused with a message (a sweep's 'variant' column names it shorter; -o DIR for a run);
 *  - INI lines, at most 196 characters (inih's INI_MAX_LINE of 200 with its newline and NUL):
 *    a longer line is refused with FILE:LINE ("line is too long"), never cut, so a name read
 *    from a section header is under 196; a longer value is written across continuation lines
 *    or given with --set, and is then whole. */

/* A path flowsim builds: the results folder with a file name, a staging or part folder, a
 * table named by a scenario. Linux's PATH_MAX (4096, counting the terminating NUL) is the most
 * any call that takes a path accepts, so a longer one could not be opened anyway; a path that
 * would not fit is refused with a message ("path too long"), never cut short. */
#define FS_PATH_MAX 4096

/* A one-line message: "FILE:LINE: key: expected ..." with a path, a key and the value at fault
 * quoted. Longer is cut, the only text flowsim may cut: a message is for a person, and its start
 * names the file, the line and the key. */
#define FS_MSG_MAX (FS_PATH_MAX + 512)

/* A line of a scenario file: 196 characters, what inih's buffer (INI_MAX_LINE, 200 in Debian's
 * build, with the newline and the NUL) holds; SC_LINE_MAX in models/scenario_int.h, asserted
 * against it. A longer line is refused (FILE:LINE: line is too long); scenario.resolved.ini
 * writes a longer value on continuation lines, and a value with a word longer than 192
 * characters, which no INI line could hold, is refused at load, so that every resolved file
 * loads back. */

#include "sim/core.h"
_Static_assert(FS_SIM_MSG_MAX == FS_MSG_MAX, "sim/core.h's message size is FS_MSG_MAX");

#endif
