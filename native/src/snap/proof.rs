//! The vanilla partition proof of an empty-sector update, as storage-proofs-update `vanilla.rs` defines it:
//! `PartitionProof { comm_c, apex_leafs, challenge_proofs: [ChallengeProof { proof_r_old, proof_d_new,
//! proof_r_new }] }`. tree_r proofs are Poseidon (compound for 32/64 GiB) paths; the tree_d proof is a binary
//! SHA254 path.

use crate::field::Fr;
use crate::merkle::MerkleProof;
use crate::sha256::hash_pair;

/// An inclusion proof in the binary SHA254 tree_d: `siblings[i]` is the sibling at row i (leaves first) and
/// `indices[i]` (0 or 1) the side of the running node there, as `PathElement { hashes: [sibling], index }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeDProof {
    pub root: [u8; 32],
    pub leaf: [u8; 32],
    pub siblings: Vec<[u8; 32]>,
    pub indices: Vec<usize>,
}

impl TreeDProof {
    pub fn from_path(root: [u8; 32], leaf: [u8; 32], siblings: Vec<[u8; 32]>, index: u64) -> TreeDProof {
        let indices = (0..siblings.len()).map(|i| ((index >> i) & 1) as usize).collect();
        TreeDProof { root, leaf, siblings, indices }
    }

    /// The root recomputed from leaf and path; None if an index is not 0 or 1.
    pub fn computed_root(&self) -> Option<[u8; 32]> {
        let mut cur = self.leaf;
        for (s, &i) in self.siblings.iter().zip(&self.indices) {
            cur = match i {
                0 => hash_pair(&cur, s),
                1 => hash_pair(s, &cur),
                _ => return None,
            };
        }
        Some(cur)
    }

    pub fn verify(&self) -> bool {
        self.siblings.len() == self.indices.len() && self.computed_root() == Some(self.root)
    }

    pub fn leaf_index(&self) -> u64 {
        self.indices.iter().enumerate().map(|(i, &b)| (b as u64) << i).sum()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChallengeProof {
    pub proof_r_old: MerkleProof,
    pub proof_d_new: TreeDProof,
    pub proof_r_new: MerkleProof,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionProof {
    pub comm_c: Fr,
    pub apex_leafs: Vec<[u8; 32]>,
    pub challenge_proofs: Vec<ChallengeProof>,
}
