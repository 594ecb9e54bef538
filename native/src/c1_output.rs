//! rust-fil-proofs' `SealCommitPhase1Output` JSON: what c1 writes and c2 reads back (damocles passes it from one to
//! the other unchanged, so a c2 processor from another implementation accepts it).
//!
//! `{registered_proof, vanilla_proofs:{"StackedDrg<size>V1":[[Proof per challenge] per partition]}, comm_r, comm_d,
//! replica_id, seed, ticket}` with `Proof = {comm_d_proofs, comm_r_last_proof, replica_column_proofs:{c_x,
//! drg_parents[6], exp_parents[8]}, labeling_proofs[L], encoding_proof}`. A Merkle proof is
//! `{"data":{"Single":{root, leaf, path:{path:[{hashes, index}]}}}}` (`Sub`/`Top` with `base_proof`, `sub_proof`,
//! `top_proof` for 32/64 GiB), a column proof `{column:{index, rows, _h:null}, inclusion_proof}`, labeling/encoding
//! proofs `{parents:[37], layer_index, node, _h:null}`. Field elements and SHA254 values are 32 numbers each.

use crate::field::Fr;
use crate::ids::SealProof;
use crate::json::Phantom;
use crate::merkle::{MerkleProof, PathElement};
use crate::sdr::graph::{BASE_DEGREE, DEGREE};
use crate::vanilla::{ChallengeProof, ColumnProof, VanillaSeal};
use crate::verify_seal::{comm_d_root, hashing_order};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A field element: its 32 little-endian bytes, canonical.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "[u8; 32]", into = "[u8; 32]")]
pub struct Domain(pub Fr);

impl TryFrom<[u8; 32]> for Domain {
    type Error = &'static str;
    fn try_from(b: [u8; 32]) -> Result<Domain, &'static str> {
        Fr::from_bytes(&b).map(Domain).ok_or("not a canonical field element")
    }
}

impl From<Domain> for [u8; 32] {
    fn from(d: Domain) -> [u8; 32] {
        d.0.to_bytes()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathLevel<H> {
    pub hashes: Vec<H>,
    pub index: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InclusionPath<H> {
    pub path: Vec<PathLevel<H>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MerkleData<H> {
    Single { root: H, leaf: H, path: InclusionPath<H> },
    Sub { base_proof: InclusionPath<H>, sub_proof: InclusionPath<H>, root: H, leaf: H },
    Top { base_proof: InclusionPath<H>, sub_proof: InclusionPath<H>, top_proof: InclusionPath<H>, root: H, leaf: H },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merkle<H> {
    pub data: MerkleData<H>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub index: u64,
    pub rows: Vec<Domain>,
    #[serde(rename = "_h")]
    pub h: Phantom,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnInclusion {
    pub column: Column,
    pub inclusion_proof: Merkle<Domain>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaColumnProofs {
    pub c_x: ColumnInclusion,
    pub drg_parents: Vec<ColumnInclusion>,
    pub exp_parents: Vec<ColumnInclusion>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LabelingProof {
    pub parents: Vec<[u8; 32]>,
    pub layer_index: usize,
    pub node: u64,
    #[serde(rename = "_h")]
    pub h: Phantom,
}

/// One challenge's proof. The labeling and encoding proofs follow from the columns, so they are written for
/// other c2 implementations and not read back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proof {
    pub comm_d_proofs: Merkle<[u8; 32]>,
    pub comm_r_last_proof: Merkle<Domain>,
    pub replica_column_proofs: ReplicaColumnProofs,
    #[serde(skip_deserializing)]
    pub labeling_proofs: Vec<LabelingProof>,
    #[serde(skip_deserializing)]
    pub encoding_proof: LabelingProof,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealCommitPhase1Output {
    pub registered_proof: SealProof,
    pub vanilla_proofs: BTreeMap<String, Vec<Vec<Proof>>>,
    pub comm_r: [u8; 32],
    pub comm_d: [u8; 32],
    pub replica_id: [u8; 32],
    pub seed: [u8; 32],
    pub ticket: [u8; 32],
}

fn path_out<H: Clone>(levels: &[PathElement], hash: impl Fn(&Fr) -> H) -> InclusionPath<H> {
    InclusionPath {
        path: levels.iter().map(|e| PathLevel { hashes: e.hashes.iter().map(&hash).collect(), index: e.index }).collect(),
    }
}

fn merkle_out(p: &MerkleProof) -> Merkle<Domain> {
    let path = |levels: &[PathElement]| path_out(levels, |f| Domain(*f));
    let (base, extra) = p.path.split_at(p.base_len);
    let (root, leaf) = (Domain(p.root), Domain(p.leaf));
    let data = match extra.len() {
        0 => MerkleData::Single { root, leaf, path: path(base) },
        1 => MerkleData::Sub { base_proof: path(base), sub_proof: path(extra), root, leaf },
        _ => MerkleData::Top {
            base_proof: path(base),
            sub_proof: path(&extra[..1]),
            top_proof: path(&extra[1..]),
            root,
            leaf,
        },
    };
    Merkle { data }
}

fn merkle_in(m: Merkle<Domain>) -> MerkleProof {
    let levels = |p: InclusionPath<Domain>| -> Vec<PathElement> {
        p.path.into_iter().map(|l| PathElement { hashes: l.hashes.into_iter().map(|d| d.0).collect(), index: l.index }).collect()
    };
    let (root, leaf, mut path, extra) = match m.data {
        MerkleData::Single { root, leaf, path } => (root, leaf, levels(path), vec![]),
        MerkleData::Sub { base_proof, sub_proof, root, leaf } => (root, leaf, levels(base_proof), levels(sub_proof)),
        MerkleData::Top { base_proof, sub_proof, top_proof, root, leaf } => {
            let mut extra = levels(sub_proof);
            extra.extend(levels(top_proof));
            (root, leaf, levels(base_proof), extra)
        }
    };
    let base_len = path.len();
    path.extend(extra);
    MerkleProof { root: root.0, leaf: leaf.0, path, base_len }
}

fn column_out(c: &ColumnProof) -> ColumnInclusion {
    ColumnInclusion {
        column: Column { index: c.index, rows: c.rows.iter().map(|r| Domain(*r)).collect(), h: Phantom },
        inclusion_proof: merkle_out(&c.proof),
    }
}

fn column_in(c: ColumnInclusion) -> ColumnProof {
    ColumnProof {
        index: c.column.index,
        rows: c.column.rows.into_iter().map(|d| d.0).collect(),
        proof: merkle_in(c.inclusion_proof),
    }
}

fn challenge_out(c: &ChallengeProof, layers: usize) -> Proof {
    // comm_d proof: binary SHA254 path, root recomputed from the leaf
    let comm_d_proofs = Merkle {
        data: MerkleData::Single {
            root: comm_d_root(&c.comm_d_leaf, &c.comm_d_siblings, c.challenge),
            leaf: c.comm_d_leaf,
            path: InclusionPath {
                path: c
                    .comm_d_siblings
                    .iter()
                    .enumerate()
                    .map(|(level, s)| PathLevel { hashes: vec![*s], index: ((c.challenge >> level) & 1) as usize })
                    .collect(),
            },
        },
    };
    let row = |k: usize, layer: usize| c.columns[k].rows[layer - 1].to_bytes();
    let labeling = |layer: usize| {
        let drg: Vec<[u8; 32]> = (1..=BASE_DEGREE).map(|k| row(k, layer)).collect();
        let exp: Vec<[u8; 32]> = (BASE_DEGREE + 1..=DEGREE).map(|k| row(k, layer.max(2) - 1)).collect();
        let parents = hashing_order(&drg, if layer > 1 { Some(&exp) } else { None });
        LabelingProof { parents, layer_index: layer, node: c.challenge, h: Phantom }
    };
    Proof {
        comm_d_proofs,
        comm_r_last_proof: merkle_out(&c.comm_r_last_proof),
        replica_column_proofs: ReplicaColumnProofs {
            c_x: column_out(&c.columns[0]),
            drg_parents: c.columns[1..=BASE_DEGREE].iter().map(column_out).collect(),
            exp_parents: c.columns[BASE_DEGREE + 1..].iter().map(column_out).collect(),
        },
        labeling_proofs: (1..=layers).map(labeling).collect(),
        encoding_proof: labeling(layers),
    }
}

fn challenge_in(p: Proof, what: &str) -> Result<ChallengeProof, String> {
    // comm_d paths hold SHA254 values (raw bytes, not field elements); the root is recomputed by the verifier
    let MerkleData::Single { leaf: comm_d_leaf, path, .. } = p.comm_d_proofs.data else {
        return Err(format!("{what}.comm_d_proofs: expected a `Single` proof"));
    };
    let comm_d_siblings = path
        .path
        .into_iter()
        .map(|level| match level.hashes[..] {
            [h] => Ok(h),
            _ => Err(format!("{what}.comm_d_proofs: expected one sibling per level")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let rc = p.replica_column_proofs;
    let columns: Vec<ColumnProof> =
        std::iter::once(rc.c_x).chain(rc.drg_parents).chain(rc.exp_parents).map(column_in).collect();
    Ok(ChallengeProof {
        challenge: columns[0].index,
        comm_d_leaf,
        comm_d_siblings,
        comm_r_last_proof: merkle_in(p.comm_r_last_proof),
        columns,
    })
}

impl SealCommitPhase1Output {
    pub fn new(v: &VanillaSeal) -> SealCommitPhase1Output {
        let layers = v.proof.layers();
        let partitions = v.partitions.iter().map(|p| p.iter().map(|c| challenge_out(c, layers)).collect()).collect();
        SealCommitPhase1Output {
            registered_proof: v.proof,
            vanilla_proofs: BTreeMap::from([(v.proof.shape_key(), partitions)]),
            comm_r: v.comm_r,
            comm_d: v.comm_d,
            replica_id: v.replica_id,
            seed: v.seed,
            ticket: v.ticket,
        }
    }

    /// The vanilla seal proof back (comm_c and comm_r_last are the roots the paths claim; `verify` checks them).
    pub fn into_vanilla(mut self) -> Result<VanillaSeal, String> {
        let key = self.registered_proof.shape_key();
        let parts = self.vanilla_proofs.remove(&key).ok_or_else(|| format!("vanilla_proofs: missing key {key:?}"))?;
        let mut partitions = Vec::with_capacity(parts.len());
        for (k, part) in parts.into_iter().enumerate() {
            let proofs = part.into_iter().enumerate().map(|(i, c)| challenge_in(c, &format!("vanilla_proofs[{k}][{i}]")));
            partitions.push(proofs.collect::<Result<Vec<_>, _>>()?);
        }
        let first = partitions.iter().flatten().next().ok_or("vanilla_proofs: no challenges")?;
        let (comm_c, comm_r_last) = (first.columns[0].proof.root, first.comm_r_last_proof.root);
        Ok(VanillaSeal {
            proof: self.registered_proof,
            comm_r: self.comm_r,
            comm_d: self.comm_d,
            replica_id: self.replica_id,
            seed: self.seed,
            ticket: self.ticket,
            comm_c,
            comm_r_last,
            partitions,
        })
    }
}
