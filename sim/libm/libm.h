/* libm.h — what the pinned functions (sim/libm/, docs/web.md "The same bytes") take from
 * musl's src/internal/libm.h: bit casts, evaluation barriers and the special-case results, in
 * portable C. musl 1.2.2 as Debian's emscripten 3.1.6 ships it; MIT licence (COPYRIGHT here).
 *
 * These files are the project's own copy so that exp, log, pow, log1p, expm1, lgamma, sin, cos,
 * sincos and tan are the
 * same code, and so give the same bits, on Linux (glibc's would be used otherwise, and its
 * x86-64 exp, log and pow pick an FMA variant on CPUs that have FMA), Windows (mingw-w64 and
 * msvcrt's) and WebAssembly (the same musl code). They rely on IEEE binary64 arithmetic
 * rounded to nearest with no excess precision and no fused multiply-add: SSE2 on x86-64 and
 * WebAssembly give that, and CMakeLists.txt compiles them with -ffp-contract=off. */
#ifndef FS_LIBM_H
#define FS_LIBM_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#if defined(__FP_FAST_FMA) || (defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD != 0)
#error "sim/libm must be compiled without FMA and without excess precision (docs/web.md)"
#endif

#ifdef _WIN32
#define hidden
#else
#define hidden __attribute__((visibility("hidden")))
#endif

#define WANT_ROUNDING 1
#define WANT_SNAN 0
#define issignaling_inline(x) 0
#define TOINT_INTRINSICS 0

#ifdef __GNUC__
#define predict_true(x) __builtin_expect(!!(x), 1)
#define predict_false(x) __builtin_expect(x, 0)
#else
#define predict_true(x) (x)
#define predict_false(x) (x)
#endif

static inline double eval_as_double(double x) {
    double y = x;
    return y;
}
static inline double fp_barrier(double x) {
    volatile double y = x;
    return y;
}
static inline void fp_force_eval(double x) {
    volatile double y;
    y = x;
    (void)y;
}
#define FORCE_EVAL(x) fp_force_eval(x)

#define asuint64(f) ((union {double _f; uint64_t _i;}){f})._i
#define asdouble(i) ((union {uint64_t _i; double _f;}){i})._f

double fs_libm_oflow(uint32_t sign);
double fs_libm_uflow(uint32_t sign);
double fs_libm_invalid(double x);
double fs_libm_divzero(uint32_t sign);
double fs_libm_sin_kernel(double x, double y, int iy);
double fs_libm_cos_kernel(double x, double y);
double fs_libm_tan_kernel(double x, double y, int odd);
int fs_libm_rem_pio2(double x, double *y);
int fs_libm_rem_pio2_large(double *x, double *y, int e0, int nx, int prec);
/* sincos is GNU's, not C11's: GCC turns sin(x) and cos(x) of one x into a call of it. */
void sincos(double x, double *sin, double *cos);

#define EXTRACT_WORDS(hi, lo, d)                                                                    \
    do {                                                                                           \
        uint64_t __u = asuint64(d);                                                                \
        (hi) = __u >> 32;                                                                          \
        (lo) = (uint32_t)__u;                                                                      \
    } while (0)
#define GET_HIGH_WORD(hi, d)                                                                       \
    do {                                                                                           \
        (hi) = asuint64(d) >> 32;                                                                  \
    } while (0)
#define GET_LOW_WORD(lo, d)                                                                        \
    do {                                                                                           \
        (lo) = (uint32_t)asuint64(d);                                                              \
    } while (0)
#define INSERT_WORDS(d, hi, lo)                                                                    \
    do {                                                                                           \
        (d) = asdouble(((uint64_t)(hi) << 32) | (uint32_t)(lo));                                   \
    } while (0)
#define SET_HIGH_WORD(d, hi) INSERT_WORDS(d, hi, (uint32_t)asuint64(d))
#define SET_LOW_WORD(d, lo) INSERT_WORDS(d, asuint64(d) >> 32, lo)

#endif
