/* logic.S: logical operations, sign extension, count leading zeros, popcb, prtyw.
 * Expected values by hand from the bitwise definitions. popcb: each byte of RA = number
 * of one bits in that byte of RS. prtyw: RA = XOR of the least significant bits of the
 * four bytes of RS. */
#include "test_macros.h"

    TEST_RR_OP(1, and, 0x0F000F00, 0xFF00FF00, 0x0FF00FF0)
    TEST_RR_OP(2, andc, 0xF000F000, 0xFF00FF00, 0x0FF00FF0)
    TEST_RR_OP(3, or, 0xFFF0FFF0, 0xFF00FF00, 0x0FF00FF0)
    TEST_RR_OP(4, orc, 0xFF0FFF0F, 0xFF00FF00, 0x0FF00FF0)
    TEST_RR_OP(5, xor, 0xF0F0F0F0, 0xFF00FF00, 0x0FF00FF0)
    TEST_RR_OP(6, nor, 0x000F000F, 0xFF00FF00, 0x0FF00FF0)
    TEST_RR_OP(7, nand, 0xF0FFF0FF, 0xFF00FF00, 0x0FF00FF0)
    TEST_RR_OP(8, eqv, 0x0F0F0F0F, 0xFF00FF00, 0x0FF00FF0)
    TEST_RI_OP(9, andi., 0x00000078, 0x12345678, 0xFF)
    TEST_CR(10, 0x20000000, LI32(r5, 0x12345600) ; andi. r4, r5, 0xFF)   /* zero: EQ */
    TEST_RI_OP(11, andis., 0x12340000, 0x12345678, 0xFFFF)
    TEST_RI_OP(12, ori, 0x12345678, 0x12340000, 0x5678)
    TEST_RI_OP(13, oris, 0x12345678, 0x00005678, 0x1234)
    TEST_RI_OP(14, xori, 0xFFFF0000, 0xFFFFFFFF, 0xFFFF)
    TEST_RI_OP(15, xoris, 0x0000FFFF, 0xFFFFFFFF, 0xFFFF)
    TEST_R_OP(16, extsb, 0xFFFFFF80, 0x00000080)
    TEST_R_OP(17, extsb, 0x0000007F, 0xFFFFFF7F)
    TEST_R_OP(18, extsh, 0xFFFF8000, 0x00008000)
    TEST_R_OP(19, extsh, 0x00007FFF, 0x12347FFF)
    TEST_R_OP(20, cntlzw, 0x00000020, 0x00000000)
    TEST_R_OP(21, cntlzw, 0x0000001F, 0x00000001)
    TEST_R_OP(22, cntlzw, 0x00000000, 0x80000000)
    TEST_R_OP(23, cntlzw, 0x0000000F, 0x00010000)
    TEST_R_OP(24, popcb, 0x01020408, 0x01030FFF)
    TEST_R_OP(25, popcb, 0x00000000, 0x00000000)
    TEST_R_OP(26, prtyw, 0x00000001, 0x01010100)
    TEST_R_OP(27, prtyw, 0x00000000, 0x01000100)
    TEST_R_OP(28, prtyw, 0x00000000, 0xFEFEFEFE)
    TEST_CR(29, 0x20000000, LI32(r5, 0xF0) ; LI32(r6, 0x0F) ; and. r4, r5, r6)  /* EQ */
    TEST_CR(30, 0x80000000, LI32(r5, 0x80000000) ; LI32(r6, 0) ; or. r4, r5, r6) /* LT */
    TEST_CASE(31, r3, 0x00000007, li r3, 7 ; ori 0, 0, 0)                     /* nop */

    TEST_END
