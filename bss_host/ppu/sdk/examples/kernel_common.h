/*
 * kernel_common.h: what the example kernels (stdp, homeostasis, structural; each in C
 * and in assembly) share: the common mailbox header and the exit codes.
 *
 * Mailbox (byte offsets from 0x3000, big-endian 32-bit words):
 *   0x00  magic: the kernel's name in ASCII ("STDP", "HOME", "STRU")
 *   0x04  iterations (sweeps) completed so far, updated after each one
 *   0x08  0 if the parameters were valid, else the number of the first bad parameter
 *         (listed at the top of each kernel)
 *   0x0C  PPU cycles (time base, 250 per us) the last sweep took
 *   0x10  kernel-specific results from here on
 * Exit code (word 0x2FFC): 0 = done, 1 = a parameter was out of range (nothing written
 * to the synapses).
 *
 * Vector registers used by all three kernels:
 *   VR0 = 0 in every byte, VR7 = 63 in every byte (the weight range is 0..63).
 */
#ifndef BSS_PPU_KERNEL_COMMON_H
#define BSS_PPU_KERNEL_COMMON_H

#define KERNEL_MB_MAGIC 0x00
#define KERNEL_MB_ITERATIONS 0x04
#define KERNEL_MB_BAD_PARAMETER 0x08
#define KERNEL_MB_CYCLES 0x0C

#define KERNEL_EXIT_OK 0
#define KERNEL_EXIT_BAD_PARAMETER 1

#define KERNEL_MAGIC_STDP 0x53544450 /* "STDP" */
#define KERNEL_MAGIC_HOME 0x484F4D45 /* "HOME" */
#define KERNEL_MAGIC_STRU 0x53545255 /* "STRU" */

#define KERNEL_ROWS_MAX 256
#define KERNEL_WEIGHT_MAX 63
/* PPU clock: time-base cycles per microsecond. */
#define KERNEL_CYCLES_PER_US 250
/* The longest wait whose cycle count (us * 250) fits 32 bits. */
#define KERNEL_WAIT_US_MAX 17179869

#ifdef __ASSEMBLER__
/* Assembly kernels: r31 <- the mailbox base, and the common header written (magic,
 * zero sweeps, no bad parameter, zero cycles). Clobbers r0 and r9. */
#define KERNEL_MAILBOX_HEADER(magic) \
    li r31, BSS_MAILBOX_BASE ; \
    lis r9, ((magic) >> 16) ; \
    ori r9, r9, ((magic) & 0xFFFF) ; \
    stw r9, KERNEL_MB_MAGIC(r31) ; \
    li r0, 0 ; \
    stw r0, KERNEL_MB_ITERATIONS(r31) ; \
    stw r0, KERNEL_MB_BAD_PARAMETER(r31) ; \
    stw r0, KERNEL_MB_CYCLES(r31)

/* reg <- the 32-bit parameter at symbol `sym`. Clobbers r9. */
#define KERNEL_LOAD(reg, sym) lis r9, sym@ha ; lwz reg, sym@l(r9)
#endif

#define VR_ZERO 0
#define VR_WMAX 7

#endif
