//! Round-trip properties, a deterministic sweep over every variant, and a golden table.

use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Union, ValueTree};
use proptest::test_runner::TestRunner;

use crate::insn::*;
use crate::{decode, disassemble, encode};

/// Random operands of a form, each within its field.
pub(crate) trait Arb: Sized + std::fmt::Debug {
    fn arb() -> BoxedStrategy<Self>;
}

fn gpr() -> impl Strategy<Value = u8> {
    0u8..32
}

fn crf() -> impl Strategy<Value = u8> {
    0u8..8
}

impl Arb for DImm {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), any::<i16>())
            .prop_map(|(rt, ra, si)| DImm { rt, ra, si })
            .boxed()
    }
}
impl Arb for DLogic {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), any::<u16>())
            .prop_map(|(ra, rs, ui)| DLogic { ra, rs, ui })
            .boxed()
    }
}
impl Arb for DCmp {
    fn arb() -> BoxedStrategy<Self> {
        (crf(), gpr(), any::<i16>())
            .prop_map(|(bf, ra, si)| DCmp { bf, ra, si })
            .boxed()
    }
}
impl Arb for DCmpl {
    fn arb() -> BoxedStrategy<Self> {
        (crf(), gpr(), any::<u16>())
            .prop_map(|(bf, ra, ui)| DCmpl { bf, ra, ui })
            .boxed()
    }
}
impl Arb for DTrap {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), any::<i16>())
            .prop_map(|(to, ra, si)| DTrap { to, ra, si })
            .boxed()
    }
}
impl Arb for DMem {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), any::<i16>())
            .prop_map(|(rt, ra, d)| DMem { rt, ra, d })
            .boxed()
    }
}
impl Arb for Branch {
    fn arb() -> BoxedStrategy<Self> {
        (-(1i32 << 23)..(1i32 << 23), any::<bool>(), any::<bool>())
            .prop_map(|(w, aa, lk)| Branch { li: w * 4, aa, lk })
            .boxed()
    }
}
impl Arb for BranchCond {
    fn arb() -> BoxedStrategy<Self> {
        (
            gpr(),
            gpr(),
            -(1i32 << 13)..(1i32 << 13),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(bo, bi, w, aa, lk)| BranchCond {
                bo,
                bi,
                bd: w * 4,
                aa,
                lk,
            })
            .boxed()
    }
}
impl Arb for BranchReg {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), 0u8..4, any::<bool>())
            .prop_map(|(bo, bi, bh, lk)| BranchReg { bo, bi, bh, lk })
            .boxed()
    }
}
impl Arb for Mcrf {
    fn arb() -> BoxedStrategy<Self> {
        (crf(), crf())
            .prop_map(|(bf, bfa)| Mcrf { bf, bfa })
            .boxed()
    }
}
impl Arb for CrOp {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr())
            .prop_map(|(bt, ba, bb)| CrOp { bt, ba, bb })
            .boxed()
    }
}
impl Arb for RotImm {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr(), gpr(), gpr(), any::<bool>())
            .prop_map(|(ra, rs, sh, mb, me, rc)| RotImm {
                ra,
                rs,
                sh,
                mb,
                me,
                rc,
            })
            .boxed()
    }
}
impl Arb for RotReg {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr(), gpr(), gpr(), any::<bool>())
            .prop_map(|(ra, rs, rb, mb, me, rc)| RotReg {
                ra,
                rs,
                rb,
                mb,
                me,
                rc,
            })
            .boxed()
    }
}
impl Arb for XCmp {
    fn arb() -> BoxedStrategy<Self> {
        (crf(), gpr(), gpr())
            .prop_map(|(bf, ra, rb)| XCmp { bf, ra, rb })
            .boxed()
    }
}
impl Arb for XTrap {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr())
            .prop_map(|(to, ra, rb)| XTrap { to, ra, rb })
            .boxed()
    }
}
impl Arb for XMem {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr())
            .prop_map(|(rt, ra, rb)| XMem { rt, ra, rb })
            .boxed()
    }
}
impl Arb for XLogic {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr(), any::<bool>())
            .prop_map(|(ra, rs, rb, rc)| XLogic { ra, rs, rb, rc })
            .boxed()
    }
}
impl Arb for XUnary {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), any::<bool>())
            .prop_map(|(ra, rs, rc)| XUnary { ra, rs, rc })
            .boxed()
    }
}
impl Arb for XRaRs {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr()).prop_map(|(ra, rs)| XRaRs { ra, rs }).boxed()
    }
}
impl Arb for Srawi {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr(), any::<bool>())
            .prop_map(|(ra, rs, sh, rc)| Srawi { ra, rs, sh, rc })
            .boxed()
    }
}
impl Arb for Field2 {
    fn arb() -> BoxedStrategy<Self> {
        (0u8..4).prop_map(|value| Field2 { value }).boxed()
    }
}
impl Arb for OneReg {
    fn arb() -> BoxedStrategy<Self> {
        gpr().prop_map(|reg| OneReg { reg }).boxed()
    }
}
impl Arb for XoArith {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr(), any::<bool>(), any::<bool>())
            .prop_map(|(rt, ra, rb, oe, rc)| XoArith { rt, ra, rb, oe, rc })
            .boxed()
    }
}
impl Arb for XoMulh {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), gpr(), any::<bool>())
            .prop_map(|(rt, ra, rb, rc)| XoMulh { rt, ra, rb, rc })
            .boxed()
    }
}
impl Arb for XoUnary {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), gpr(), any::<bool>(), any::<bool>())
            .prop_map(|(rt, ra, oe, rc)| XoUnary { rt, ra, oe, rc })
            .boxed()
    }
}
impl Arb for Mfcr {
    fn arb() -> BoxedStrategy<Self> {
        gpr().prop_map(|rt| Mfcr { rt }).boxed()
    }
}
impl Arb for CrMask {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), any::<u8>())
            .prop_map(|(reg, fxm)| CrMask { reg, fxm })
            .boxed()
    }
}
impl Arb for SprMove {
    fn arb() -> BoxedStrategy<Self> {
        (gpr(), 0u16..1024)
            .prop_map(|(reg, spr)| SprMove { reg, spr })
            .boxed()
    }
}

fn any_insn() -> impl Strategy<Value = Insn> {
    Union::new(variant_strategies())
}

fn check_roundtrip(i: &Insn) {
    let w = encode(i).unwrap_or_else(|e| panic!("{i:?} failed to encode: {e}"));
    assert_eq!(decode(w), Ok(*i), "word {w:#010x}");
    assert_eq!(w & reserved_mask(i), 0, "{i:?} encodes reserved bits");
    assert!(!disassemble(i, 0x100).is_empty());
}

#[test]
fn every_variant_round_trips() {
    let strategies = variant_strategies();
    assert_eq!(
        strategies.len(),
        113,
        "ppu.md §1 lists 112 scalar instructions; the 53 vector ones are one variant"
    );
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::HashSet::new();
    for s in &strategies {
        for _ in 0..200 {
            let i = s.new_tree(&mut runner).expect("strategy").current();
            check_roundtrip(&i);
            seen.insert(i.mnemonic());
        }
    }
    assert_eq!(seen.len(), 113, "mnemonics are distinct per variant");
}

/// Words whose primary opcode is one this core implements, to hit the decodable space.
fn plausible_word() -> impl Strategy<Value = u32> {
    let primaries: Vec<u32> = vec![
        3, 4, 7, 8, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20, 21, 23, 24, 25, 26, 27, 28, 29, 31, 31,
        31, 31, 19, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47,
    ];
    (prop::sample::select(primaries), any::<u32>()).prop_map(|(p, w)| (p << 26) | (w & 0x03FF_FFFF))
}

fn check_word(w: u32) {
    match decode(w) {
        Ok(i) => {
            let re = encode(&i).expect("decoded instructions encode");
            assert_eq!(re, w & !reserved_mask(&i), "word {w:#010x} -> {i:?}");
            assert_eq!(decode(re), Ok(i));
            assert!(!disassemble(&i, w).is_empty());
        }
        Err(DecodeError::Illegal { word }) => assert_eq!(word, w),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn encode_decode_round_trip(i in any_insn()) {
        check_roundtrip(&i);
    }

    #[test]
    fn random_words_decode_without_panic(w in any::<u32>()) {
        check_word(w);
    }

    #[test]
    fn plausible_words_reencode(w in plausible_word()) {
        check_word(w);
    }
}

#[test]
fn all_words_of_op31_and_op19_reencode() {
    // Exhaustive over the extended-opcode fields, random elsewhere is covered above.
    for p in [19u32, 31] {
        for xo in 0..1024u32 {
            for extra in [0u32, 1, 0x0010_0000, 0x0020_0400, 0x03FF_F801] {
                check_word((p << 26) | (xo << 1) | extra);
            }
        }
    }
}

/// Golden table: (word, disassembly at address 0x100, expected instruction).
#[test]
fn golden_table() {
    use Insn::*;
    let m = |rt, ra, d| DMem { rt, ra, d };
    let xo = |rt, ra, rb, oe, rc| XoArith { rt, ra, rb, oe, rc };
    let table: Vec<(u32, &str, Insn)> = vec![
        (
            0x3861_FFF8,
            "addi r3,r1,-8",
            Addi(DImm {
                rt: 3,
                ra: 1,
                si: -8,
            }),
        ),
        (
            0x3860_0000,
            "li r3,0",
            Addi(DImm {
                rt: 3,
                ra: 0,
                si: 0,
            }),
        ),
        (
            0x3D20_8000,
            "lis r9,-32768",
            Addis(DImm {
                rt: 9,
                ra: 0,
                si: -32768,
            }),
        ),
        (0x7C00_007C, "wait", Wait(Field2 { value: 0 })),
        (
            0x6000_0000,
            "nop",
            Ori(DLogic {
                ra: 0,
                rs: 0,
                ui: 0,
            }),
        ),
        (
            0x7000_00FF,
            "andi. r0,r0,255",
            AndiDot(DLogic {
                ra: 0,
                rs: 0,
                ui: 255,
            }),
        ),
        (
            0x7083_00FF,
            "andi. r3,r4,255",
            AndiDot(DLogic {
                ra: 3,
                rs: 4,
                ui: 255,
            }),
        ),
        (
            0x4E80_0020,
            "blr",
            Bclr(BranchReg {
                bo: 20,
                bi: 0,
                bh: 0,
                lk: false,
            }),
        ),
        (
            0x4E80_0420,
            "bctr",
            Bcctr(BranchReg {
                bo: 20,
                bi: 0,
                bh: 0,
                lk: false,
            }),
        ),
        (
            0x4E80_0421,
            "bctrl",
            Bcctr(BranchReg {
                bo: 20,
                bi: 0,
                bh: 0,
                lk: true,
            }),
        ),
        (
            0x4D9E_0020,
            "beqlr cr7",
            Bclr(BranchReg {
                bo: 12,
                bi: 30,
                bh: 0,
                lk: false,
            }),
        ),
        (0x7C08_02A6, "mflr r0", Mfspr(SprMove { reg: 0, spr: 8 })),
        (0x7C08_03A6, "mtlr r0", Mtspr(SprMove { reg: 0, spr: 8 })),
        (0x7D29_03A6, "mtctr r9", Mtspr(SprMove { reg: 9, spr: 9 })),
        (
            0x7C7C_42A6,
            "mfspr r3,284",
            Mfspr(SprMove { reg: 3, spr: 284 }),
        ),
        (
            0x7C6C_42A6,
            "mfspr r3,268",
            Mfspr(SprMove { reg: 3, spr: 268 }),
        ),
        (
            0x7C7C_43A6,
            "mtspr 284,r3",
            Mtspr(SprMove { reg: 3, spr: 284 }),
        ),
        (0x9421_FFF0, "stwu r1,-16(r1)", Stwu(m(1, 1, -16))),
        (0x8001_0014, "lwz r0,20(r1)", Lwz(m(0, 1, 20))),
        (0x9001_0014, "stw r0,20(r1)", Stw(m(0, 1, 20))),
        (0x8C64_0001, "lbzu r3,1(r4)", Lbzu(m(3, 4, 1))),
        (0xBB81_FFF0, "lmw r28,-16(r1)", Lmw(m(28, 1, -16))),
        (0xBF81_FFF0, "stmw r28,-16(r1)", Stmw(m(28, 1, -16))),
        (
            0x2F89_0000,
            "cmpwi cr7,r9,0",
            Cmpi(DCmp {
                bf: 7,
                ra: 9,
                si: 0,
            }),
        ),
        (
            0x7F83_2040,
            "cmplw cr7,r3,r4",
            Cmpl(XCmp {
                bf: 7,
                ra: 3,
                rb: 4,
            }),
        ),
        (
            0x7C03_2000,
            "cmpw r3,r4",
            Cmp(XCmp {
                bf: 0,
                ra: 3,
                rb: 4,
            }),
        ),
        (
            0x5529_103A,
            "rlwinm r9,r9,2,0,29",
            Rlwinm(RotImm {
                ra: 9,
                rs: 9,
                sh: 2,
                mb: 0,
                me: 29,
                rc: false,
            }),
        ),
        (0x7C64_2A14, "add r3,r4,r5", Add(xo(3, 4, 5, false, false))),
        (0x7C64_2E14, "addo r3,r4,r5", Add(xo(3, 4, 5, true, false))),
        (
            0x7C64_2851,
            "subf. r3,r4,r5",
            Subf(xo(3, 4, 5, false, true)),
        ),
        (
            0x7D29_01D6,
            "mullw r9,r9,r0",
            Mullw(xo(9, 9, 0, false, false)),
        ),
        (
            0x7C63_2396,
            "divwu r3,r3,r4",
            Divwu(xo(3, 3, 4, false, false)),
        ),
        (
            0x7C63_00D0,
            "neg r3,r3",
            Neg(XoUnary {
                rt: 3,
                ra: 3,
                oe: false,
                rc: false,
            }),
        ),
        (
            0x7D29_1670,
            "srawi r9,r9,2",
            Srawi(crate::insn::Srawi {
                ra: 9,
                rs: 9,
                sh: 2,
                rc: false,
            }),
        ),
        (
            0x7C3F_0B78,
            "mr r31,r1",
            Or(XLogic {
                ra: 31,
                rs: 1,
                rb: 1,
                rc: false,
            }),
        ),
        (
            0x7C83_2830,
            "slw r3,r4,r5",
            Slw(XLogic {
                ra: 3,
                rs: 4,
                rb: 5,
                rc: false,
            }),
        ),
        (
            0x7C83_0034,
            "cntlzw r3,r4",
            Cntlzw(XUnary {
                ra: 3,
                rs: 4,
                rc: false,
            }),
        ),
        (
            0x7C83_0775,
            "extsb. r3,r4",
            Extsb(XUnary {
                ra: 3,
                rs: 4,
                rc: true,
            }),
        ),
        (
            0x7C64_282E,
            "lwzx r3,r4,r5",
            Lwzx(XMem {
                rt: 3,
                ra: 4,
                rb: 5,
            }),
        ),
        (
            0x7C64_2A6C,
            "eciwx r3,r4,r5",
            Eciwx(XMem {
                rt: 3,
                ra: 4,
                rb: 5,
            }),
        ),
        (0x7C00_04AC, "sync", Sync(Field2 { value: 0 })),
        (0x7C60_00A6, "mfmsr r3", Mfmsr(OneReg { reg: 3 })),
        (0x7C60_0124, "mtmsr r3", Mtmsr(OneReg { reg: 3 })),
        (0x7C60_0026, "mfcr r3", Mfcr(crate::insn::Mfcr { rt: 3 })),
        (
            0x7C6F_F120,
            "mtcrf 255,r3",
            Mtcrf(CrMask { reg: 3, fxm: 255 }),
        ),
        (
            0x7C70_8026,
            "mfocrf r3,8",
            Mfocrf(CrMask { reg: 3, fxm: 8 }),
        ),
        (0x4C00_0064, "rfi", Rfi),
        (0x4C00_0066, "rfci", Rfci),
        (0x4C00_004C, "rfmci", Rfmci),
        (
            0x4CC6_3182,
            "crxor 6,6,6",
            Crxor(CrOp {
                bt: 6,
                ba: 6,
                bb: 6,
            }),
        ),
        (
            0x4C9C_0000,
            "mcrf cr1,cr7",
            Insn::Mcrf(crate::insn::Mcrf { bf: 1, bfa: 7 }),
        ),
        (
            0x4800_0101,
            "bl 0x200",
            B(Branch {
                li: 0x100,
                aa: false,
                lk: true,
            }),
        ),
        (
            0x4BFF_FFFC,
            "b 0xfc",
            B(Branch {
                li: -4,
                aa: false,
                lk: false,
            }),
        ),
        (
            0x4800_0402,
            "ba 0x400",
            B(Branch {
                li: 0x400,
                aa: true,
                lk: false,
            }),
        ),
        (
            0x419E_0008,
            "beq cr7,0x108",
            Bc(BranchCond {
                bo: 12,
                bi: 30,
                bd: 8,
                aa: false,
                lk: false,
            }),
        ),
        (
            0x4082_0010,
            "bne 0x110",
            Bc(BranchCond {
                bo: 4,
                bi: 2,
                bd: 16,
                aa: false,
                lk: false,
            }),
        ),
        (
            0x4200_FFF8,
            "bdnz 0xf8",
            Bc(BranchCond {
                bo: 16,
                bi: 0,
                bd: -8,
                aa: false,
                lk: false,
            }),
        ),
        (
            0x0C1F_0000,
            "twi 0,r31,0",
            Twi(DTrap {
                to: 0,
                ra: 31,
                si: 0,
            }),
        ),
    ];
    assert!(table.len() >= 25);
    for (word, text, insn) in &table {
        assert_eq!(decode(*word), Ok(*insn), "decode {word:#010x}");
        assert_eq!(encode(insn), Ok(*word), "encode {insn:?}");
        assert_eq!(disassemble(insn, 0x100), *text, "disassemble {word:#010x}");
    }
}

#[test]
fn unimplemented_words_are_illegal() {
    for w in [
        0x0000_0000u32, // opcode 0
        0x1000_0000,    // opcode 4 with an XO that is not an FXV instruction
        0x4400_0002,    // sc
        0x4C00_012C,    // isync
        0x7C64_2028,    // lwarx
        0x7C6C_42E6,    // mftb (not decoded; TB is read with mfspr 284/285)
        0x2C23_0000,    // cmpi with L = 1 (cmpdi)
        0x7C23_2000,    // cmp with L = 1 (cmpd)
        0xFC00_0000,    // floating point
    ] {
        assert_eq!(
            decode(w),
            Err(DecodeError::Illegal { word: w }),
            "{w:#010x}"
        );
    }
}

#[test]
fn reserved_bits_are_ignored() {
    // wait with bit 31 set, and with WC = 1 plus garbage in reserved fields.
    assert_eq!(decode(0x7C00_007D), Ok(Insn::Wait(Field2 { value: 0 })));
    assert_eq!(decode(0x7FFF_F87C), Ok(Insn::Wait(Field2 { value: 3 })));
    // mulhw with the (reserved) OE bit set.
    let i = decode(0x7C64_2C96).expect("mulhw");
    assert_eq!(
        i,
        Insn::Mulhw(XoMulh {
            rt: 3,
            ra: 4,
            rb: 5,
            rc: false
        })
    );
    assert_eq!(encode(&i), Ok(0x7C64_2896));
}

#[test]
fn encode_rejects_bad_operands() {
    let b = |li| {
        encode(&Insn::B(Branch {
            li,
            aa: false,
            lk: false,
        }))
    };
    assert_eq!(
        b(2),
        Err(EncodeError::Misaligned {
            field: "li",
            value: 2
        })
    );
    assert!(matches!(
        b(1 << 25),
        Err(EncodeError::OutOfRange { field: "li", .. })
    ));
    assert!(b((1 << 25) - 4).is_ok());
    assert!(b(-(1 << 25)).is_ok());
    assert!(matches!(
        b(-(1 << 25) - 4),
        Err(EncodeError::OutOfRange { .. })
    ));
    let bc = |bd| {
        encode(&Insn::Bc(BranchCond {
            bo: 20,
            bi: 0,
            bd,
            aa: false,
            lk: false,
        }))
    };
    assert!(bc(32764).is_ok());
    assert!(matches!(
        bc(32768),
        Err(EncodeError::OutOfRange { field: "bd", .. })
    ));
    assert!(matches!(bc(-6), Err(EncodeError::Misaligned { .. })));
    assert!(matches!(
        encode(&Insn::Add(XoArith {
            rt: 32,
            ra: 0,
            rb: 0,
            oe: false,
            rc: false
        })),
        Err(EncodeError::OutOfRange {
            field: "rt",
            value: 32,
            ..
        })
    ));
    assert!(matches!(
        encode(&Insn::Cmpi(DCmp {
            bf: 8,
            ra: 0,
            si: 0
        })),
        Err(EncodeError::OutOfRange { field: "bf", .. })
    ));
    assert!(matches!(
        encode(&Insn::Mfspr(SprMove { reg: 0, spr: 1024 })),
        Err(EncodeError::OutOfRange { field: "spr", .. })
    ));
    assert!(matches!(
        encode(&Insn::Wait(Field2 { value: 4 })),
        Err(EncodeError::OutOfRange { field: "value", .. })
    ));
    assert!(matches!(
        encode(&Insn::Bclr(BranchReg {
            bo: 20,
            bi: 0,
            bh: 4,
            lk: false
        })),
        Err(EncodeError::OutOfRange { field: "bh", .. })
    ));
}

impl Arb for Fxv {
    fn arb() -> BoxedStrategy<Self> {
        (0..FxvOp::ALL.len(), 0u8..32, 0u8..32, 0u8..32, 0u8..4)
            .prop_map(|(i, t, a, b, c)| Fxv::new(FxvOp::ALL[i], t, a, b, c))
            .boxed()
    }
}
