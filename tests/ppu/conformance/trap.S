/* trap.S: program (trap), alignment and decrementer interrupts through handlers this
 * program installs in its own vector table.
 *
 * Power ISA (embedded): on an interrupt SRR0 <- address of the faulting instruction
 * (trap, alignment) or of the next one to run (asynchronous), SRR1 <- MSR; for a trap,
 * ESR.PTR (0x02000000) is set; for an alignment interrupt DEAR <- the effective address
 * and the access is not performed. rfi returns to SRR0 with MSR <- SRR1.
 * tw TO bits: 16 = signed <, 8 = signed >, 4 = equal, 2 = unsigned <, 1 = unsigned >.
 * Decrementer: counts down at the time-base rate; on 1 -> 0 it sets TSR.DIS
 * (0x08000000), which interrupts when TCR.DIE (0x04000000) and MSR.EE (0x8000) are set;
 * writing a 1 to a TSR bit clears it.
 *
 * Handlers: r29 counts (traps +1, alignment +0x100, decrementer +0x10000), r27 = SRR0,
 * r26 = ESR or DEAR, r24 = SRR1; r25 scratch. */
#define TEST_ISR_PROGRAM trap_handler
#define TEST_ISR_ALIGNMENT alignment_handler
#define TEST_ISR_DECREMENTER decrementer_handler
#include "test_macros.h"

#define ESR_PTR 0x02000000
#define TSR_DIS 0x08000000
#define TCR_DIE 0x04000000
#define MSR_EE 0x00008000

    /* taken trap: handler ran once, SRR0 = the tw, ESR.PTR set, execution resumed */
    TEST_CASE(1, r29, 0x00000001, li r29, 0 ; li r5, 3 ; .Ltrap1: tw 4, r5, r5)
    TEST_SET(2) ; TEST_CHECK_ADDR(r27, .Ltrap1)
    TEST_CASE(3, r3, ESR_PTR, rlwinm r3, r26, 0, 6, 6)
    TEST_CASE(4, r29, 0x00000000, li r29, 0 ; li r5, 3 ; li r6, 4 ; tw 4, r5, r6)       /* 3 != 4 */
    TEST_CASE(5, r29, 0x00000001, li r29, 0 ; li r5, -1 ; twi 16, r5, 0)              /* -1 < 0 */
    TEST_CASE(6, r29, 0x00000001, li r29, 0 ; li r5, -1 ; twi 1, r5, 0)               /* 0xFFFFFFFF >u 0 */
    TEST_CASE(7, r29, 0x00000000, li r29, 0 ; li r5, -1 ; li r6, 0 ; tw 8, r5, r6)     /* -1 > 0 false */
    TEST_CASE(8, r29, 0x00000001, li r29, 0 ; tw 31, 0, 0)                            /* trap */
    /* rfi resumes after the trap */
    TEST_CASE(9, r3, 0x00000009, li r3, 0 ; tw 31, 0, 0 ; li r3, 9)
    /* MSR restored, and SRR1 held the MSR of the trapping context */
    TEST_SET(10) ; mfmsr r10 ; tw 31, 0, 0 ; mfmsr r11 ; cmpw r10, r11 ; bne test_fail
    TEST_SET(11) ; cmpw r24, r10 ; bne test_fail

    /* alignment: lwz from data + 1 */
    TEST_CASE(12, r29, 0x00000100, li r29, 0 ; LA(r5, trap_data) ; .Ltrap12: lwz r3, 1(r5))
    TEST_SET(13) ; TEST_CHECK_ADDR(r27, .Ltrap12)
    TEST_SET(14) ; TEST_CHECK_ADDR(r26, trap_data + 1)
    /* a misaligned store is not performed */
    TEST_CASE(15, r29, 0x00000100, li r29, 0 ; LA(r5, trap_data) ; li r4, -1 ; stw r4, 2(r5))
    TEST_CASE(16, r3, 0x11223344, lwz r3, 0(r5))
    TEST_CASE(17, r29, 0x00000100, li r29, 0 ; LA(r5, trap_data) ; lhz r3, 1(r5))
    /* byte accesses are never misaligned */
    TEST_CASE(18, r3, 0x00000022, li r29, 0 ; LA(r5, trap_data) ; lbz r3, 1(r5))
    TEST_REG(19, r29, 0x00000000)

    /* decrementer: DEC = 200, TSR.DIS cleared, TCR.DIE and MSR.EE set; poll r29 */
    TEST_SET(20) ; li r29, 0 ; mfmsr r10 ; li r5, 200 ; mtspr SPR_DEC, r5 ; LI32(r5, TSR_DIS) ; mtspr SPR_TSR, r5 ; LI32(r5, TCR_DIE) ; mtspr SPR_TCR, r5 ; ori r5, r10, MSR_EE ; li r6, 0x7FFF ; mtctr r6 ; mtmsr r5 ; .Ltrap20: cmpwi r29, 0 ; bne .Ltrap20_done ; bdnz .Ltrap20 ; .Ltrap20_done: mtmsr r10 ; TEST_CHECK(r29, 0x00010000)
    TEST_CASE(21, r3, 0x00000000, mfspr r3, SPR_TCR)        /* the handler disabled DIE */

    TEST_END

trap_handler:
    mfspr r27, SPR_SRR0
    mfspr r24, SPR_SRR1
    mfspr r26, SPR_ESR
    addi r25, r27, 4                    /* skip the tw */
    mtspr SPR_SRR0, r25
    addi r29, r29, 1
    rfi

alignment_handler:
    mfspr r27, SPR_SRR0
    mfspr r24, SPR_SRR1
    mfspr r26, SPR_DEAR
    addi r25, r27, 4                    /* skip the access */
    mtspr SPR_SRR0, r25
    addi r29, r29, 0x100
    rfi

decrementer_handler:
    mfspr r27, SPR_SRR0
    LI32(r25, TSR_DIS)
    mtspr SPR_TSR, r25                  /* clear DIS (write 1 to clear) */
    li r25, 0
    mtspr SPR_TCR, r25                  /* no further decrementer interrupts */
    addis r29, r29, 1                   /* + 0x10000 */
    rfi

    .balign 4
trap_data:
    .long 0x11223344
    .long 0x55667788
