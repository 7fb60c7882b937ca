//! The bulk synapse encoder agrees with the generic synapse_quad codec, quirks included.

use proptest::prelude::*;
use regmap::bulk::{decode_synapses, encode_synapses, SynapseArrays, SYNAPSES};
use regmap::quirks::synapse_column;
use regmap::{codec, register, RegmapError};

fn arrays(seed: u64) -> [Vec<u8>; 4] {
    // A small xorshift keeps the test free of extra dependencies and deterministic.
    let mut s = seed | 1;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let mut gen = |m: u64| {
        (0..SYNAPSES)
            .map(|_| (next() % m) as u8)
            .collect::<Vec<_>>()
    };
    [gen(64), gen(64), gen(4), gen(4)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn bulk_agrees_with_generic(seed in any::<u64>(), probes in proptest::collection::vec(0u32..32768, 16)) {
        let [w, l, t, a] = arrays(seed);
        let s = encode_synapses(SynapseArrays { weights: &w, labels: &l, time_calib: &t, amp_calib: &a }).unwrap();
        let reg = register("synapse_quad").unwrap();
        for q_index in probes {
            let row_start = (q_index / 64 * 256) as usize;
            let q = q_index % 64;
            let mut named = Vec::new();
            let names: Vec<[String; 4]> = (0..4).map(|e| ["weight", "label", "time_calib", "amp_calib"].map(|n| format!("{n}_{e}"))).collect();
            for e in 0..4u32 {
                let k = row_start + synapse_column(q, e) as usize;
                let n = &names[e as usize];
                named.extend([(n[0].as_str(), w[k] as i64), (n[1].as_str(), l[k] as i64), (n[2].as_str(), t[k] as i64), (n[3].as_str(), a[k] as i64)]);
            }
            let words = codec::encode_named(reg, None, &named).unwrap();
            let i = 2 * q_index as usize;
            prop_assert_eq!(&s.words[i..i + 2], &words[..]);
            prop_assert_eq!(s.addresses[i], reg.address(q_index, 0).unwrap());
            prop_assert_eq!(s.addresses[i + 1], reg.address(q_index, 1).unwrap());
        }
        let back = decode_synapses(&s.words).unwrap();
        prop_assert_eq!(back.weights, w);
        prop_assert_eq!(back.labels, l);
        prop_assert_eq!(back.time_calib, t);
        prop_assert_eq!(back.amp_calib, a);
    }
}

#[test]
fn bad_synapse_values_name_the_synapse() {
    let [mut w, l, t, a] = arrays(7);
    w[65536 + 3 * 256 + 17] = 64;
    let e = encode_synapses(SynapseArrays {
        weights: &w,
        labels: &l,
        time_calib: &t,
        amp_calib: &a,
    })
    .unwrap_err();
    match e {
        RegmapError::ValueOutOfRange {
            register,
            field,
            value,
            location,
            ..
        } => {
            assert_eq!(register, "synapse_quad");
            assert!(field.starts_with("weight_"));
            assert_eq!(value, 64);
            assert_eq!(location.as_deref(), Some("synram 1, row 3, column 17"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let short = encode_synapses(SynapseArrays {
        weights: &w[..10],
        labels: &l,
        time_calib: &t,
        amp_calib: &a,
    });
    assert!(matches!(short, Err(RegmapError::WrongLength { .. })));
}
