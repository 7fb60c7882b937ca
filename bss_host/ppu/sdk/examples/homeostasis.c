/*
 * homeostasis.c: rate homeostasis from the spike counters, over the PPU's hemisphere.
 * (homeostasis.S is the same kernel in assembly, with the same symbols and mailbox.)
 *
 * Each sweep:
 *   1. reads the 256 spike counters of the hemisphere over the Omnibus
 *      (count bits 7:0; with the overflow bit set the count is taken as 256) and resets
 *      each counter right after reading it, so no spike falls between read and reset;
 *   2. builds two step vectors in SRAM (128-byte aligned; even and odd columns):
 *      step(column) = +step if count < target, -step if count > target, else 0;
 *   3. sync (the vectors were written by scalar stores), fxvlax both;
 *   4. for every row half of rows 0..homeostasis_rows-1:
 *      w = clamp(weight + step, 0, 63), written back (every synapse of a column moves
 *      the same way, towards the target rate of that column's neuron);
 *   5. sync.
 * Between sweeps it busy-waits, so the counts of the next sweep cover that window.
 *
 * Parameters (initialised globals; the host may write them by ELF symbol before the
 * start), with the numbers reported in mailbox 0x08 when out of range:
 *   1  uint32_t homeostasis_target      target count per sweep window, 0..256 (default 10)
 *   2  uint32_t homeostasis_step        weight step per sweep, 0..63 (default 1)
 *   3  uint32_t homeostasis_hemisphere  which hemisphere's counters to read, 0 (top) or 1
 *   4  uint32_t homeostasis_rows        rows 0..N-1 to update, 0..256 (default 256)
 *   -  uint32_t homeostasis_iterations  number of sweeps (default 1)
 *   5  uint32_t homeostasis_wait_us     busy-wait between sweeps in us, <= 17179869
 *
 * Mailbox: the common header (kernel_common.h) with magic "HOME", then, for the last
 * sweep:
 *   0x10  columns whose weights went up (count < target)
 *   0x14  columns whose weights went down (count > target)
 *   0x100..0x1FF  the count of column c at byte 0x100 + c (255 if 255 or more)
 * Exit code 0 on success, 1 on a bad parameter.
 *
 * Vector registers: VR0 zeros, VR1 steps of the even columns, VR2 of the odd ones,
 * VR4 weights, VR5 scratch, VR7 63s.
 */
#include <stdint.h>

#include <bss_ppu/chip.h>
#include <bss_ppu/fxv.h>

#include "kernel_common.h"

#define HOME_MB_UP 0x10
#define HOME_MB_DOWN 0x14
#define HOME_MB_COUNTS 0x100
#define HOME_COLUMNS 256
#define HOME_COUNT_OVERFLOW 256

volatile uint32_t homeostasis_target = 10;
volatile uint32_t homeostasis_step = 1;
volatile uint32_t homeostasis_hemisphere = 0;
volatile uint32_t homeostasis_rows = KERNEL_ROWS_MAX;
volatile uint32_t homeostasis_iterations = 1;
volatile uint32_t homeostasis_wait_us = 0;

/* Byte j of step_even is column 2j, of step_odd column 2j + 1. */
static fxv_vector_t step_even;
static fxv_vector_t step_odd;

/* The weights of row half `index` += the steps in VR `steps`, clamped to 0..63. */
#define HOME_UPDATE(index, steps)                                                         \
    do {                                                                                  \
        fxvinx(4, FXV_IO_WEIGHTS, (index), FXV_ALWAYS);                                   \
        fxvshb(4, 4, 2);                                                                  \
        fxvshb(4, 4, -2);                                                                 \
        fxvaddbm(4, 4, (steps), FXV_ALWAYS);                                              \
        fxvcmpb(4);                                                                       \
        fxvsel(4, 4, VR_ZERO, FXV_LT);                                                    \
        fxvsubbm(5, 4, VR_WMAX, FXV_ALWAYS);                                              \
        fxvcmpb(5);                                                                       \
        fxvsel(4, 4, VR_WMAX, FXV_GT);                                                    \
        fxvoutx(4, FXV_IO_WEIGHTS, (index), FXV_ALWAYS);                                  \
    } while (0)

static int bad_parameter(uint32_t number)
{
    mailbox_write_u32(KERNEL_MB_BAD_PARAMETER, number);
    return KERNEL_EXIT_BAD_PARAMETER;
}

int main(void)
{
    uint32_t const target = homeostasis_target;
    uint32_t const step = homeostasis_step;
    uint32_t const hemisphere = homeostasis_hemisphere;
    uint32_t const rows = homeostasis_rows;
    uint32_t const iterations = homeostasis_iterations;
    uint32_t const wait_us = homeostasis_wait_us;

    mailbox_write_u32(KERNEL_MB_MAGIC, KERNEL_MAGIC_HOME);
    mailbox_write_u32(KERNEL_MB_ITERATIONS, 0);
    mailbox_write_u32(KERNEL_MB_BAD_PARAMETER, 0);
    mailbox_write_u32(KERNEL_MB_CYCLES, 0);
    if (target > HOME_COUNT_OVERFLOW) {
        return bad_parameter(1);
    }
    if (step > KERNEL_WEIGHT_MAX) {
        return bad_parameter(2);
    }
    if (hemisphere > 1) {
        return bad_parameter(3);
    }
    if (rows > KERNEL_ROWS_MAX) {
        return bad_parameter(4);
    }
    if (wait_us > KERNEL_WAIT_US_MAX) {
        return bad_parameter(5);
    }

    fxvsplatb(VR_ZERO, 0);
    fxvsplatb(VR_WMAX, KERNEL_WEIGHT_MAX);

    for (uint32_t it = 0; it < iterations; it++) {
        if (it > 0) {
            bss_delay_us(wait_us);
        }
        uint32_t const start = bss_time_base_low();
        uint32_t up = 0;
        uint32_t down = 0;
        for (uint32_t column = 0; column < HOME_COLUMNS; column++) {
            uint32_t const raw = spike_counter_read(hemisphere, column);
            spike_counter_reset(hemisphere, column);
            uint32_t const count =
                spike_counter_overflow(raw) ? HOME_COUNT_OVERFLOW : spike_counter_count(raw);
            uint8_t delta = 0;
            if (count < target) {
                delta = (uint8_t)step;
                up++;
            } else if (count > target) {
                delta = (uint8_t)(0u - step);
                down++;
            }
            fxv_vector_t *half = (column & 1u) ? &step_odd : &step_even;
            half->bytes[column >> 1] = delta;
            mailbox_write_u8(HOME_MB_COUNTS + column, count > 255u ? 255u : (uint8_t)count);
        }
        bss_sync();
        fxvlax_ptr(1, &step_even);
        fxvlax_ptr(2, &step_odd);
        for (uint32_t row = 0; row < rows; row++) {
            HOME_UPDATE(fxv_io_index(row, 0), 1);
            HOME_UPDATE(fxv_io_index(row, 1), 2);
        }
        bss_sync();
        mailbox_write_u32(HOME_MB_UP, up);
        mailbox_write_u32(HOME_MB_DOWN, down);
        mailbox_write_u32(KERNEL_MB_CYCLES, bss_time_base_low() - start);
        mailbox_write_u32(KERNEL_MB_ITERATIONS, it + 1);
    }
    return KERNEL_EXIT_OK;
}
