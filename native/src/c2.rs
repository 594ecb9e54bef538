//! Commit2 without a SNARK: takes the C1 output (rust-fil-proofs `SealCommitPhase1Output` JSON), checks it
//! against the task's prover and sector, and returns the vanilla proof bundle (`bundle.rs`) as `{proof:[u8]}`.
//!
//! Task (damocles `C2`): `{c1out, prover_id, sector_id, miner_id}`. The proof is accepted by `verify-seal` for
//! exactly these (comm_r, comm_d, prover_id, sector_id, ticket, seed) — a proof that would not verify is an error
//! here, as rust-fil-proofs' `seal_commit_phase2` refuses invalid vanilla proofs.

use crate::bundle;
use crate::c1;
use crate::json::Json;
use crate::verify_seal::{self, SealInputs};

pub fn stage(task: &Json) -> Result<Json, String> {
    let c1out = task.field("c1out")?;
    let v = c1::from_json(c1out).map_err(|e| format!("field `c1out`: {e}"))?;
    let prover_id = task.field_bytes32("prover_id")?;
    let sector_id = task.field_u64("sector_id")?;
    // miner_id is part of damocles' task; the prover id already binds the miner.
    task.field_u64("miner_id")?;
    let inputs = SealInputs {
        proof: v.proof,
        comm_r: v.comm_r,
        comm_d: v.comm_d,
        prover_id,
        sector_id,
        ticket: v.ticket,
        seed: v.seed,
    };
    verify_seal::verify(&v, &inputs).map_err(|e| format!("c1out does not verify: {e}"))?;
    Ok(Json::obj(vec![("proof", Json::bytes(&bundle::encode(&v)))]))
}
