/* The special-case results of the pinned functions (musl's __math_oflow, __math_uflow,
 * __math_xflow, __math_invalid, __math_divzero), raising the IEEE exceptions as musl does.
 * MIT licence (COPYRIGHT). */
#include "libm.h"

static double xflow(uint32_t sign, double y) {
    return eval_as_double(fp_barrier(sign ? -y : y) * y);
}

double fs_libm_oflow(uint32_t sign) {
    return xflow(sign, 0x1p769);
}

double fs_libm_uflow(uint32_t sign) {
    return xflow(sign, 0x1p-767);
}

double fs_libm_invalid(double x) {
    return (x - x) / (x - x);
}

double fs_libm_divzero(uint32_t sign) {
    return fp_barrier(sign ? -1.0 : 1.0) / 0.0;
}
