//! Commit2 without a SNARK: takes the C1 output (rust-fil-proofs `SealCommitPhase1Output` JSON), checks it
//! against the task's prover and sector, and returns the vanilla proof bundle (`bundle.rs`) as `{proof:[u8]}`.
//!
//! Task (damocles `C2`): `{c1out, prover_id, sector_id, miner_id}`. The proof is accepted by `verify-seal` for
//! exactly these (comm_r, comm_d, prover_id, sector_id, ticket, seed) — a proof that would not verify is an error
//! here, as rust-fil-proofs' `seal_commit_phase2` refuses invalid vanilla proofs.

use crate::bundle;
use crate::c1_output::SealCommitPhase1Output;
use crate::stage_task::Stage;
use crate::vanilla::SealInputs;
use crate::verify_seal;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
pub struct C2Task {
    pub c1out: SealCommitPhase1Output,
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    /// Part of damocles' task; the prover id already binds the miner.
    pub miner_id: u64,
}

#[derive(Serialize)]
pub struct C2Output {
    pub proof: Vec<u8>,
}

impl Stage for C2Task {
    type Output = C2Output;
    fn run(self) -> Result<C2Output, String> {
        let v = self.c1out.into_vanilla().map_err(|e| format!("field `c1out`: {e}"))?;
        let inputs = SealInputs {
            proof: v.proof,
            comm_r: v.comm_r,
            comm_d: v.comm_d,
            prover_id: self.prover_id,
            sector_id: self.sector_id,
            ticket: v.ticket,
            seed: v.seed,
        };
        verify_seal::verify(&v, &inputs).map_err(|e| format!("c1out does not verify: {e}"))?;
        Ok(C2Output { proof: bundle::encode(&v) })
    }
}
