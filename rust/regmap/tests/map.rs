//! Properties of the whole generated map: round trips through both codecs (descriptor-
//! driven and typed), rejection of illegal values, no overlapping addresses, bulk == single.

use proptest::prelude::*;
use regmap::bulk::{self, Column, Instances};
use regmap::{codec, typed, Access, FieldDesc, RegisterDesc, RegmapError, REGISTERS};

/// A legal value of a field from a random seed; sentinels and extremes come up often.
fn legal(f: &FieldDesc, seed: u64) -> i64 {
    match seed % 8 {
        0 => f.min,
        1 => f.max,
        2 if f.sentinel.is_some() => f.sentinel.unwrap().0,
        _ => f.min + (seed / 8 % (f.max - f.min + 1) as u64) as i64,
    }
}

fn values(reg: &RegisterDesc, seeds: &[u64]) -> Vec<i64> {
    reg.fields
        .iter()
        .zip(seeds.iter().cycle())
        .map(|(f, &s)| {
            if f.access == Access::ReadOnly {
                f.reset
            } else {
                legal(f, s)
            }
        })
        .collect()
}

fn reg_and_seeds() -> impl Strategy<Value = (usize, Vec<u64>)> {
    (
        0..REGISTERS.len(),
        proptest::collection::vec(any::<u64>(), 1..64),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encode_decode_round_trip((r, seeds) in reg_and_seeds()) {
        let reg = &REGISTERS[r];
        let v = values(reg, &seeds);
        let mut words = vec![0; reg.words as usize];
        codec::validate(reg, None, &v).unwrap();
        let typed_words = typed::typed_encode(r, &v).unwrap();
        if reg.access.writable() {
            words = codec::encode(reg, None, &v).unwrap();
            prop_assert_eq!(&words, &typed_words, "typed and descriptor codecs disagree");
        } else {
            words.copy_from_slice(&typed_words);
        }
        prop_assert_eq!(codec::decode(reg, None, &words).unwrap(), v.clone());
        prop_assert_eq!(typed::typed_decode(r, &words).unwrap(), v);
        // No bit outside the fields is ever set, and nothing beyond word_bits.
        for (i, w) in words.iter().enumerate() {
            let used = reg.fields.iter().filter(|f| f.word as usize == i)
                .fold(0u64, |m, f| m | ((f.mask() as u64) << f.lsb));
            prop_assert_eq!(*w as u64 & !used, 0);
        }
    }

    #[test]
    fn decode_ignores_nothing_it_should_not((r, seeds) in reg_and_seeds(), noise in any::<u32>()) {
        // Decoding arbitrary words either gives legal values that re-encode to the same
        // field bits, or a typed out-of-range error (never a panic).
        let reg = &REGISTERS[r];
        let words: Vec<u32> = (0..reg.words as usize)
            .map(|i| noise.rotate_left(i as u32 * 7) ^ seeds[i % seeds.len()] as u32).collect();
        match codec::decode(reg, None, &words) {
            Ok(v) => {
                prop_assert_eq!(typed::typed_decode(r, &words).unwrap(), v.clone());
                prop_assert!(reg.fields.iter().zip(&v).all(|(f, &x)| f.is_legal(x)));
            }
            Err(e) => {
                let is_range_error = matches!(e, RegmapError::ValueOutOfRange { .. });
                prop_assert!(is_range_error);
                prop_assert!(typed::typed_decode(r, &words).is_err());
            }
        }
    }

    #[test]
    fn illegal_values_are_rejected((r, seeds) in reg_and_seeds(), pick in any::<usize>(), up in any::<bool>(), far in 1i64..1_000_000) {
        let reg = &REGISTERS[r];
        let mut v = values(reg, &seeds);
        let k = pick % reg.fields.len();
        let f = &reg.fields[k];
        let mut bad = if up { f.max + far } else { f.min - far };
        if f.sentinel.is_some_and(|(s, _)| s == bad) { bad += 1; }
        v[k] = bad;
        let err = codec::validate(reg, Some(3), &v).unwrap_err();
        match err {
            RegmapError::ValueOutOfRange { register, index, field, value, .. } => {
                prop_assert_eq!(register, reg.name);
                prop_assert_eq!(index, Some(3));
                prop_assert_eq!(field, f.name);
                prop_assert_eq!(value, bad);
            }
            other => prop_assert!(false, "unexpected error {other:?}"),
        }
        prop_assert!(typed::typed_encode(r, &v).is_err());
        if reg.access.writable() {
            let cols: Vec<Column> = v.iter().map(|&x| Column::Scalar(x)).collect();
            prop_assert!(bulk::encode_array(reg, Instances::Some(&[0]), &cols).is_err());
        }
    }

    #[test]
    fn bulk_matches_single((r, seeds) in reg_and_seeds(), n in 1usize..20) {
        let reg = &REGISTERS[r];
        prop_assume!(reg.access.writable());
        let idx: Vec<u32> = (0..n).map(|i| (seeds[i % seeds.len()] % reg.count as u64) as u32).collect();
        let per_instance: Vec<Vec<i64>> = (0..n).map(|i| values(reg, &seeds[i % seeds.len()..])).collect();
        let cols_data: Vec<Vec<i64>> = (0..reg.fields.len())
            .map(|k| per_instance.iter().map(|v| v[k]).collect()).collect();
        let cols: Vec<Column> = cols_data.iter().map(|c| Column::Array(c)).collect();
        let s = bulk::encode_array(reg, Instances::Some(&idx), &cols).unwrap();
        let nw = reg.words as usize;
        for (i, (&index, v)) in idx.iter().zip(&per_instance).enumerate() {
            prop_assert_eq!(&s.words[i * nw..(i + 1) * nw], &codec::encode(reg, None, v).unwrap()[..]);
            for w in 0..nw {
                prop_assert_eq!(s.addresses[i * nw + w], reg.address(index, w as u8).unwrap());
            }
        }
        prop_assert_eq!(bulk::decode_array(reg, &s.words).unwrap(), cols_data);
    }
}

#[test]
fn every_register_has_consistent_metadata() {
    for (i, r) in REGISTERS.iter().enumerate() {
        assert_eq!(regmap::register(r.name).unwrap().name, r.name);
        assert_eq!(regmap::register_number(r), i);
        if r.access == Access::WriteOnly {
            assert!(!r.readable, "{} is write-only but marked readable", r.name);
            assert!(
                r.fields.iter().all(|f| !f.readable),
                "{}: wo field readable",
                r.name
            );
        }
        if r.access == Access::ReadOnly {
            assert!(
                r.fields.iter().all(|f| f.access == Access::ReadOnly),
                "{}",
                r.name
            );
            let err = codec::encode(r, None, &codec::reset_values(r)).unwrap_err();
            assert!(
                matches!(err, RegmapError::AccessDenied { .. }),
                "{}: {err:?}",
                r.name
            );
        }
        for f in r.fields {
            assert!(
                f.lsb as u32 + f.width as u32 <= r.word_bits as u32,
                "{}.{}",
                r.name,
                f.name
            );
            assert!(f.is_legal(f.reset), "{}.{} reset", r.name, f.name);
        }
        // The odometer walk and the per-index formula agree (huge memories: skip the walk).
        if r.count <= 4_000_000 {
            let starts = r.instance_addresses();
            assert_eq!(starts.len(), r.count as usize);
            for probe in [0, r.count / 2, r.count - 1] {
                assert_eq!(
                    starts[probe as usize],
                    r.instance_address(probe).unwrap(),
                    "{}",
                    r.name
                );
            }
        }
        assert!(r.instance_address(r.count).is_err());
    }
}

/// Every word address of a register as sorted, disjoint intervals (huge regular
/// registers stay cheap: contiguous runs collapse into one interval).
fn intervals(r: &RegisterDesc) -> Vec<(u64, u64)> {
    let mut addrs: Vec<u64> = Vec::new();
    if r.total_words() > 4_000_000 {
        // Only a single contiguous array may be this large.
        assert!(
            r.dims.len() <= 1 && r.words == 1 && r.dims.first().is_none_or(|d| d.stride == 1),
            "{}",
            r.name
        );
        return vec![(r.base as u64, r.base as u64 + r.count as u64)];
    }
    for a in r.instance_addresses() {
        for w in 0..r.words as u64 {
            addrs.push(a as u64 + w * r.word_stride as u64);
        }
    }
    addrs.sort_unstable();
    let before = addrs.len();
    addrs.dedup();
    assert_eq!(
        before,
        addrs.len(),
        "{}: two of its own words share an address",
        r.name
    );
    let mut out: Vec<(u64, u64)> = Vec::new();
    for a in addrs {
        match out.last_mut() {
            Some(last) if last.1 == a => last.1 = a + 1,
            _ => out.push((a, a + 1)),
        }
    }
    out
}

#[test]
fn no_two_registers_share_an_address() {
    let mut all: Vec<(u64, u64, &str)> = REGISTERS
        .iter()
        .flat_map(|r| intervals(r).into_iter().map(move |(a, b)| (a, b, r.name)))
        .collect();
    all.sort_unstable();
    for pair in all.windows(2) {
        let ((_, end, a), (start, _, b)) = (pair[0], pair[1]);
        assert!(end <= start, "{a} and {b} overlap at 0x{start:08x}");
    }
}

#[test]
fn errors_name_what_was_wrong() {
    let reg = regmap::register("capmem_cell").unwrap();
    let e = codec::encode_named(reg, Some(12), &[("value", 1024)])
        .unwrap_err()
        .to_string();
    assert_eq!(e, "capmem_cell[12] field value: value 1024 is out of range; allowed: 0..=1022 or 1023 (disable_refresh)");
    let e = codec::encode_named(reg, None, &[("valu", 1)])
        .unwrap_err()
        .to_string();
    assert!(e.contains("no field 'valu'") && e.contains("value"), "{e}");
    let e = regmap::register("capmem").unwrap_err().to_string();
    assert!(
        e.contains("did you mean") && e.contains("capmem_cell"),
        "{e}"
    );
    assert!(reg.address(12480, 0).is_err());
}

/// Every register word's address locates back to that register, instance and word; so
/// no two registers claim the same address.
#[test]
fn every_address_locates_back() {
    for reg in regmap::REGISTERS {
        let step = (reg.count / 2000).max(1);
        let mut indices: Vec<u32> = (0..reg.count).step_by(step as usize).collect();
        indices.push(reg.count - 1);
        for i in indices {
            for w in 0..reg.words {
                let a = reg.address(i, w).unwrap();
                let loc = regmap::locate(a).unwrap_or_else(|| panic!("{}[{i}] w{w}", reg.name));
                assert_eq!(
                    (loc.register.name, loc.index, loc.word),
                    (reg.name, i, w),
                    "address {a:#x}"
                );
            }
        }
    }
}

#[test]
fn gaps_are_unmapped() {
    // neuron_config words sit at stride 8 from base+2; slot 0 and 1 of each stride are free.
    let reg = regmap::register("neuron_config").unwrap();
    assert!(regmap::locate(reg.base - 2).is_none());
    assert!(regmap::locate(reg.base + 6).is_none());
    assert!(regmap::locate(0x7FFF_FFF0).is_none());
}

#[test]
fn index_of_inverts_coordinates() {
    for reg in REGISTERS {
        for index in [0, reg.count / 2, reg.count - 1] {
            let coords: Vec<i64> = reg
                .coordinates(index)
                .unwrap()
                .into_iter()
                .map(i64::from)
                .collect();
            assert_eq!(reg.index_of(&coords), Ok(index), "{}", reg.name);
        }
    }
}

#[test]
fn bad_coordinates_say_what_is_allowed() {
    let quad = regmap::register("synapse_quad").unwrap();
    let e = quad.index_of(&[1, 2]).unwrap_err().to_string();
    assert_eq!(
        e,
        "synapse_quad has 3 dims (synram, row, quad); got 2 coordinates"
    );
    let e = quad.index_of(&[1, -2, 3]).unwrap_err().to_string();
    assert_eq!(e, "synapse_quad: row -2 is out of range 0..256");
    let node = regmap::register("crossbar_node").unwrap();
    let e = node.index_of(&[0, 99]).unwrap_err().to_string();
    assert_eq!(e, "crossbar_node[0, 99] does not exist on the chip");
    let e = quad.instance(-1).unwrap_err().to_string();
    assert_eq!(
        e,
        "synapse_quad[-1] does not exist: the index must be in 0..32768"
    );
    let w = i64::from(quad.words);
    let e = quad.word(w).unwrap_err().to_string();
    assert_eq!(
        e,
        format!("synapse_quad has {w} word(s); word {w} does not exist")
    );
}

#[test]
fn allowed_names_enum_values() {
    let reg = REGISTERS
        .iter()
        .find(|r| r.fields.iter().any(|f| !f.enum_names.is_empty()))
        .unwrap();
    let f = reg
        .fields
        .iter()
        .find(|f| !f.enum_names.is_empty())
        .unwrap();
    let allowed = f.allowed();
    assert!(
        allowed.ends_with(&format!(" or one of {}", f.enum_names.join(", "))),
        "{allowed}"
    );
}
