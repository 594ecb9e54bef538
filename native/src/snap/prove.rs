//! snap_partition_proofs: the vanilla partition proofs of an update (storage-proofs-update
//! `EmptySectorUpdate::prove_all_partitions`, filecoin-proofs `api/update.rs::generate_partition_proofs`).
//!
//! For partition k: its `apex_leaf_count` apex leaves (tree_d nodes of row `apex_leafs_height`, the k-th run of
//! them) and, for each challenge c of partition k, c's path in the old tree_r_last, in the new tree_d and in the
//! new tree_r_last. Discarded tree_r_last rows are rebuilt from the replica files, as PC2's caches require.
//! Like rust-fil-proofs, it refuses to hand out proofs that do not verify.

use super::params::UpdateProof;
use super::proof::{ChallengeProof, PartitionProof, TreeDProof};
use super::{encode::read_p_aux_fr, randomness, verify};
use crate::c1::tree_d_path;
use crate::field::Fr;
use crate::merkle::{self, MerkleProof, TreeFile, TreeShape};
use crate::pc2::read_nodes;
use std::path::{Path, PathBuf};

pub struct ProveInputs {
    pub proof: UpdateProof,
    pub comm_r_old: [u8; 32],
    pub comm_r_new: [u8; 32],
    pub comm_d_new: [u8; 32],
    /// The CC replica (sector key) and its cache.
    pub sector_path: PathBuf,
    pub sector_cache_path: PathBuf,
    /// The new replica and its cache (snap_encode's outputs).
    pub replica_path: PathBuf,
    pub replica_cache_path: PathBuf,
}

/// A tree_r_last (all base trees) with the replica its discarded rows are rebuilt from.
struct TreeR {
    shape: TreeShape,
    files: Vec<TreeFile>,
    roots: Vec<Fr>,
    replica: PathBuf,
}

impl TreeR {
    fn open(shape: TreeShape, cache_dir: &Path, replica: &Path) -> Result<TreeR, String> {
        let per = shape.leaves_per_base() as usize;
        let files = (0..shape.base_trees)
            .map(|j| TreeFile::open(&cache_dir.join(shape.file_name("tree-r-last", j)), per, shape.rows_to_discard() + 1))
            .collect::<Result<Vec<_>, _>>()?;
        let roots = files.iter().map(|t| t.root()).collect::<Result<Vec<_>, _>>()?;
        Ok(TreeR { shape, files, roots, replica: replica.to_path_buf() })
    }

    fn root(&self) -> Fr {
        self.shape.root_of_roots(&self.roots)
    }

    fn proof(&self, c: u64) -> Result<MerkleProof, String> {
        let per = self.shape.leaves_per_base();
        let j = (c / per) as usize;
        let base = j as u64 * per;
        let fetch = |s: usize, n: usize| -> Result<Vec<Fr>, String> {
            merkle::bytes_to_fr(&read_nodes(&self.replica, base + s as u64, n)?)
                .map_err(|e| format!("{}: {e}", self.replica.display()))
        };
        let (leaf, path) = self.files[j].path((c - base) as usize, &fetch)?;
        Ok(merkle::compound_proof(&self.shape, &self.roots, j, leaf, path))
    }
}

/// Reads `count` nodes of tree_d row `row` starting at `start` (the file holds every row, leaves first).
fn tree_d_row(file: &Path, nodes: u64, row: usize, start: u64, count: usize) -> Result<Vec<[u8; 32]>, String> {
    let offset: u64 = (0..row).map(|r| nodes >> r).sum();
    let b = read_nodes(file, offset + start, count)?;
    Ok(b.chunks(32).map(|c| c.try_into().unwrap()).collect())
}

pub fn partition_proofs(inp: &ProveInputs) -> Result<Vec<PartitionProof>, String> {
    let params = inp.proof.params();
    let nodes = params.sector_nodes;
    let shape = TreeShape::for_nodes(nodes)?;
    let fr = |b: &[u8; 32], what: &str| Fr::from_bytes(b).ok_or_else(|| format!("{what}: not a field element"));
    let comm_r_old = fr(&inp.comm_r_old, "comm_r_old")?;
    let comm_r_new = fr(&inp.comm_r_new, "comm_r_new")?;
    fr(&inp.comm_d_new, "comm_d_new")?;

    let (comm_c, comm_r_last_old) = read_p_aux_fr(&inp.sector_cache_path)?;
    if crate::poseidon::hash(&[comm_c, comm_r_last_old]) != comm_r_old {
        return Err(format!(
            "comm_r_old does not match Poseidon(comm_c, comm_r_last) of {}",
            inp.sector_cache_path.join("p_aux").display()
        ));
    }
    let tree_r_old = TreeR::open(shape, &inp.sector_cache_path, &inp.sector_path)?;
    if tree_r_old.root() != comm_r_last_old {
        return Err(format!("tree_r_last files in {} do not hash to comm_r_last of p_aux", inp.sector_cache_path.display()));
    }
    let tree_r_new = TreeR::open(shape, &inp.replica_cache_path, &inp.replica_path)?;
    if crate::poseidon::hash(&[comm_c, tree_r_new.root()]) != comm_r_new {
        return Err(format!(
            "comm_r_new does not match Poseidon(comm_c, root of the tree_r_last files in {})",
            inp.replica_cache_path.display()
        ));
    }
    let tree_d = inp.replica_cache_path.join(crate::tree_d::FILE_NAME);
    if crate::tree_d::read_root(&inp.replica_cache_path, inp.proof.sector_size)? != Some(inp.comm_d_new) {
        return Err(format!("{} is missing or its root is not comm_d_new", tree_d.display()));
    }

    let mut out = Vec::with_capacity(params.partition_count);
    for k in 0..params.partition_count {
        let apex_leafs = tree_d_row(
            &tree_d,
            nodes,
            params.apex_leafs_height(),
            (k * params.apex_leaf_count) as u64,
            params.apex_leaf_count,
        )?;
        let challenge_proofs = randomness::challenges(&params, &comm_r_new, k)
            .into_iter()
            .map(|c| {
                let (leaf, siblings) = tree_d_path(&tree_d, nodes, c)?;
                Ok(ChallengeProof {
                    proof_r_old: tree_r_old.proof(c)?,
                    proof_d_new: TreeDProof::from_path(inp.comm_d_new, leaf, siblings, c),
                    proof_r_new: tree_r_new.proof(c)?,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        out.push(PartitionProof { comm_c, apex_leafs, challenge_proofs });
    }
    verify::verify_all(&inp.proof, &out, &inp.comm_r_old, &inp.comm_r_new, &inp.comm_d_new)
        .map_err(|e| format!("the sector's files do not prove the update: {e}"))?;
    Ok(out)
}
