/* fxv_acc.S: the FXV accumulator (one per lane: 32 bit per halfword lane, a 16-bit half
 * per byte lane). Each case sets ACC, runs one accumulator instruction, and reads ACC
 * back with fxvaddac* of a zero vector (VR0 = 0), all unconditional. By hand:
 *   fxvmtach: ACC = sext(VRA);  fxvmtachf: ACC = VRA << 16 (bytes: << 8);
 *   fxvmatachm: ACC += VRA*VRB;  fxvmultachm: ACC = VRA*VRB;
 *   fxvaddtach: ACC = sext(VRA) + sext(VRB);  fxvaddactachm: ACC += sext(VRA);
 *   fxvaddachm VRT,VRA: VRT = low(ACC + VRA);  fxvmahm: VRT = low(VRA*VRB + ACC);
 *   fxvaddachfs VRT,VRA: VRT = upper half of sat(ACC + (VRA << 16));
 *   fxvmahfs: VRT = upper half of sat(ACC + mulfs), ACC unchanged;
 *   mulfs(0x4000, 0x4000) = 0x2000_0000 (halfword), mulfs(0x40, 0x40) = 0x2000 (byte). */
#include "test_macros.h"

    TEST_DO(1, SPLATH(0, 0) ; SPLATH(1, 2) ; SPLATH(2, 3) ; SPLATH(3, 4) ; fxvmtach 1, 0 ; fxvmatachm 2, 3, 0 ; fxvaddachm 4, 0, 0)
    TEST_VEC_WORDS(2, 4, 0x000E000E)                          /* 2 + 3*4 */
    TEST_DO(3, SPLATH(1, 5) ; fxvmtach 1, 0 ; fxvmahm 4, 2, 3, 0)
    TEST_VEC_WORDS(4, 4, 0x00110011)                          /* 3*4 + 5 */
    TEST_DO(5, SPLATH(2, 3) ; SPLATH(3, 5) ; fxvmultachm 2, 3, 0 ; SPLATH(1, 1) ; fxvaddachm 4, 1, 0)
    TEST_VEC_WORDS(6, 4, 0x00100010)                          /* 3*5 + 1 */
    TEST_DO(7, SPLATH(2, 7) ; SPLATH(3, 9) ; fxvaddtach 2, 3, 0 ; fxvaddachm 4, 0, 0)
    TEST_VEC_WORDS(8, 4, 0x00100010)                          /* 7 + 9 */
    TEST_DO(9, SPLATH(1, 16) ; fxvmtach 1, 0 ; SPLATH(2, 2) ; fxvaddactachm 2, 0 ; fxvaddachm 4, 0, 0)
    TEST_VEC_WORDS(10, 4, 0x00120012)                         /* 16 + 2 */
    TEST_DO(11, SPLATH(1, 0xFFFF) ; fxvmtach 1, 0 ; SPLATH(2, 2) ; fxvaddachm 4, 2, 0)
    TEST_VEC_WORDS(12, 4, 0x00010001)                         /* sext(-1) + 2 */
    /* byte lanes */
    TEST_DO(13, SPLATB(1, 2) ; SPLATB(2, 3) ; SPLATB(3, 4) ; fxvmtacb 1, 0 ; fxvmatacbm 2, 3, 0 ; fxvaddacbm 4, 0, 0)
    TEST_VEC_WORDS(14, 4, 0x0E0E0E0E)
    TEST_DO(15, SPLATB(2, 3) ; SPLATB(3, 5) ; fxvmultacbm 2, 3, 0 ; SPLATB(1, 1) ; fxvaddacbm 4, 1, 0)
    TEST_VEC_WORDS(16, 4, 0x10101010)
    TEST_DO(17, SPLATB(2, 7) ; SPLATB(3, 9) ; fxvaddtacb 2, 3, 0 ; fxvaddacbm 4, 0, 0)
    TEST_VEC_WORDS(18, 4, 0x10101010)
    TEST_DO(19, SPLATB(1, 5) ; fxvmtacb 1, 0 ; SPLATB(2, 3) ; SPLATB(3, 4) ; fxvmabm 4, 2, 3, 0)
    TEST_VEC_WORDS(20, 4, 0x11111111)
    TEST_DO(21, SPLATB(1, 1) ; fxvmtacb 1, 0 ; SPLATB(2, 2) ; fxvaddactacbm 2, 0 ; fxvaddacbm 4, 0, 0)
    TEST_VEC_WORDS(22, 4, 0x03030303)
    /* fractional, halfword lanes */
    TEST_DO(23, SPLATH(1, 0x1000) ; fxvmtachf 1, 0 ; SPLATH(2, 0x2000) ; fxvaddachfs 4, 2, 0)
    TEST_VEC_WORDS(24, 4, 0x30003000)
    TEST_DO(25, SPLATH(1, 0x7000) ; fxvmtachf 1, 0 ; fxvaddachfs 4, 1, 0)
    TEST_VEC_WORDS(26, 4, 0x7FFF7FFF)                         /* 0xE000_0000 saturates */
    TEST_DO(27, SPLATH(1, 0x1000) ; fxvmtachf 1, 0 ; SPLATH(2, 0x4000) ; fxvmahfs 4, 2, 2, 0)
    TEST_VEC_WORDS(28, 4, 0x30003000)
    TEST_DO(29, fxvaddachfs 4, 0, 0)
    TEST_VEC_WORDS(30, 4, 0x10001000)                         /* fxvmahfs left ACC alone */
    TEST_DO(31, SPLATH(1, 0x1000) ; fxvmtachf 1, 0 ; SPLATH(2, 0x4000) ; fxvmatachfs 2, 2, 0 ; fxvaddachfs 4, 0, 0)
    TEST_VEC_WORDS(32, 4, 0x30003000)
    TEST_DO(33, SPLATH(2, 0x4000) ; fxvmultachfs 2, 2, 0 ; fxvaddachfs 4, 0, 0)
    TEST_VEC_WORDS(34, 4, 0x20002000)
    TEST_DO(35, SPLATH(1, 0x1000) ; fxvmtachf 1, 0 ; SPLATH(2, 0x2000) ; fxvaddactachf 2, 0 ; fxvaddachfs 4, 0, 0)
    TEST_VEC_WORDS(36, 4, 0x30003000)
    /* fractional, byte lanes (16-bit ACC halves, << 8) */
    TEST_DO(37, SPLATB(1, 0x10) ; fxvmtacbf 1, 0 ; SPLATB(2, 0x20) ; fxvaddacbfs 4, 2, 0)
    TEST_VEC_WORDS(38, 4, 0x30303030)
    TEST_DO(39, SPLATB(2, 0x40) ; fxvmultacbfs 2, 2, 0 ; fxvaddacbfs 4, 0, 0)
    TEST_VEC_WORDS(40, 4, 0x20202020)
    TEST_DO(41, SPLATB(1, 0x10) ; fxvmtacbf 1, 0 ; SPLATB(2, 0x40) ; fxvmatacbfs 2, 2, 0 ; fxvaddacbfs 4, 0, 0)
    TEST_VEC_WORDS(42, 4, 0x30303030)
    TEST_DO(43, SPLATB(1, 0x10) ; fxvmtacbf 1, 0 ; SPLATB(2, 0x40) ; fxvmabfs 4, 2, 2, 0)
    TEST_VEC_WORDS(44, 4, 0x30303030)
    TEST_DO(45, SPLATB(1, 0x10) ; fxvmtacbf 1, 0 ; SPLATB(2, 0x20) ; fxvaddactacbf 2, 0 ; fxvaddacbfs 4, 0, 0)
    TEST_VEC_WORDS(46, 4, 0x30303030)
    TEST_DO(47, SPLATB(1, 0x70) ; fxvmtacbf 1, 0 ; fxvaddacbfs 4, 1, 0)
    TEST_VEC_WORDS(48, 4, 0x7F7F7F7F)                         /* 0xE000 saturates */

    TEST_END
