/* rotate.S: rotates with masks, shifts, algebraic shifts and their carry.
 * Masks by hand: MASK(mb, me) sets IBM bits mb..me (wrapping when mb > me). slw/srw
 * use the low 6 bits of RB (>= 32 gives 0); sraw/srawi set CA iff the source is
 * negative and a one bit was shifted out. */
#include "test_macros.h"

    TEST_CASE(1, r3, 0x34567812, LI32(r5, 0x12345678) ; rlwinm r3, r5, 8, 0, 31)
    TEST_CASE(2, r3, 0x00000078, LI32(r5, 0x12345678) ; rlwinm r3, r5, 0, 24, 31)
    TEST_CASE(3, r3, 0x23456780, LI32(r5, 0x12345678) ; rlwinm r3, r5, 4, 0, 27)
    TEST_CASE(4, r3, 0x01234567, LI32(r5, 0x12345678) ; rlwinm r3, r5, 28, 4, 31)
    TEST_CASE(5, r3, 0x10000008, LI32(r5, 0x12345678) ; rlwinm r3, r5, 0, 28, 3)  /* wrapping mask 0xF000000F */
    /* rlwimi: rotl(0x12345678, 8) = 0x34567812; insert under 0x0000FF00 */
    TEST_CASE(6, r3, 0xAAAA78AA, LI32(r3, 0xAAAAAAAA) ; LI32(r5, 0x12345678) ; rlwimi r3, r5, 8, 16, 23)
    /* rlwnm: rotate by RB[27:31] = 36 mod 32 = 4 */
    TEST_CASE(7, r3, 0x23456781, LI32(r5, 0x12345678) ; LI32(r6, 36) ; rlwnm r3, r5, r6, 0, 31)
    TEST_RR_OP(8, slw, 0x80000000, 0x00000001, 0x0000001F)
    TEST_RR_OP(9, slw, 0x00000000, 0xFFFFFFFF, 0x00000020)
    TEST_RR_OP(10, slw, 0x00000000, 0xFFFFFFFF, 0x00000021)
    TEST_RR_OP(11, srw, 0x00000001, 0x80000000, 0x0000001F)
    TEST_RR_OP(12, srw, 0x00000000, 0xFFFFFFFF, 0x00000020)
    TEST_RR_OP(13, sraw, 0xF8000000, 0x80000000, 0x00000004)
    TEST_CA(14, 0)                                    /* only zeros shifted out */
    TEST_RR_OP(15, sraw, 0xFFFFFFFC, 0xFFFFFFF1, 0x00000002)
    TEST_CA(16, 1)                                    /* -15: '01' shifted out */
    TEST_RR_OP(17, sraw, 0x07FFFFFF, 0x7FFFFFFF, 0x00000004)
    TEST_CA(18, 0)                                    /* positive */
    TEST_RR_OP(19, sraw, 0xFFFFFFFF, 0x80000000, 0x00000028)  /* shift >= 32 */
    TEST_CA(20, 1)
    TEST_RR_OP(21, sraw, 0x00000000, 0x7FFFFFFF, 0x00000020)
    TEST_CA(22, 0)
    TEST_RI_OP(23, srawi, 0xFFFFFFFC, 0xFFFFFFF1, 2)
    TEST_CA(24, 1)
    TEST_RI_OP(25, srawi, 0x00000001, 0x00000010, 4)
    TEST_CA(26, 0)
    TEST_RI_OP(27, srawi, 0x80000000, 0x80000000, 0)
    TEST_CA(28, 0)
    TEST_CR(29, 0x20000000, LI32(r5, 0x12345678) ; rlwinm. r4, r5, 0, 16, 16)  /* bit 16 of 0x5678 is 0: EQ */
    TEST_CR(30, 0x40000000, LI32(r5, 0x12345678) ; rlwinm. r4, r5, 0, 17, 17)  /* bit 17 = 0x4000 set: GT */

    TEST_END
