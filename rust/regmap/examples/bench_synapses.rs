//! Pure-Rust timing of the bulk synapse codec (no Python in the loop):
//! `cargo run --release -p regmap --example bench_synapses`.
use regmap::bulk::{
    decode_synapses, encode_synapses, stream_addresses, Instances, SynapseArrays, SYNAPSES,
};
use std::time::Instant;

fn median_us(mut f: impl FnMut()) -> f64 {
    f();
    let mut t: Vec<f64> = (0..200)
        .map(|_| {
            let t0 = Instant::now();
            f();
            t0.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[t.len() / 2]
}

fn main() {
    let mk = |m: usize| {
        (0..SYNAPSES)
            .map(|i| ((i * 7919 + 13) % m) as u8)
            .collect::<Vec<_>>()
    };
    let (w, l, t, a) = (mk(64), mk(64), mk(4), mk(4));
    let arrays = SynapseArrays {
        weights: &w,
        labels: &l,
        time_calib: &t,
        amp_calib: &a,
    };
    let s = encode_synapses(arrays).unwrap();
    let reg = regmap::register("synapse_quad").unwrap();
    let enc = median_us(|| drop(std::hint::black_box(encode_synapses(arrays).unwrap())));
    let dec = median_us(|| drop(std::hint::black_box(decode_synapses(&s.words).unwrap())));
    let adr = median_us(|| {
        drop(std::hint::black_box(
            stream_addresses(reg, Instances::All).unwrap(),
        ))
    });
    let words = s.words.len() as f64;
    println!("encode {enc:.1} us ({:.0} M words/s), decode {dec:.1} us ({:.0} M words/s), addresses {adr:.1} us",
        words / enc, words / dec);
}
