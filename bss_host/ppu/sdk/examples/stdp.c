/*
 * stdp.c: pair-based STDP from the correlation sensors, over the PPU's whole hemisphere.
 * (stdp.S is the same kernel in assembly, with the same symbols and mailbox.)
 *
 * For every row half (vector index 2*row + 0/1, rows 0..stdp_rows-1) of each sweep:
 *   c  = causal correlation (fxvinx 0x80000 + index) >> 1     (0..127, signed-safe)
 *   a  = acausal correlation (fxvinx 0xC0000 + index) >> 1
 *   reset both sensors of the row half (fxvoutx of 0x03 bytes to 0x80000 + index)
 *   d  = sat(sat(a - c) - offset)      offset: the column's a - c with no correlation
 *   dw = fxvmulbfs(d, rate) = floor(d * rate / 128)
 * A sensor's CADC reading falls as it accumulates (its storage capacitor discharges from
 * the reset level), so more causal than acausal correlation means c < a: potentiation.
 *   w  = clamp(weight + dw, 0, 63) (saturating add, then clamp), written back
 * and a sync at the end of each sweep. Between sweeps it busy-waits on the time base,
 * so it can run while the network runs.
 *
 * Parameters (initialised globals; the host may write them by ELF symbol before the
 * start), with the numbers reported in mailbox 0x08 when out of range:
 *   1  int32_t  stdp_learning_rate  Q0.7 factor -128..127 (default 16 = 1/8);
 *                                   negative values give anti-STDP
 *   2  uint32_t stdp_rows           rows 0..N-1 to process, 0..256 (default 256)
 *   -  uint32_t stdp_iterations     number of sweeps (default 1)
 *   3  uint32_t stdp_wait_us        busy-wait between sweeps in us, <= 17179869
 *   -  int8_t   stdp_offset[2][128] per column (byte j of half h = column 2j+h): the
 *                                   value of (a - c) of freshly reset sensors, i.e. the
 *                                   difference of the two CADC channels' offsets; the
 *                                   host measures it (bss_host.ppu.kernels) and writes
 *                                   it by symbol. Default 0.
 *
 * Mailbox: the common header (kernel_common.h) with magic "STDP", then
 *   0x10  rows per sweep
 * Exit code 0 on success, 1 on a bad parameter.
 *
 * Vector registers: VR0 zeros, VR1 causal, VR2 acausal, VR3 dw, VR4 weights, VR5
 * scratch, VR6 rate, VR7 63s, VR8 the sensor reset pattern 0x03, VR9/VR10 the column
 * offsets of even/odd columns.
 */
#include <stdint.h>

#include <bss_ppu/chip.h>
#include <bss_ppu/fxv.h>

#include "kernel_common.h"

#define STDP_MB_ROWS 0x10

volatile int32_t stdp_learning_rate = 16;
volatile uint32_t stdp_rows = KERNEL_ROWS_MAX;
volatile uint32_t stdp_iterations = 1;
volatile uint32_t stdp_wait_us = 0;
/* In .data, not .bss: crt0 clears .bss, and the host writes this before the start. */
int8_t stdp_offset[2][128] __attribute__((aligned(128), section(".data.stdp_offset")));

/* One row half: vector index `index`; its column offsets are in vector register
 * `off` (9 for even, 10 for odd columns). */
#define stdp_update(index, off) stdp_update_##off(index)
#define STDP_UPDATE(off)                                                                 \
static inline void stdp_update_##off(uint32_t index)                                     \
{                                                                                        \
    fxvinx(1, FXV_IO_CAUSAL, index, FXV_ALWAYS);                                         \
    fxvinx(2, FXV_IO_ACAUSAL, index, FXV_ALWAYS);                                        \
    fxvoutx(8, FXV_IO_CAUSAL, index, FXV_ALWAYS);                                        \
    fxvshb(1, 1, -1);                                                                    \
    fxvshb(2, 2, -1);                                                                    \
    fxvsubbfs(3, 2, 1, FXV_ALWAYS); /* a - c: readings fall with correlation */          \
    fxvsubbfs(3, 3, off, FXV_ALWAYS); /* minus the channels' offset difference */        \
    stdp_weights(index);                                                                 \
}

/* Weight update of row half `index` with dw = VR3 * rate. */
static inline void stdp_weights(uint32_t index)
{
    fxvmulbfs(3, 3, 6, FXV_ALWAYS);
    fxvinx(4, FXV_IO_WEIGHTS, index, FXV_ALWAYS);
    /* Keep only the 6 weight bits. */
    fxvshb(4, 4, 2);
    fxvshb(4, 4, -2);
    fxvaddbfs(4, 4, 3, FXV_ALWAYS);
    /* Clamp to 0..63: negative -> 0, then (w - 63) > 0 -> 63. */
    fxvcmpb(4);
    fxvsel(4, 4, VR_ZERO, FXV_LT);
    fxvsubbm(5, 4, VR_WMAX, FXV_ALWAYS);
    fxvcmpb(5);
    fxvsel(4, 4, VR_WMAX, FXV_GT);
    fxvoutx(4, FXV_IO_WEIGHTS, index, FXV_ALWAYS);
}

STDP_UPDATE(9)
STDP_UPDATE(10)

static int bad_parameter(uint32_t number)
{
    mailbox_write_u32(KERNEL_MB_BAD_PARAMETER, number);
    return KERNEL_EXIT_BAD_PARAMETER;
}

int main(void)
{
    int32_t const rate = stdp_learning_rate;
    uint32_t const rows = stdp_rows;
    uint32_t const iterations = stdp_iterations;
    uint32_t const wait_us = stdp_wait_us;

    mailbox_write_u32(KERNEL_MB_MAGIC, KERNEL_MAGIC_STDP);
    mailbox_write_u32(KERNEL_MB_ITERATIONS, 0);
    mailbox_write_u32(KERNEL_MB_BAD_PARAMETER, 0);
    mailbox_write_u32(KERNEL_MB_CYCLES, 0);
    if (rate < -128 || rate > 127) {
        return bad_parameter(1);
    }
    if (rows > KERNEL_ROWS_MAX) {
        return bad_parameter(2);
    }
    if (wait_us > KERNEL_WAIT_US_MAX) {
        return bad_parameter(3);
    }
    mailbox_write_u32(STDP_MB_ROWS, rows);

    fxvsplatb(VR_ZERO, 0);
    fxvsplatb(6, (uint32_t)rate);
    fxvsplatb(VR_WMAX, KERNEL_WEIGHT_MAX);
    fxvsplatb(8, FXV_CORRELATION_RESET_BOTH);
    bss_sync(); /* the host wrote the offsets: order them before the vector loads */
    fxvlax_ptr(9, &stdp_offset[0][0]);
    fxvlax_ptr(10, &stdp_offset[1][0]);

    for (uint32_t it = 0; it < iterations; it++) {
        if (it > 0) {
            bss_delay_us(wait_us);
        }
        uint32_t const start = bss_time_base_low();
        for (uint32_t row = 0; row < rows; row++) {
            stdp_update(2 * row, 9);
            stdp_update(2 * row + 1, 10);
        }
        bss_sync();
        mailbox_write_u32(KERNEL_MB_CYCLES, bss_time_base_low() - start);
        mailbox_write_u32(KERNEL_MB_ITERATIONS, it + 1);
    }
    return KERNEL_EXIT_OK;
}
