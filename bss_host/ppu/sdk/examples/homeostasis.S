/*
 * homeostasis.S: the homeostasis kernel of homeostasis.c in assembly: same parameters
 * (symbols), same vector-register use, same mailbox and exit codes. See homeostasis.c
 * for the description.
 *
 * Parameters (.data, 32-bit words the host may write by symbol; bad-parameter numbers):
 *   1 homeostasis_target (0..256, default 10), 2 homeostasis_step (0..63, default 1),
 *   3 homeostasis_hemisphere (0/1, default 0), 4 homeostasis_rows (0..256, default 256),
 *   - homeostasis_iterations (default 1), 5 homeostasis_wait_us (<= 17179869).
 * Mailbox: common header (kernel_common.h), magic "HOME"; 0x10 columns up, 0x14 columns
 * down, 0x100 + c count of column c (bytes, 255 = 255 or more), all for the last sweep.
 */
#include <bss_ppu/chip.h>
#include <bss_ppu/fxv.h>
#include "kernel_common.h"

#ifndef __BSS_ASM__
#include <bss_ppu/fxv.inc>
    .section .note.GNU-stack, "", @progbits
#endif

#define HOME_MB_UP 0x10
#define HOME_MB_DOWN 0x14
#define HOME_MB_COUNTS 0x100
#define HOME_COLUMNS 256
#define HOME_COUNT_OVERFLOW 256

/* The address arithmetic below assumes this counter layout (checked against the
 * generated register map at build time). */
#if BSS_SPIKE_COUNTER_READ_DIM_HEMISPHERE_STRIDE != 0x8000 || \
    BSS_SPIKE_COUNTER_RESET_DIM_HEMISPHERE_STRIDE != 0x8000 || \
    BSS_SPIKE_COUNTER_READ_DIM_COLUMN_STRIDE != 1 || \
    BSS_SPIKE_COUNTER_RESET_DIM_COLUMN_STRIDE != 1 || \
    BSS_SPIKE_COUNTER_READ_COUNT_SHIFT != 0 || \
    BSS_SPIKE_COUNTER_RESET_TRIGGER_SHIFT != 0
#error "homeostasis.S: the spike counter layout changed; update the address arithmetic"
#endif

/* --- parameters ------------------------------------------------------------------ */
    .section .data.homeostasis_params, "aw", @progbits
    .align 2
    .globl homeostasis_target
    .type homeostasis_target, @object
    .size homeostasis_target, 4
homeostasis_target:
    .long 10
    .globl homeostasis_step
    .type homeostasis_step, @object
    .size homeostasis_step, 4
homeostasis_step:
    .long 1
    .globl homeostasis_hemisphere
    .type homeostasis_hemisphere, @object
    .size homeostasis_hemisphere, 4
homeostasis_hemisphere:
    .long 0
    .globl homeostasis_rows
    .type homeostasis_rows, @object
    .size homeostasis_rows, 4
homeostasis_rows:
    .long KERNEL_ROWS_MAX
    .globl homeostasis_iterations
    .type homeostasis_iterations, @object
    .size homeostasis_iterations, 4
homeostasis_iterations:
    .long 1
    .globl homeostasis_wait_us
    .type homeostasis_wait_us, @object
    .size homeostasis_wait_us, 4
homeostasis_wait_us:
    .long 0

/* --- the step vectors: byte j of step_even is column 2j, of step_odd column 2j+1 -- */
    .section .bss.homeostasis_steps, "aw", @nobits
    .balign FXV_VECTOR_BYTES
step_even:
    .space FXV_VECTOR_BYTES
step_odd:
    .space FXV_VECTOR_BYTES

/* --- int main(void) ------------------------------------------------------------------
 * r31 mailbox base, r30 target, r29 step, r28 data address of the first read counter,
 * r27 rows, r26 iterations, r25 wait in cycles, r24 sweeps done, r23 start time,
 * r22 columns up, r21 columns down, r20 &step_even, r19 &step_odd, r18 data address of
 * the first reset counter. */
    .section .text.main, "ax", @progbits
    .align 2
    .globl main
    .type main, @function
main:
    stwu r1, -64(r1)
    stmw r18, 8(r1)

    KERNEL_MAILBOX_HEADER(KERNEL_MAGIC_HOME)

    KERNEL_LOAD(r30, homeostasis_target)
    KERNEL_LOAD(r29, homeostasis_step)
    KERNEL_LOAD(r28, homeostasis_hemisphere)
    KERNEL_LOAD(r27, homeostasis_rows)
    KERNEL_LOAD(r26, homeostasis_iterations)
    KERNEL_LOAD(r25, homeostasis_wait_us)

    li r4, 1
    cmplwi r30, HOME_COUNT_OVERFLOW
    bgt .Lbad_parameter
    li r4, 2
    cmplwi r29, KERNEL_WEIGHT_MAX
    bgt .Lbad_parameter
    li r4, 3
    cmplwi r28, 1
    bgt .Lbad_parameter
    li r4, 4
    cmplwi r27, KERNEL_ROWS_MAX
    bgt .Lbad_parameter
    li r4, 5
    lis r9, (KERNEL_WAIT_US_MAX >> 16)
    ori r9, r9, (KERNEL_WAIT_US_MAX & 0xFFFF)
    cmplw r25, r9
    bgt .Lbad_parameter
    mulli r25, r25, KERNEL_CYCLES_PER_US

    /* Counter data addresses: 0x8000_0000 | ((base + hemisphere * 0x8000) << 2). */
    slwi r28, r28, 15
    lis r9, (BSS_SPIKE_COUNTER_RESET_BASE >> 16)
    ori r9, r9, (BSS_SPIKE_COUNTER_RESET_BASE & 0xFFFF)
    add r18, r28, r9
    slwi r18, r18, 2
    oris r18, r18, (BSS_OMNIBUS_DATA_BASE >> 16)
    lis r9, (BSS_SPIKE_COUNTER_READ_BASE >> 16)
    ori r9, r9, (BSS_SPIKE_COUNTER_READ_BASE & 0xFFFF)
    add r28, r28, r9
    slwi r28, r28, 2
    oris r28, r28, (BSS_OMNIBUS_DATA_BASE >> 16)

    lis r20, step_even@ha
    addi r20, r20, step_even@l
    lis r19, step_odd@ha
    addi r19, r19, step_odd@l

    li r9, 0
    fxvsplatb VR_ZERO, r9
    li r9, KERNEL_WEIGHT_MAX
    fxvsplatb VR_WMAX, r9

    li r24, 0
.Lsweep:
    cmplw r24, r26
    bge .Ldone
    cmpwi r24, 0
    beq .Lsweep_start
    mfspr r9, 284                   /* busy-wait r25 cycles between sweeps */
.Lwait:
    mfspr r10, 284
    subf r10, r9, r10
    cmplw r10, r25
    blt .Lwait
.Lsweep_start:
    mfspr r23, 284
    li r22, 0
    li r21, 0

    /* 1.-2. counters -> step vectors; r3 = column */
    li r3, 0
    li r9, HOME_COLUMNS
    mtctr r9
.Lcolumn:
    slwi r9, r3, 2
    lwzx r10, r28, r9               /* raw counter word */
    li r11, 1
    stwx r11, r18, r9               /* reset it right away */
    andi. r12, r10, BSS_SPIKE_COUNTER_READ_OVERFLOW_MASK
    andi. r10, r10, BSS_SPIKE_COUNTER_READ_COUNT_MASK
    cmpwi r12, 0
    beq .Lcount_ok
    li r10, HOME_COUNT_OVERFLOW
.Lcount_ok:
    mr r11, r10                     /* mailbox byte: min(count, 255) */
    cmplwi r10, 255
    ble .Lcount_byte
    li r11, 255
.Lcount_byte:
    addi r12, r3, HOME_MB_COUNTS
    stbx r11, r31, r12
    li r11, 0                       /* delta */
    cmplw r10, r30
    beq .Ldelta_done
    bgt .Ldelta_down
    mr r11, r29
    addi r22, r22, 1
    b .Ldelta_done
.Ldelta_down:
    neg r11, r29
    addi r21, r21, 1
.Ldelta_done:
    srwi r12, r3, 1
    andi. r0, r3, 1
    beq .Ldelta_even
    stbx r11, r19, r12
    b .Lcolumn_next
.Ldelta_even:
    stbx r11, r20, r12
.Lcolumn_next:
    addi r3, r3, 1
    bdnz .Lcolumn

    /* 3. the scalar-written steps into VR1 (even) and VR2 (odd) */
    sync
    fxvlax 1, 0, r20
    fxvlax 2, 0, r19

    /* 4. rows; r7 = even index, r8 = odd index */
    cmpwi r27, 0
    beq .Lrows_done
    mtctr r27
    li r7, 0
.Lrow:
    addi r8, r7, 1
    fxvinx 4, 0, r7, FXV_ALWAYS
    fxvshb 4, 4, 2
    fxvshb 4, 4, -2
    fxvaddbm 4, 4, 1, FXV_ALWAYS
    fxvcmpb 4
    fxvsel 4, 4, VR_ZERO, FXV_LT
    fxvsubbm 5, 4, VR_WMAX, FXV_ALWAYS
    fxvcmpb 5
    fxvsel 4, 4, VR_WMAX, FXV_GT
    fxvoutx 4, 0, r7, FXV_ALWAYS
    fxvinx 4, 0, r8, FXV_ALWAYS
    fxvshb 4, 4, 2
    fxvshb 4, 4, -2
    fxvaddbm 4, 4, 2, FXV_ALWAYS
    fxvcmpb 4
    fxvsel 4, 4, VR_ZERO, FXV_LT
    fxvsubbm 5, 4, VR_WMAX, FXV_ALWAYS
    fxvcmpb 5
    fxvsel 4, 4, VR_WMAX, FXV_GT
    fxvoutx 4, 0, r8, FXV_ALWAYS
    addi r7, r7, 2
    bdnz .Lrow
.Lrows_done:
    sync                            /* 5. */
    stw r22, HOME_MB_UP(r31)
    stw r21, HOME_MB_DOWN(r31)
    mfspr r9, 284
    subf r9, r23, r9
    stw r9, KERNEL_MB_CYCLES(r31)
    addi r24, r24, 1
    stw r24, KERNEL_MB_ITERATIONS(r31)
    b .Lsweep

.Ldone:
    li r3, KERNEL_EXIT_OK
    b .Lreturn
.Lbad_parameter:
    stw r4, KERNEL_MB_BAD_PARAMETER(r31)
    li r3, KERNEL_EXIT_BAD_PARAMETER
.Lreturn:
    lmw r18, 8(r1)
    addi r1, r1, 64
    blr
    .size main, . - main
