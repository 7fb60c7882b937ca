/*
 * structural.S: the structural-plasticity kernel of structural.c in assembly: same
 * parameters (symbols), PRNG, vector-register use, mailbox and exit codes. See
 * structural.c for the description.
 *
 * Parameters (.data, 32-bit words the host may write by symbol; bad-parameter numbers):
 *   1 structural_threshold (0..64, default 4), 2 structural_initial_weight (0..63,
 *   default 8), 3 structural_seed (not 0, default 0x2545F491), 4 structural_label_mask
 *   (0..63, default 63), 5 structural_rows (0..256, default 256),
 *   - structural_iterations (default 1), 6 structural_wait_us (<= 17179869).
 * Mailbox: common header (kernel_common.h), magic "STRU"; 0x10 rewires in all sweeps,
 * 0x14 rewires in the last sweep, 0x18 PRNG state after the run.
 */
#include <bss_ppu/chip.h>
#include <bss_ppu/fxv.h>
#include "kernel_common.h"

#ifndef __BSS_ASM__
#include <bss_ppu/fxv.inc>
    .section .note.GNU-stack, "", @progbits
#endif

#define STRU_MB_TOTAL 0x10
#define STRU_MB_LAST 0x14
#define STRU_MB_PRNG 0x18
#define STRU_LABEL_MAX 63
#define STRU_KEEP_BITS 0xC0
#define STRU_LOW_BITS 0x3F

/* --- parameters ------------------------------------------------------------------ */
    .section .data.structural_params, "aw", @progbits
    .align 2
    .globl structural_threshold
    .type structural_threshold, @object
    .size structural_threshold, 4
structural_threshold:
    .long 4
    .globl structural_initial_weight
    .type structural_initial_weight, @object
    .size structural_initial_weight, 4
structural_initial_weight:
    .long 8
    .globl structural_seed
    .type structural_seed, @object
    .size structural_seed, 4
structural_seed:
    .long 0x2545F491
    .globl structural_label_mask
    .type structural_label_mask, @object
    .size structural_label_mask, 4
structural_label_mask:
    .long STRU_LABEL_MAX
    .globl structural_rows
    .type structural_rows, @object
    .size structural_rows, 4
structural_rows:
    .long KERNEL_ROWS_MAX
    .globl structural_iterations
    .type structural_iterations, @object
    .size structural_iterations, 4
structural_iterations:
    .long 1
    .globl structural_wait_us
    .type structural_wait_us, @object
    .size structural_wait_us, 4
structural_wait_us:
    .long 0

/* --- one row half of weights and labels in SRAM ------------------------------------ */
    .section .bss.structural_buffers, "aw", @nobits
    .balign FXV_VECTOR_BYTES
weights:
    .space FXV_VECTOR_BYTES
labels:
    .space FXV_VECTOR_BYTES

/* --- int main(void) ------------------------------------------------------------------
 * r31 mailbox base, r30 threshold, r29 initial weight, r28 PRNG state, r27 label mask,
 * r26 row halves (2 * rows), r25 iterations, r24 wait in cycles, r23 sweeps done,
 * r22 start time, r21 rewires in all sweeps, r20 rewires in this sweep, r19 &weights,
 * r18 &labels, r17 vector index, r16 rewires in this row half, r15 label I/O base;
 * r3 synapse (byte) index, r9..r11 scratch. */
    .section .text.main, "ax", @progbits
    .align 2
    .globl main
    .type main, @function
main:
    stwu r1, -80(r1)
    stmw r15, 8(r1)

    KERNEL_MAILBOX_HEADER(KERNEL_MAGIC_STRU)
    stw r0, STRU_MB_TOTAL(r31)
    stw r0, STRU_MB_LAST(r31)

    KERNEL_LOAD(r30, structural_threshold)
    KERNEL_LOAD(r29, structural_initial_weight)
    KERNEL_LOAD(r28, structural_seed)
    KERNEL_LOAD(r27, structural_label_mask)
    KERNEL_LOAD(r26, structural_rows)
    KERNEL_LOAD(r25, structural_iterations)
    KERNEL_LOAD(r24, structural_wait_us)
    stw r28, STRU_MB_PRNG(r31)

    li r4, 1
    cmplwi r30, KERNEL_WEIGHT_MAX + 1
    bgt .Lbad_parameter
    li r4, 2
    cmplwi r29, KERNEL_WEIGHT_MAX
    bgt .Lbad_parameter
    li r4, 3
    cmpwi r28, 0
    beq .Lbad_parameter
    li r4, 4
    cmplwi r27, STRU_LABEL_MAX
    bgt .Lbad_parameter
    li r4, 5
    cmplwi r26, KERNEL_ROWS_MAX
    bgt .Lbad_parameter
    li r4, 6
    lis r9, (KERNEL_WAIT_US_MAX >> 16)
    ori r9, r9, (KERNEL_WAIT_US_MAX & 0xFFFF)
    cmplw r24, r9
    bgt .Lbad_parameter
    mulli r24, r24, KERNEL_CYCLES_PER_US
    slwi r26, r26, 1

    lis r19, weights@ha
    addi r19, r19, weights@l
    lis r18, labels@ha
    addi r18, r18, labels@l
    lis r15, (FXV_IO_LABELS >> 16)
    li r21, 0

    li r23, 0
.Lsweep:
    cmplw r23, r25
    bge .Ldone
    cmpwi r23, 0
    beq .Lsweep_start
    mfspr r9, 284                   /* busy-wait r24 cycles between sweeps */
.Lwait:
    mfspr r10, 284
    subf r10, r9, r10
    cmplw r10, r24
    blt .Lwait
.Lsweep_start:
    mfspr r22, 284
    li r20, 0
    li r17, 0
    cmplw r17, r26
    bge .Lsweep_end
.Lrow_half:
    fxvinx 1, 0, r17, FXV_ALWAYS    /* weights */
    fxvinx 2, r15, r17, FXV_ALWAYS  /* labels */
    fxvstax 1, 0, r19
    fxvstax 2, 0, r18
    sync
    li r16, 0
    li r3, 0
    li r9, FXV_VECTOR_BYTES
    mtctr r9
.Lsynapse:
    lbzx r9, r19, r3
    andi. r10, r9, STRU_LOW_BITS
    cmplw r10, r30
    bge .Lsynapse_next
    slwi r11, r28, 13               /* xorshift32 */
    xor r28, r28, r11
    srwi r11, r28, 17
    xor r28, r28, r11
    slwi r11, r28, 5
    xor r28, r28, r11
    srwi r11, r28, 24               /* label = (x >> 24) & mask */
    and r11, r11, r27
    lbzx r10, r18, r3
    andi. r10, r10, STRU_KEEP_BITS
    or r10, r10, r11
    stbx r10, r18, r3
    andi. r9, r9, STRU_KEEP_BITS
    or r9, r9, r29
    stbx r9, r19, r3
    addi r16, r16, 1
.Lsynapse_next:
    addi r3, r3, 1
    bdnz .Lsynapse
    cmpwi r16, 0
    beq .Lrow_half_next
    sync
    fxvlax 1, 0, r19
    fxvlax 2, 0, r18
    fxvoutx 2, r15, r17, FXV_ALWAYS
    fxvoutx 1, 0, r17, FXV_ALWAYS
    add r20, r20, r16
.Lrow_half_next:
    addi r17, r17, 1
    cmplw r17, r26
    blt .Lrow_half
.Lsweep_end:
    sync
    add r21, r21, r20
    stw r21, STRU_MB_TOTAL(r31)
    stw r20, STRU_MB_LAST(r31)
    stw r28, STRU_MB_PRNG(r31)
    mfspr r9, 284
    subf r9, r22, r9
    stw r9, KERNEL_MB_CYCLES(r31)
    addi r23, r23, 1
    stw r23, KERNEL_MB_ITERATIONS(r31)
    b .Lsweep

.Ldone:
    li r3, KERNEL_EXIT_OK
    b .Lreturn
.Lbad_parameter:
    stw r4, KERNEL_MB_BAD_PARAMETER(r31)
    li r3, KERNEL_EXIT_BAD_PARAMETER
.Lreturn:
    lmw r15, 8(r1)
    addi r1, r1, 80
    blr
    .size main, . - main
