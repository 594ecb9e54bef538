//! Verifying a sealed sector's vanilla proofs against its public inputs (what the Groth16 circuit would check,
//! rust-fil-proofs' `StackedCircuit`), and the `verify-seal` / `verify_seal` entry points.
//!
//! For every interactive challenge c (derived from replica_id and seed, `challenges.rs`) the verifier checks:
//! - the comm_d path (binary SHA254 tree) from the data leaf at c to comm_d;
//! - the tree_r_last path from the replica leaf at c to comm_r_last;
//! - 15 column proofs (c, its 6 DRG parents, its 8 expander parents, at the indices the SDR graph gives) to comm_c,
//!   each leaf being Poseidon_L of the column's L labels;
//! - Poseidon_2(comm_c, comm_r_last) = comm_r;
//! - label_ℓ(c) recomputed from the parent labels *taken from the parent columns* (as `sdr/labels.rs` hashes them) equals row ℓ of c's
//!   column, for every layer (so the labels are tied to comm_c, as in the circuit);
//! - encoding: label_L(c) + data leaf = replica leaf in Fr.
//!
//! `verify-seal` reads `{"registered_proof","comm_r","comm_d","prover_id","sector_id","ticket","seed","proof"}`
//! (proof = base64 of the c2 bundle) and prints `{"valid":true}` or `{"valid":false,"reason":…}`.

use crate::challenges;
use crate::field::Fr;
use crate::ids;
use crate::json::{self, Base64, Verdict};
use crate::merkle::{MerkleProof, TreeShape};
use crate::poseidon;
use crate::sdr::graph::{Graph, BASE_DEGREE, DEGREE};
use crate::sha256::{hash_pair, Sha256};
use crate::stage_task::Stage;
use crate::vanilla::{SealInputs, VanillaSeal};
use serde::Deserialize;

// --- label of one node from its 37 parent labels (as sdr/labels.rs); composed from crate::sha256 ---

/// The 37 parent labels in hashing order, from the 6 DRG-parent labels of layer ℓ and (ℓ ≥ 2) the 8
/// expander-parent labels of layer ℓ − 1.
pub fn hashing_order(drg: &[[u8; 32]], exp: Option<&[[u8; 32]]>) -> Vec<[u8; 32]> {
    let mut p: Vec<[u8; 32]> = drg.to_vec();
    if let Some(e) = exp {
        p.extend_from_slice(e);
    }
    let mut out = Vec::with_capacity(37);
    while out.len() < 37 {
        let take = (37 - out.len()).min(p.len());
        out.extend_from_slice(&p[..take]);
    }
    out
}

/// label_ℓ(v) = SHA254(replica_id ‖ u32_be(ℓ) ‖ u64_be(v) ‖ 0^20 ‖ 37 parent labels) for v ≥ 1.
pub fn label_from_parents(replica_id: &[u8; 32], layer: u32, node: u64, parents: &[[u8; 32]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(replica_id);
    h.update(&layer.to_be_bytes());
    h.update(&node.to_be_bytes());
    h.update(&[0u8; 20]);
    for p in parents {
        h.update(p);
    }
    let mut d = h.finish();
    d[31] &= 0x3f;
    d
}

/// Is `proof` a path of `shape` for leaf `index` with root `root`?
fn check_path(what: &str, proof: &MerkleProof, shape: &TreeShape, index: u64, root: &Fr) -> Result<(), String> {
    if !proof.has_shape(shape) {
        return Err(format!("{what}: path does not have the tree shape of this sector size"));
    }
    if proof.leaf_index() != index {
        return Err(format!("{what}: path is for leaf {}, expected {index}", proof.leaf_index()));
    }
    if proof.root != *root {
        return Err(format!("{what}: root differs from the commitment"));
    }
    if !proof.verify() {
        return Err(format!("{what}: path does not hash to its root"));
    }
    Ok(())
}

/// Root of a binary SHA254 path for leaf `index`.
pub fn comm_d_root(leaf: &[u8; 32], siblings: &[[u8; 32]], index: u64) -> [u8; 32] {
    let mut cur = *leaf;
    for (level, s) in siblings.iter().enumerate() {
        cur = if (index >> level) & 1 == 0 { hash_pair(&cur, s) } else { hash_pair(s, &cur) };
    }
    cur
}

/// Verifies a vanilla seal proof against public inputs. Ok(()) or the first reason it fails.
pub fn verify(v: &VanillaSeal, inputs: &SealInputs) -> Result<(), String> {
    let p = inputs.proof;
    if v.proof != p {
        return Err(format!("proof is for {}, expected {}", v.proof.name, p.name));
    }
    if v.comm_r != inputs.comm_r {
        return Err("comm_r differs from the proven one".into());
    }
    if v.comm_d != inputs.comm_d {
        return Err("comm_d differs from the proven one".into());
    }
    if v.ticket != inputs.ticket || v.seed != inputs.seed {
        return Err("ticket or seed differs from the proven one".into());
    }
    let replica_id = ids::replica_id(&inputs.prover_id, inputs.sector_id, &inputs.ticket, &inputs.comm_d, &p.porep_id());
    if v.replica_id != replica_id {
        return Err("replica_id does not match prover_id/sector_id/ticket/comm_d".into());
    }
    if poseidon::hash(&[v.comm_c, v.comm_r_last]).to_bytes() != inputs.comm_r {
        return Err("Poseidon(comm_c, comm_r_last) != comm_r".into());
    }
    let expected = challenges::porep(&p, &replica_id, &inputs.seed, &inputs.comm_r)?;
    let got: Vec<Vec<u64>> = v.partitions.iter().map(|ps| ps.iter().map(|c| c.challenge).collect()).collect();
    if got != expected {
        return Err(format!("challenges {got:?} are not the ones derived from the seed ({expected:?})"));
    }
    let shape = TreeShape::for_nodes(p.nodes())?;
    let graph = Graph::for_proof(&p);
    let layers = p.layers();
    let d_levels = p.nodes().trailing_zeros() as usize;
    for cp in v.partitions.iter().flatten() {
        let c = cp.challenge;
        let at = |m: String| format!("challenge {c}: {m}");
        if cp.comm_d_siblings.len() != d_levels {
            return Err(at(format!("comm_d path has {} levels, expected {d_levels}", cp.comm_d_siblings.len())));
        }
        if comm_d_root(&cp.comm_d_leaf, &cp.comm_d_siblings, c) != inputs.comm_d {
            return Err(at("comm_d path does not lead to comm_d".into()));
        }
        check_path("tree_r_last", &cp.comm_r_last_proof, &shape, c, &v.comm_r_last).map_err(at)?;
        let mut parents = [0u32; DEGREE];
        graph.parents(c, &mut parents);
        if cp.columns.len() != 1 + DEGREE {
            return Err(at(format!("{} column proofs, expected {}", cp.columns.len(), 1 + DEGREE)));
        }
        for (k, col) in cp.columns.iter().enumerate() {
            let want = if k == 0 { c } else { parents[k - 1] as u64 };
            if col.index != want {
                return Err(at(format!("column {k} is for node {}, expected {want}", col.index)));
            }
            if col.rows.len() != layers {
                return Err(at(format!("column {k} has {} rows, expected {layers}", col.rows.len())));
            }
            if poseidon::hash(&col.rows) != col.proof.leaf {
                return Err(at(format!("column {k} does not hash to its tree_c leaf")));
            }
            check_path(&format!("tree_c column {k}"), &col.proof, &shape, want, &v.comm_c).map_err(at)?;
        }
        let row = |k: usize, layer: usize| cp.columns[k].rows[layer - 1].to_bytes();
        for layer in 1..=layers {
            let drg: Vec<[u8; 32]> = (1..=BASE_DEGREE).map(|k| row(k, layer)).collect();
            let exp: Vec<[u8; 32]> =
                if layer > 1 { (BASE_DEGREE + 1..=DEGREE).map(|k| row(k, layer - 1)).collect() } else { vec![] };
            let parents = hashing_order(&drg, if layer > 1 { Some(&exp) } else { None });
            let label = label_from_parents(&replica_id, layer as u32, c, &parents);
            if label != row(0, layer) {
                return Err(at(format!("label of layer {layer} does not follow from its parents")));
            }
        }
        let data = Fr::from_bytes(&cp.comm_d_leaf).ok_or_else(|| at("data leaf is not a field element".into()))?;
        if cp.columns[0].rows[layers - 1].add(&data) != cp.comm_r_last_proof.leaf {
            return Err(at("encoding check failed: label + data != replica node".into()));
        }
    }
    Ok(())
}

/// Decodes a c2 bundle and verifies it: Ok(()) or the reason.
pub fn verify_bundle(inputs: &SealInputs, bytes: &[u8]) -> Result<(), String> {
    let v = crate::bundle::decode(bytes)?;
    verify(&v, inputs)
}

/// The proof of a verify_seal task: the c2 bundle as base64.
#[derive(Deserialize)]
struct BundleField {
    proof: Base64,
}

/// The `verify_seal` stage and `verify-seal` command: the public inputs and `proof` (base64 of the c2 bundle).
#[derive(Deserialize)]
#[serde(try_from = "serde_json::Value")]
pub struct VerifySealTask {
    pub inputs: SealInputs,
    pub bundle: Vec<u8>,
}

impl TryFrom<serde_json::Value> for VerifySealTask {
    type Error = String;
    fn try_from(task: serde_json::Value) -> Result<Self, String> {
        let inputs = json::from_value(&task)?;
        let BundleField { proof } = json::from_value(&task)?;
        Ok(VerifySealTask { inputs, bundle: proof.0 })
    }
}

impl Stage for VerifySealTask {
    type Output = Verdict;
    /// Malformed input was an Err already (exit 1 in the CLI); a wrong proof is `valid:false`.
    fn run(self) -> Result<Verdict, String> {
        Ok(verify_bundle(&self.inputs, &self.bundle).into())
    }
}
