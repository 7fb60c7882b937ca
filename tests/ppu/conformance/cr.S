/* cr.S: condition-register logical operations, mcrf, mtcrf/mfcr.
 * CR bit b (IBM numbering, 0 = MSB) is the word bit 0x80000000 >> b. */
#include "test_macros.h"

    TEST_CASE(1, r3, 0xE0000000, SET_CR(0x60000000) ; crand 0, 1, 2 ; mfcr r3)
    TEST_CASE(2, r3, 0x40000000, SET_CR(0x40000000) ; crand 0, 1, 2 ; mfcr r3)
    TEST_CASE(3, r3, 0x40000001, SET_CR(0x40000000) ; cror 31, 1, 2 ; mfcr r3)
    TEST_CASE(4, r3, 0x40000000, SET_CR(0x48000000) ; crxor 4, 1, 1 ; mfcr r3)
    TEST_CASE(5, r3, 0x60000000, SET_CR(0xE0000000) ; crnand 0, 1, 2 ; mfcr r3)
    TEST_CASE(6, r3, 0x80000000, SET_CR(0x00000000) ; crnor 0, 1, 2 ; mfcr r3)
    TEST_CASE(7, r3, 0x10000000, SET_CR(0x00000000) ; creqv 3, 1, 2 ; mfcr r3)
    TEST_CASE(8, r3, 0xC0000000, SET_CR(0x40000000) ; crandc 0, 1, 2 ; mfcr r3)
    TEST_CASE(9, r3, 0x80000000, SET_CR(0x00000000) ; crorc 0, 1, 2 ; mfcr r3)
    TEST_CASE(10, r3, 0xA000000A, SET_CR(0xA0000000) ; mcrf 7, 0 ; mfcr r3)
    TEST_CASE(11, r3, 0x55000000, SET_CR(0x5F000000) ; mcrf 1, 0 ; mfcr r3)
    TEST_CASE(12, r3, 0xF2345678, SET_CR(0x12345678) ; LI32(r5, 0xFFFFFFFF) ; mtcrf 0x80, r5 ; mfcr r3)
    TEST_CASE(13, r3, 0x00000001, SET_CR(0x00000000) ; LI32(r5, 0xABCDEF01) ; mtcrf 0x01, r5 ; mfcr r3)
    /* FXM 0x5A = fields 1, 3, 4, 6 from 0xABCDEF01: B, D, E, 0 */
    TEST_CASE(14, r3, 0x0B0DE000, SET_CR(0x00000000) ; LI32(r5, 0xABCDEF01) ; mtcrf 0x5A, r5 ; mfcr r3)
    TEST_CASE(15, r3, 0x80000000, SET_CR(0x00000000) ; creqv 0, 0, 0 ; mfcr r3)   /* crset */
    TEST_CASE(16, r3, 0x7FFFFFFF, SET_CR(0xFFFFFFFF) ; crxor 0, 0, 0 ; mfcr r3)   /* crclr */
    TEST_CASE(17, r3, 0x00000011, SET_CR(0x00000000) ; creqv 31, 31, 31 ; li r3, 17 ; bc 12, 31, .Lcr17 ; li r3, 0 ; .Lcr17:)
    TEST_CASE(18, r3, 0x12345678, SET_CR(0x12345678) ; mfcr r3)

    TEST_END
