/*
 * structural.c: structural plasticity by rewiring weak synapses.
 * (structural.S is the same kernel in assembly, with the same symbols and mailbox.)
 *
 * For every row half of rows 0..structural_rows-1 in each sweep: read weights and
 * address labels (fxvinx I/O bases 0x00000 and 0x40000) and store both to SRAM
 * (fxvstax, sync). Then, in software, for each of the 128 synapses whose 6-bit weight
 * is below structural_threshold: draw a new 6-bit label from a xorshift32 PRNG
 *     x ^= x << 13; x ^= x >> 17; x ^= x << 5;   label = (x >> 24) & label_mask
 * and set the weight to structural_initial_weight (the upper two bits of both bytes are
 * kept as read). If anything changed in that row half: sync, fxvlax both vectors back,
 * fxvoutx the labels, then the weights. The PRNG runs on across row halves and sweeps,
 * so the result is a pure function of the seed and the weights.
 *
 * Parameters (initialised globals; the host may write them by ELF symbol before the
 * start), with the numbers reported in mailbox 0x08 when out of range:
 *   1  uint32_t structural_threshold       rewire if weight < this, 0..64 (default 4)
 *   2  uint32_t structural_initial_weight  weight of a new synapse, 0..63 (default 8)
 *   3  uint32_t structural_seed            xorshift32 seed, not 0 (default 0x2545F491)
 *   4  uint32_t structural_label_mask      bits of the new label, 0..63 (default 63)
 *   5  uint32_t structural_rows            rows 0..N-1 to process, 0..256 (default 256)
 *   -  uint32_t structural_iterations      number of sweeps (default 1)
 *   6  uint32_t structural_wait_us         busy-wait between sweeps in us, <= 17179869
 *
 * Mailbox: the common header (kernel_common.h) with magic "STRU", then
 *   0x10  rewired synapses, all sweeps
 *   0x14  rewired synapses, last sweep
 *   0x18  the PRNG state after the run (the seed of a follow-up run)
 * Exit code 0 on success, 1 on a bad parameter.
 *
 * Vector registers: VR1 weights, VR2 labels.
 */
#include <stdint.h>

#include <bss_ppu/chip.h>
#include <bss_ppu/fxv.h>

#include "kernel_common.h"

#define STRU_MB_TOTAL 0x10
#define STRU_MB_LAST 0x14
#define STRU_MB_PRNG 0x18
#define STRU_LABEL_MAX 63
#define STRU_KEEP_BITS 0xC0u
#define STRU_LOW_BITS 0x3Fu

volatile uint32_t structural_threshold = 4;
volatile uint32_t structural_initial_weight = 8;
volatile uint32_t structural_seed = 0x2545F491u;
volatile uint32_t structural_label_mask = STRU_LABEL_MAX;
volatile uint32_t structural_rows = KERNEL_ROWS_MAX;
volatile uint32_t structural_iterations = 1;
volatile uint32_t structural_wait_us = 0;

static fxv_vector_t weights;
static fxv_vector_t labels;

static inline uint32_t xorshift32(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static int bad_parameter(uint32_t number)
{
    mailbox_write_u32(KERNEL_MB_BAD_PARAMETER, number);
    return KERNEL_EXIT_BAD_PARAMETER;
}

int main(void)
{
    uint32_t const threshold = structural_threshold;
    uint32_t const initial = structural_initial_weight;
    uint32_t state = structural_seed;
    uint32_t const mask = structural_label_mask;
    uint32_t const rows = structural_rows;
    uint32_t const iterations = structural_iterations;
    uint32_t const wait_us = structural_wait_us;

    mailbox_write_u32(KERNEL_MB_MAGIC, KERNEL_MAGIC_STRU);
    mailbox_write_u32(KERNEL_MB_ITERATIONS, 0);
    mailbox_write_u32(KERNEL_MB_BAD_PARAMETER, 0);
    mailbox_write_u32(KERNEL_MB_CYCLES, 0);
    mailbox_write_u32(STRU_MB_TOTAL, 0);
    mailbox_write_u32(STRU_MB_LAST, 0);
    mailbox_write_u32(STRU_MB_PRNG, state);
    if (threshold > KERNEL_WEIGHT_MAX + 1) {
        return bad_parameter(1);
    }
    if (initial > KERNEL_WEIGHT_MAX) {
        return bad_parameter(2);
    }
    if (state == 0) {
        return bad_parameter(3);
    }
    if (mask > STRU_LABEL_MAX) {
        return bad_parameter(4);
    }
    if (rows > KERNEL_ROWS_MAX) {
        return bad_parameter(5);
    }
    if (wait_us > KERNEL_WAIT_US_MAX) {
        return bad_parameter(6);
    }

    uint32_t total = 0;
    for (uint32_t it = 0; it < iterations; it++) {
        if (it > 0) {
            bss_delay_us(wait_us);
        }
        uint32_t const start = bss_time_base_low();
        uint32_t swept = 0;
        for (uint32_t index = 0; index < 2 * rows; index++) {
            fxvinx(1, FXV_IO_WEIGHTS, index, FXV_ALWAYS);
            fxvinx(2, FXV_IO_LABELS, index, FXV_ALWAYS);
            fxvstax_ptr(1, &weights);
            fxvstax_ptr(2, &labels);
            bss_sync();
            uint32_t changed = 0;
            for (uint32_t j = 0; j < FXV_VECTOR_BYTES; j++) {
                uint32_t const w = weights.bytes[j];
                if ((w & STRU_LOW_BITS) < threshold) {
                    state = xorshift32(state);
                    uint32_t const label = (state >> 24) & mask;
                    labels.bytes[j] = (uint8_t)((labels.bytes[j] & STRU_KEEP_BITS) | label);
                    weights.bytes[j] = (uint8_t)((w & STRU_KEEP_BITS) | initial);
                    changed++;
                }
            }
            if (changed != 0) {
                bss_sync();
                fxvlax_ptr(1, &weights);
                fxvlax_ptr(2, &labels);
                fxvoutx(2, FXV_IO_LABELS, index, FXV_ALWAYS);
                fxvoutx(1, FXV_IO_WEIGHTS, index, FXV_ALWAYS);
                swept += changed;
            }
        }
        bss_sync();
        total += swept;
        mailbox_write_u32(STRU_MB_TOTAL, total);
        mailbox_write_u32(STRU_MB_LAST, swept);
        mailbox_write_u32(STRU_MB_PRNG, state);
        mailbox_write_u32(KERNEL_MB_CYCLES, bss_time_base_low() - start);
        mailbox_write_u32(KERNEL_MB_ITERATIONS, it + 1);
    }
    return KERNEL_EXIT_OK;
}
