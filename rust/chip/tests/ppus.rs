//! The two PPUs inside the chip model, driven by the host through the executor: loading,
//! release, sleep, exit code, faults, and the bus from a program to the chip.

use chip::executor::Executor;
use chip::ppus::{VectorTarget, PPU_CYCLES_PER_FPGA_CYCLE};
use ppu::insn::*;
use wire::instr::{Instruction, Response};

mod common;
use common::run;

fn addr(name: &str, index: u32, word: u8) -> u32 {
    regmap::register(name)
        .unwrap()
        .address(index, word)
        .unwrap()
}

fn read(ex: &mut Executor, address: u32) -> u32 {
    match run(ex, &[Instruction::Read { address }]).as_slice() {
        [Response::ReadData { word, .. }] => *word,
        other => panic!("read {address:#x}: {other:?}"),
    }
}

fn write(address: u32, word: u32) -> Instruction {
    Instruction::Write { address, word }
}

fn li(rt: u8, v: i16) -> Insn {
    Insn::Addi(DImm { rt, ra: 0, si: v })
}
fn lis(rt: u8, v: i16) -> Insn {
    Insn::Addis(DImm { rt, ra: 0, si: v })
}
fn ori(ra: u8, rs: u8, ui: u16) -> Insn {
    Insn::Ori(DLogic { ra, rs, ui })
}
fn stw(rt: u8, d: i16, ra: u8) -> Insn {
    Insn::Stw(DMem { rt, ra, d })
}
fn lwz(rt: u8, d: i16, ra: u8) -> Insn {
    Insn::Lwz(DMem { rt, ra, d })
}
fn wait() -> Insn {
    Insn::Wait(Field2 { value: 0 })
}

/// Instructions that load a program into `ppu`'s memory and release it.
fn load(ppu: u32, program: &[Insn]) -> Vec<Instruction> {
    let mut ins = vec![write(addr("ppu_control", ppu, 0), 0)];
    for (i, insn) in program.iter().enumerate() {
        let word = encode(insn).unwrap();
        ins.push(write(
            addr("ppu_memory_word", ppu * 4096 + i as u32, 0),
            word,
        ));
    }
    ins.push(write(addr("ppu_control", ppu, 0), 1));
    ins
}

const EXIT_WORD: u32 = 3071;

#[test]
fn a_program_runs_to_wait_and_leaves_its_exit_code() {
    let mut ex = Executor::new();
    let program = [li(3, 42), stw(3, 0x2FFC, 0), wait()];
    let mut ins = load(0, &program);
    ins.push(Instruction::WaitUntil { cycles: 100 });
    run(&mut ex, &ins);
    assert_eq!(read(&mut ex, addr("ppu_status", 0, 0)), 1, "asleep");
    assert_eq!(read(&mut ex, addr("ppu_memory_word", EXIT_WORD, 0)), 42);
    // The other core never ran.
    assert_eq!(read(&mut ex, addr("ppu_status", 1, 0)), 0);
    // Holding it in reset clears the sleep bit; the memory stays.
    run(&mut ex, &[write(addr("ppu_control", 0, 0), 0)]);
    assert_eq!(read(&mut ex, addr("ppu_status", 0, 0)), 0);
    assert_eq!(read(&mut ex, addr("ppu_memory_word", EXIT_WORD, 0)), 42);
}

#[test]
fn cores_run_in_lock_step_with_hardware_time() {
    let mut ex = Executor::new();
    // A counting loop: r4 += 1 forever, storing it; after N FPGA cycles the count is
    // bounded by the PPU cycles available.
    let program = [
        li(4, 0),
        Insn::Addi(DImm {
            rt: 4,
            ra: 4,
            si: 1,
        }),
        stw(4, 0x3000, 0),
        Insn::B(Branch {
            li: -8,
            aa: false,
            lk: false,
        }),
    ];
    let mut ins = load(1, &program);
    ins.push(Instruction::TimerReset);
    ins.push(Instruction::WaitUntil { cycles: 10_000 });
    run(&mut ex, &ins);
    let count = read(&mut ex, addr("ppu_memory_word", 4096 + 3072, 0));
    // Each iteration: addi 1 + stw 2 + b 1 = 4 cycles; 10_000 FPGA cycles = 20_000 PPU cycles.
    let budget = (10_000 + 4096) * PPU_CYCLES_PER_FPGA_CYCLE / 4;
    assert!(count > 4_000 && u64::from(count) <= budget, "count {count}");
    let status = read(&mut ex, addr("ppu_status", 1, 0));
    assert_eq!(status, 0, "still running");
}

#[test]
fn an_illegal_word_stops_the_core_and_is_reported() {
    let mut ex = Executor::new();
    let mut ins = load(0, &[li(3, 1)]);
    // Word 1 is 0 (opcode 0): illegal.
    ins.push(Instruction::WaitUntil { cycles: 50 });
    run(&mut ex, &ins);
    assert_eq!(read(&mut ex, addr("ppu_status", 0, 0)), 0);
    assert_eq!(read(&mut ex, addr("ppu_fault", 0, 0)), 1, "kind illegal");
    assert_eq!(read(&mut ex, addr("ppu_fault", 0, 1)), 4, "pc");
    assert_eq!(read(&mut ex, addr("ppu_fault", 0, 2)), 0, "word");
    // Releasing again clears the fault.
    let ins = load(0, &[wait()]);
    run(&mut ex, &ins);
    run(&mut ex, &[Instruction::WaitUntil { cycles: 100 }]);
    assert_eq!(read(&mut ex, addr("ppu_fault", 0, 0)), 0);
    assert_eq!(read(&mut ex, addr("ppu_status", 0, 0)), 1);
}

#[test]
fn a_program_reconfigures_the_chip_over_the_omnibus() {
    let mut ex = Executor::new();
    // Write synapse_weight_quad (synram 0, row 3, quad 0) = weight 0x3F in entry 0 (after
    // the permutation 0x3F is 0x3F), then read the spike counter of column 5 and store it.
    let quad = addr("synapse_weight_quad", 3 * 64, 0);
    let counter = addr("spike_counter_read", 5, 0);
    let hi = |a: u32| ((0x8000_0000 | (a << 2)) >> 16) as i16;
    let lo = |a: u32| ((0x8000_0000 | (a << 2)) & 0xFFFF) as u16;
    let program = [
        lis(5, hi(quad)),
        ori(5, 5, lo(quad)),
        lis(6, 0x3F00),
        stw(6, 0, 5),
        lis(7, hi(counter)),
        ori(7, 7, lo(counter)),
        lwz(8, 0, 7),
        stw(8, 0x3004, 0),
        // A byte access to the Omnibus is a bus error.
        Insn::Stb(DMem { rt: 6, ra: 5, d: 0 }),
    ];
    let mut ins = load(0, &program);
    ins.push(Instruction::WaitUntil { cycles: 200 });
    run(&mut ex, &ins);
    assert_eq!(ex.chip.routing.synapse(0, 3, 0), (0x3F, 0));
    assert_eq!(
        read(&mut ex, quad) >> 24,
        0x3F,
        "the host reads the new weight"
    );
    assert_eq!(read(&mut ex, addr("ppu_fault", 0, 0)), 4, "bus error");
    assert_eq!(read(&mut ex, addr("ppu_fault", 0, 1)), 4 * 8);
    assert_eq!(
        read(&mut ex, addr("ppu_fault", 0, 2)),
        0x8000_0000 | (quad << 2)
    );
}

#[test]
fn fpga_memory_is_shared_with_the_host() {
    let mut ex = Executor::new();
    let program = [
        lis(5, 0x4000),
        lwz(6, 8, 5),
        Insn::Addi(DImm {
            rt: 6,
            ra: 6,
            si: 1,
        }),
        stw(6, 12, 5),
        Insn::Sth(DMem {
            rt: 6,
            ra: 5,
            d: 18,
        }),
        wait(),
    ];
    let mut ins = vec![write(addr("external_ppu_memory", 2, 0), 41)];
    ins.extend(load(0, &program));
    ins.push(Instruction::WaitUntil { cycles: 200 });
    run(&mut ex, &ins);
    assert_eq!(read(&mut ex, addr("external_ppu_memory", 3, 0)), 42);
    assert_eq!(
        read(&mut ex, addr("external_ppu_memory", 4, 0)),
        42,
        "low half"
    );
}

#[test]
fn vector_io_addresses_decode() {
    use VectorTarget::*;
    let t = VectorTarget::decode;
    assert_eq!(
        t(0),
        Some(Synapses {
            labels: false,
            row: 0,
            half: 0
        })
    );
    assert_eq!(
        t(511),
        Some(Synapses {
            labels: false,
            row: 255,
            half: 1
        })
    );
    assert_eq!(t(512), None);
    assert_eq!(
        t(0x40000 + 7),
        Some(Synapses {
            labels: true,
            row: 3,
            half: 1
        })
    );
    assert_eq!(
        t(0x90000 + 2),
        Some(Correlation {
            channel: 0,
            reset: true,
            row: 1,
            half: 0
        })
    );
    assert_eq!(
        t(0x2C0000 + 2),
        Some(Correlation {
            channel: 1,
            reset: false,
            row: 1,
            half: 0
        }),
        "buffer-enable modifier ignored"
    );
    assert_eq!(t(0x00C9_0000 + 513), Some(NeuronReset { half: 1 }));
    assert_eq!(t(0x00C9_0000 + 3), None);
    assert_eq!(
        t(0x8000_0010),
        Some(Fpga {
            dram: false,
            offset: 0x100
        })
    );
    assert_eq!(t(0x0005_0000), None);
}

#[test]
fn code_runs_from_fpga_memory() {
    let mut ex = Executor::new();
    // At 0: jump to 0x8000_0000 (extmem as instruction space); there: exit code 5, wait.
    let ext = [li(3, 5), stw(3, 0x2FFC, 0), wait()];
    let mut ins: Vec<Instruction> = ext
        .iter()
        .enumerate()
        .map(|(i, x)| write(addr("external_ppu_memory", i as u32, 0), encode(x).unwrap()))
        .collect();
    ins.extend(load(
        0,
        &[
            lis(5, -0x8000),
            Insn::Mtspr(SprMove { reg: 5, spr: 9 }),
            Insn::Bcctr(BranchReg {
                bo: 20,
                bi: 0,
                bh: 0,
                lk: false,
            }),
        ],
    ));
    ins.push(Instruction::WaitUntil { cycles: 100 });
    run(&mut ex, &ins);
    assert_eq!(read(&mut ex, addr("ppu_fault", 0, 0)), 0);
    assert_eq!(read(&mut ex, addr("ppu_memory_word", EXIT_WORD, 0)), 5);
}

#[test]
fn a_sleeping_core_is_woken_by_its_decrementer() {
    use ppu::cpu::{MSR_EE, TCR_DIE};
    let mut ex = Executor::new();
    // 0x00: b 0x40 (main); 0x30: the decrementer handler stores the time base and exits.
    let mut program = vec![
        Insn::Ori(DLogic {
            ra: 0,
            rs: 0,
            ui: 0
        });
        20
    ];
    program[0] = Insn::B(Branch {
        li: 0x40,
        aa: false,
        lk: false,
    });
    program[12] = Insn::Mfspr(SprMove { reg: 3, spr: 284 }); // 0x30
    program[13] = stw(3, 0x2FFC, 0);
    program[14] = wait();
    let main = [
        li(4, 10_000),
        Insn::Mtspr(SprMove { reg: 4, spr: 22 }), // DEC
        lis(4, (TCR_DIE >> 16) as i16),
        Insn::Mtspr(SprMove { reg: 4, spr: 340 }), // TCR
        ori(4, 0, MSR_EE as u16),
        Insn::Mtmsr(OneReg { reg: 4 }),
        wait(),
    ];
    program.truncate(16);
    program.extend_from_slice(&main);
    let mut ins = load(0, &program);
    ins.push(Instruction::WaitUntil { cycles: 8_000 });
    run(&mut ex, &ins);
    // DEC fired about 10_000 PPU cycles (5_000 FPGA cycles) after it was set.
    let tb = read(&mut ex, addr("ppu_memory_word", EXIT_WORD, 0));
    assert!((10_000..10_100).contains(&tb), "time base {tb}");
    assert_eq!(read(&mut ex, addr("ppu_status", 0, 0)), 1);
}

#[test]
fn host_writes_of_ppu_memory_live_in_the_ppu_only() {
    let mut ex = Executor::new();
    let a = addr("ppu_memory_word", 4096 + 5, 0);
    run(&mut ex, &[write(a, 0xCAFE_F00D)]);
    assert_eq!(
        ex.regs.stored(a),
        None,
        "not also kept in the register file"
    );
    assert_eq!(ex.introspect_word(a), Some(0xCAFE_F00D));
    assert_eq!(read(&mut ex, a), 0xCAFE_F00D);
}
