/* fxv_arith.S: FXV add/subtract (modulo and saturating) and multiply (modulo and
 * fractional saturating), bytes and halfwords, unconditional (C = 0).
 * Operands are splats, so every lane holds the same value and the expected vector is
 * one 32-bit word repeated. By hand:
 *   m  = wrap-around (mod 2^8 / 2^16);  fs (add/sub) = signed saturation;
 *   mulfs(a, b) = 2*a*b in double width, saturated (only (-1)*(-1) overflows), the
 *   register result is its upper half: for bytes 0x40*0x40 = 2*64*64 = 0x2000 -> 0x20. */
#include "test_macros.h"

    TEST_DO(1, SPLATB(1, 0x7F) ; SPLATB(2, 0x01) ; fxvaddbm 3, 1, 2, 0)
    TEST_VEC_WORDS(2, 3, 0x80808080)                          /* 0x7F + 1 mod 2^8 */
    TEST_DO(3, fxvaddbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(4, 3, 0x7F7F7F7F)                          /* saturates at +127 */
    TEST_DO(5, SPLATB(1, 0x80) ; SPLATB(2, 0xFF) ; fxvaddbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(6, 3, 0x80808080)                          /* -128 + -1 -> -128 */
    TEST_DO(7, fxvaddbm 3, 1, 2, 0)
    TEST_VEC_WORDS(8, 3, 0x7F7F7F7F)                          /* 0x80 + 0xFF = 0x17F */
    TEST_DO(9, SPLATH(1, 0x7FFF) ; SPLATH(2, 0x0001) ; fxvaddhm 3, 1, 2, 0)
    TEST_VEC_WORDS(10, 3, 0x80008000)
    TEST_DO(11, fxvaddhfs 3, 1, 2, 0)
    TEST_VEC_WORDS(12, 3, 0x7FFF7FFF)
    TEST_DO(13, SPLATH(1, 0x8000) ; SPLATH(2, 0xFFFF) ; fxvaddhfs 3, 1, 2, 0)
    TEST_VEC_WORDS(14, 3, 0x80008000)
    TEST_DO(15, SPLATH(1, 0x1234) ; SPLATH(2, 0x1111) ; fxvaddhm 3, 1, 2, 0)
    TEST_VEC_WORDS(16, 3, 0x23452345)
    /* subtract: VRT = VRA - VRB */
    TEST_DO(17, SPLATB(1, 0x00) ; SPLATB(2, 0x01) ; fxvsubbm 3, 1, 2, 0)
    TEST_VEC_WORDS(18, 3, 0xFFFFFFFF)
    TEST_DO(19, SPLATB(1, 0x80) ; SPLATB(2, 0x01) ; fxvsubbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(20, 3, 0x80808080)                         /* -129 -> -128 */
    TEST_DO(21, SPLATB(1, 0x7F) ; SPLATB(2, 0xFF) ; fxvsubbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(22, 3, 0x7F7F7F7F)                         /* 127 - -1 -> 127 */
    TEST_DO(23, SPLATH(1, 0x0000) ; SPLATH(2, 0x0001) ; fxvsubhm 3, 1, 2, 0)
    TEST_VEC_WORDS(24, 3, 0xFFFFFFFF)
    TEST_DO(25, SPLATH(1, 0x8000) ; SPLATH(2, 0x0001) ; fxvsubhfs 3, 1, 2, 0)
    TEST_VEC_WORDS(26, 3, 0x80008000)
    TEST_DO(27, SPLATH(1, 0x0005) ; SPLATH(2, 0x0003) ; fxvsubhfs 3, 1, 2, 0)
    TEST_VEC_WORDS(28, 3, 0x00020002)
    /* multiply, modulo: low half of the product */
    TEST_DO(29, SPLATB(1, 0x03) ; SPLATB(2, 0x05) ; fxvmulbm 3, 1, 2, 0)
    TEST_VEC_WORDS(30, 3, 0x0F0F0F0F)
    TEST_DO(31, SPLATB(1, 0x10) ; SPLATB(2, 0x10) ; fxvmulbm 3, 1, 2, 0)
    TEST_VEC_WORDS(32, 3, 0x00000000)                         /* 0x100 */
    TEST_DO(33, SPLATH(1, 0x0003) ; SPLATH(2, 0x0005) ; fxvmulhm 3, 1, 2, 0)
    TEST_VEC_WORDS(34, 3, 0x000F000F)
    TEST_DO(35, SPLATH(1, 0x0101) ; SPLATH(2, 0x0101) ; fxvmulhm 3, 1, 2, 0)
    TEST_VEC_WORDS(36, 3, 0x02010201)                         /* 0x10201 */
    /* multiply, fractional saturating */
    TEST_DO(37, SPLATB(1, 0x40) ; SPLATB(2, 0x40) ; fxvmulbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(38, 3, 0x20202020)                         /* 0.5 * 0.5 = 0.25 */
    TEST_DO(39, SPLATB(1, 0x80) ; SPLATB(2, 0x80) ; fxvmulbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(40, 3, 0x7F7F7F7F)                         /* (-1)*(-1) saturates */
    TEST_DO(41, SPLATB(1, 0x40) ; SPLATB(2, 0xC0) ; fxvmulbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(42, 3, 0xE0E0E0E0)                         /* 2*64*-64 = 0xE000 */
    TEST_DO(43, SPLATB(1, 0x7F) ; SPLATB(2, 0x7F) ; fxvmulbfs 3, 1, 2, 0)
    TEST_VEC_WORDS(44, 3, 0x7E7E7E7E)                         /* 2*127*127 = 0x7E02 */
    TEST_DO(45, SPLATH(1, 0x4000) ; SPLATH(2, 0x4000) ; fxvmulhfs 3, 1, 2, 0)
    TEST_VEC_WORDS(46, 3, 0x20002000)
    TEST_DO(47, SPLATH(1, 0x8000) ; SPLATH(2, 0x8000) ; fxvmulhfs 3, 1, 2, 0)
    TEST_VEC_WORDS(48, 3, 0x7FFF7FFF)
    TEST_DO(49, SPLATH(1, 0x4000) ; SPLATH(2, 0xC000) ; fxvmulhfs 3, 1, 2, 0)
    TEST_VEC_WORDS(50, 3, 0xE000E000)                         /* -2^29 = 0xE0000000 */
    /* a destination that is also a source */
    TEST_DO(51, SPLATB(1, 0x21) ; SPLATB(2, 0x12) ; fxvaddbm 1, 1, 2, 0)
    TEST_VEC_WORDS(52, 1, 0x33333333)

    TEST_END
