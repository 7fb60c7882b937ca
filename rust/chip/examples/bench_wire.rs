//! Where the time of a bulk write goes, in-process and single-threaded: building the
//! program, framing it (host transmit), executing it (emulator exchange), and collecting
//! the answer. `cargo run --release -p chip --example bench_wire [WRITES]`.

use chip::Emulator;
use std::sync::Arc;
use std::time::Instant;
use wire::link::LinkConfig;
use wire::{HostSession, ProgramBuilder};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let cfg = LinkConfig::default();
    let dram = regmap::register("external_ppu_dram").unwrap().base;
    let addrs: Vec<u32> = (0..n).map(|i| dram + i).collect();
    let (mut build, mut tx, mut exec, mut rx, mut total) = (vec![], vec![], vec![], vec![], vec![]);
    let mut host = HostSession::new(cfg, 1).unwrap();
    let mut emu = Emulator::new(cfg).unwrap();
    let mut bytes = Vec::new();
    host.transmit(0, &mut bytes).unwrap();
    let back = emu.exchange(&bytes, 0);
    host.receive(&back, 0);
    for _ in 0..7 {
        let t0 = Instant::now();
        let mut b = ProgramBuilder::new(1 << 25);
        b.write_many(&addrs, &addrs).unwrap();
        let program = Arc::new(b.finish());
        let t1 = Instant::now();
        host.start(program).unwrap();
        let (mut t_tx, mut t_exec, mut t_rx) = (0.0, 0.0, 0.0);
        while !host.done() {
            let a = Instant::now();
            let mut out = Vec::new();
            host.transmit(0, &mut out).unwrap();
            let b = Instant::now();
            let back = emu.exchange(&out, 0);
            let c = Instant::now();
            host.receive(&back, 0);
            t_tx += (b - a).as_secs_f64();
            t_exec += (c - b).as_secs_f64();
            t_rx += c.elapsed().as_secs_f64();
        }
        host.finish().unwrap();
        build.push((t1 - t0).as_secs_f64());
        tx.push(t_tx);
        exec.push(t_exec);
        rx.push(t_rx);
        total.push(t0.elapsed().as_secs_f64());
    }
    let rate = |t: f64| n as f64 / t / 1e6;
    println!("{n} writes, medians of 7 (M words/s of each stage alone)");
    println!(
        "  build program      {:7.1} ms  {:6.1}",
        median(build.clone()) * 1e3,
        rate(median(build))
    );
    println!(
        "  host transmit      {:7.1} ms  {:6.1}",
        median(tx.clone()) * 1e3,
        rate(median(tx))
    );
    println!(
        "  emulator exchange  {:7.1} ms  {:6.1}",
        median(exec.clone()) * 1e3,
        rate(median(exec))
    );
    println!("  host receive       {:7.1} ms", median(rx) * 1e3);
    println!(
        "  all                {:7.1} ms  {:6.1}",
        median(total.clone()) * 1e3,
        rate(median(total))
    );
}
