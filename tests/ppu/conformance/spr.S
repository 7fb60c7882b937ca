/* spr.S: mtspr/mfspr round trips (LR, CTR, XER, SRR0/1, CSRR0/1, DEAR, VRSAVE), MSR,
 * the time base (TBL 284 / TBU 285 via mfspr/mtspr; Nux has no mftb) and DEC.
 * The core starts in supervisor state (MSR.PR = 0), so the privileged SPRs are
 * accessible. The time base counts PPU cycles (at least one per instruction). */
#include "test_macros.h"

#define MSR_ME 0x00001000

    TEST_CASE(1, r3, 0x12345678, LI32(r5, 0x12345678) ; mtlr r5 ; mflr r3)
    TEST_CASE(2, r3, 0x87654321, LI32(r5, 0x87654321) ; mtctr r5 ; mfctr r3)
    TEST_CASE(3, r3, 0xE0000000, LI32(r5, 0xE0000000) ; mtspr SPR_XER, r5 ; mfspr r3, SPR_XER)
    TEST_CASE(4, r3, 0x00000000, LI32(r5, 0) ; mtspr SPR_XER, r5 ; mfspr r3, SPR_XER)
    TEST_CASE(5, r3, 0x00001234, LI32(r5, 0x1234) ; mtspr SPR_SRR0, r5 ; mfspr r3, SPR_SRR0)
    TEST_CASE(6, r3, 0x00008000, LI32(r5, 0x8000) ; mtspr SPR_SRR1, r5 ; mfspr r3, SPR_SRR1)
    TEST_CASE(7, r3, 0x00000100, LI32(r5, 0x100) ; mtspr SPR_CSRR0, r5 ; mfspr r3, SPR_CSRR0)
    TEST_CASE(8, r3, 0x00001000, LI32(r5, 0x1000) ; mtspr SPR_CSRR1, r5 ; mfspr r3, SPR_CSRR1)
    TEST_CASE(9, r3, 0x00000ABC, LI32(r5, 0xABC) ; mtspr SPR_DEAR, r5 ; mfspr r3, SPR_DEAR)
    TEST_CASE(10, r3, 0xFFFF0000, LI32(r5, 0xFFFF0000) ; mtspr SPR_VRSAVE, r5 ; mfspr r3, SPR_VRSAVE)
    /* the generic mtspr/mfspr forms for LR (8) and CTR (9) */
    TEST_CASE(11, r3, 0x0000ABCD, LI32(r5, 0xABCD) ; mtspr SPR_LR, r5 ; mflr r3)
    TEST_CASE(12, r3, 0x0000DCBA, LI32(r5, 0xDCBA) ; mtctr r5 ; mfspr r3, SPR_CTR)
    /* MSR: set ME, read it back, restore */
    TEST_CASE(13, r3, MSR_ME, mfmsr r10 ; LI32(r5, MSR_ME) ; or r5, r5, r10 ; mtmsr r5 ; mfmsr r3 ; rlwinm r3, r3, 0, 19, 19)
    TEST_SET(14) ; mtmsr r10 ; mfmsr r3 ; cmpw r3, r10 ; bne test_fail
    /* time base: write TBL = 0, TBU = 5, read TBU back (TBL cannot wrap that fast) */
    TEST_CASE(15, r3, 0x00000005, li r5, 0 ; mtspr SPR_TBL, r5 ; li r5, 5 ; mtspr SPR_TBU, r5 ; mfspr r3, SPR_TBU)
    /* ... and TBL is small (< 1000) but counting */
    TEST_SET(16) ; mfspr r3, SPR_TBL ; cmplwi r3, 1000 ; bge test_fail
    TEST_SET(17) ; mfspr r3, SPR_TBL ; ori 0, 0, 0 ; mfspr r4, SPR_TBL ; cmplw r4, r3 ; ble test_fail
    /* TBL carries into TBU: TBL = 0xFFFFFFF0, TBU = 7, then >= 100 instructions */
    TEST_CASE(18, r3, 0x00000008, li r5, 0 ; mtspr SPR_TBL, r5 ; li r5, 7 ; mtspr SPR_TBU, r5 ; LI32(r5, 0xFFFFFFF0) ; mtspr SPR_TBL, r5 ; li r5, 100 ; mtctr r5 ; .Lspr18: bdnz .Lspr18 ; mfspr r3, SPR_TBU)
    /* DEC counts down from what was written (or holds it): 0 < read <= written */
    TEST_SET(19) ; LI32(r5, 1000000) ; mtspr SPR_DEC, r5 ; mfspr r3, SPR_DEC ; cmplw r3, r5 ; bgt test_fail ; cmplwi r3, 0 ; beq test_fail
    /* CR via mtcrf/mfcr (full) */
    TEST_CASE(20, r3, 0x89ABCDEF, LI32(r5, 0x89ABCDEF) ; mtcrf 0xFF, r5 ; mfcr r3)

    TEST_END
