/*
 * bss_ppu/chip.h: the PPU's view of the chip: memory map, Omnibus access, exit code,
 * mailbox, spike counters.
 *
 * Register addresses and fields come from bss_ppu/registers.h, which is GENERATED from
 * the register map (bss_host.regmap.export.c_header); bss_host.ppu.toolchain generates it into the
 * build directory and puts that on the include path.
 *
 * The constants are usable from assembly (.S) too; the inline functions are C only.
 */
#ifndef BSS_PPU_CHIP_H
#define BSS_PPU_CHIP_H

#include "bss_ppu/registers.h"

/* --- data address map of one PPU --------------------------------------------------- */
#define BSS_SRAM_BASE BSS_U32(0x00000000)
#define BSS_SRAM_BYTES BSS_U32(0x4000)              /* 16 KiB = 4096 words */
#define BSS_OMNIBUS_DATA_BASE BSS_U32(0x80000000)   /* | (omnibus word address << 2) */
#define BSS_EXTMEM_DATA_BASE BSS_U32(0x40000000)    /* FPGA extmem, 128 KiB */
#define BSS_DRAM_DATA_BASE BSS_U32(0x50000000)      /* FPGA DRAM, 256 MiB */
/* Instruction fetch sees the FPGA memories elsewhere (note: data at 0x8000_0000 is the
 * Omnibus, an instruction fetch there is extmem). */
#define BSS_EXTMEM_TEXT_BASE BSS_U32(0x80000000)
#define BSS_DRAM_TEXT_BASE BSS_U32(0x90000000)

/* The data address of an on-chip Omnibus word address. */
#define BSS_OMNIBUS_DATA_ADDR(word_addr) (BSS_OMNIBUS_DATA_BASE | ((word_addr) << 2))

/* --- fixed words at the top of SRAM (link.ld keeps program data below 0x2F00) ------ */
#define BSS_STACK_PTR_INIT BSS_U32(0x2FF0) /* r1 at start; the stack grows down */
#define BSS_CRASH_SRR0_ADDR BSS_U32(0x2FF8) /* crt0: SRR0 of an unhandled interrupt */
#define BSS_EXIT_CODE_ADDR BSS_U32(0x2FFC)  /* crt0: main's return value (word 3071) */
#define BSS_MAILBOX_BASE BSS_U32(0x3000)    /* words 3072..4095, host-readable */
#define BSS_MAILBOX_END BSS_U32(0x4000)
#define BSS_MAILBOX_BYTES BSS_U32(0x1000)

/* Exit code crt0 stores when an interrupt arrives that the program did not handle. */
#define BSS_EXIT_UNHANDLED_INTERRUPT (-2)

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <stdint.h>

/* --- code and data in FPGA external memory (link.ld: ext.text at 0x8000_0000,
 * ext.data at 0x4000_0000) ---------------------------------------------------------- */
/* ext.text is farther than a relative branch reaches (+-32 MiB), so functions placed
 * there are called through CTR (longcall). Code in ext.text that calls back into SRAM
 * must call functions declared with BSS_FAR_CALL (or be compiled with -mlongcall). */
#define BSS_FAR_CALL __attribute__((longcall))
#define BSS_EXT_TEXT __attribute__((section("ext.text"), noinline, longcall))
#define BSS_EXT_DATA __attribute__((section("ext.data")))

/* --- Omnibus ------------------------------------------------------------------------ */
static inline uint32_t omnibus_read(uint32_t word_addr)
{
    return *(volatile uint32_t *)BSS_OMNIBUS_DATA_ADDR(word_addr);
}

static inline void omnibus_write(uint32_t word_addr, uint32_t value)
{
    *(volatile uint32_t *)BSS_OMNIBUS_DATA_ADDR(word_addr) = value;
}

/* --- mailbox ------------------------------------------------------------------------ */
/* Offsets are bytes from BSS_MAILBOX_BASE. They wrap inside the mailbox rather than
 * ever writing over the stack or the exit code. */
static inline void mailbox_write_u32(uint32_t offset, uint32_t value)
{
    *(volatile uint32_t *)(BSS_MAILBOX_BASE + (offset & (BSS_MAILBOX_BYTES - 4u))) = value;
}

static inline uint32_t mailbox_read_u32(uint32_t offset)
{
    return *(volatile uint32_t *)(BSS_MAILBOX_BASE + (offset & (BSS_MAILBOX_BYTES - 4u)));
}

static inline void mailbox_write_u8(uint32_t offset, uint8_t value)
{
    *(volatile uint8_t *)(BSS_MAILBOX_BASE + (offset & (BSS_MAILBOX_BYTES - 1u))) = value;
}

/* Writes the NUL-terminated string s at byte offset `offset` (NUL included, truncated
 * at the mailbox end) and returns the offset just after the NUL. The bytes are stored
 * in order; since the PPU is big-endian, the host sees them in order in each word. */
static inline uint32_t mailbox_puts(uint32_t offset, char const *s)
{
    while (offset < BSS_MAILBOX_BYTES - 1u && *s != '\0') {
        mailbox_write_u8(offset++, (uint8_t)*s++);
    }
    if (offset < BSS_MAILBOX_BYTES) {
        mailbox_write_u8(offset++, 0);
    }
    return offset;
}

/* --- spike counters (per neuron column of a hemisphere) ---------------------------- */
/* The raw counter word: count in bits 7:0, overflow in bit 8. */
static inline uint32_t spike_counter_read(uint32_t hemisphere, uint32_t column)
{
    return omnibus_read(BSS_SPIKE_COUNTER_READ_ADDR(hemisphere, column));
}

static inline uint32_t spike_counter_count(uint32_t raw)
{
    return (raw & BSS_SPIKE_COUNTER_READ_COUNT_MASK) >> BSS_SPIKE_COUNTER_READ_COUNT_SHIFT;
}

static inline uint32_t spike_counter_overflow(uint32_t raw)
{
    return (raw & BSS_SPIKE_COUNTER_READ_OVERFLOW_MASK) >> BSS_SPIKE_COUNTER_READ_OVERFLOW_SHIFT;
}

/* Resets one counter (writes the trigger bit). */
static inline void spike_counter_reset(uint32_t hemisphere, uint32_t column)
{
    omnibus_write(BSS_SPIKE_COUNTER_RESET_ADDR(hemisphere, column),
                  1u << BSS_SPIKE_COUNTER_RESET_TRIGGER_SHIFT);
}

#endif /* !__ASSEMBLER__ */

#endif /* BSS_PPU_CHIP_H */
