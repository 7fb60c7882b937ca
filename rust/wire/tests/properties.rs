//! Property tests: every encoder round-trips, every decoder survives garbage with a typed
//! error, and the link delivers exactly once, in order, through a faulty line.

use proptest::prelude::*;
use wire::faults::{FaultConfig, FaultInjector};
use wire::frame::{decode_frame, encode_frame, FrameReader};
use wire::instr::{decode_instructions, decode_responses};
use wire::link::{Link, LinkConfig, LinkState};
use wire::{ErrorCode, Frame, FrameKind, Instruction, Response};

fn instruction() -> impl Strategy<Value = Instruction> {
    prop_oneof![
        (any::<u32>(), any::<u32>())
            .prop_map(|(address, word)| Instruction::Write { address, word }),
        any::<u32>().prop_map(|address| Instruction::Read { address }),
        Just(Instruction::TimerReset),
        any::<u32>().prop_map(|cycles| Instruction::WaitUntil { cycles }),
        (0u8..32).prop_map(|flags| Instruction::Barrier { flags }),
        (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>()).prop_map(
            |(address, mask, target, not_equal)| Instruction::WaitRegister {
                address,
                mask,
                target,
                not_equal
            }
        ),
        (1u8..=3, any::<[u16; 3]>()).prop_map(|(count, mut labels)| {
            labels[count as usize..].iter_mut().for_each(|l| *l = 0);
            Instruction::Spikes { count, labels }
        }),
        any::<bool>().prop_map(|enable| Instruction::EventRecording { enable }),
        Just(Instruction::Halt),
    ]
}

fn response() -> impl Strategy<Value = Response> {
    let code = prop_oneof![
        Just(ErrorCode::ReadDenied),
        Just(ErrorCode::Unmapped),
        Just(ErrorCode::WriteDenied),
        Just(ErrorCode::Malformed)
    ];
    prop_oneof![
        any::<u32>().prop_map(|word| Response::ReadData { word }),
        (any::<u64>(), any::<u16>()).prop_map(|(time, label)| Response::Spike { time, label }),
        (any::<u64>(), 0u16..0x4000).prop_map(|(time, value)| Response::MadcSample { time, value }),
        (any::<u32>(), any::<u32>()).prop_map(|(instruction, waited)| Response::Timeout {
            instruction,
            waited
        }),
        (code, any::<u32>(), any::<u32>()).prop_map(|(code, instruction, address)| {
            Response::Error {
                code,
                instruction,
                address,
            }
        }),
        any::<u64>().prop_map(|time| Response::HaltEcho { time }),
    ]
}

fn frame() -> impl Strategy<Value = Frame> {
    let kind = prop_oneof![
        Just(FrameKind::Data),
        Just(FrameKind::Ack),
        Just(FrameKind::Hello),
        Just(FrameKind::Welcome),
        Just(FrameKind::Reject)
    ];
    (
        kind,
        any::<u32>(),
        any::<u32>(),
        any::<u32>(),
        proptest::collection::vec(prop_oneof![Just(0u8), any::<u8>()], 0..600),
    )
        .prop_map(|(kind, seq, ack, sack, payload)| Frame {
            kind,
            seq,
            ack,
            sack,
            payload,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn instructions_round_trip(ins in proptest::collection::vec(instruction(), 0..40)) {
        let mut buf = Vec::new();
        for i in &ins {
            let before = buf.len();
            i.encode_into(&mut buf);
            prop_assert_eq!(buf.len() - before, i.len());
        }
        prop_assert_eq!(decode_instructions(&buf).unwrap(), ins);
    }

    #[test]
    fn responses_round_trip(rs in proptest::collection::vec(response(), 0..40)) {
        let mut buf = Vec::new();
        for r in &rs {
            r.encode_into(&mut buf);
        }
        prop_assert_eq!(decode_responses(&buf).unwrap(), rs);
    }

    #[test]
    fn decoders_survive_garbage(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        // Only typed errors, never a panic; and what decodes re-encodes to the same bytes.
        if let Ok(ins) = decode_instructions(&bytes) {
            let mut buf = Vec::new();
            ins.iter().for_each(|i| i.encode_into(&mut buf));
            prop_assert_eq!(buf, bytes.clone());
        }
        if let Ok(rs) = decode_responses(&bytes) {
            let mut buf = Vec::new();
            rs.iter().for_each(|r| r.encode_into(&mut buf));
            prop_assert_eq!(buf, bytes.clone());
        }
        let _ = decode_frame(&bytes, 1024);
    }

    #[test]
    fn truncated_instructions_are_rejected(i in instruction(), cut in any::<prop::sample::Index>()) {
        let mut buf = Vec::new();
        i.encode_into(&mut buf);
        if buf.len() == 1 {
            return Ok(()); // TIMER_RESET and HALT have no operands to cut
        }
        let keep = 1 + cut.index(buf.len() - 1);
        buf.truncate(keep);
        prop_assert!(decode_instructions(&buf).is_err());
    }

}

// Frames carry up to 600 random bytes: fewer cases keep the debug-build run short.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn frames_round_trip(f in frame()) {
        let enc = encode_frame(&f);
        prop_assert_eq!(*enc.last().unwrap(), 0);
        prop_assert!(!enc[..enc.len() - 1].contains(&0));
        prop_assert_eq!(decode_frame(&enc[..enc.len() - 1], 1024).unwrap(), f);
    }

    #[test]
    fn one_flipped_bit_is_caught(f in frame(), pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut enc = encode_frame(&f);
        let body = enc.len() - 1;
        let i = pos.index(body);
        enc[i] ^= 1 << bit;
        let mut reader = FrameReader::new(1024);
        let mut got = Vec::new();
        reader.push(&enc, &mut got);
        // A single bit flip never yields a different valid frame.
        prop_assert!(got.is_empty(), "a flipped bit slipped through: {:?}", got);
    }

    #[test]
    fn reader_resynchronises_after_garbage(
        frames in proptest::collection::vec(frame(), 1..6),
        garbage in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..80), 6),
        split in 1usize..97,
    ) {
        let mut stream = Vec::new();
        for (f, g) in frames.iter().zip(&garbage) {
            stream.extend_from_slice(g);
            stream.push(0);
            stream.extend_from_slice(&encode_frame(f));
        }
        let mut reader = FrameReader::new(1024);
        let mut got = Vec::new();
        for chunk in stream.chunks(split) {
            reader.push(chunk, &mut got);
        }
        // Garbage may by chance contain a valid frame; every real one must come through.
        let mut it = got.iter();
        for f in &frames {
            prop_assert!(it.any(|g| g == f), "lost {:?}", f);
        }
    }
}

/// Two link ends joined by faulty lines, stepped in simulated time.
fn run_pair(
    payloads_a: &[Vec<u8>],
    payloads_b: &[Vec<u8>],
    faults: FaultConfig,
    seed: u64,
) -> (Vec<Vec<u8>>, Vec<Vec<u8>>) {
    let cfg = LinkConfig {
        window: 16,
        max_payload: 256,
        rto_us: 1000,
    };
    let mut a = Link::host(cfg, 77).unwrap();
    let mut b = Link::device(cfg).unwrap();
    let mut ab = FaultInjector::new(faults, seed).unwrap();
    let mut ba = FaultInjector::new(faults, seed ^ 0xDEAD).unwrap();
    let (mut got_a, mut got_b) = (Vec::new(), Vec::new());
    let mut queued = false;
    let mut now = 0u64;
    for _ in 0..200_000 {
        if a.is_established() && !queued {
            payloads_a.iter().for_each(|p| a.send(p.clone()).unwrap());
            queued = true;
        }
        if b.take_new_session() {
            payloads_b.iter().for_each(|p| b.send(p.clone()).unwrap());
        }
        let (mut wa, mut wb) = (Vec::new(), Vec::new());
        a.transmit(now, &mut wa);
        b.transmit(now, &mut wb);
        let (mut ra, mut rb) = (Vec::new(), Vec::new());
        ab.push(&wa, now, &mut rb);
        ba.push(&wb, now, &mut ra);
        b.receive(&rb, now);
        a.receive(&ra, now);
        while let Some(p) = a.recv() {
            got_a.push(p);
        }
        while let Some(p) = b.recv() {
            got_b.push(p);
        }
        if queued && a.all_acked() && b.all_acked() && got_a.len() == payloads_b.len() {
            break;
        }
        now += 100;
    }
    (got_a, got_b)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn link_delivers_exactly_once_in_order(
        n in 1usize..120,
        m in 0usize..60,
        seed in any::<u64>(),
        drop in 0.0f64..0.2,
        corrupt in 0.0f64..0.1,
        duplicate in 0.0f64..0.1,
        reorder in 0.0f64..0.1,
        delay in 0.0f64..0.1,
    ) {
        let pa: Vec<Vec<u8>> = (0..n).map(|i| format!("a{i}").repeat(1 + i % 30).into_bytes()).collect();
        let pb: Vec<Vec<u8>> = (0..m).map(|i| vec![i as u8; 1 + i * 3]).collect();
        let faults = FaultConfig { drop, corrupt, duplicate, reorder, delay, delay_us: 3000 };
        let (got_a, got_b) = run_pair(&pa, &pb, faults, seed);
        prop_assert_eq!(got_b, pa);
        prop_assert_eq!(got_a, pb);
    }
}

#[test]
fn wrong_major_version_is_rejected() {
    let cfg = LinkConfig::default();
    let mut dev = Link::device(cfg).unwrap();
    let hello = wire::link::Hello {
        major: 9,
        minor: 0,
        max_payload: 4096,
        window: 4,
        nonce: 1,
    };
    let mut bytes = encode_frame(&Frame {
        kind: FrameKind::Hello,
        seq: 0,
        ack: 0,
        sack: 0,
        payload: hello.encode(),
    });
    dev.receive(&bytes, 0);
    let mut out = Vec::new();
    dev.transmit(0, &mut out);
    let mut host = Link::host(cfg, 1).unwrap();
    bytes.clear();
    host.transmit(0, &mut bytes); // HELLO, puts the host in Connecting
    host.receive(&out, 0);
    match host.state() {
        LinkState::Rejected(msg) => assert!(msg.contains("9.0"), "{msg}"),
        s => panic!("expected a rejection, got {s:?}"),
    }
    assert!(!dev.is_established());
}

#[test]
fn clean_line_needs_no_retransmission() {
    let p: Vec<Vec<u8>> = (0..100).map(|i| vec![i as u8; 200]).collect();
    let (_, got) = run_pair(&p, &[], FaultConfig::default(), 1);
    assert_eq!(got, p);
}

#[test]
fn protocol_errors_are_records() {
    use wire::program::Collector;
    use wire::{ProgramBuilder, ProtocolError};
    let mut b = ProgramBuilder::new(1 << 16);
    b.read_many(&[0]).unwrap();
    let program = b.finish();
    let mut c = Collector::new(&program);
    let mut payload = Vec::new();
    Response::HaltEcho { time: 9 }.encode_into(&mut payload);
    c.payload(&payload);
    let e = &c.outcome.protocol_errors[0];
    assert_eq!(
        e,
        &ProtocolError::EarlyHalt {
            answered: 0,
            reads: 1
        }
    );
    assert_eq!(e.kind(), "early_halt");
    assert_eq!(e.to_string(), "halt echoed after 0 of 1 read responses");
    assert_eq!(ErrorCode::WriteDenied.name(), "write_denied");
}
