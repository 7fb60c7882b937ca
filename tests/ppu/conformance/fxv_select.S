/* fxv_select.S: fxvcmpb/fxvcmph set the VCR (EQ/GT/LT of each lane against 0, signed)
 * and the C field makes writes conditional; fxvsel picks VRB where the condition holds
 * and VRA elsewhere (C = 0: always VRB).
 * sel_bytes repeats the bytes 01 00 FF 80: GT, EQ, LT, LT.
 * sel_halves repeats the halfwords 0001 FFFF: GT, LT.
 * X = 0xAA in every byte (VR10), Y = 0x55 in every byte (VR11). */
#include "test_macros.h"

    TEST_DO(1, SPLATB(10, 0xAA) ; SPLATB(11, 0x55) ; VLOAD(1, sel_bytes) ; fxvcmpb 1 ; fxvsel 3, 10, 11, 1)
    TEST_VEC_WORDS(2, 3, 0x55AAAAAA)                          /* GT: byte 0 */
    TEST_DO(3, fxvsel 3, 10, 11, 2)
    TEST_VEC_WORDS(4, 3, 0xAAAA5555)                          /* LT: bytes 2, 3 */
    TEST_DO(5, fxvsel 3, 10, 11, 3)
    TEST_VEC_WORDS(6, 3, 0xAA55AAAA)                          /* EQ: byte 1 */
    TEST_DO(7, fxvsel 3, 10, 11, 0)
    TEST_VEC_WORDS(8, 3, 0x55555555)                          /* always */
    /* conditional arithmetic keeps the old bytes where the condition fails */
    TEST_DO(9, SPLATB(4, 0x11) ; SPLATB(5, 1) ; SPLATB(6, 2) ; fxvaddbm 4, 5, 6, 1)
    TEST_VEC_WORDS(10, 4, 0x03111111)
    TEST_DO(11, SPLATB(4, 0x11) ; SPLATB(5, 5) ; SPLATB(6, 1) ; fxvsubbm 4, 5, 6, 2)
    TEST_VEC_WORDS(12, 4, 0x11110404)
    TEST_DO(13, SPLATB(4, 0x11) ; SPLATB(5, 0x7F) ; SPLATB(6, 1) ; fxvaddbfs 4, 5, 6, 3)
    TEST_VEC_WORDS(14, 4, 0x117F1111)
    /* halfword compare */
    TEST_DO(15, VLOAD(1, sel_halves) ; fxvcmph 1 ; fxvsel 3, 10, 11, 1)
    TEST_VEC_WORDS(16, 3, 0x5555AAAA)
    TEST_DO(17, fxvsel 3, 10, 11, 2)
    TEST_VEC_WORDS(18, 3, 0xAAAA5555)
    TEST_DO(19, fxvsel 3, 10, 11, 3)
    TEST_VEC_WORDS(20, 3, 0xAAAAAAAA)                         /* no lane is zero */
    TEST_DO(21, SPLATH(4, 0x1111) ; SPLATH(5, 1) ; SPLATH(6, 2) ; fxvaddhm 4, 5, 6, 2)
    TEST_VEC_WORDS(22, 4, 0x11110003)                         /* LT: second halfword */
    TEST_DO(23, SPLATH(1, 0) ; fxvcmph 1 ; SPLATH(4, 0x1111) ; fxvaddhm 4, 5, 6, 3)
    TEST_VEC_WORDS(24, 4, 0x00030003)                         /* all EQ */
    /* a compare replaces all flags: after cmpb of 0x01 everything is GT, nothing LT */
    TEST_DO(25, VLOAD(1, sel_halves) ; fxvcmph 1 ; SPLATB(1, 0x01) ; fxvcmpb 1 ; fxvsel 3, 10, 11, 2)
    TEST_VEC_WORDS(26, 3, 0xAAAAAAAA)
    TEST_DO(27, fxvsel 3, 10, 11, 1)
    TEST_VEC_WORDS(28, 3, 0x55555555)
    /* conditional multiply */
    TEST_DO(29, VLOAD(1, sel_bytes) ; fxvcmpb 1 ; SPLATB(4, 0x11) ; SPLATB(5, 3) ; SPLATB(6, 5) ; fxvmulbm 4, 5, 6, 2)
    TEST_VEC_WORDS(30, 4, 0x11110F0F)

    TEST_END

    .balign 128
sel_bytes:
    .long 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80
    .long 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80
    .long 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80
    .long 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80, 0x0100FF80
sel_halves:
    .long 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF
    .long 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF
    .long 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF
    .long 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF, 0x0001FFFF
