/*
 * bss_ppu/fxv.h: the 53 FXV (s2pp) vector instructions for a stock PowerPC gcc.
 *
 * Stock gcc and binutils do not know the vector unit, so every instruction is emitted as
 * a `.long` word computed by the encoding formula (reference ppu.md section 2):
 *
 *     (4 << 26) | (VRT << 21) | (VRA << 16) | (VRB << 11) | (XO << 2) | C
 *
 * Usage (vector register numbers and C must be integer constant expressions):
 *
 *     fxvinx(1, base, index, FXV_ALWAYS);     VR1 <- IO[base + index]
 *     fxvaddbfs(3, 1, 2, FXV_ALWAYS);         VR3 <- sat(VR1 + VR2), bytes
 *     fxvsel(4, 4, 0, FXV_LT);                VR4 <- LT ? VR0 : VR4
 *     fxvshb(1, 1, -1);                       VR1 <- VR1 >> 1 (logical)
 *
 * Why macros and not static inline functions: the register numbers reach the asm as "i"
 * (immediate) operands, which only accept constants the compiler can see at the asm
 * statement. Macros guarantee that at every optimisation level, including -O0.
 *
 * GPR operands: RA of fxvinx/fxvoutx/fxvlax/fxvstax uses the "b" constraint (any GPR
 * except r0, because RA = 0 encodes "zero" rather than r0), RB uses "r". gcc prints GPR
 * operands as bare numbers (no -mregnames), so they take part in the `.long` arithmetic.
 * The splats read their GPR literally; they use "b" too, so the field never holds 0.
 *
 * The compiler knows nothing of the vector registers or the accumulator: it never
 * allocates, saves or clobbers them, so values stay in them across C code and calls.
 * The ordering of the asm statements among each other is kept (they are all volatile);
 * the four memory/IO forms also carry a "memory" clobber so ordinary loads and stores
 * are not moved across them.
 *
 * Scalar/vector memory coherence is up to software: call bss_sync() after fxvstax before
 * scalar code reads that memory, and before fxvlax of data written by scalar stores.
 */
#ifndef BSS_PPU_FXV_H
#define BSS_PPU_FXV_H

/* The constants below are usable from assembly (.S) too. */
#ifdef __ASSEMBLER__
#define BSS_FXV_U32(x) x
#else
#define BSS_FXV_U32(x) x##u
#endif

/* The condition field C. */
#define FXV_ALWAYS 0
#define FXV_GT 1
#define FXV_LT 2
#define FXV_EQ 3

/* Vector length in bytes; fxvlax/fxvstax addresses must be multiples of it. */
#define FXV_VECTOR_BYTES 128

/* --- fxvinx/fxvoutx I/O address space (units of one 128-byte vector) --------------- */
#define FXV_IO_WEIGHTS BSS_FXV_U32(0x00000)         /* synapse weights, 6 bit (mask 0x3F) */
#define FXV_IO_CONFIG_EVEN BSS_FXV_U32(0x10000)     /* synapse config, even columns */
#define FXV_IO_CONFIG_ODD BSS_FXV_U32(0x20000)      /* synapse config, odd columns */
#define FXV_IO_LABELS BSS_FXV_U32(0x40000)          /* synapse address labels, 6 bit (mask 0x3F) */
#define FXV_IO_CAUSAL BSS_FXV_U32(0x80000)          /* causal correlation (CADC); write 0x03 = reset */
#define FXV_IO_CAUSAL_RESET BSS_FXV_U32(0x90000)    /* causal correlation, read with reset */
#define FXV_IO_ACAUSAL BSS_FXV_U32(0xC0000)         /* acausal correlation (CADC) */
#define FXV_IO_ACAUSAL_RESET BSS_FXV_U32(0xD0000)   /* acausal correlation, read with reset */
#define FXV_IO_RANDOM BSS_FXV_U32(0xE0000)          /* random generator */
#define FXV_IO_RAW BSS_FXV_U32(0xF0000)             /* raw synapse */
#define FXV_IO_NEURON_RESET (BSS_FXV_U32(0x00C90000) + 512) /* + 0 even / 1 odd columns */
#define FXV_IO_EXTMEM BSS_FXV_U32(0x80000000)       /* FPGA extmem; + (byte offset >> 4) */
#define FXV_IO_DRAM BSS_FXV_U32(0x81000000)         /* FPGA DRAM */
#define FXV_IO_TEST_BIT BSS_FXV_U32(0x100000)
#define FXV_IO_BUFFER_ENABLE BSS_FXV_U32(0x200000)  /* second of two back-to-back CADC reads */
/* The byte that resets both correlation sensors (causal | acausal) when written to
 * FXV_IO_CAUSAL + index. */
#define FXV_CORRELATION_RESET_BOTH BSS_FXV_U32(0x03)

#ifndef __ASSEMBLER__

#include <stdint.h>

/* One vector in SRAM, aligned as fxvlax/fxvstax need. */
typedef struct fxv_vector {
    uint8_t bytes[FXV_VECTOR_BYTES];
} __attribute__((aligned(FXV_VECTOR_BYTES))) fxv_vector_t;

/* The index of a row half: 2 * row + (0 for the even columns, 1 for the odd ones).
 * Byte j of the even half is column 2j; of the odd half, column 2j + 1. */
static inline uint32_t fxv_io_index(uint32_t row, uint32_t odd)
{
    return 2u * row + (odd & 1u);
}

/* --- compile-time operand checks ---------------------------------------------------- */
/* A negative array size stops compilation when an operand is out of range. */
#define BSS_FXV_CHECK(ok) ((void)sizeof(char[(ok) ? 1 : -1]))
#define BSS_FXV_CHECK_VR(v) BSS_FXV_CHECK((unsigned long)(v) < 32ul)
#define BSS_FXV_CHECK_C(c) BSS_FXV_CHECK((unsigned long)(c) < 4ul)
#define BSS_FXV_CHECK_SH(s) BSS_FXV_CHECK((s) >= -16 && (s) <= 15)

#define BSS_FXV_WORD(xo) "(4<<26)|(%0<<21)|(%1<<16)|(%2<<11)|(" #xo "<<2)|%3"

/* --- one emitter per operand shape (see rust/ppu/src/insn/fxv.rs FxvShape) ---------- */
/* VRT,VRA,VRB,C */
#define BSS_FXV_TABC(xo, vrt, vra, vrb, c)                                                \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vrt); BSS_FXV_CHECK_VR(vra); BSS_FXV_CHECK_VR(vrb);             \
        BSS_FXV_CHECK_C(c);                                                               \
        __asm__ volatile(".long " BSS_FXV_WORD(xo)                                        \
                         : : "i"(vrt), "i"(vra), "i"(vrb), "i"(c));                       \
    } while (0)
/* VRT,VRA,C */
#define BSS_FXV_TAC(xo, vrt, vra, c)                                                      \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vrt); BSS_FXV_CHECK_VR(vra); BSS_FXV_CHECK_C(c);                \
        __asm__ volatile(".long " BSS_FXV_WORD(xo) : : "i"(vrt), "i"(vra), "i"(0), "i"(c)); \
    } while (0)
/* VRA,VRB,C */
#define BSS_FXV_ABC(xo, vra, vrb, c)                                                      \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vra); BSS_FXV_CHECK_VR(vrb); BSS_FXV_CHECK_C(c);                \
        __asm__ volatile(".long " BSS_FXV_WORD(xo) : : "i"(0), "i"(vra), "i"(vrb), "i"(c)); \
    } while (0)
/* VRA,C */
#define BSS_FXV_AC(xo, vra, c)                                                            \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vra); BSS_FXV_CHECK_C(c);                                        \
        __asm__ volatile(".long " BSS_FXV_WORD(xo) : : "i"(0), "i"(vra), "i"(0), "i"(c)); \
    } while (0)
/* VRA */
#define BSS_FXV_A(xo, vra)                                                                \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vra);                                                            \
        __asm__ volatile(".long " BSS_FXV_WORD(xo) : : "i"(0), "i"(vra), "i"(0), "i"(0)); \
    } while (0)
/* VRT,RA|0,RB,C: fxvinx, fxvoutx. EA = RA + RB in vector units. */
#define BSS_FXV_TRRC(xo, vrt, ra, rb, c)                                                  \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vrt); BSS_FXV_CHECK_C(c);                                        \
        __asm__ volatile(".long " BSS_FXV_WORD(xo)                                        \
                         : : "i"(vrt), "b"(ra), "r"(rb), "i"(c)   \
                         : "memory");                                                     \
    } while (0)
/* VRT,RA|0,RB: fxvlax, fxvstax. EA = RA + RB in bytes, 128-byte aligned. */
#define BSS_FXV_TRR(xo, vrt, ra, rb)                                                      \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vrt);                                                            \
        __asm__ volatile(".long " BSS_FXV_WORD(xo)                                        \
                         : : "i"(vrt), "b"(ra), "r"(rb), "i"(0)   \
                         : "memory");                                                     \
    } while (0)
/* VRT,RA: the splats (all lanes <- low bits of the GPR). */
#define BSS_FXV_TR(xo, vrt, ra)                                                           \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vrt);                                                            \
        __asm__ volatile(".long " BSS_FXV_WORD(xo)                                        \
                         : : "i"(vrt), "b"(ra), "i"(0), "i"(0));              \
    } while (0)
/* VRT,VRA,SH: SH is a signed 5-bit shift (+n left, -n right) in the VRB field. */
#define BSS_FXV_TASH(xo, vrt, vra, sh)                                                    \
    do {                                                                                  \
        BSS_FXV_CHECK_VR(vrt); BSS_FXV_CHECK_VR(vra); BSS_FXV_CHECK_SH(sh);              \
        __asm__ volatile(".long " BSS_FXV_WORD(xo)                                        \
                         : : "i"(vrt), "i"(vra), "i"((sh) & 31), "i"(0));                 \
    } while (0)

/* --- the 53 instructions (binutils mnemonics) and the RTL/old spellings ------------- */
#define fxvmahm(vrt, vra, vrb, c) BSS_FXV_TABC(12, vrt, vra, vrb, c)
#define fxvmabm(vrt, vra, vrb, c) BSS_FXV_TABC(13, vrt, vra, vrb, c)
#define fxvmtacb(vra, c) BSS_FXV_AC(14, vra, c)
#define fxvmtach(vra, c) BSS_FXV_AC(15, vra, c)
#define fxvmtac(vra, c) fxvmtach(vra, c) /* alias */
#define fxvmahfs(vrt, vra, vrb, c) BSS_FXV_TABC(28, vrt, vra, vrb, c)
#define fxvmabfs(vrt, vra, vrb, c) BSS_FXV_TABC(29, vrt, vra, vrb, c)
#define fxvmtacbf(vra, c) BSS_FXV_AC(30, vra, c)
#define fxvmtachf(vra, c) BSS_FXV_AC(31, vra, c)
#define fxvmatachm(vra, vrb, c) BSS_FXV_ABC(44, vra, vrb, c)
#define fxvmatacbm(vra, vrb, c) BSS_FXV_ABC(45, vra, vrb, c)
#define fxvmatachfs(vra, vrb, c) BSS_FXV_ABC(60, vra, vrb, c)
#define fxvmatacbfs(vra, vrb, c) BSS_FXV_ABC(61, vra, vrb, c)
#define fxvmulhm(vrt, vra, vrb, c) BSS_FXV_TABC(76, vrt, vra, vrb, c)
#define fxvmulbm(vrt, vra, vrb, c) BSS_FXV_TABC(77, vrt, vra, vrb, c)
#define fxvmulhfs(vrt, vra, vrb, c) BSS_FXV_TABC(92, vrt, vra, vrb, c)
#define fxvmulbfs(vrt, vra, vrb, c) BSS_FXV_TABC(93, vrt, vra, vrb, c)
#define fxvmultachm(vra, vrb, c) BSS_FXV_ABC(108, vra, vrb, c)
#define fxvmultacbm(vra, vrb, c) BSS_FXV_ABC(109, vra, vrb, c)
#define fxvmultachfs(vra, vrb, c) BSS_FXV_ABC(124, vra, vrb, c)
#define fxvmultacbfs(vra, vrb, c) BSS_FXV_ABC(125, vra, vrb, c)
#define fxvinx(vrt, ra, rb, c) BSS_FXV_TRRC(236, vrt, ra, rb, c)
#define fxvpckbu(vrt, vra, vrb, c) BSS_FXV_TABC(239, vrt, vra, vrb, c)
#define fxvoutx(vrt, ra, rb, c) BSS_FXV_TRRC(252, vrt, ra, rb, c)
#define fxvpckbl(vrt, vra, vrb, c) BSS_FXV_TABC(255, vrt, vra, vrb, c)
#define fxvsplath(vrt, ra) BSS_FXV_TR(268, vrt, ra)
#define fxvsplatb(vrt, ra) BSS_FXV_TR(269, vrt, ra)
#define fxvupckbr(vrt, vra, vrb, c) BSS_FXV_TABC(271, vrt, vra, vrb, c)
#define fxvupckbl(vrt, vra, vrb, c) BSS_FXV_TABC(287, vrt, vra, vrb, c)
#define fxvcmph(vra) BSS_FXV_A(300, vra)
#define fxvcmpb(vra) BSS_FXV_A(301, vra)
#define fxvshh(vrt, vra, sh) BSS_FXV_TASH(316, vrt, vra, sh)
#define fxvshb(vrt, vra, sh) BSS_FXV_TASH(317, vrt, vra, sh)
#define fxvsel(vrt, vra, vrb, c) BSS_FXV_TABC(319, vrt, vra, vrb, c)
#define fxvsubhm(vrt, vra, vrb, c) BSS_FXV_TABC(332, vrt, vra, vrb, c)
#define fxvsubbm(vrt, vra, vrb, c) BSS_FXV_TABC(333, vrt, vra, vrb, c)
#define fxvsubhfs(vrt, vra, vrb, c) BSS_FXV_TABC(348, vrt, vra, vrb, c)
#define fxvsubbfs(vrt, vra, vrb, c) BSS_FXV_TABC(349, vrt, vra, vrb, c)
#define fxvaddactachm(vra, c) BSS_FXV_AC(364, vra, c)
#define fxvaddactacbm(vra, c) BSS_FXV_AC(365, vra, c)
#define fxvaddactacb(vra, c) fxvaddactacbm(vra, c) /* alias */
#define fxvaddactachf(vra, c) BSS_FXV_AC(380, vra, c)
#define fxvaddactacbf(vra, c) BSS_FXV_AC(381, vra, c)
#define fxvaddachm(vrt, vra, c) BSS_FXV_TAC(396, vrt, vra, c)
#define fxvaddacbm(vrt, vra, c) BSS_FXV_TAC(397, vrt, vra, c)
#define fxvaddachfs(vrt, vra, c) BSS_FXV_TAC(412, vrt, vra, c)
#define fxvaddacbfs(vrt, vra, c) BSS_FXV_TAC(413, vrt, vra, c)
#define fxvaddtach(vra, vrb, c) BSS_FXV_ABC(428, vra, vrb, c)
#define fxvaddtachm(vra, vrb, c) fxvaddtach(vra, vrb, c) /* alias */
#define fxvaddtacb(vra, vrb, c) BSS_FXV_ABC(429, vra, vrb, c)
#define fxvaddhm(vrt, vra, vrb, c) BSS_FXV_TABC(460, vrt, vra, vrb, c)
#define fxvaddbm(vrt, vra, vrb, c) BSS_FXV_TABC(461, vrt, vra, vrb, c)
#define fxvaddhfs(vrt, vra, vrb, c) BSS_FXV_TABC(476, vrt, vra, vrb, c)
#define fxvaddbfs(vrt, vra, vrb, c) BSS_FXV_TABC(477, vrt, vra, vrb, c)
#define fxvlax(vrt, ra, rb) BSS_FXV_TRR(492, vrt, ra, rb)
#define fxvstax(vrt, ra, rb) BSS_FXV_TRR(508, vrt, ra, rb)

/* Pointer forms of the SRAM vector load/store: VRT <-> *ptr (128-byte aligned). */
#define fxvlax_ptr(vrt, ptr) fxvlax(vrt, (uintptr_t)(ptr), 0)
#define fxvstax_ptr(vrt, ptr) fxvstax(vrt, (uintptr_t)(ptr), 0)

/* --- scalar helpers ---------------------------------------------------------------- */
/* PPU clock: the time base counts PPU cycles, 250 per microsecond. */
#define BSS_PPU_CYCLES_PER_US 250u

/* Context-synchronising barrier; waits until the vector unit has drained too. */
static inline void bss_sync(void)
{
    __asm__ volatile("sync" : : : "memory");
}

/* Halts the core (clock-gated) until an interrupt or a reset. Nux encodes wait as
 * 0x7C00007C (X-form XO 62), which stock gas emits for no default CPU. */
static inline void bss_wait(void)
{
    __asm__ volatile(".long 0x7C00007C" : : : "memory");
}

/* The low 32 bits of the time base (SPR 284; Nux has no mftb). */
static inline uint32_t bss_time_base_low(void)
{
    uint32_t t;
    __asm__ volatile("mfspr %0,284" : "=r"(t));
    return t;
}

/* The 64-bit time base; re-reads when the low word wrapped between the reads. */
static inline uint64_t bss_time_base(void)
{
    uint32_t hi, lo, hi2;
    do {
        __asm__ volatile("mfspr %0,285" : "=r"(hi));
        __asm__ volatile("mfspr %0,284" : "=r"(lo));
        __asm__ volatile("mfspr %0,285" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}

/* Busy-waits for at least `cycles` PPU cycles (wrap-safe for waits below 2^32). */
static inline void bss_delay_cycles(uint32_t cycles)
{
    uint32_t const start = bss_time_base_low();
    while ((uint32_t)(bss_time_base_low() - start) < cycles) {
    }
}

/* Busy-waits for at least `us` microseconds of hardware time (at most ~17 s). */
static inline void bss_delay_us(uint32_t us)
{
    bss_delay_cycles(us * BSS_PPU_CYCLES_PER_US);
}

#endif /* !__ASSEMBLER__ */

#endif /* BSS_PPU_FXV_H */
