//! The chip model under arbitrary configuration: any word written to any register, then
//! time passing, never panics and never leaves the analog state non-finite.

use chip::executor::Executor;
use proptest::prelude::*;
use wire::instr::Instruction;

fn run(ex: &mut Executor, ins: &[Instruction]) {
    let mut payload = Vec::new();
    ins.iter().for_each(|i| i.encode_into(&mut payload));
    let mut out = Vec::new();
    ex.execute_payload(&payload, &mut out);
}

/// Power the analog core up so that the neuron integration actually runs.
fn powered(seed: u64) -> Executor {
    let mut ex = Executor::with_seed(seed);
    let cfg = regmap::register("capmem_block_config").unwrap();
    let writes: Vec<Instruction> = (0..4)
        .map(|b| Instruction::Write {
            address: cfg.address(b, 0).unwrap(),
            word: 1,
        })
        .collect();
    run(&mut ex, &writes);
    ex
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_configuration_keeps_the_model_finite(
        seed in any::<u64>(),
        writes in proptest::collection::vec((any::<prop::sample::Index>(), any::<u32>(), any::<u32>(), any::<u8>()), 1..60),
        wait in 1u32..3000,
    ) {
        let mut ex = powered(seed);
        let mut ins = Vec::new();
        for (reg, index, word, w) in writes {
            let r = &regmap::REGISTERS[reg.index(regmap::REGISTERS.len())];
            if r.access == regmap::Access::ReadOnly {
                continue;
            }
            let i = index % r.count;
            let address = r.address(i, w % r.words).unwrap();
            ins.push(Instruction::Write { address, word });
        }
        ins.push(Instruction::TimerReset);
        ins.push(Instruction::WaitUntil { cycles: wait });
        run(&mut ex, &ins);
        let (p, s) = ex.introspect();
        for v in [&s.v, &s.i_exc, &s.i_inh, &s.w, &p.e_leak, &p.g_leak, &p.c_mem] {
            prop_assert!(v.iter().all(|x| x.is_finite()), "non-finite state");
        }
    }
}

#[test]
fn same_seed_same_trajectory() {
    let trajectory = |seed: u64| {
        let mut ex = powered(seed);
        let cell = regmap::register("capmem_cell").unwrap();
        // v_leak and a constant current for every neuron of block 0, then 100 us.
        let mut ins: Vec<Instruction> = (0..128)
            .flat_map(|c| {
                [(0u32, 700u32), (8, 200), (22, 600)].map(|(row, code)| Instruction::Write {
                    address: cell.address(c * 24 + row, 0).unwrap(),
                    word: code,
                })
            })
            .collect();
        ins.push(Instruction::TimerReset);
        ins.push(Instruction::WaitUntil { cycles: 12_500 });
        run(&mut ex, &ins);
        ex.introspect().1.v.clone()
    };
    let (a, b, c) = (trajectory(5), trajectory(5), trajectory(6));
    assert_eq!(a, b, "bit-identical for the same seed");
    assert_ne!(a, c);
}
