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
use crate::json::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

type Commitment = [u8; 32];

#[derive(Deserialize)]
#[serde(untagged)]
enum ProofRef {
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
struct PieceInfo {
    commitment: Commitment,
    /// Unpadded bytes.
    size: u64,
}

#[derive(Deserialize)]
struct SnapEncodeTask {
    registered_proof: ProofRef,
    new_replica_path: PathBuf,
    new_cache_path: PathBuf,
    sector_path: PathBuf,
    sector_cache_path: PathBuf,
    staged_data_path: PathBuf,
    piece_infos: Vec<PieceInfo>,
}

#[derive(Serialize)]
struct SnapEncodeOutput {
    comm_r_new: Commitment,
    comm_r_last_new: Commitment,
    comm_d_new: Commitment,
}

#[derive(Deserialize)]
struct PartitionProofsTask {
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
struct SnapProveTask {
    registered_proof: ProofRef,
    /// damocles' spelling.
    vannilla_proofs: Vec<Vec<u8>>,
    comm_r_old: Commitment,
    comm_r_new: Commitment,
    comm_d_new: Commitment,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Bytes {
    Array(Vec<u8>),
    Base64(String),
}

#[derive(Deserialize)]
struct VerifySnapTask {
    registered_proof: ProofRef,
    /// snap_prove's output: an array of numbers, or the same bytes in base64.
    proof: Bytes,
    comm_r_old: Commitment,
    comm_r_new: Commitment,
    comm_d_new: Commitment,
}

#[derive(Serialize)]
struct Verdict {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

/// Deserializes a task; an error names the key path (`piece_infos[0].size: invalid type …`).
fn parse<T: DeserializeOwned>(task: &Json) -> Result<T, String> {
    let text = task.to_string();
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        // The position serde_json reports is in our re-serialized text, not the caller's: drop it.
        let msg = e.inner().to_string();
        let msg = msg.rfind(" at line ").map_or(msg.as_str(), |i| &msg[..i]).to_string();
        match e.path().to_string().as_str() {
            "." => msg,
            path => format!("field `{path}`: {msg}"),
        }
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<Json, String> {
    Json::parse(&serde_json::to_string(v).map_err(|e| e.to_string())?)
}

/// `snap_encode`: SnapEncode task -> `{comm_r_new, comm_r_last_new, comm_d_new}`.
pub fn snap_encode(task: &Json) -> Result<Json, String> {
    let t: SnapEncodeTask = parse(task)?;
    let out = encode::encode(&EncodeInputs {
        proof: update_proof(&t.registered_proof)?,
        new_replica_path: t.new_replica_path,
        new_cache_path: t.new_cache_path,
        sector_path: t.sector_path,
        sector_cache_path: t.sector_cache_path,
        staged_data_path: t.staged_data_path,
        pieces: t.piece_infos.iter().map(|p| (p.commitment, p.size)).collect(),
    })?;
    to_json(&SnapEncodeOutput { comm_r_new: out.comm_r_new, comm_r_last_new: out.comm_r_last_new, comm_d_new: out.comm_d_new })
}

/// `snap_partition_proofs`: generate_partition_proofs arguments -> `[PartitionProofBytes]` (arrays of numbers).
pub fn snap_partition_proofs(task: &Json) -> Result<Json, String> {
    let t: PartitionProofsTask = parse(task)?;
    let proofs = prove::partition_proofs(&ProveInputs {
        proof: update_proof(&t.registered_proof)?,
        comm_r_old: t.comm_r_old,
        comm_r_new: t.comm_r_new,
        comm_d_new: t.comm_d_new,
        sector_path: t.sector_path,
        sector_cache_path: t.sector_cache_path,
        replica_path: t.replica_path,
        replica_cache_path: t.replica_cache_path,
    })?;
    to_json(&proofs.iter().map(bincode::encode).collect::<Vec<_>>())
}

/// `snap_prove`: SnapProve task -> the vanilla bundle bytes (an array of numbers, like damocles' `Vec<u8>`).
/// The partition proofs must verify for the given commitments; the bundle is not a SNARK (`bundle.rs`).
pub fn snap_prove(task: &Json) -> Result<Json, String> {
    let t: SnapProveTask = parse(task)?;
    let proof = update_proof(&t.registered_proof)?;
    let parts = t
        .vannilla_proofs
        .iter()
        .enumerate()
        .map(|(k, b)| bincode::decode(b).map_err(|e| format!("field `vannilla_proofs[{k}]`: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    verify::verify_all(&proof, &parts, &t.comm_r_old, &t.comm_r_new, &t.comm_d_new)
        .map_err(|e| format!("vannilla_proofs do not verify: {e}"))?;
    to_json(&bundle::encode(&proof, &t.vannilla_proofs))
}

/// `verify_snap`: `{registered_proof, proof, comm_r_old, comm_r_new, comm_d_new}` -> `{"valid":true}` or
/// `{"valid":false,"reason":…}`; malformed input is an error.
pub fn verify_snap(task: &Json) -> Result<Json, String> {
    let t: VerifySnapTask = parse(task)?;
    let proof = update_proof(&t.registered_proof)?;
    let bytes = match t.proof {
        Bytes::Array(b) => b,
        Bytes::Base64(s) => crate::base64::decode(&s).map_err(|e| format!("field `proof`: {e}"))?,
    };
    let r = bundle::decode(&bytes).and_then(|(p, parts)| {
        if p != proof {
            return Err(format!("the bundle is a {} proof, not {}", p.name, proof.name));
        }
        verify::verify_all(&proof, &parts, &t.comm_r_old, &t.comm_r_new, &t.comm_d_new)
    });
    to_json(&match r {
        Ok(()) => Verdict { valid: true, reason: None },
        Err(e) => Verdict { valid: false, reason: Some(e) },
    })
}
