//! Registered update proofs and the empty-sector-update parameters per sector size (rust-fil-proofs
//! `storage-proofs-update/src/constants.rs`, `filecoin-proofs/src/types/{hselect,update_proof_partitions}.rs`).

use crate::ids::SealProof;

/// filecoin-proofs-api `RegisteredUpdateProof` (serde variant name) with its chain id (go-state-types
/// `RegisteredUpdateProof_StackedDrg*V1` = 0..4). Each maps to the V1_1 seal proof of its size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UpdateProof {
    pub name: &'static str,
    pub id: u64,
    pub sector_size: u64,
}

pub const UPDATE_PROOFS: [UpdateProof; 5] = [
    UpdateProof { name: "StackedDrg2KiBV1", id: 0, sector_size: 2 << 10 },
    UpdateProof { name: "StackedDrg8MiBV1", id: 1, sector_size: 8 << 20 },
    UpdateProof { name: "StackedDrg512MiBV1", id: 2, sector_size: 512 << 20 },
    UpdateProof { name: "StackedDrg32GiBV1", id: 3, sector_size: 32 << 30 },
    UpdateProof { name: "StackedDrg64GiBV1", id: 4, sector_size: 64 << 30 },
];

impl UpdateProof {
    pub fn by_name(name: &str) -> Option<UpdateProof> {
        UPDATE_PROOFS.iter().find(|p| p.name == name).copied()
    }

    pub fn by_id(id: u64) -> Option<UpdateProof> {
        UPDATE_PROOFS.iter().find(|p| p.id == id).copied()
    }

    /// The update proof for a seal proof of the same sector size (what lotus/damocles derive from the CC sector).
    pub fn for_seal_proof(p: &SealProof) -> UpdateProof {
        UPDATE_PROOFS.iter().find(|u| u.sector_size == p.sector_size).copied().expect("every seal size has an update proof")
    }

    /// The seal proof whose PoRep config (`StackedDrg*V1_1`) filecoin-proofs-api uses for this update proof.
    pub fn seal_proof(&self) -> SealProof {
        let name = format!("StackedDrg{}V1_1", crate::ids::size_name(self.sector_size));
        SealProof::by_name(&name).expect("V1_1 seal proof of every size")
    }

    pub fn params(&self) -> Params {
        Params::for_nodes(self.sector_size / 32).expect("published sizes are allowed")
    }
}

// Sector sizes in nodes, as storage-proofs-update names them.
const KIB_8: u64 = 1 << 8;
const KIB_32: u64 = 1 << 10;
const MIB_16: u64 = 1 << 19;

/// Sector sizes (in nodes) storage-proofs-update accepts.
pub const ALLOWED_NODES: [u64; 11] =
    [1 << 5, 1 << 6, 1 << 7, 1 << 8, 1 << 9, 1 << 10, 1 << 18, 1 << 19, 1 << 24, 1 << 30, 1 << 31];

/// `storage_proofs_update::PublicParams` plus the `h` filecoin-proofs selects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Params {
    pub sector_nodes: u64,
    /// Challenges per partition proof.
    pub challenge_count: usize,
    /// log2(sector_nodes): the height of tree_d and the bits of a challenge.
    pub challenge_bit_len: usize,
    pub partition_count: usize,
    pub partition_bit_len: usize,
    /// Leaves of each partition's apex tree (a subtree of tree_d just below the partition roots).
    pub apex_leaf_count: usize,
    pub apex_leaf_bit_len: usize,
    /// High bits of a node index that select its rho: `hs(sector_nodes)[2]` (filecoin-proofs `HSelect`).
    pub h: usize,
}

pub fn partition_count(nodes: u64) -> usize {
    if nodes <= KIB_8 {
        1
    } else if nodes <= KIB_32 {
        2
    } else if nodes <= MIB_16 {
        4
    } else {
        16
    }
}

pub fn challenge_count(nodes: u64) -> usize {
    if nodes <= MIB_16 {
        10
    } else {
        86
    }
}

/// The six allowed `h` values; the circuit selects one with `h_select = 2^i`.
pub fn hs(nodes: u64) -> [usize; 6] {
    if nodes <= KIB_32 {
        [1; 6]
    } else {
        [7, 8, 9, 10, 11, 12]
    }
}

/// filecoin-proofs uses `hs(nodes)[2]` in production (`h_select = 1 << 2`).
pub const H_SELECT_INDEX: usize = 2;

pub fn apex_leaf_count(nodes: u64) -> usize {
    if nodes <= KIB_8 {
        8
    } else {
        128
    }
}

impl Params {
    pub fn for_nodes(nodes: u64) -> Result<Params, String> {
        if !ALLOWED_NODES.contains(&nodes) {
            return Err(format!("no empty-sector-update parameters for a sector of {nodes} nodes"));
        }
        let partition_count = partition_count(nodes);
        let apex_leaf_count = apex_leaf_count(nodes);
        Ok(Params {
            sector_nodes: nodes,
            challenge_count: challenge_count(nodes),
            challenge_bit_len: nodes.trailing_zeros() as usize,
            partition_count,
            partition_bit_len: partition_count.trailing_zeros() as usize,
            apex_leaf_count,
            apex_leaf_bit_len: apex_leaf_count.trailing_zeros() as usize,
            h: hs(nodes)[H_SELECT_INDEX],
        })
    }

    /// tree_d row (0 = leaves) that holds the apex leaves of every partition.
    pub fn apex_leafs_height(&self) -> usize {
        self.challenge_bit_len - self.partition_bit_len - self.apex_leaf_bit_len
    }

    /// Shift that turns a node index into its `h` high bits.
    pub fn high_bits_shr(&self) -> usize {
        self.challenge_bit_len - self.h
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_matches_filecoin_proofs() {
        for (i, p) in UPDATE_PROOFS.iter().enumerate() {
            assert_eq!(p.id as usize, i);
            assert_eq!(UpdateProof::by_name(p.name), Some(*p));
            assert_eq!(p.seal_proof().id, 5 + i as u64, "V1_1 seal ids are 5..9");
            assert_eq!(UpdateProof::for_seal_proof(&p.seal_proof()), *p);
        }
        let p2k = UpdateProof::by_name("StackedDrg2KiBV1").unwrap().params();
        assert_eq!((p2k.partition_count, p2k.challenge_count, p2k.apex_leaf_count, p2k.h, p2k.apex_leafs_height()), (1, 10, 8, 1, 3));
        let p8m = UpdateProof::by_name("StackedDrg8MiBV1").unwrap().params();
        assert_eq!((p8m.partition_count, p8m.challenge_count, p8m.apex_leaf_count, p8m.h, p8m.apex_leafs_height()), (4, 10, 128, 9, 9));
        let p512 = UpdateProof::by_name("StackedDrg512MiBV1").unwrap().params();
        assert_eq!((p512.partition_count, p512.challenge_count, p512.h), (16, 86, 9));
        let p32 = UpdateProof::by_name("StackedDrg32GiBV1").unwrap().params();
        assert_eq!((p32.partition_count, p32.challenge_count, p32.challenge_bit_len, p32.h), (16, 86, 30, 9));
        assert!(Params::for_nodes(1 << 20).is_err());
        assert_eq!(UpdateProof::by_id(4).unwrap().name, "StackedDrg64GiBV1");
        assert_eq!(UpdateProof::by_id(5), None);
    }
}
