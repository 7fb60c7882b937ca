/* loadstore.S: byte/halfword/word loads (zero and algebraic), stores, the update and
 * indexed forms, lmw/stmw. Big-endian: the byte at the lowest address is the most
 * significant. ls_data holds 11 22 33 44 | 88 99 AA BB | 7F FF 80 00. */
#include "test_macros.h"

#define DATA(reg) LA(reg, ls_data)
#define SCRATCH(reg) LA(reg, ls_scratch)

    TEST_CASE(1, r3, 0x11223344, DATA(r5) ; lwz r3, 0(r5))
    TEST_CASE(2, r3, 0x00000011, DATA(r5) ; lbz r3, 0(r5))
    TEST_CASE(3, r3, 0x00000044, DATA(r5) ; lbz r3, 3(r5))
    TEST_CASE(4, r3, 0x00003344, DATA(r5) ; lhz r3, 2(r5))
    TEST_CASE(5, r3, 0xFFFF8899, DATA(r5) ; lha r3, 4(r5))
    TEST_CASE(6, r3, 0xFFFF8000, DATA(r5) ; lha r3, 10(r5))
    TEST_CASE(7, r3, 0x00007FFF, DATA(r5) ; lha r3, 8(r5))
    TEST_CASE(8, r3, 0x00008899, DATA(r5) ; lhz r3, 4(r5))
    /* update forms: RA <- EA */
    TEST_CASE(9, r3, 0x00000022, DATA(r5) ; lbzu r3, 1(r5))
    TEST_SET(10) ; LA(r28, ls_data + 1) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(11, r3, 0x00008899, DATA(r5) ; lhzu r3, 4(r5))
    TEST_SET(12) ; LA(r28, ls_data + 4) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(13, r3, 0xFFFF8000, DATA(r5) ; addi r5, r5, 2 ; lhau r3, 8(r5))
    TEST_SET(14) ; LA(r28, ls_data + 10) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(15, r3, 0x8899AABB, DATA(r5) ; lwzu r3, 4(r5))
    TEST_SET(16) ; LA(r28, ls_data + 4) ; cmpw r5, r28 ; bne test_fail
    /* indexed forms: EA = (RA|0) + RB */
    TEST_CASE(17, r3, 0x8899AABB, DATA(r5) ; li r6, 4 ; lwzx r3, r5, r6)
    TEST_CASE(18, r3, 0x000000BB, DATA(r5) ; li r6, 7 ; lbzx r3, r5, r6)
    TEST_CASE(19, r3, 0x0000AABB, DATA(r5) ; li r6, 6 ; lhzx r3, r5, r6)
    TEST_CASE(20, r3, 0xFFFF8899, DATA(r5) ; li r6, 4 ; lhax r3, r5, r6)
    TEST_CASE(21, r3, 0x7FFF8000, DATA(r5) ; li r6, 8 ; lwzux r3, r5, r6)
    TEST_SET(22) ; LA(r28, ls_data + 8) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(23, r3, 0x00000099, DATA(r5) ; li r6, 5 ; lbzux r3, r5, r6)
    TEST_CASE(24, r3, 0x00007FFF, DATA(r5) ; li r6, 8 ; lhzux r3, r5, r6)
    TEST_CASE(25, r3, 0xFFFF8000, DATA(r5) ; li r6, 10 ; lhaux r3, r5, r6)
    TEST_SET(26) ; LA(r28, ls_data + 10) ; cmpw r5, r28 ; bne test_fail
    /* RA = 0 in the indexed form reads as 0 */
    TEST_CASE(27, r3, 0x11223344, DATA(r6) ; lwzx r3, 0, r6)
    /* stores */
    TEST_CASE(28, r3, 0xDEADBEEF, SCRATCH(r5) ; LI32(r4, 0xDEADBEEF) ; stw r4, 0(r5) ; lwz r3, 0(r5))
    TEST_CASE(29, r3, 0x00AB0000, SCRATCH(r5) ; li r4, 0 ; stw r4, 0(r5) ; li r4, 0xAB ; stb r4, 1(r5) ; lwz r3, 0(r5))
    TEST_CASE(30, r3, 0x00AB1234, SCRATCH(r5) ; LI32(r4, 0xFFFF1234) ; sth r4, 2(r5) ; lwz r3, 0(r5))
    TEST_CASE(31, r3, 0x00000055, SCRATCH(r5) ; LI32(r4, 0x12345655) ; stb r4, 8(r5) ; lbz r3, 8(r5))
    TEST_CASE(32, r3, 0xCAFEF00D, SCRATCH(r5) ; LI32(r4, 0xCAFEF00D) ; stwu r4, 4(r5) ; SCRATCH(r6) ; lwz r3, 4(r6))
    TEST_SET(33) ; LA(r28, ls_scratch + 4) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(34, r3, 0x00000077, SCRATCH(r5) ; li r4, 0x77 ; stbu r4, 9(r5) ; SCRATCH(r6) ; lbz r3, 9(r6))
    TEST_SET(35) ; LA(r28, ls_scratch + 9) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(36, r3, 0x00004321, SCRATCH(r5) ; li r4, 0x4321 ; sthu r4, 10(r5) ; SCRATCH(r6) ; lhz r3, 10(r6))
    TEST_SET(37) ; LA(r28, ls_scratch + 10) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(38, r3, 0x01020304, SCRATCH(r5) ; li r6, 12 ; LI32(r4, 0x01020304) ; stwx r4, r5, r6 ; lwz r3, 12(r5))
    TEST_CASE(39, r3, 0x000000EE, SCRATCH(r5) ; li r6, 16 ; li r4, 0xEE ; stbx r4, r5, r6 ; lbz r3, 16(r5))
    TEST_CASE(40, r3, 0x0000BEEF, SCRATCH(r5) ; li r6, 18 ; LI32(r4, 0xBEEF) ; sthx r4, r5, r6 ; lhz r3, 18(r5))
    TEST_CASE(41, r3, 0x0BADCAFE, SCRATCH(r5) ; li r6, 20 ; LI32(r4, 0x0BADCAFE) ; stwux r4, r5, r6 ; SCRATCH(r7) ; lwz r3, 20(r7))
    TEST_SET(42) ; LA(r28, ls_scratch + 20) ; cmpw r5, r28 ; bne test_fail
    TEST_CASE(43, r3, 0x00000042, SCRATCH(r5) ; li r6, 24 ; li r4, 0x42 ; stbux r4, r5, r6 ; SCRATCH(r7) ; lbz r3, 24(r7))
    TEST_CASE(44, r3, 0x00004444, SCRATCH(r5) ; li r6, 26 ; li r4, 0x4444 ; sthux r4, r5, r6 ; SCRATCH(r7) ; lhz r3, 26(r7))
    TEST_SET(45) ; LA(r28, ls_scratch + 26) ; cmpw r5, r28 ; bne test_fail
    /* stmw r26: r26..r31 to consecutive words (r30 = mailbox base, r31 = test number) */
    TEST_CASE(46, r3, 0x26262626, SCRATCH(r5) ; LI32(r26, 0x26262626) ; LI32(r27, 0x27272727) ; stmw r26, 0(r5) ; lwz r3, 0(r5))
    TEST_CASE(47, r3, 0x27272727, lwz r3, 4(r5))
    TEST_CASE(48, r3, 0x00003000, lwz r3, 16(r5))
    TEST_CASE(49, r3, 0x0000002E, lwz r3, 20(r5))       /* r31 held 46 at the stmw */
    /* lmw r29 reloads r29, r30, r31: write back the current r30/r31 so they stay valid */
    TEST_SET(50) ; SCRATCH(r5) ; LI32(r4, 0x29292929) ; stw r4, 32(r5) ; stw r30, 36(r5) ; li r4, 50 ; stw r4, 40(r5) ; addi r6, r5, 32 ; li r29, 0 ; lmw r29, 0(r6) ; TEST_CHECK(r29, 0x29292929)
    TEST_REG(51, r30, 0x00003000)                        /* lmw reloaded r30 unchanged */

    TEST_END

    .balign 4
ls_data:
    .long 0x11223344
    .long 0x8899AABB
    .long 0x7FFF8000
    .balign 4
ls_scratch:
    .space 64
