//! Commit1: the interactive challenges and a vanilla proof for each (rust-fil-proofs' `seal_commit_phase1`), output
//! in rust-fil-proofs' `SealCommitPhase1Output` JSON layout (`c1_output.rs`; damocles passes it to a c2 processor
//! unchanged).
//!
//! Stage `c1` task (names follow `filecoin_proofs::seal_commit_phase1(cache_path, replica_path, prover_id,
//! sector_id, ticket, seed, pre_commit, piece_infos)`):
//! ```text
//! { "registered_proof": "StackedDrg2KiBV1_1",
//!   "cache_path": "/cache/dir",            (or "cache_dir")
//!   "replica_path": "/sealed/file",        (or "sealed_file")
//!   "comm_r": [32], "comm_d": [32],        (pre_commit; also accepted as "pre_commit": {comm_r, comm_d})
//!   "prover_id": [32], "sector_id": N, "ticket": [32], "seed": [32],
//!   "piece_infos": [{"commitment": [32], "size": unpadded}] }
//! ```
//!
//! Before proving, C1 checks what rust-fil-proofs checks: comm_d equals the commitment of the piece list,
//! p_aux hashes to comm_r, and the tree files agree with p_aux.

use crate::c1_output::SealCommitPhase1Output;
use crate::challenges;
use crate::commp;
use crate::field::Fr;
use crate::ids;
use crate::json;
use crate::merkle::{self, TreeFile, TreeShape};
use crate::pc2;
use crate::pieces::PieceInfo;
use crate::sdr::graph::{Graph, DEGREE};
use crate::stage_task::Stage;
use crate::vanilla::{ChallengeProof, ColumnProof, SealInputs, VanillaSeal};
use crate::verify_seal;
use serde::Deserialize;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// What C1 reads besides the seal inputs: the sector's files and its pieces. The paths go by rust-fil-proofs'
/// argument names or damocles' field names (the worker sends both).
#[derive(Deserialize)]
struct C1Files {
    cache_path: Option<PathBuf>,
    cache_dir: Option<PathBuf>,
    replica_path: Option<PathBuf>,
    sealed_file: Option<PathBuf>,
    piece_infos: Vec<PieceInfo>,
}

/// One C1 run: the seal inputs and `C1Files`, read from the same task.
#[derive(Deserialize)]
#[serde(try_from = "Value")]
pub struct C1Task {
    pub seal: SealInputs,
    pub cache_dir: PathBuf,
    pub replica_path: PathBuf,
    pub pieces: Vec<PieceInfo>,
}

impl TryFrom<Value> for C1Task {
    type Error = String;
    fn try_from(task: Value) -> Result<Self, String> {
        let task = &task;
        // comm_r and comm_d may come as rust-fil-proofs' `pre_commit: {comm_r, comm_d}`
        let lifted;
        let seal_fields = match task.get("pre_commit") {
            Some(Value::Object(pre)) => {
                let mut t = task.clone();
                for k in ["comm_r", "comm_d"] {
                    if let Some(v) = pre.get(k) {
                        t[k] = v.clone();
                    }
                }
                lifted = t;
                &lifted
            }
            _ => task,
        };
        let seal = json::from_value(seal_fields)?;
        let files: C1Files = json::from_value(task)?;
        let either = |a: Option<PathBuf>, b: Option<PathBuf>, names: &str| a.or(b).ok_or(format!("missing field {names}"));
        Ok(C1Task {
            seal,
            cache_dir: either(files.cache_path, files.cache_dir, "`cache_path` or `cache_dir`")?,
            replica_path: either(files.replica_path, files.sealed_file, "`replica_path` or `sealed_file`")?,
            pieces: files.piece_infos,
        })
    }
}

impl Stage for C1Task {
    type Output = SealCommitPhase1Output;
    fn run(self) -> Result<SealCommitPhase1Output, String> {
        Ok(SealCommitPhase1Output::new(&prove(&self)?))
    }
}

fn node_bytes(path: &Path, i: u64) -> Result<[u8; 32], String> {
    Ok(pc2::read_nodes(path, i, 1)?.try_into().unwrap())
}

fn node_fr(path: &Path, i: u64) -> Result<Fr, String> {
    Fr::from_bytes(&node_bytes(path, i)?)
        .ok_or_else(|| format!("{}: node {i} is not a canonical field element", path.display()))
}

/// Leaf `i`'s sibling path in the tree_d file (all rows of the binary SHA254 tree, leaves first).
pub fn tree_d_path(file: &Path, nodes: u64, i: u64) -> Result<([u8; 32], Vec<[u8; 32]>), String> {
    let len = std::fs::metadata(file).map_err(|e| format!("{}: {e}", file.display()))?.len();
    if len != (2 * nodes - 1) * 32 {
        return Err(format!("{}: expected {} bytes, found {len}", file.display(), (2 * nodes - 1) * 32));
    }
    let leaf = node_bytes(file, i)?;
    let mut sib = Vec::new();
    let (mut off, mut n, mut idx) = (0u64, nodes, i);
    while n > 1 {
        sib.push(node_bytes(file, off + (idx ^ 1))?);
        off += n;
        n /= 2;
        idx /= 2;
    }
    Ok((leaf, sib))
}

/// Proves every challenge. Returns the vanilla seal proof.
pub fn prove(inp: &C1Task) -> Result<VanillaSeal, String> {
    let seal = &inp.seal;
    let p = seal.proof;
    let nodes = p.nodes();
    let layers = p.layers();
    let shape = TreeShape::for_nodes(nodes)?;
    let padded: Vec<([u8; 32], u64)> =
        inp.pieces.iter().map(|pi| (pi.commitment, crate::fr32::to_padded_size(pi.size))).collect();
    let want_d = commp::comm_d_from_pieces(p.sector_size, &padded).map_err(|e| format!("piece_infos: {e}"))?;
    if want_d != seal.comm_d {
        return Err("comm_d does not match the commitment of piece_infos".into());
    }
    let (comm_c_b, comm_r_last_b) = pc2::read_p_aux(&inp.cache_dir)?;
    let comm_c = Fr::from_bytes(&comm_c_b).ok_or("p_aux: comm_c is not a field element")?;
    let comm_r_last = Fr::from_bytes(&comm_r_last_b).ok_or("p_aux: comm_r_last is not a field element")?;
    if crate::poseidon::hash(&[comm_c, comm_r_last]).to_bytes() != seal.comm_r {
        return Err("comm_r does not match Poseidon(comm_c, comm_r_last) from p_aux".into());
    }
    let per = shape.leaves_per_base() as usize;
    let open = |key: &str, first_row: usize| -> Result<Vec<TreeFile>, String> {
        (0..shape.base_trees)
            .map(|j| TreeFile::open(&inp.cache_dir.join(shape.file_name(key, j)), per, first_row))
            .collect()
    };
    let tc = open("tree-c", 0)?;
    let tr = open("tree-r-last", shape.rows_to_discard() + 1)?;
    let c_roots = tc.iter().map(|t| t.root()).collect::<Result<Vec<_>, _>>()?;
    let r_roots = tr.iter().map(|t| t.root()).collect::<Result<Vec<_>, _>>()?;
    if shape.root_of_roots(&c_roots) != comm_c {
        return Err("tree_c files do not hash to comm_c in p_aux".into());
    }
    if shape.root_of_roots(&r_roots) != comm_r_last {
        return Err("tree_r_last files do not hash to comm_r_last in p_aux".into());
    }
    let replica_id = ids::replica_id(&seal.prover_id, seal.sector_id, &seal.ticket, &seal.comm_d, &p.porep_id());
    let graph = Graph::for_proof(&p);
    let tree_d = inp.cache_dir.join("sc-02-data-tree-d.dat");
    let replica = inp.replica_path.clone();

    let column = |i: u64| -> Result<ColumnProof, String> {
        let rows = (1..=layers)
            .map(|l| node_fr(&pc2::layer_path(&inp.cache_dir, l), i))
            .collect::<Result<Vec<_>, _>>()?;
        let j = (i / per as u64) as usize;
        let local = (i % per as u64) as usize;
        let (leaf, path) = tc[j].path(local, &|_, _| Err("tree_c keeps every row".into()))?;
        if crate::poseidon::hash(&rows) != leaf {
            return Err(format!("column {i}: labels do not hash to the tree_c leaf (cache files disagree)"));
        }
        Ok(ColumnProof { index: i, rows, proof: merkle::compound_proof(&shape, &c_roots, j, leaf, path) })
    };

    let mut partitions = Vec::new();
    for part in challenges::porep(&p, &replica_id, &seal.seed, &seal.comm_r)? {
        let mut out = Vec::new();
        for c in part {
            let (comm_d_leaf, comm_d_siblings) = tree_d_path(&tree_d, nodes, c)?;
            let j = (c / per as u64) as usize;
            let base = j as u64 * per as u64;
            let fetch = |s: usize, n: usize| -> Result<Vec<Fr>, String> {
                let b = pc2::read_nodes(&replica, base + s as u64, n)?;
                merkle::bytes_to_fr(&b).map_err(|e| format!("{}: {e}", replica.display()))
            };
            let (leaf, path) = tr[j].path((c - base) as usize, &fetch)?;
            let comm_r_last_proof = merkle::compound_proof(&shape, &r_roots, j, leaf, path);
            let mut parents = [0u32; DEGREE];
            graph.parents(c, &mut parents);
            let mut columns = vec![column(c)?];
            for &q in &parents {
                columns.push(column(q as u64)?);
            }
            out.push(ChallengeProof { challenge: c, comm_d_leaf, comm_d_siblings, comm_r_last_proof, columns });
        }
        partitions.push(out);
    }
    let v = VanillaSeal {
        proof: p,
        comm_r: seal.comm_r,
        comm_d: seal.comm_d,
        replica_id,
        seed: seal.seed,
        ticket: seal.ticket,
        comm_c,
        comm_r_last,
        partitions,
    };
    // Never hand out a proof that would not verify (rust-fil-proofs also self-checks before C2).
    verify_seal::verify(&v, seal).map_err(|e| format!("the sector's files do not prove: {e}"))?;
    Ok(v)
}
