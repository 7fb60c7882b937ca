/*
 * stdp.S: the STDP kernel of stdp.c in assembly: same parameters (symbols), same
 * vector-register use, same mailbox and exit codes. See stdp.c for the description.
 *
 * Parameters (.data, 32-bit words the host may write by symbol; bad-parameter numbers):
 *   1 stdp_learning_rate (signed, -128..127, default 16), 2 stdp_rows (0..256, default
 *   256), - stdp_iterations (default 1), 3 stdp_wait_us (<= 17179869, default 0),
 *   - stdp_offset (int8[2][128], column offsets, default 0).
 * Mailbox: common header (kernel_common.h), magic "STDP"; 0x10 rows per sweep.
 *
 * Assemble with GNU as (via gcc: bss_host.ppu_toolchain.compile_c) or with our
 * assembler after bss_host.ppu_toolchain.preprocess_asm (defines __BSS_ASM__).
 */
#include <bss_ppu/chip.h>
#include <bss_ppu/fxv.h>
#include "kernel_common.h"

#ifndef __BSS_ASM__
#include <bss_ppu/fxv.inc>
    .section .note.GNU-stack, "", @progbits
#endif

#define STDP_MB_ROWS 0x10

/* One row half at vector index r7 (then r7 += 1), its column offsets in VR `off`. */
#define STDP_HALF(off) \
    fxvinx 1, r5, r7, FXV_ALWAYS ;       /* causal */ \
    fxvinx 2, r8, r7, FXV_ALWAYS ;       /* acausal */ \
    fxvoutx 8, r5, r7, FXV_ALWAYS ;      /* reset both sensors of the row half */ \
    fxvshb 1, 1, -1 ; \
    fxvshb 2, 2, -1 ; \
    fxvsubbfs 3, 2, 1, FXV_ALWAYS ;      /* a - c: readings fall with correlation */ \
    fxvsubbfs 3, 3, off, FXV_ALWAYS ;    /* minus the channels' offset difference */ \
    fxvmulbfs 3, 3, 6, FXV_ALWAYS ;      /* dw */ \
    fxvinx 4, 0, r7, FXV_ALWAYS ;        /* weights (I/O base 0) */ \
    fxvshb 4, 4, 2 ;                     /* keep the 6 weight bits */ \
    fxvshb 4, 4, -2 ; \
    fxvaddbfs 4, 4, 3, FXV_ALWAYS ; \
    fxvcmpb 4 ; \
    fxvsel 4, 4, VR_ZERO, FXV_LT ;       /* < 0 -> 0 */ \
    fxvsubbm 5, 4, VR_WMAX, FXV_ALWAYS ; \
    fxvcmpb 5 ; \
    fxvsel 4, 4, VR_WMAX, FXV_GT ;       /* > 63 -> 63 */ \
    fxvoutx 4, 0, r7, FXV_ALWAYS ; \
    addi r7, r7, 1

/* --- parameters ------------------------------------------------------------------ */
    .section .data.stdp_params, "aw", @progbits
    .align 2
    .globl stdp_learning_rate
    .type stdp_learning_rate, @object
    .size stdp_learning_rate, 4
stdp_learning_rate:
    .long 16
    .globl stdp_rows
    .type stdp_rows, @object
    .size stdp_rows, 4
stdp_rows:
    .long KERNEL_ROWS_MAX
    .globl stdp_iterations
    .type stdp_iterations, @object
    .size stdp_iterations, 4
stdp_iterations:
    .long 1
    .globl stdp_wait_us
    .type stdp_wait_us, @object
    .size stdp_wait_us, 4
stdp_wait_us:
    .long 0
    .globl stdp_offset
    .type stdp_offset, @object
    .size stdp_offset, 256
    .balign 128
stdp_offset:                        /* int8[2][128], see stdp.c */
    .space 256

/* --- int main(void) ------------------------------------------------------------------
 * r31 mailbox base, r30 rows, r29 iterations, r28 wait in cycles, r27 sweeps done,
 * r26 time base at the start of a sweep; r5 causal base, r8 acausal base, r7 index. */
    .section .text.main, "ax", @progbits
    .align 2
    .globl main
    .type main, @function
main:
    stwu r1, -32(r1)
    stmw r26, 8(r1)

    KERNEL_MAILBOX_HEADER(KERNEL_MAGIC_STDP)

    KERNEL_LOAD(r3, stdp_learning_rate)
    KERNEL_LOAD(r30, stdp_rows)
    KERNEL_LOAD(r29, stdp_iterations)
    KERNEL_LOAD(r28, stdp_wait_us)

    /* -128 <= rate <= 127  <=>  (rate + 128) <= 255 unsigned */
    li r4, 1
    addi r9, r3, 128
    cmplwi r9, 255
    bgt .Lbad_parameter
    li r4, 2
    cmplwi r30, KERNEL_ROWS_MAX
    bgt .Lbad_parameter
    li r4, 3
    lis r9, (KERNEL_WAIT_US_MAX >> 16)
    ori r9, r9, (KERNEL_WAIT_US_MAX & 0xFFFF)
    cmplw r28, r9
    bgt .Lbad_parameter
    mulli r28, r28, KERNEL_CYCLES_PER_US
    stw r30, STDP_MB_ROWS(r31)

    li r9, 0
    fxvsplatb VR_ZERO, r9
    fxvsplatb 6, r3
    li r9, KERNEL_WEIGHT_MAX
    fxvsplatb VR_WMAX, r9
    li r9, FXV_CORRELATION_RESET_BOTH
    fxvsplatb 8, r9

    sync                            /* the host wrote the offsets */
    lis r9, stdp_offset@ha
    addi r9, r9, stdp_offset@l
    li r10, 128
    fxvlax 9, 0, r9
    fxvlax 10, r9, r10
    lis r5, (FXV_IO_CAUSAL >> 16)
    lis r8, (FXV_IO_ACAUSAL >> 16)
    li r27, 0
.Lsweep:
    cmplw r27, r29
    bge .Ldone
    cmpwi r27, 0
    beq .Lsweep_start
    mfspr r9, 284                   /* busy-wait r28 cycles between sweeps */
.Lwait:
    mfspr r10, 284
    subf r10, r9, r10
    cmplw r10, r28
    blt .Lwait
.Lsweep_start:
    mfspr r26, 284
    cmpwi r30, 0
    beq .Lsweep_end
    mtctr r30                       /* one iteration per row: both halves */
    li r7, 0
.Lrow:
    STDP_HALF(9)                    /* even columns */
    STDP_HALF(10)                   /* odd columns */
    bdnz .Lrow
.Lsweep_end:
    sync
    mfspr r9, 284
    subf r9, r26, r9
    stw r9, KERNEL_MB_CYCLES(r31)
    addi r27, r27, 1
    stw r27, KERNEL_MB_ITERATIONS(r31)
    b .Lsweep

.Ldone:
    li r3, KERNEL_EXIT_OK
    b .Lreturn
.Lbad_parameter:
    stw r4, KERNEL_MB_BAD_PARAMETER(r31)
    li r3, KERNEL_EXIT_BAD_PARAMETER
.Lreturn:
    lmw r26, 8(r1)
    addi r1, r1, 32
    blr
    .size main, . - main
