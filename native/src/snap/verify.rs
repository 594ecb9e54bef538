//! Verification of vanilla partition proofs (storage-proofs-update `EmptySectorUpdate::verify` /
//! `verify_all_partitions`, filecoin-proofs `verify_partition_proofs`): every check of theirs, each failure
//! reported with the partition, the challenge and what did not hold.

use super::params::{Params, UpdateProof};
use super::proof::PartitionProof;
use super::randomness;
use crate::field::Fr;
use crate::merkle::TreeShape;
use crate::sha256::hash_pair;

/// Verifies partition `k` for public inputs (comm_r_old, comm_d_new, comm_r_new) and `h = params.h`.
pub fn verify_partition(
    params: &Params,
    k: usize,
    comm_r_old: &Fr,
    comm_d_new: &[u8; 32],
    comm_r_new: &Fr,
    proof: &PartitionProof,
) -> Result<(), String> {
    if k >= params.partition_count {
        return Err(format!("partition index {k} exceeds the partition count {}", params.partition_count));
    }
    if proof.apex_leafs.len() != params.apex_leaf_count {
        return Err(format!("{} apex leaves, expected {}", proof.apex_leafs.len(), params.apex_leaf_count));
    }
    if proof.challenge_proofs.len() != params.challenge_count {
        return Err(format!("{} challenge proofs, expected {}", proof.challenge_proofs.len(), params.challenge_count));
    }
    let shape = TreeShape::for_nodes(params.sector_nodes)?;
    // The apex tree: the apex leaves hashed pairwise up to this partition's root in tree_d.
    let mut apex_tree = vec![proof.apex_leafs.clone()];
    for _ in 0..params.apex_leaf_bit_len {
        let row: Vec<[u8; 32]> = apex_tree.last().unwrap().chunks(2).map(|p| hash_pair(&p[0], &p[1])).collect();
        apex_tree.push(row);
    }
    let apex_height = params.apex_leafs_height();
    let root_r_old = proof.challenge_proofs[0].proof_r_old.root;
    let root_r_new = proof.challenge_proofs[0].proof_r_new.root;
    if crate::poseidon::hash(&[proof.comm_c, root_r_old]) != *comm_r_old {
        return Err("comm_r_old is not Poseidon(comm_c, root of the old tree_r_last proofs)".into());
    }
    if crate::poseidon::hash(&[proof.comm_c, root_r_new]) != *comm_r_new {
        return Err("comm_r_new is not Poseidon(comm_c, root of the new tree_r_last proofs)".into());
    }
    let d = Fr::from_bytes(comm_d_new).ok_or("comm_d_new is not a field element")?;
    let phi = randomness::phi(&d, comm_r_old);
    let shr = params.high_bits_shr();
    let challenges = randomness::challenges(params, comm_r_new, k);
    for (i, (c, cp)) in challenges.iter().zip(&proof.challenge_proofs).enumerate() {
        let at = format!("challenge {i} (node {c})");
        let r_old = &cp.proof_r_old;
        let r_new = &cp.proof_r_new;
        let d_new = &cp.proof_d_new;
        if !r_old.has_shape(&shape) || !r_new.has_shape(&shape) || d_new.siblings.len() != params.challenge_bit_len {
            return Err(format!("{at}: a Merkle proof does not have the tree shape of this sector size"));
        }
        if r_old.leaf_index() != *c || r_new.leaf_index() != *c || d_new.leaf_index() != *c {
            return Err(format!("{at}: a Merkle proof is for another node"));
        }
        if r_old.root != root_r_old || r_new.root != root_r_new || d_new.root != *comm_d_new {
            return Err(format!("{at}: a Merkle proof has another root"));
        }
        if !r_old.verify() {
            return Err(format!("{at}: old tree_r_last proof does not verify"));
        }
        if !d_new.verify() {
            return Err(format!("{at}: new tree_d proof does not verify"));
        }
        if !r_new.verify() {
            return Err(format!("{at}: new tree_r_last proof does not verify"));
        }
        let label_d = Fr::from_bytes(&d_new.leaf).ok_or_else(|| format!("{at}: tree_d leaf is not a field element"))?;
        let rho = randomness::rho(&phi, (c >> shr) as u32);
        if r_old.leaf.add(&label_d.mul(&rho)) != r_new.leaf {
            return Err(format!("{at}: new replica node is not old node + data · rho"));
        }
        let apex_path = &d_new.siblings[apex_height..apex_height + params.apex_leaf_bit_len];
        if !apex_path.iter().zip(&apex_tree).all(|(s, row)| row.contains(s)) {
            return Err(format!("{at}: tree_d path disagrees with the apex tree"));
        }
    }
    Ok(())
}

/// Verifies all partition proofs of an update against its public inputs.
pub fn verify_all(
    proof_type: &UpdateProof,
    proofs: &[PartitionProof],
    comm_r_old: &[u8; 32],
    comm_r_new: &[u8; 32],
    comm_d_new: &[u8; 32],
) -> Result<(), String> {
    let params = proof_type.params();
    if proofs.len() != params.partition_count {
        return Err(format!("{} partition proofs, expected {}", proofs.len(), params.partition_count));
    }
    let old = Fr::from_bytes(comm_r_old).ok_or("comm_r_old is not a field element")?;
    let new = Fr::from_bytes(comm_r_new).ok_or("comm_r_new is not a field element")?;
    for (k, p) in proofs.iter().enumerate() {
        verify_partition(&params, k, &old, comm_d_new, &new, p).map_err(|e| format!("partition {k}: {e}"))?;
    }
    Ok(())
}
