//! A sealed sector's vanilla proof (what C1 proves, the c2 bundle carries and the verifier checks) and the public
//! inputs it is checked against.

use crate::field::Fr;
use crate::ids::SealProof;
use crate::merkle::MerkleProof;
use serde::Deserialize;

/// A column of L labels and its tree_c inclusion proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnProof {
    pub index: u64,
    pub rows: Vec<Fr>,
    pub proof: MerkleProof,
}

/// Everything proven for one challenge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChallengeProof {
    pub challenge: u64,
    /// The data (unsealed, fr32) node at the challenge and its SHA254 siblings, leaves first.
    pub comm_d_leaf: [u8; 32],
    pub comm_d_siblings: Vec<[u8; 32]>,
    pub comm_r_last_proof: MerkleProof,
    /// c_x, then the 6 DRG parents, then the 8 expander parents.
    pub columns: Vec<ColumnProof>,
}

/// A sealed sector's vanilla proof with the inputs C1 was run on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VanillaSeal {
    pub proof: SealProof,
    pub comm_r: [u8; 32],
    pub comm_d: [u8; 32],
    pub replica_id: [u8; 32],
    pub seed: [u8; 32],
    pub ticket: [u8; 32],
    pub comm_c: Fr,
    pub comm_r_last: Fr,
    /// Partition-major.
    pub partitions: Vec<Vec<ChallengeProof>>,
}

/// The public inputs a verifier knows, as the c1 and verify_seal tasks carry them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SealInputs {
    #[serde(rename = "registered_proof")]
    pub proof: SealProof,
    pub comm_r: [u8; 32],
    pub comm_d: [u8; 32],
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    pub ticket: [u8; 32],
    pub seed: [u8; 32],
}
