//! sealfarm-proofs: Filecoin sealing stages, standard library only. One module per algorithm, each ending in
//! `#[cfg(test)] mod tests` with the public vectors from `reference/filecoin-proofs.md`.
pub mod json;
pub mod stages;
// native II (Poseidon, PC2, C1/C2, PoSt, unseal):
pub mod field;
pub mod poseidon;
pub mod merkle;
pub mod pc2;
pub mod bench;
pub mod base64;
pub mod bundle;
pub mod c1;
pub mod c2;
pub mod challenges;
pub mod verify_seal;
pub mod window_post;
pub mod unseal;
pub mod transfer;
#[cfg(test)]
mod seal_tests;
pub mod sha256;
pub mod fr32;
pub mod commp;
pub mod ids;
pub mod sdr;
pub mod tree_d;
pub mod piece_fetch;
pub mod pieces;
pub mod processor;
pub mod bench_sealing;
// empty-sector update (snap_encode, snap_partition_proofs, snap_prove, verify_snap)
pub mod snap;
