/* branch.S: b, bl, bc (all BO kinds used by the extended mnemonics), bclr, bcctr,
 * CTR decrement, LR = address of the next instruction after a branch-and-link. */
#include "test_macros.h"

    TEST_CASE(1, r3, 0x00000000, li r3, 0 ; b .Lb1 ; li r3, 1 ; .Lb1:)
    TEST_CASE(2, r3, 0x00000002, li r3, 0 ; b .Lb2_fwd ; .Lb2_back: li r3, 2 ; b .Lb2_end ; .Lb2_fwd: b .Lb2_back ; .Lb2_end:)
    TEST_SET(3) ; bl .Lb3 ; .Lb3: mflr r3 ; TEST_CHECK_ADDR(r3, .Lb3)
    TEST_CASE(4, r3, 0x00000004, LA(r5, .Lb4) ; mtlr r5 ; li r3, 4 ; blr ; li r3, 1 ; .Lb4:)
    TEST_CASE(5, r3, 0x00000005, LA(r5, .Lb5) ; mtctr r5 ; li r3, 5 ; bctr ; li r3, 1 ; .Lb5:)
    TEST_SET(6) ; LA(r5, .Lb6_target) ; mtctr r5 ; bctrl ; .Lb6_ret: b .Lb6_check ; .Lb6_target: mflr r3 ; b .Lb6_ret ; .Lb6_check: TEST_CHECK_ADDR(r3, .Lb6_ret)
    TEST_CASE(7, r3, 0x00000007, li r5, 1 ; cmpw 0, r5, r5 ; li r3, 7 ; beq .Lb7 ; li r3, 0 ; .Lb7:)
    TEST_CASE(8, r3, 0x00000008, li r5, 1 ; cmpw 0, r5, r5 ; li r3, 0 ; bne .Lb8 ; li r3, 8 ; .Lb8:)
    TEST_CASE(9, r3, 0x00000009, li r5, 1 ; li r6, 2 ; cmpw 0, r5, r6 ; li r3, 9 ; blt .Lb9 ; li r3, 0 ; .Lb9:)
    TEST_CASE(10, r3, 0x0000000A, li r5, 1 ; li r6, 2 ; cmpw 0, r5, r6 ; li r3, 0 ; bgt .Lb10 ; li r3, 10 ; .Lb10:)
    TEST_CASE(11, r3, 0x0000000B, li r5, 2 ; li r6, 2 ; cmpw 0, r5, r6 ; li r3, 11 ; ble .Lb11 ; li r3, 0 ; .Lb11:)
    TEST_CASE(12, r3, 0x0000000C, li r5, 2 ; li r6, 2 ; cmpw 0, r5, r6 ; li r3, 12 ; bge .Lb12 ; li r3, 0 ; .Lb12:)
    /* bdnz loop runs 5 times and leaves CTR = 0 */
    TEST_CASE(13, r3, 0x00000005, li r3, 0 ; li r4, 5 ; mtctr r4 ; .Lb13: addi r3, r3, 1 ; bdnz .Lb13)
    TEST_CASE(14, r3, 0x00000000, mfctr r3)
    /* bdz: CTR 1 -> 0, taken */
    TEST_CASE(15, r3, 0x0000000F, li r4, 1 ; mtctr r4 ; li r3, 15 ; bdz .Lb15 ; li r3, 0 ; .Lb15:)
    /* bdnz: CTR 1 -> 0, not taken */
    TEST_CASE(16, r3, 0x00000010, li r4, 1 ; mtctr r4 ; li r3, 0 ; bdnz .Lb16 ; li r3, 16 ; .Lb16:)
    /* raw bc: BO = 12 (branch if true), BI = 2 (CR0.EQ) */
    TEST_CASE(17, r3, 0x00000011, li r5, 1 ; cmpw 0, r5, r5 ; li r3, 17 ; bc 12, 2, .Lb17 ; li r3, 0 ; .Lb17:)
    /* raw bc: BO = 4 (branch if false), BI = 5 (CR1.GT): 1 > 2 is false -> taken */
    TEST_CASE(18, r3, 0x00000012, li r5, 1 ; li r6, 2 ; cmpw 1, r5, r6 ; li r3, 18 ; bc 4, 5, .Lb18 ; li r3, 0 ; .Lb18:)
    /* raw bc: BO = 20 (always) */
    TEST_CASE(19, r3, 0x00000013, li r3, 19 ; bc 20, 0, .Lb19 ; li r3, 0 ; .Lb19:)
    /* beqlr taken / bnelr not taken */
    TEST_CASE(20, r3, 0x00000014, LA(r5, .Lb20) ; mtlr r5 ; li r6, 1 ; cmpw 0, r6, r6 ; li r3, 20 ; beqlr ; li r3, 0 ; .Lb20:)
    TEST_CASE(21, r3, 0x00000015, LA(r5, .Lb21_bad) ; mtlr r5 ; li r6, 1 ; cmpw 0, r6, r6 ; li r3, 0 ; bnelr ; li r3, 21 ; b .Lb21 ; .Lb21_bad: li r3, 0 ; .Lb21:)
    /* bcl 20,31: LR <- next instruction */
    TEST_SET(22) ; bcl 20, 31, .Lb22 ; .Lb22: mflr r3 ; TEST_CHECK_ADDR(r3, .Lb22)
    /* call and return */
    TEST_CASE(23, r3, 0x00000017, li r3, 0 ; bl branch_subroutine)
    /* blrl: branch to LR, LR <- next instruction */
    TEST_SET(24) ; LA(r5, .Lb24_target) ; mtlr r5 ; blrl ; .Lb24_ret: b .Lb24_check ; .Lb24_target: mflr r3 ; blr ; .Lb24_check: TEST_CHECK_ADDR(r3, .Lb24_ret)
    /* bdnz with a condition: bdnzt EQ: CTR 2 -> 1 and EQ -> taken */
    TEST_CASE(25, r3, 0x00000019, li r4, 2 ; mtctr r4 ; li r5, 1 ; cmpw 0, r5, r5 ; li r3, 25 ; bc 8, 2, .Lb25 ; li r3, 0 ; .Lb25:)

    TEST_END

branch_subroutine:
    li r3, 23
    blr
