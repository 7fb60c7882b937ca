/*
 * crt0.S: start code for bss-host PPU programs (Nux core, linked with link.ld).
 *
 * Address 0 holds the reset vector and 0x04..0x30 one branch per interrupt slot (Nux
 * has no IVPR: the vectors sit at 4 * IVO). Each slot branches to a weak symbol
 * isr_<name>; a program installs a handler by defining that symbol. A handler is
 * entered with the interrupted state live in every register, so it must save what it
 * uses and return with rfi (rfci for critical_input/critical_doorbell, rfmci for
 * machine_check); a plain C function is not a handler.
 *
 * Unhandled interrupts go to _isr_undefined, which stores SRR0 at 0x2FF8 and the exit
 * code -2 at 0x2FFC and halts. (libnux instead restarts the program at 0.)
 *
 * _start_impl: r1 = stack_ptr_init (0x2FF0) with a zero back chain, zero .bss, call
 * main(), then exit(main's result). exit(code) stores code at 0x2FFC, syncs and halts
 * for good (wait; b back to wait). The host polls the PPU's sleep bit and then reads
 * the exit code and the mailbox.
 */
#ifndef __BSS_ASM__
#include <bss_ppu/nux.inc>
    .section .note.GNU-stack, "", @progbits  /* no executable stack (GNU ld) */
#endif

#define EXIT_UNHANDLED_INTERRUPT (-2)
#define SPR_SRR0 26

    .section .text.crt_vectors, "ax", @progbits
    .globl _start
_start:
    b _start_impl               /* 0x00 reset */
    b isr_machine_check         /* 0x04 */
    b isr_critical_input        /* 0x08 */
    b isr_data_storage          /* 0x0C */
    b isr_instruction_storage   /* 0x10 */
    b isr_external_input        /* 0x14 */
    b isr_alignment             /* 0x18 */
    b isr_program               /* 0x1C trap */
    b isr_syscall               /* 0x20 */
    b isr_doorbell              /* 0x24 */
    b isr_critical_doorbell     /* 0x28 */
    b isr_fit                   /* 0x2C fixed-interval timer */
    b isr_decrementer           /* 0x30 */

    .weak isr_machine_check
    .set isr_machine_check, _isr_undefined
    .weak isr_critical_input
    .set isr_critical_input, _isr_undefined
    .weak isr_data_storage
    .set isr_data_storage, _isr_undefined
    .weak isr_instruction_storage
    .set isr_instruction_storage, _isr_undefined
    .weak isr_external_input
    .set isr_external_input, _isr_undefined
    .weak isr_alignment
    .set isr_alignment, _isr_undefined
    .weak isr_program
    .set isr_program, _isr_undefined
    .weak isr_syscall
    .set isr_syscall, _isr_undefined
    .weak isr_doorbell
    .set isr_doorbell, _isr_undefined
    .weak isr_critical_doorbell
    .set isr_critical_doorbell, _isr_undefined
    .weak isr_fit
    .set isr_fit, _isr_undefined
    .weak isr_decrementer
    .set isr_decrementer, _isr_undefined

    .section .text.crt_start, "ax", @progbits
    .globl _start_impl
    .type _start_impl, @function
_start_impl:
    lis r1, stack_ptr_init@ha
    addi r1, r1, stack_ptr_init@l
    li r0, 0
    stw r0, 0(r1)               /* end of the back chain */
    lis r3, __bss_start@ha
    addi r3, r3, __bss_start@l
    lis r4, __bss_end@ha
    addi r4, r4, __bss_end@l
    b 2f
1:  stw r0, 0(r3)               /* link.ld aligns both ends of .bss to 4 */
    addi r3, r3, 4
2:  cmplw r3, r4
    blt 1b
    sync                        /* the vector unit may fxvlax zeroed data */
    bl main
    b exit
    .size _start_impl, . - _start_impl

/* void exit(int code): never returns. */
    .globl exit
    .type exit, @function
exit:
    lis r4, __return_code@ha
    stw r3, __return_code@l(r4)
    sync                        /* drain the vector unit and the stores */
3:  wait
    b 3b
    .size exit, . - exit

    .globl _isr_undefined
    .type _isr_undefined, @function
_isr_undefined:
    mfspr r3, SPR_SRR0
    lis r4, __crash_srr0@ha
    stw r3, __crash_srr0@l(r4)
    li r3, EXIT_UNHANDLED_INTERRUPT
    b exit
    .size _isr_undefined, . - _isr_undefined
