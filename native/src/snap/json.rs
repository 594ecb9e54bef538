//! The JSON of the snap stages (serde): damocles' vc-processors task shapes (`builtin/tasks.rs` `SnapEncode`,
//! `SnapProve`, filecoin-proofs-api `generate_partition_proofs` arguments) in, the serde forms of their outputs
//! out. Only conversion lives here; the algorithm takes plain Rust types (`encode.rs`, `prove.rs`, `verify.rs`).
//!
//! A `Commitment` is 32 numbers 0..=255, bytes (`Vec<u8>`, `PartitionProofBytes`) are arrays of numbers, a
//! registered update proof is its variant name ("StackedDrg2KiBV1"…"StackedDrg64GiBV1") or its id 0..4.

use super::encode::{self, EncodeInputs};
use super::params::UpdateProof;
use super::prove::{self, ProveInputs};
use super::{bincode, bundle, verify};
use crate::json::Verdict;
use crate::stage_task::Stage;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

type Commitment = [u8; 32];

#[derive(Deserialize)]
#[serde(untagged)]
pub enum ProofRef {
    Name(String),
    Id(u64),
}

fn update_proof(r: &ProofRef) -> Result<UpdateProof, String> {
    let names = || crate::snap::params::UPDATE_PROOFS.iter().map(|p| p.name).collect::<Vec<_>>().join(", ");
    match r {
        ProofRef::Name(n) => UpdateProof::by_name(n)
            .ok_or_else(|| format!("field `registered_proof`: unknown registered update proof {n:?} (known: {})", names())),
        ProofRef::Id(id) => UpdateProof::by_id(*id)
            .ok_or_else(|| format!("field `registered_proof`: unknown registered update proof id {id} (known: 0..4)")),
    }
}

#[derive(Deserialize)]
pub struct PieceInfo {
    commitment: Commitment,
    /// Unpadded bytes.
    size: u64,
}

#[derive(Deserialize)]
pub struct SnapEncodeTask {
    registered_proof: ProofRef,
    new_replica_path: PathBuf,
    new_cache_path: PathBuf,
    sector_path: PathBuf,
    sector_cache_path: PathBuf,
    staged_data_path: PathBuf,
    piece_infos: Vec<PieceInfo>,
}

#[derive(Serialize)]
pub struct SnapEncodeOutput {
    comm_r_new: Commitment,
    comm_r_last_new: Commitment,
    comm_d_new: Commitment,
}

#[derive(Deserialize)]
pub struct PartitionProofsTask {
    registered_proof: ProofRef,
    comm_r_old: Commitment,
    comm_r_new: Commitment,
    comm_d_new: Commitment,
    sector_path: PathBuf,
    sector_cache_path: PathBuf,
    replica_path: PathBuf,
    replica_cache_path: PathBuf,
}

#[derive(Deserialize)]
pub struct SnapProveTask {
    registered_proof: ProofRef,
    /// damocles' spelling.
    vannilla_proofs: Vec<Vec<u8>>,
    comm_r_old: Commitment,
    comm_r_new: Commitment,
    comm_d_new: Commitment,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub enum Bytes {
    Array(Vec<u8>),
    Base64(String),
}

#[derive(Deserialize)]
pub struct VerifySnapTask {
    registered_proof: ProofRef,
    /// snap_prove's output: an array of numbers, or the same bytes in base64.
    proof: Bytes,
    comm_r_old: Commitment,
    comm_r_new: Commitment,
    comm_d_new: Commitment,
}

/// `snap_encode`: SnapEncode task -> `{comm_r_new, comm_r_last_new, comm_d_new}`.
impl Stage for SnapEncodeTask {
    type Output = SnapEncodeOutput;
    fn run(self) -> Result<SnapEncodeOutput, String> {
        let out = encode::encode(&EncodeInputs {
            proof: update_proof(&self.registered_proof)?,
            new_replica_path: self.new_replica_path,
            new_cache_path: self.new_cache_path,
            sector_path: self.sector_path,
            sector_cache_path: self.sector_cache_path,
            staged_data_path: self.staged_data_path,
            pieces: self.piece_infos.iter().map(|p| (p.commitment, p.size)).collect(),
        })?;
        Ok(SnapEncodeOutput { comm_r_new: out.comm_r_new, comm_r_last_new: out.comm_r_last_new, comm_d_new: out.comm_d_new })
    }
}

/// `snap_partition_proofs`: generate_partition_proofs arguments -> `[PartitionProofBytes]` (arrays of numbers).
impl Stage for PartitionProofsTask {
    type Output = Vec<Vec<u8>>;
    fn run(self) -> Result<Vec<Vec<u8>>, String> {
        let proofs = prove::partition_proofs(&ProveInputs {
            proof: update_proof(&self.registered_proof)?,
            comm_r_old: self.comm_r_old,
            comm_r_new: self.comm_r_new,
            comm_d_new: self.comm_d_new,
            sector_path: self.sector_path,
            sector_cache_path: self.sector_cache_path,
            replica_path: self.replica_path,
            replica_cache_path: self.replica_cache_path,
        })?;
        Ok(proofs.iter().map(bincode::encode).collect())
    }
}

/// `snap_prove`: SnapProve task -> the vanilla bundle bytes (an array of numbers, like damocles' `Vec<u8>`).
/// The partition proofs must verify for the given commitments; the bundle is not a SNARK (`bundle.rs`).
impl Stage for SnapProveTask {
    type Output = Vec<u8>;
    fn run(self) -> Result<Vec<u8>, String> {
        let proof = update_proof(&self.registered_proof)?;
        let parts = self
            .vannilla_proofs
            .iter()
            .enumerate()
            .map(|(k, b)| bincode::decode(b).map_err(|e| format!("field `vannilla_proofs[{k}]`: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        verify::verify_all(&proof, &parts, &self.comm_r_old, &self.comm_r_new, &self.comm_d_new)
            .map_err(|e| format!("vannilla_proofs do not verify: {e}"))?;
        Ok(bundle::encode(&proof, &self.vannilla_proofs))
    }
}

/// `verify_snap`: `{registered_proof, proof, comm_r_old, comm_r_new, comm_d_new}` -> `{"valid":true}` or
/// `{"valid":false,"reason":…}`; malformed input is an error.
impl Stage for VerifySnapTask {
    type Output = Verdict;
    fn run(self) -> Result<Verdict, String> {
        let proof = update_proof(&self.registered_proof)?;
        let bytes = match self.proof {
            Bytes::Array(b) => b,
            Bytes::Base64(s) => STANDARD.decode(&s).map_err(|e| format!("field `proof`: invalid base64: {e}"))?,
        };
        let r = bundle::decode(&bytes).and_then(|(p, parts)| {
            if p != proof {
                return Err(format!("the bundle is a {} proof, not {}", p.name, proof.name));
            }
            verify::verify_all(&proof, &parts, &self.comm_r_old, &self.comm_r_new, &self.comm_d_new)
        });
        Ok(Verdict::from(r))
    }
}
