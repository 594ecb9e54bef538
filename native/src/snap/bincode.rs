//! `PartitionProofBytes`: a partition proof as filecoin-proofs-api's `generate_partition_proofs` returns it and
//! damocles passes it to snap_prove as `vannilla_proofs`: `bincode::serialize` (bincode 1, default options:
//! little-endian, fixed-width integers, u64 lengths, u32 enum tags, `usize` as u64) of the Rust types below. The
//! `bincode` crate writes and reads them here, over serde mirrors of those types whose field order and variants
//! follow storage-proofs' definitions:
//!
//! ```text
//! PartitionProof { comm_c: [32], apex_leafs: Vec<[32]>, challenge_proofs: Vec<ChallengeProof> }
//! ChallengeProof { proof_r_old: MerkleProof, proof_d_new: MerkleProof, proof_r_new: MerkleProof }
//! MerkleProof { data: ProofData }  ProofData = Single(0) | Sub(1) | Top(2)
//!   Single { root, leaf, path: Vec<PathElement> }
//!   Sub    { base_proof: Vec<PathElement>, sub_proof: Vec<PathElement>, root, leaf }
//!   Top    { base_proof, sub_proof, top_proof, root, leaf }
//! PathElement { hashes: Vec<[32]>, index: u64 }
//! ```
//! (a domain is its 32-byte repr, a fixed array without length; PhantomData fields take no bytes; upstream's
//! one-field `InclusionPath { path }` adds no bytes either, so the mirrors hold the `Vec` directly.)
//! Only the conversion to and from the internal types (`proof.rs`, `merkle.rs`) is written here.

use ::bincode::{ErrorKind, Options};
use serde::{Deserialize, Serialize};

use super::proof::{ChallengeProof, PartitionProof, TreeDProof};
use crate::field::Fr;
use crate::merkle::{MerkleProof, PathElement};

type Domain = [u8; 32];

#[derive(Serialize, Deserialize)]
struct PartitionProofBytes {
    comm_c: Domain,
    apex_leafs: Vec<Domain>,
    challenge_proofs: Vec<ChallengeProofBytes>,
}

#[derive(Serialize, Deserialize)]
struct ChallengeProofBytes {
    proof_r_old: MerkleProofBytes,
    proof_d_new: MerkleProofBytes,
    proof_r_new: MerkleProofBytes,
}

#[derive(Serialize, Deserialize)]
struct MerkleProofBytes {
    data: ProofData,
}

#[derive(Serialize, Deserialize)]
enum ProofData {
    Single { root: Domain, leaf: Domain, path: Vec<PathElementBytes> },
    Sub { base_proof: Vec<PathElementBytes>, sub_proof: Vec<PathElementBytes>, root: Domain, leaf: Domain },
    Top {
        base_proof: Vec<PathElementBytes>,
        sub_proof: Vec<PathElementBytes>,
        top_proof: Vec<PathElementBytes>,
        root: Domain,
        leaf: Domain,
    },
}

#[derive(Serialize, Deserialize)]
struct PathElementBytes {
    hashes: Vec<Domain>,
    index: u64,
}

/// bincode 1's default layout (what `bincode::serialize` writes), reading no length beyond the input (so a
/// corrupt length fails instead of allocating). `decode` counts trailing bytes itself to name how many there are.
fn options(limit: usize) -> impl Options {
    ::bincode::DefaultOptions::new().with_fixint_encoding().allow_trailing_bytes().with_limit(limit as u64)
}

fn path_bytes(elems: &[PathElement]) -> Vec<PathElementBytes> {
    elems.iter().map(|e| PathElementBytes { hashes: e.hashes.iter().map(Fr::to_bytes).collect(), index: e.index as u64 }).collect()
}

/// A tree_r proof: `Single` for a plain tree, `Sub`/`Top` when the path has one/two levels above the base trees.
fn tree_r_bytes(p: &MerkleProof) -> MerkleProofBytes {
    let (base, extra) = p.path.split_at(p.base_len);
    let (root, leaf) = (p.root.to_bytes(), p.leaf.to_bytes());
    let data = match extra.len() {
        0 => ProofData::Single { root, leaf, path: path_bytes(base) },
        1 => ProofData::Sub { base_proof: path_bytes(base), sub_proof: path_bytes(extra), root, leaf },
        _ => ProofData::Top {
            base_proof: path_bytes(base),
            sub_proof: path_bytes(&extra[..1]),
            top_proof: path_bytes(&extra[1..]),
            root,
            leaf,
        },
    };
    MerkleProofBytes { data }
}

fn tree_d_bytes(p: &TreeDProof) -> MerkleProofBytes {
    let path = p.siblings.iter().zip(&p.indices).map(|(s, &i)| PathElementBytes { hashes: vec![*s], index: i as u64 }).collect();
    MerkleProofBytes { data: ProofData::Single { root: p.root, leaf: p.leaf, path } }
}

pub fn encode(p: &PartitionProof) -> Vec<u8> {
    let bytes = PartitionProofBytes {
        comm_c: p.comm_c.to_bytes(),
        apex_leafs: p.apex_leafs.clone(),
        challenge_proofs: p
            .challenge_proofs
            .iter()
            .map(|c| ChallengeProofBytes {
                proof_r_old: tree_r_bytes(&c.proof_r_old),
                proof_d_new: tree_d_bytes(&c.proof_d_new),
                proof_r_new: tree_r_bytes(&c.proof_r_new),
            })
            .collect(),
    };
    // serializing owned vectors and arrays into a Vec has no failure case
    options(usize::MAX).serialize(&bytes).expect("bincode writes a partition proof into memory")
}

fn fr(b: &Domain, what: &str) -> Result<Fr, String> {
    Fr::from_bytes(b).ok_or_else(|| format!("{what}: {} is not a canonical field element", hex::encode(b)))
}

fn path(elems: Vec<PathElementBytes>, what: &str) -> Result<Vec<PathElement>, String> {
    elems
        .into_iter()
        .map(|e| {
            let hashes = e.hashes.iter().map(|h| fr(h, what)).collect::<Result<_, _>>()?;
            Ok(PathElement { hashes, index: e.index as usize })
        })
        .collect()
}

fn tree_r(p: MerkleProofBytes, what: &str) -> Result<MerkleProof, String> {
    let (root, leaf, base, extra) = match p.data {
        ProofData::Single { root, leaf, path } => (root, leaf, path, vec![]),
        ProofData::Sub { base_proof, sub_proof, root, leaf } => (root, leaf, base_proof, sub_proof),
        ProofData::Top { base_proof, mut sub_proof, top_proof, root, leaf } => {
            sub_proof.extend(top_proof);
            (root, leaf, base_proof, sub_proof)
        }
    };
    let mut path = path(base, what)?;
    let base_len = path.len();
    path.extend(self::path(extra, what)?);
    Ok(MerkleProof { root: fr(&root, what)?, leaf: fr(&leaf, what)?, path, base_len })
}

fn tree_d(p: MerkleProofBytes, what: &str) -> Result<TreeDProof, String> {
    let ProofData::Single { root, leaf, path } = p.data else {
        return Err(format!("{what}: a tree_d proof must be ProofData::Single"));
    };
    let mut siblings = Vec::with_capacity(path.len());
    let mut indices = Vec::with_capacity(path.len());
    for e in path {
        let [s] = e.hashes[..] else {
            return Err(format!("{what}: a tree_d path element holds exactly one sibling, not {}", e.hashes.len()));
        };
        siblings.push(s);
        indices.push(e.index as usize);
    }
    Ok(TreeDProof { root, leaf, siblings, indices })
}

/// bincode's errors in the words of this format.
fn describe(e: ::bincode::Error, len: usize) -> String {
    match *e {
        ErrorKind::Io(_) | ErrorKind::SizeLimit => format!("truncated: the {len} bytes end inside the partition proof"),
        ErrorKind::Custom(m) => match m.strip_prefix("invalid value: integer `").and_then(|r| r.split_once('`')) {
            Some((tag, rest)) if rest.contains("variant index") => format!("unknown ProofData variant {tag}"),
            _ => m,
        },
        e => e.to_string(),
    }
}

pub fn decode(bytes: &[u8]) -> Result<PartitionProof, String> {
    let mut rest = bytes;
    let p: PartitionProofBytes = options(bytes.len()).deserialize_from(&mut rest).map_err(|e| describe(e, bytes.len()))?;
    if !rest.is_empty() {
        return Err(format!("{} trailing bytes after the partition proof", rest.len()));
    }
    let challenge_proofs = p
        .challenge_proofs
        .into_iter()
        .enumerate()
        .map(|(k, c)| {
            Ok(ChallengeProof {
                proof_r_old: tree_r(c.proof_r_old, &format!("challenge_proofs[{k}].proof_r_old"))?,
                proof_d_new: tree_d(c.proof_d_new, &format!("challenge_proofs[{k}].proof_d_new"))?,
                proof_r_new: tree_r(c.proof_r_new, &format!("challenge_proofs[{k}].proof_r_new"))?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(PartitionProof { comm_c: fr(&p.comm_c, "comm_c")?, apex_leafs: p.apex_leafs, challenge_proofs })
}
