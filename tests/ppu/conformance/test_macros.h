/*
 * test_macros.h: the harness of the PPU conformance suite (riscv-tests style).
 *
 * Each test file is one standalone program, linked at address 0:
 *
 *     #define TEST_ISR_PROGRAM my_trap_handler     (optional, see below)
 *     #include "test_macros.h"
 *         TEST_RR_OP(1, add, 0x00000003, 0x00000001, 0x00000002)
 *         ...
 *     TEST_END
 *     (handlers and data after TEST_END)
 *
 * Including this header emits, at address 0, the reset branch and the 12 interrupt
 * vectors (0x04..0x30), the shared check routines and the start code. A file installs
 * its own handler for a slot by defining TEST_ISR_<slot> before the include; every
 * other slot fails the running test.
 *
 * Results (mailbox words, byte offsets from 0x3000):
 *   0x00  number of the failing test (0 while none failed)
 *   0x04  number of the test running (progress)
 *   0x08  "PASS" (0x50415353) once every test passed
 *   0x0C  SRR0 of an unexpected interrupt
 * and the exit-code word 0x2FFC: 0 on pass, the failing test number on failure.
 * Pass ends in `wait` (the core halts); failure hangs in a branch-to-self loop.
 *
 * Registers: r30 = mailbox base, r31 = current test number, r28 = expected value in
 * checks; r24..r27 and r29 are left to interrupt handlers. Tests use r0, r3..r23.
 *
 * Expected values are derived by hand from the Power ISA / FXV definitions (comments
 * in the test files), never from a simulator.
 *
 * Build: the C preprocessor, then GNU as with the compatibility macros (fxv.inc and
 * nux.inc, included below unless __BSS_ASM__ is defined) or our assembler with
 * -D__BSS_ASM__. Statements in macros are separated by ';'.
 */
#ifndef BSS_TEST_MACROS_H
#define BSS_TEST_MACROS_H

#ifndef __BSS_ASM__
#include <bss_ppu/fxv.inc>
#endif

#define TEST_MAILBOX 0x3000
#define TEST_FAILED_OFFSET 0x00
#define TEST_CURRENT_OFFSET 0x04
#define TEST_STATUS_OFFSET 0x08
#define TEST_SRR0_OFFSET 0x0C
#define TEST_PASS_MAGIC 0x50415353
#define TEST_EXIT_CODE_ADDR 0x2FFC

#define SPR_XER 1
#define SPR_LR 8
#define SPR_CTR 9
#define SPR_DEC 22
#define SPR_SRR0 26
#define SPR_SRR1 27
#define SPR_CSRR0 58
#define SPR_CSRR1 59
#define SPR_DEAR 61
#define SPR_ESR 62
#define SPR_VRSAVE 256
#define SPR_TBL 284
#define SPR_TBU 285
#define SPR_TSR 336
#define SPR_TCR 340

#define XER_SO 0x80000000
#define XER_OV 0x40000000
#define XER_CA 0x20000000

/* --- building blocks ----------------------------------------------------------------- */
/* reg <- 32-bit constant (lis takes a signed 16-bit immediate). */
#define LI32(reg, value) \
    lis reg, (((((value) >> 16) & 0xFFFF) ^ 0x8000) - 0x8000) ; ori reg, reg, ((value) & 0xFFFF)
/* reg <- address of a symbol. */
#define LA(reg, sym) lis reg, sym@ha ; addi reg, reg, sym@l
#define SET_XER(value) LI32(r0, value) ; mtspr SPR_XER, r0
#define SET_CR(value) LI32(r0, value) ; mtcrf 0xFF, r0

#define TEST_SET(n) li r31, n ; stw r31, TEST_CURRENT_OFFSET(r30)
/* Fails the running test unless reg == value. */
#define TEST_CHECK(reg, value) LI32(r28, value) ; cmpw reg, r28 ; bne test_fail
/* Fails the running test unless reg == the address of sym. */
#define TEST_CHECK_ADDR(reg, sym) LA(r28, sym) ; cmpw reg, r28 ; bne test_fail

/* --- test cases ---------------------------------------------------------------------- */
/* Runs code (statements separated by ';'), then checks reg. */
#define TEST_CASE(n, reg, result, ...) TEST_SET(n) ; __VA_ARGS__ ; TEST_CHECK(reg, result)
/* Runs code as a numbered step without a check (the next case checks its effect). */
#define TEST_DO(n, ...) TEST_SET(n) ; __VA_ARGS__
/* Checks a register left by the previous test. */
#define TEST_REG(n, reg, result) TEST_SET(n) ; TEST_CHECK(reg, result)
/* r3 <- inst(r5 = val1, r6 = val2) */
#define TEST_RR_OP(n, inst, result, val1, val2) \
    TEST_CASE(n, r3, result, LI32(r5, val1) ; LI32(r6, val2) ; inst r3, r5, r6)
/* r3 <- inst(r5 = val1, imm) */
#define TEST_RI_OP(n, inst, result, val1, imm) \
    TEST_CASE(n, r3, result, LI32(r5, val1) ; inst r3, r5, imm)
/* r3 <- inst(r5 = val1) */
#define TEST_R_OP(n, inst, result, val1) TEST_CASE(n, r3, result, LI32(r5, val1) ; inst r3, r5)
/* XER.CA as left by the previous instructions (0 or 1). */
#define TEST_CA(n, ca) \
    TEST_CASE(n, r3, ca, mfspr r3, SPR_XER ; rlwinm r3, r3, 3, 31, 31)
/* The whole CR after code, with CR and XER cleared before it. */
#define TEST_CR(n, result, ...) \
    TEST_CASE(n, r3, result, SET_XER(0) ; SET_CR(0) ; __VA_ARGS__ ; mfcr r3)

/* --- vector cases (the check routines sync before reading) ------------------------- */
#define SPLATB(vr, value) li r3, (value) ; fxvsplatb vr, r3
#define SPLATH(vr, value) LI32(r3, value) ; fxvsplath vr, r3
#define VLOAD(vr, sym) LA(r3, sym) ; fxvlax vr, 0, r3
/* Every 32-bit word of VR vr equals word. */
#define TEST_VEC_WORDS(n, vr, word) \
    TEST_SET(n) ; LA(r3, test_vbuf) ; fxvstax vr, 0, r3 ; LI32(r4, word) ; \
    bl test_check_vector_words
/* VR vr equals the 128 bytes at sym. */
#define TEST_VEC_MEM(n, vr, sym) \
    TEST_SET(n) ; LA(r3, test_vbuf) ; fxvstax vr, 0, r3 ; LA(r4, sym) ; \
    bl test_check_vector_mem

#define TEST_END b test_pass

/* --- interrupt vectors -------------------------------------------------------------- */
#ifndef TEST_ISR_MACHINE_CHECK
#define TEST_ISR_MACHINE_CHECK test_unexpected_interrupt
#endif
#ifndef TEST_ISR_CRITICAL_INPUT
#define TEST_ISR_CRITICAL_INPUT test_unexpected_interrupt
#endif
#ifndef TEST_ISR_DATA_STORAGE
#define TEST_ISR_DATA_STORAGE test_unexpected_interrupt
#endif
#ifndef TEST_ISR_INSTRUCTION_STORAGE
#define TEST_ISR_INSTRUCTION_STORAGE test_unexpected_interrupt
#endif
#ifndef TEST_ISR_EXTERNAL_INPUT
#define TEST_ISR_EXTERNAL_INPUT test_unexpected_interrupt
#endif
#ifndef TEST_ISR_ALIGNMENT
#define TEST_ISR_ALIGNMENT test_unexpected_interrupt
#endif
#ifndef TEST_ISR_PROGRAM
#define TEST_ISR_PROGRAM test_unexpected_interrupt
#endif
#ifndef TEST_ISR_SYSCALL
#define TEST_ISR_SYSCALL test_unexpected_interrupt
#endif
#ifndef TEST_ISR_DOORBELL
#define TEST_ISR_DOORBELL test_unexpected_interrupt
#endif
#ifndef TEST_ISR_CRITICAL_DOORBELL
#define TEST_ISR_CRITICAL_DOORBELL test_unexpected_interrupt
#endif
#ifndef TEST_ISR_FIT
#define TEST_ISR_FIT test_unexpected_interrupt
#endif
#ifndef TEST_ISR_DECREMENTER
#define TEST_ISR_DECREMENTER test_unexpected_interrupt
#endif

    .text
    .globl _start
_start:
    b test_start                        /* 0x00 reset */
    b TEST_ISR_MACHINE_CHECK            /* 0x04 */
    b TEST_ISR_CRITICAL_INPUT           /* 0x08 */
    b TEST_ISR_DATA_STORAGE             /* 0x0C */
    b TEST_ISR_INSTRUCTION_STORAGE      /* 0x10 */
    b TEST_ISR_EXTERNAL_INPUT           /* 0x14 */
    b TEST_ISR_ALIGNMENT                /* 0x18 */
    b TEST_ISR_PROGRAM                  /* 0x1C */
    b TEST_ISR_SYSCALL                  /* 0x20 */
    b TEST_ISR_DOORBELL                 /* 0x24 */
    b TEST_ISR_CRITICAL_DOORBELL        /* 0x28 */
    b TEST_ISR_FIT                      /* 0x2C */
    b TEST_ISR_DECREMENTER              /* 0x30 */

/* --- shared routines ---------------------------------------------------------------- */
test_unexpected_interrupt:
    mfspr r3, SPR_SRR0
    stw r3, TEST_SRR0_OFFSET(r30)
test_fail:
    stw r31, TEST_FAILED_OFFSET(r30)
    li r3, TEST_EXIT_CODE_ADDR
    stw r31, 0(r3)
    sync
test_hang:
    b test_hang

test_pass:
    LI32(r3, TEST_PASS_MAGIC)
    stw r3, TEST_STATUS_OFFSET(r30)
    li r3, 0
    li r4, TEST_EXIT_CODE_ADDR
    stw r3, 0(r4)
    sync
test_halt:
    wait
    b test_halt

/* r3 = 128 bytes just written by fxvstax, r4 = the word expected everywhere. */
test_check_vector_words:
    sync
    li r5, 32
    mtctr r5
.Ltest_cvw_loop:
    lwz r6, 0(r3)
    cmpw r6, r4
    bne test_fail
    addi r3, r3, 4
    bdnz .Ltest_cvw_loop
    blr

/* r3 = 128 bytes just written by fxvstax, r4 = the 128 bytes expected. */
test_check_vector_mem:
    sync
    li r5, 32
    mtctr r5
.Ltest_cvm_loop:
    lwz r6, 0(r3)
    lwz r7, 0(r4)
    cmpw r6, r7
    bne test_fail
    addi r3, r3, 4
    addi r4, r4, 4
    bdnz .Ltest_cvm_loop
    blr

    .balign 128
test_vbuf:
    .space 128

test_start:
    li r30, TEST_MAILBOX
    li r31, 0
    li r0, 0
    stw r0, TEST_FAILED_OFFSET(r30)
    stw r0, TEST_CURRENT_OFFSET(r30)
    stw r0, TEST_STATUS_OFFSET(r30)
    stw r0, TEST_SRR0_OFFSET(r30)
    mtspr SPR_XER, r0
    mtcrf 0xFF, r0

#endif /* BSS_TEST_MACROS_H */
