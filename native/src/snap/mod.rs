//! Empty-sector update ("SnapDeals", damocles' `snapup` plan), bit-exact with rust-fil-proofs'
//! `storage-proofs-update` (vanilla) and `filecoin-proofs::api::update`:
//!
//! - `params`: registered update proofs and the per-size constants (partitions, challenges, h, apex leaves);
//! - `randomness`: phi, rho and the partition challenges (Poseidon with the gen-randomness domain tag);
//! - `encode`: new replica = sector key + data · rho, tree_d / tree_r_last, comm_r_new (stage `snap_encode`);
//! - `prove` / `verify`: the vanilla partition proofs (stage `snap_partition_proofs`) and their checks;
//! - `bincode`: `PartitionProofBytes` exactly as filecoin-proofs-api serializes a partition proof (the `bincode`
//!   crate over serde mirrors of the upstream types);
//! - `bundle`: snap_prove's output, a vanilla bundle (NOT a SNARK), checked by `verify_snap`;
//! - `json`: the stages' serde JSON adapter.

pub mod bincode;
pub mod bundle;
pub mod encode;
pub mod json;
pub mod params;
pub mod proof;
pub mod prove;
pub mod randomness;
pub mod verify;
#[cfg(test)]
mod tests;
