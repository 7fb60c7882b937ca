/* arith.S: integer arithmetic (D-, XO-form), carries, overflow and CR0 recording.
 * Expected values by hand: 32-bit two's complement; CA = carry out of bit 0; subf
 * computes RB - RA as ~RA + RB + 1; OV/SO per the Power ISA. */
#include "test_macros.h"

    TEST_RR_OP(1, add, 0x00000003, 0x00000001, 0x00000002)
    TEST_RR_OP(2, add, 0x80000000, 0x7FFFFFFF, 0x00000001)
    TEST_RR_OP(3, add, 0x00000000, 0xFFFFFFFF, 0x00000001)
    TEST_RI_OP(4, addi, 0xFFFFFFFF, 0x00000000, -1)
    TEST_RI_OP(5, addis, 0x00101234, 0x00001234, 0x10)
    TEST_CASE(6, r3, 0x00000005, addi r3, 0, 5)              /* RA = 0 reads as 0 */
    TEST_CASE(7, r3, 0x00000001, SET_XER(0) ; LI32(r5, 0xFFFFFFFF) ; LI32(r6, 2) ; addc r3, r5, r6)
    TEST_CA(8, 1)
    TEST_CASE(9, r3, 0x00000006, SET_XER(XER_CA) ; LI32(r5, 2) ; LI32(r6, 3) ; adde r3, r5, r6)
    TEST_CASE(10, r3, 0x00000000, SET_XER(XER_CA) ; LI32(r5, 0xFFFFFFFF) ; LI32(r6, 0) ; adde r3, r5, r6)
    TEST_CA(11, 1)
    TEST_CASE(12, r3, 0x00000006, SET_XER(XER_CA) ; LI32(r5, 5) ; addze r3, r5)
    TEST_CA(13, 0)
    /* addme: 5 + 0xFFFFFFFF + 0 = 4 with a carry out */
    TEST_CASE(14, r3, 0x00000004, SET_XER(0) ; LI32(r5, 5) ; addme r3, r5)
    TEST_CA(15, 1)
    TEST_CASE(16, r3, 0x00000000, SET_XER(0) ; LI32(r5, 0xFFFFFFFF) ; addic r3, r5, 1)
    TEST_CA(17, 1)
    /* addic. : 0xFFFFFFFF + -1 = 0xFFFFFFFE, negative: CR0 = LT */
    TEST_CASE(18, r3, 0x80000000, SET_XER(0) ; SET_CR(0) ; LI32(r5, 0xFFFFFFFF) ; addic. r4, r5, -1 ; mfcr r3)
    TEST_REG(19, r4, 0xFFFFFFFE)
    /* subf RT,RA,RB = RB - RA */
    TEST_RR_OP(20, subf, 0x00000007, 0x00000003, 0x0000000A)
    TEST_RR_OP(21, subf, 0xFFFFFFFF, 0x00000001, 0x00000000)
    TEST_CASE(22, r3, 0x00000001, SET_XER(0) ; LI32(r5, 1) ; LI32(r6, 2) ; subfc r3, r5, r6)
    TEST_CA(23, 1)                                             /* no borrow */
    TEST_CASE(24, r3, 0xFFFFFFFF, SET_XER(XER_CA) ; LI32(r5, 2) ; LI32(r6, 1) ; subfc r3, r5, r6)
    TEST_CA(25, 0)                                             /* borrow */
    /* subfe: ~3 + 10 + CA(0) = 6 */
    TEST_CASE(26, r3, 0x00000006, SET_XER(0) ; LI32(r5, 3) ; LI32(r6, 10) ; subfe r3, r5, r6)
    TEST_CASE(27, r3, 0x00000007, SET_XER(0) ; LI32(r5, 3) ; subfic r3, r5, 10)
    TEST_CA(28, 1)
    /* subfze: ~5 + CA(1) = -5 */
    TEST_CASE(29, r3, 0xFFFFFFFB, SET_XER(XER_CA) ; LI32(r5, 5) ; subfze r3, r5)
    /* subfme: ~5 + CA(1) + 0xFFFFFFFF = ~5 */
    TEST_CASE(30, r3, 0xFFFFFFFA, SET_XER(XER_CA) ; LI32(r5, 5) ; subfme r3, r5)
    TEST_R_OP(31, neg, 0xFFFFFFFB, 0x00000005)
    TEST_R_OP(32, neg, 0x80000000, 0x80000000)
    TEST_RI_OP(33, mulli, 0xFFFFFFEB, 0x00000007, -3)
    TEST_RR_OP(34, mullw, 0x00000000, 0x00010000, 0x00010000)
    TEST_RR_OP(35, mullw, 0xFFFFFFFB, 0xFFFFFFFF, 0x00000005)
    TEST_RR_OP(36, mulhw, 0x00000001, 0x00010000, 0x00010000)
    TEST_RR_OP(37, mulhw, 0xFFFFFFFF, 0xFFFFFFFF, 0x00000005)  /* -5 = 0xFFFFFFFF_FFFFFFFB */
    TEST_RR_OP(38, mulhwu, 0x00000004, 0xFFFFFFFF, 0x00000005) /* 0x4_FFFFFFFB */
    TEST_RR_OP(39, divw, 0xFFFFFFFA, 0x00000014, 0xFFFFFFFD)   /* 20 / -3 = -6 */
    TEST_RR_OP(40, divw, 0xFFFFFFFA, 0xFFFFFFEC, 0x00000003)   /* -20 / 3 = -6 */
    TEST_RR_OP(41, divwu, 0x7FFFFFFF, 0xFFFFFFFF, 0x00000002)
    TEST_RR_OP(42, divwu, 0x00000001, 0x00000007, 0x00000007)
    TEST_CR(43, 0x20000000, LI32(r5, 0) ; LI32(r6, 0) ; add. r4, r5, r6)            /* EQ */
    TEST_CR(44, 0x80000000, LI32(r5, 0x7FFFFFFF) ; LI32(r6, 1) ; add. r4, r5, r6)   /* LT */
    TEST_CR(45, 0x40000000, LI32(r5, 3) ; LI32(r6, 5) ; subf. r4, r5, r6)           /* GT */
    /* addo: 0x7FFFFFFF + 1 overflows: OV and SO */
    TEST_CASE(46, r3, 0xC0000000, SET_XER(0) ; LI32(r5, 0x7FFFFFFF) ; LI32(r6, 1) ; addo r4, r5, r6 ; mfspr r3, SPR_XER ; rlwinm r3, r3, 0, 0, 1)
    TEST_CASE(47, r3, 0x00000000, SET_XER(0) ; LI32(r5, 1) ; LI32(r6, 1) ; addo r4, r5, r6 ; mfspr r3, SPR_XER ; rlwinm r3, r3, 0, 0, 1)
    /* SO is sticky, OV is not */
    TEST_CASE(48, r3, 0x80000000, SET_XER(0) ; LI32(r5, 0x7FFFFFFF) ; LI32(r6, 1) ; addo r4, r5, r6 ; addo r4, r6, r6 ; mfspr r3, SPR_XER ; rlwinm r3, r3, 0, 0, 1)
    /* CR0.SO is a copy of XER.SO: 1 + 1 > 0 -> GT | SO */
    TEST_CASE(49, r3, 0x50000000, SET_CR(0) ; SET_XER(XER_SO) ; LI32(r5, 1) ; add. r4, r5, r5 ; mfcr r3)
    /* subfo: 0x80000000 - 1 overflows */
    TEST_CASE(50, r3, 0xC0000000, SET_XER(0) ; LI32(r5, 1) ; LI32(r6, 0x80000000) ; subfo r4, r5, r6 ; mfspr r3, SPR_XER ; rlwinm r3, r3, 0, 0, 1)
    TEST_REG(51, r4, 0x7FFFFFFF)

    TEST_END
