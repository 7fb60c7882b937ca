//! The executor through its instruction interface, and the whole host-device path with a
//! faulty line in between, in simulated time.

use chip::executor::{Executor, ISSUE_CYCLES};
use chip::model::routing::L2_LATENCY_CYCLES as LOOPBACK_CYCLES;
use chip::Emulator;
use proptest::prelude::*;
use std::sync::Arc;
use wire::faults::{FaultConfig, FaultInjector};
use wire::instr::{decode_responses, Instruction, Response};
use wire::link::LinkConfig;
use wire::{ErrorCode, HostSession, ProgramBuilder};

mod common;
use common::run;

fn addr(name: &str, index: u32) -> u32 {
    regmap::register(name).unwrap().address(index, 0).unwrap()
}

#[test]
fn writes_are_stored_and_reads_follow_the_map() {
    let mut ex = Executor::new();
    let mem = addr("external_ppu_memory", 17);
    let node = addr("crossbar_node", 3);
    let r = run(
        &mut ex,
        &[
            Instruction::Read { address: mem },
            Instruction::Write {
                address: mem,
                word: 0xDEAD_BEEF,
            },
            Instruction::Read { address: mem },
            Instruction::Write {
                address: node,
                word: 5,
            },
            Instruction::Read { address: node },
            Instruction::Write {
                address: addr("systime", 0),
                word: 1,
            },
            Instruction::Read {
                address: 0x7FFF_0000,
            },
            Instruction::Halt,
        ],
    );
    let e = |code, instruction, address| Response::Error {
        code,
        instruction,
        address,
    };
    assert_eq!(r[0], Response::ReadData { word: 0 });
    assert_eq!(r[1], Response::ReadData { word: 0xDEAD_BEEF });
    assert_eq!(r[2], e(ErrorCode::ReadDenied, 4, node));
    assert_eq!(r[3], e(ErrorCode::WriteDenied, 5, 0));
    assert_eq!(r[4], e(ErrorCode::Unmapped, 6, 0x7FFF_0000));
    assert_eq!(
        r[5],
        Response::HaltEcho {
            time: 7 * ISSUE_CYCLES
        }
    );
    assert_eq!(ex.regs.stored(node), Some(5), "unreadable, but written");
}

#[test]
fn timer_and_waits_move_model_time() {
    let mut ex = Executor::new();
    let timer = addr("timer", 0);
    let r = run(
        &mut ex,
        &[
            Instruction::TimerReset,
            Instruction::WaitUntil { cycles: 1000 },
            Instruction::Read { address: timer },
            Instruction::WaitUntil { cycles: 10 }, // in the past: no wait
            Instruction::Read { address: timer },
        ],
    );
    assert_eq!(
        r,
        vec![
            Response::ReadData { word: 1000 },
            Response::ReadData { word: 1002 }
        ]
    );
}

#[test]
fn wait_register_times_out_after_the_configured_cycles() {
    let mut ex = Executor::new();
    let cfg = addr("instruction_timeout_config", 0);
    let rec = addr("event_recording_config", 0);
    let r = run(
        &mut ex,
        &[
            Instruction::Write {
                address: cfg,
                word: 500,
            },
            Instruction::WaitRegister {
                address: rec,
                mask: 1,
                target: 0,
                not_equal: false,
            },
            Instruction::WaitRegister {
                address: rec,
                mask: 1,
                target: 1,
                not_equal: false,
            },
        ],
    );
    assert_eq!(
        r,
        vec![Response::Timeout {
            instruction: 2,
            waited: 500
        }]
    );
}

#[test]
fn injected_spikes_loop_back_through_the_l2_crossbar_node() {
    let mut ex = Executor::new();
    let node = regmap::register("crossbar_node").unwrap();
    let idx = (0..node.count)
        .find(|&i| node.coordinates(i).unwrap() == [9, 9])
        .unwrap();
    let a = node.address(idx, 0).unwrap();
    let match_7 = 0x3FFF | (7 << 14); // mask all 14 bits, target 7
    let r = run(
        &mut ex,
        &[
            Instruction::Write {
                address: a,
                word: match_7,
            },
            Instruction::EventRecording { enable: true },
            Instruction::TimerReset,
            Instruction::WaitUntil { cycles: 100 },
            Instruction::Spikes {
                count: 2,
                labels: [1 << 14 | 7, 1 << 14 | 8, 0],
            },
            Instruction::EventRecording { enable: false },
            Instruction::Spikes {
                count: 1,
                labels: [1 << 14 | 7, 0, 0],
            },
        ],
    );
    assert_eq!(
        r,
        vec![Response::Spike {
            time: 100 + LOOPBACK_CYCLES,
            label: 1 << 14 | 7
        }]
    );
    assert_eq!(ex.injected.len(), 3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn garbage_payloads_give_errors_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut ex = Executor::new();
        let mut out = Vec::new();
        ex.execute_payload(&bytes, &mut out);
        for p in &out {
            prop_assert!(decode_responses(p).is_ok());
        }
    }

    #[test]
    fn emulator_survives_garbage_streams(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..200), 0..6)) {
        let mut emu = Emulator::new(LinkConfig::default()).unwrap();
        for (t, c) in chunks.iter().enumerate() {
            let _ = emu.exchange(c, t as u64);
        }
    }
}

/// The whole path in simulated time: host session, faulty line both ways, emulator.
#[test]
fn program_over_a_faulty_line_runs_exactly_once() {
    let cfg = LinkConfig {
        window: 32,
        max_payload: 512,
        rto_us: 2000,
    };
    let mut host = HostSession::new(cfg, 42).unwrap();
    let mut emu = Emulator::new(cfg).unwrap();
    let faults = FaultConfig {
        drop: 0.05,
        corrupt: 0.01,
        duplicate: 0.02,
        reorder: 0.02,
        delay: 0.02,
        delay_us: 3000,
    };
    let mut up = FaultInjector::new(faults, 1).unwrap();
    let mut down = FaultInjector::new(faults, 2).unwrap();
    let dram = regmap::register("external_ppu_dram").unwrap().base;
    let mut b = ProgramBuilder::new(1 << 25);
    b.timer_reset().unwrap();
    let addrs: Vec<u32> = (0..20_000).map(|i| dram + i * 7).collect();
    let words: Vec<u32> = addrs
        .iter()
        .map(|a| a.wrapping_mul(2_654_435_761))
        .collect();
    b.write_many(&addrs, &words).unwrap();
    b.read_many(&addrs[..2000]).unwrap();
    b.read_many(&[addr("timer", 0)]).unwrap();
    let program = Arc::new(b.finish());
    host.start(program.clone()).unwrap();
    let mut now = 0;
    while !host.done() {
        let mut out = Vec::new();
        host.transmit(now, &mut out).unwrap();
        let mut arrived = Vec::new();
        up.push(&out, now, &mut arrived);
        let back = emu.exchange(&arrived, now);
        let mut returned = Vec::new();
        down.push(&back, now, &mut returned);
        host.receive(&returned, now);
        now += 500;
        assert!(now < 60_000_000, "no progress");
    }
    let o = host.finish().unwrap();
    assert_eq!(&o.reads[..2000], &words[..2000]);
    // Writes, reads and the timer read itself, one cycle each since the timer reset.
    assert_eq!(
        o.reads[2000],
        20_000 + 2000 + 1,
        "every instruction ran exactly once"
    );
    assert!(host.stats().retransmits > 0 && up.stats().dropped > 0);
}

/// A program that switches the analog core on and then waits long arrives in one piece:
/// the emulator still works in slices (answering in between) instead of simulating the
/// whole wait in one exchange.
#[test]
fn long_waits_run_in_slices_even_when_the_core_starts_mid_exchange() {
    let cfg = LinkConfig::default();
    let mut host = HostSession::new(cfg, 7).unwrap();
    let mut emu = Emulator::new(cfg).unwrap();
    let mut out = Vec::new();
    host.transmit(0, &mut out).unwrap();
    host.receive(&emu.exchange(&out, 0), 0);
    let mut b = ProgramBuilder::new(1 << 25);
    let block = regmap::register("capmem_block_config").unwrap();
    b.write(block.address(0, 0).unwrap(), 1).unwrap();
    b.timer_reset().unwrap();
    b.wait_until(200_000).unwrap();
    host.start(Arc::new(b.finish())).unwrap();
    let mut exchanges = 0;
    while !host.done() {
        let mut out = Vec::new();
        host.transmit(exchanges, &mut out).unwrap();
        let back = emu.exchange(&out, exchanges);
        if exchanges == 0 {
            assert!(emu.busy(), "the first exchange must stop after one slice");
            assert!(emu.executor.now() < 100_000);
        }
        host.receive(&back, exchanges);
        exchanges += 1;
        assert!(exchanges < 100);
    }
    assert!(
        exchanges >= 8,
        "200,000 cycles in slices of 25,000: {exchanges}"
    );
}
