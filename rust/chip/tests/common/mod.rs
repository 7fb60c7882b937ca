//! Helpers shared by the executor-level integration tests.

use chip::executor::Executor;
use wire::instr::{decode_responses, Instruction, Response};

/// Runs instructions as one payload and decodes every response.
pub fn run(ex: &mut Executor, ins: &[Instruction]) -> Vec<Response> {
    let mut payload = Vec::new();
    ins.iter().for_each(|i| i.encode_into(&mut payload));
    let mut out = Vec::new();
    ex.execute_payload(&payload, &mut out);
    out.iter()
        .flat_map(|p| decode_responses(p).unwrap())
        .collect()
}
