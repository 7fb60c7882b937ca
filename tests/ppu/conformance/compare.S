/* compare.S: cmp, cmpi, cmpl, cmpli into different CR fields, and CR.SO copying XER.SO.
 * CR field f is CR bits 4f..4f+3 = LT, GT, EQ, SO; as a word, field f is the nibble
 * at shift 28 - 4f (LT = 8, GT = 4, EQ = 2, SO = 1). */
#include "test_macros.h"

    TEST_CR(1, 0x80000000, LI32(r5, 1) ; LI32(r6, 2) ; cmpw 0, r5, r6)
    TEST_CR(2, 0x40000000, LI32(r5, 2) ; LI32(r6, 1) ; cmpw 0, r5, r6)
    TEST_CR(3, 0x20000000, LI32(r5, 5) ; LI32(r6, 5) ; cmpw 0, r5, r6)
    TEST_CR(4, 0x80000000, LI32(r5, 0xFFFFFFFF) ; LI32(r6, 1) ; cmpw 0, r5, r6)   /* signed -1 < 1 */
    TEST_CR(5, 0x40000000, LI32(r5, 0xFFFFFFFF) ; LI32(r6, 1) ; cmplw 0, r5, r6)  /* unsigned */
    TEST_CR(6, 0x00000008, LI32(r5, 1) ; LI32(r6, 2) ; cmpw 7, r5, r6)
    TEST_CR(7, 0x00020000, LI32(r5, 3) ; LI32(r6, 3) ; cmpw 3, r5, r6)
    TEST_CR(8, 0x02000000, LI32(r5, 0xFFFFFFFB) ; cmpwi 1, r5, -5)
    TEST_CR(9, 0x40000000, LI32(r5, 0) ; cmpwi 0, r5, -1)
    TEST_CR(10, 0x80000000, LI32(r5, 0) ; cmplwi 0, r5, 0xFFFF)
    TEST_CR(11, 0x00400000, LI32(r5, 0x10000) ; cmplwi 2, r5, 0xFFFF)
    /* SO copied from XER */
    TEST_CASE(12, r3, 0x30000000, SET_CR(0) ; SET_XER(XER_SO) ; LI32(r5, 1) ; cmpw 0, r5, r5 ; mfcr r3)
    /* the other fields are untouched */
    TEST_CASE(13, r3, 0x42345678, SET_XER(0) ; SET_CR(0x12345678) ; LI32(r5, 2) ; LI32(r6, 1) ; cmpw 0, r5, r6 ; mfcr r3)
    /* the base forms: cmp BF,L,RA,RB etc. with L = 0 */
    TEST_CR(14, 0x80000000, LI32(r5, 0xFFFFFFFF) ; LI32(r6, 0) ; cmp 0, 0, r5, r6)
    TEST_CR(15, 0x40000000, LI32(r5, 0xFFFFFFFF) ; LI32(r6, 0) ; cmpl 0, 0, r5, r6)
    TEST_CR(16, 0x40000000, LI32(r5, 0xFFFFFFFF) ; cmpi 0, 0, r5, -2)
    TEST_CR(17, 0x20000000, LI32(r5, 3) ; cmpli 0, 0, r5, 3)
    TEST_CR(18, 0x00000004, LI32(r5, 0x80000000) ; LI32(r6, 0x7FFFFFFF) ; cmplw 7, r5, r6)

    TEST_END
