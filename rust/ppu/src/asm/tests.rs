//! Golden words (computed by hand from the Power ISA field layout, or taken from GNU as
//! where noted), directives and error reports.

use super::*;

fn words(src: &str) -> Vec<u32> {
    let obj = assemble(src, "t.s").unwrap_or_else(|e| panic!("{e}"));
    obj.section(".text")
        .expect(".text")
        .data
        .chunks(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

fn one(src: &str) -> u32 {
    let w = words(src);
    assert_eq!(w.len(), 1, "{src}");
    w[0]
}

fn err(src: &str) -> AsmErrors {
    match assemble(src, "bad.s") {
        Ok(o) => panic!("expected an error for {src:?}, got {o:?}"),
        Err(e) => e,
    }
}

#[test]
fn golden_extended_mnemonics() {
    let cases: &[(&str, u32)] = &[
        ("nop", 0x6000_0000),
        ("li r3, 5", 0x3860_0005),
        ("li 3,-1", 0x3860_FFFF),
        ("lis %r3, 0x1234", 0x3C60_1234),
        ("lis r3, 0x8000", 0x3C60_8000),
        ("la r3, 8(r1)", 0x3861_0008),
        ("mr r3, r4", 0x7C83_2378),
        ("mr. r3, r4", 0x7C83_2379),
        ("not r3, r4", 0x7C83_20F8),
        ("blr", 0x4E80_0020),
        ("blrl", 0x4E80_0021),
        ("bctr", 0x4E80_0420),
        ("bctrl", 0x4E80_0421),
        ("wait", 0x7C00_007C),
        ("sync", 0x7C00_04AC),
        ("msync", 0x7C00_04AC),
        ("trap", 0x7FE0_0008),
        ("mflr r0", 0x7C08_02A6),
        ("mtlr r0", 0x7C08_03A6),
        ("mtctr r9", 0x7D29_03A6),
        ("mfxer r5", 0x7CA1_02A6),
        ("mfspr r9, 284", 0x7D3C_42A6),
        ("cmpwi cr7, r3, 0", 0x2F83_0000),
        ("cmpwi r3, -1", 0x2C03_FFFF),
        ("cmpw r3, r4", 0x7C03_2000),
        ("cmplw r3, r4", 0x7C03_2040),
        ("cmplwi cr1, r3, 0xffff", 0x2883_FFFF),
        ("slwi r3, r4, 2", 0x5483_103A),
        ("srwi r3, r4, 2", 0x5483_F0BE),
        ("clrlwi r3, r4, 16", 0x5483_043E),
        ("rotlwi r3, r4, 8", 0x5483_403E),
        ("subi r3, r3, 1", 0x3863_FFFF),
        ("sub r3, r4, r5", 0x7C65_2050),
        ("addo. r3, r4, r5", 0x7C64_2E15),
        ("mtcr r3", 0x7C6F_F120),
        ("crset 4*cr1+eq", 0x4CC6_3242),
        ("beqlr cr7", 0x4D9E_0020),
        ("bnectr", 0x4C82_0420),
        ("bdnzlr", 0x4E00_0020),
        // FXV: (4<<26)|(VRT<<21)|(VRA<<16)|(VRB<<11)|(XO<<2)|C
        ("fxvaddbm 1,2,3,2", 0x1022_1F36),
        ("fxvaddbm v1, kv2, 3", 0x1022_1F34),
        ("fxvlax v4, r0, r9", 0x1080_4FB0),
        ("fxvlax 4,0,9,0", 0x1080_4FB0),
        ("fxvshb 4,5,-1", 0x1085_FCF4),
        ("fxvmtac 3", 0x1003_003C),
        ("fxvaddactacb 3, 1", (4 << 26) | (3 << 16) | (365 << 2) | 1),
    ];
    for (src, w) in cases {
        assert_eq!(one(src), *w, "{src}: got {:#010x}", one(src));
    }
}

#[test]
fn golden_ha_l_and_branches() {
    let w = words(
        ".set val, 0x12348000
         lis r3, val@ha
         addi r3, r3, val@l
         lis r4, val@h
         ori r4, r4, val@l
         beq cr7, 1f
         1: bdnz 1b
         b 0x0
         bl .",
    );
    assert_eq!(w[0], 0x3C60_1235);
    assert_eq!(w[1], 0x3863_8000);
    assert_eq!(w[2], 0x3C80_1234);
    assert_eq!(w[3], 0x6084_8000);
    assert_eq!(w[4], 0x419E_0004); // at 0x10 to 0x14
    assert_eq!(w[5], 0x4200_0000); // bdnz to itself
    assert_eq!(w[6], 0x4BFF_FFE8); // at 0x18 to 0
    assert_eq!(w[7], 0x4800_0001);
}

#[test]
fn branch_hints_match_gnu_as() {
    // Words from powerpc-linux-gnu-as 2.40 for the same source (default cpu).
    let w = words(
        "nop
         beq+ 7, fwd
         beq- 7, fwd
         beq+ 7, 0
         bdnz+ fwd
         bdnz- 0
         beqlr+
         fwd: nop",
    );
    assert_eq!(
        &w[1..7],
        &[
            0x41BE_0018,
            0x419E_0014,
            0x419E_FFF4,
            0x4220_000C,
            0x4220_FFEC,
            0x4DA2_0020
        ]
    );
}

#[test]
fn directives_layout() {
    let obj = assemble(
        "  .data
        a: .byte 1
           .align 2
        b: .short 0x1234, -1
           .word 7           # GNU as on PowerPC: 2 bytes
           .long b
           .fill 2, 3, 0x010203
           .ascii \"hi\\n\"
           .asciz \"x\"
           .string \"\\101\\x42\"
           .balign 8, 0xee
        c: .space 3, 0xaa
           .org c + 5
           .set k, c - a
           .equ j, k * 2
        n = j + 1
           .long k, j, n
           .p2align 2
           .skip 4
        ",
        "d.s",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let d = obj.section(".data").unwrap();
    let a = obj.symbol("a").unwrap().value;
    assert_eq!(a, d.addr);
    let b = obj.symbol("b").unwrap().value;
    assert_eq!(b - a, 4);
    let expect_head: Vec<u8> = [
        &[1u8, 0, 0, 0][..],
        &[0x12, 0x34, 0xFF, 0xFF],
        &[0, 7],
        &b.to_be_bytes(),
        &[1, 2, 3, 1, 2, 3],
        b"hi\n",
        b"x\0",
        b"AB\0",
    ]
    .concat();
    assert_eq!(&d.data[..expect_head.len()], &expect_head[..]);
    let c = obj.symbol("c").unwrap().value - a;
    assert_eq!(c % 8, 0);
    assert!(d.data[expect_head.len()..c as usize]
        .iter()
        .all(|&x| x == 0xEE));
    assert_eq!(
        &d.data[c as usize..c as usize + 5],
        &[0xAA, 0xAA, 0xAA, 0, 0]
    );
    let k = c;
    let tail = &d.data[c as usize + 5..];
    // 3 bytes of padding (.long is not aligned automatically; here c+5 is 8k+5).
    let words: Vec<u32> = tail[..12]
        .chunks(4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
        .collect();
    assert_eq!(words, vec![k, 2 * k, 2 * k + 1]);
    assert_eq!(obj.symbol("n").unwrap().value, 2 * k + 1);
    assert_eq!(d.size as usize, d.data.len());
    assert_eq!(d.size % 4, 0);
}

#[test]
fn code_alignment_pads_with_nops_and_sections_are_laid_out() {
    let obj = assemble(
        "   .text
            nop
            .align 4
        f:  blr
            .section .rodata
        r:  .long 1
            .bss
        z:  .space 8
            .section ext.text,\"ax\",@progbits
        e:  nop
            .section ext.data,\"aw\"
        ed: .long 2
            .section .ext_dram.data,\"aw\"
        dd: .long 3",
        "l.s",
    )
    .unwrap();
    let t = obj.section(".text").unwrap();
    assert_eq!(t.addr, 0);
    assert_eq!(
        &t.data[4..16],
        &[0x60, 0, 0, 0, 0x60, 0, 0, 0, 0x60, 0, 0, 0]
    );
    assert_eq!(obj.symbol("f").unwrap().value, 16);
    assert_eq!(obj.symbol("r").unwrap().value, 20);
    assert_eq!(obj.symbol("z").unwrap().value, 24);
    assert!(obj.section(".bss").unwrap().nobits);
    assert_eq!(obj.symbol("e").unwrap().value, 0x8000_0000);
    assert_eq!(obj.symbol("ed").unwrap().value, 0x4000_0004);
    assert_eq!(obj.symbol("dd").unwrap().value, 0x5000_0000);
    assert_eq!(obj.symbol("stack_ptr_init").unwrap().value, 0x2FF0);
    assert_eq!(obj.symbol("mailbox_base").unwrap().value, 0x3000);
}

#[test]
fn comments_separators_and_line_markers() {
    let src = "# 1 \"prog.S\"\n\
               nop; nop /* two */ ; li 3,1 # comment\n\
               /* multi\n line */ blr\n\
               # 40 \"inc.h\" 1\n\
               bogus 1\n";
    let w = assemble(src, "x.i").unwrap_err();
    assert_eq!(w.0.len(), 1);
    assert_eq!(w.0[0].file, "inc.h");
    assert_eq!(w.0[0].line, 40);
    assert_eq!(w.0[0].column, 1);
    let ok = words("nop; nop /* c */ ; li 3,1 # x\n/* a\n b */ blr");
    assert_eq!(ok, vec![0x6000_0000, 0x6000_0000, 0x3860_0001, 0x4E80_0020]);
}

#[test]
fn errors_name_file_line_and_what_is_allowed() {
    let cases: &[(&str, u32, &str)] = &[
        ("nop\nfrob r1", 2, "unknown instruction `frob`"),
        ("addi r3, r4, 70000", 1, "allowed: -32768..=32767"),
        ("li r3, missing", 1, "undefined symbol `missing`"),
        ("nop\n\nb 0x102", 3, "not a multiple of 4"),
        ("beq 0x100000", 1, "out of reach"),
        ("addi r3, cr1, 4", 1, "expected a general-purpose register"),
        ("add r3, r4", 1, "takes 3 operands"),
        ("x: nop\nx: nop", 2, "already defined"),
        (".frob 1", 1, "unknown directive"),
        ("mftb r3", 1, "mfspr rX,284"),
        ("fxvshb 1,2,16", 1, "allowed: -16..=15"),
        ("fxvlax 1,2,3,1", 1, "allowed: 0..=0"),
        ("addi. r3,r3,1", 1, "no record"),
        (".data\n.byte 1\nnop", 3, "not word aligned"),
        (".org 4\n.org 0", 2, "backwards"),
        ("li r3, 1/0", 1, "division by zero"),
        (".long 1 +", 1, "syntax error"),
        ("lwz r3, 4", 1, "memory operand"),
        ("b 1b", 1, "undefined symbol"),
        (".bss\n.long 1", 2, "holds no data"),
    ];
    for (src, line, needle) in cases {
        let e = err(src);
        let first = &e.0[0];
        assert_eq!(first.file, "bad.s", "{src}");
        assert_eq!(first.line, *line, "{src}: {e}");
        let text = first.to_string();
        assert!(text.contains(needle), "{src}: `{text}` lacks `{needle}`");
        assert!(text.starts_with(&format!("bad.s:{line}:")), "{text}");
    }
}

#[test]
fn several_errors_are_collected() {
    let e = err("frob\nli r3, 1\naddi r3, r3, 99999\nlwz r3, q(r1)\n");
    let lines: Vec<u32> = e.0.iter().map(|x| x.line).collect();
    assert_eq!(lines, vec![1, 3, 4]);
}

#[test]
fn column_points_at_the_operand() {
    let e = err("    addi r3, r4, 70000");
    assert_eq!(e.0[0].column, 18);
}

#[test]
fn same_as_gnu_binutils() {
    // gnu_prog.S assembled and linked by GNU as/ld (see tests/fixtures/README.md)
    // against the same source assembled here.
    let src = include_str!("../../tests/fixtures/gnu_prog.S");
    let gnu_int = include_bytes!("../../tests/fixtures/gnu_prog.int.bin");
    let gnu_ext_text = include_bytes!("../../tests/fixtures/gnu_prog.ext_text.bin");
    let gnu_ext_data = include_bytes!("../../tests/fixtures/gnu_prog.ext_data.bin");
    let obj = assemble(src, "gnu_prog.S").unwrap_or_else(|e| panic!("{e}"));
    let img = crate::elf::image_of(&obj).unwrap();
    assert_eq!(&img.internal[..gnu_int.len()], &gnu_int[..]);
    assert!(img.internal[gnu_int.len()..].iter().all(|&b| b == 0));
    assert_eq!(
        img.internal.len(),
        0xC0 + 64,
        "bss at 0xc0 with 64 bytes as in GNU ld"
    );
    assert_eq!(
        img.extmem,
        vec![(0, gnu_ext_text.to_vec()), (8, gnu_ext_data.to_vec())]
    );
    let gnu = crate::elf::read_elf(include_bytes!("../../tests/fixtures/gnu_prog.elf")).unwrap();
    for (name, s) in &gnu.symbols {
        let ours = obj.symbol(name).unwrap_or_else(|| panic!("missing {name}"));
        assert_eq!(ours.value, s.value, "{name}");
        assert_eq!(ours.size, s.size, "{name}");
        assert_eq!(ours.kind, s.kind, "{name}");
        assert_eq!(ours.global, s.global, "{name}");
    }
}

#[test]
fn start_code_symbols_are_provided_like_the_linker_script_does() {
    let src = "
        .text
        lis r3, __bss_start@ha
        .data
        .long 1
        .section .bss, \"aw\", @nobits
        .space 10
        .section .bss.more, \"aw\", @nobits
        .balign 8
        .space 4
    ";
    let obj = assemble(src, "crt.s").unwrap();
    let val = |n: &str| obj.symbol(n).unwrap().value;
    let bss = obj.section(".bss").unwrap();
    let more = obj.section(".bss.more").unwrap();
    assert_eq!(val("__bss_start"), bss.addr);
    assert_eq!(val("__bss_end"), (more.addr + 4).next_multiple_of(4));
    assert_eq!(val("__return_code"), 0x2FFC);
    assert_eq!(val("__crash_srr0"), 0x2FF8);
    // A program's own definition wins.
    let obj = assemble(
        ".set __bss_end, 0x100\n.set __return_code, 0x2000\n",
        "own.s",
    )
    .unwrap();
    assert_eq!(obj.symbol("__bss_end").unwrap().value, 0x100);
    assert_eq!(obj.symbol("__return_code").unwrap().value, 0x2000);
}
