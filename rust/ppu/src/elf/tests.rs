//! ELF round trip, loading a GNU-built executable, and robustness against garbage.

use proptest::prelude::*;

use super::*;
use crate::asm::assemble;

const GNU_ELF: &[u8] = include_bytes!("../../tests/fixtures/gnu_prog.elf");

fn sample() -> Object {
    assemble(
        "   .globl main
            .type main, @function
        main: li r3, 1
            bl helper
        1:  wait
            b 1b
            .size main, .-main
        helper: blr
            .data
            .type counter, @object
        counter: .long 42
            .size counter, 4
            .section .rodata
        msg: .asciz \"hello\"
            .bss
        buf: .space 100
            .section ext.text,\"ax\"
        far: blr
            .section ext.data,\"aw\"
        table: .long 1, 2, 3
            .section ext_dram.data,\"aw\"
        big: .fill 16, 1, 0x5a
        ",
        "s.s",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn write_then_read_gives_the_same_images_and_symbols() {
    let obj = sample();
    let elf = write_elf(&obj).unwrap();
    let img = read_elf(&elf).unwrap();
    assert_eq!(img, image_of(&obj).unwrap());
    // Independent checks of what the images hold.
    let main = img.symbol("main").unwrap();
    assert_eq!(
        (main.value, main.size, main.kind, main.global),
        (0, 16, SymbolKind::Func, true)
    );
    let words = img.internal_words();
    assert_eq!(words[0], 0x3860_0001);
    assert_eq!(words[2], 0x7C00_007C);
    let counter = img.symbol("counter").unwrap();
    assert_eq!(words[counter.value as usize / 4], 42);
    assert_eq!(counter.kind, SymbolKind::Object);
    let buf = img.symbol("buf").unwrap().value as usize;
    assert_eq!(img.internal.len(), (buf + 100).div_ceil(4) * 4);
    assert!(img.internal[buf..].iter().all(|&b| b == 0));
    assert_eq!(
        img.extmem,
        vec![
            (0, vec![0x4E, 0x80, 0, 0x20]),
            (4, vec![0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3])
        ]
    );
    assert_eq!(img.dram, vec![(0, vec![0x5A; 16])]);
    assert_eq!(img.symbol("stack_ptr_init").unwrap().value, 0x2FF0);
    assert_eq!(img.entry, 0);
}

#[test]
fn our_elf_is_readable_by_gnu_readelf_shape() {
    // Header fields checked by hand against the ELF32 specification.
    let elf = write_elf(&sample()).unwrap();
    assert_eq!(&elf[..6], &[0x7F, b'E', b'L', b'F', 1, 2]);
    assert_eq!(u16::from_be_bytes([elf[16], elf[17]]), 2);
    assert_eq!(u16::from_be_bytes([elf[18], elf[19]]), 20);
    assert_eq!(u32::from_be_bytes([elf[24], elf[25], elf[26], elf[27]]), 0);
}

#[test]
fn loads_a_gnu_binutils_executable_like_objcopy() {
    let img = read_elf(GNU_ELF).unwrap();
    let int = include_bytes!("../../tests/fixtures/gnu_prog.int.bin");
    assert_eq!(&img.internal[..int.len()], &int[..]);
    // .bss: 64 bytes at 0xc0 (readelf), zeros.
    assert_eq!(img.internal.len(), 0xC0 + 64);
    assert!(img.internal[int.len()..].iter().all(|&b| b == 0));
    assert_eq!(
        img.extmem,
        vec![
            (
                0,
                include_bytes!("../../tests/fixtures/gnu_prog.ext_text.bin").to_vec()
            ),
            (
                8,
                include_bytes!("../../tests/fixtures/gnu_prog.ext_data.bin").to_vec()
            ),
        ]
    );
    assert!(img.dram.is_empty());
    let f = img.symbol("func").unwrap();
    assert_eq!(
        (f.value, f.size, f.kind, f.global),
        (0x78, 20, SymbolKind::Func, true)
    );
    assert_eq!(img.symbol("value").unwrap().value, 0x90);
    assert!(!img.symbol("value").unwrap().global);
    assert_eq!(img.symbol("ext_value").unwrap().value, 0x4000_0008);
    assert_eq!(img.internal_words()[0], 0x4800_0034);
}

#[test]
fn overflowing_internal_memory_is_an_error() {
    let obj = assemble(".space 0x3004", "big.s").unwrap();
    match write_elf(&obj) {
        Err(ElfError::ImageOverflow {
            end: 0x3004,
            limit: 0x3000,
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(write_elf(&obj).unwrap_err().to_string().contains("mailbox"));
    let obj = assemble(".space 0x4004", "big.s").unwrap();
    assert!(matches!(
        write_elf(&obj),
        Err(ElfError::InternalOverflow { .. })
    ));
    // A program that defines its own mailbox_base may use more.
    let obj = assemble(".set mailbox_base, 0x3800\n.space 0x3400", "own.s").unwrap();
    assert!(write_elf(&obj).is_ok());
}

#[test]
fn typed_errors_for_wrong_files() {
    assert_eq!(
        read_elf(b"hello"),
        Err(ElfError::Truncated {
            what: "ELF identification".into(),
            offset: 0,
            end: 16,
            len: 5
        })
    );
    assert_eq!(read_elf(&[0u8; 64]), Err(ElfError::BadMagic));
    let mut e = GNU_ELF.to_vec();
    e[18] = 0;
    e[19] = 3; // EM_386
    assert!(matches!(read_elf(&e), Err(ElfError::Unsupported(m)) if m.contains("EM_PPC")));
    let mut e = GNU_ELF.to_vec();
    e[17] = 1; // ET_REL
    assert!(matches!(read_elf(&e), Err(ElfError::Unsupported(m)) if m.contains("relocatable")));
    let mut e = GNU_ELF.to_vec();
    e[5] = 1;
    assert!(matches!(read_elf(&e), Err(ElfError::Unsupported(m)) if m.contains("big-endian")));
    assert!(matches!(
        read_elf(&GNU_ELF[..GNU_ELF.len() - 10]),
        Err(ElfError::Truncated { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn loader_never_panics_on_garbage(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = read_elf(&bytes);
    }

    #[test]
    fn loader_never_panics_on_damaged_elfs(
        flips in proptest::collection::vec((0usize..GNU_ELF.len(), any::<u8>()), 1..8),
        cut in 0usize..=GNU_ELF.len(),
        ours in any::<bool>(),
    ) {
        let mut e = if ours { write_elf(&sample()).unwrap() } else { GNU_ELF.to_vec() };
        for (at, x) in flips {
            let n = e.len();
            e[at % n] ^= x;
        }
        e.truncate(cut.max(1));
        let _ = read_elf(&e);
    }
}
