//! sealfarm-proofs: Filecoin sealing stages. One module per algorithm, each ending in `#[cfg(test)] mod tests` with
//! its public vectors; the task and output JSON of each stage are serde types beside it (`stages.rs` lists them).
pub mod json;
pub mod stage_task;
pub mod stages;
pub mod field;
pub mod poseidon;
pub mod merkle;
pub mod pc2;
pub mod bench;
pub mod bundle;
pub mod c1;
pub mod c1_output;
pub mod c2;
pub mod challenges;
pub mod vanilla;
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
pub mod proof_table;
pub mod sdr;
pub mod tree_d;
pub mod piece_fetch;
pub mod pieces;
pub mod processor;
pub mod bench_sealing;
// empty-sector update (snap_encode, snap_partition_proofs, snap_prove, verify_snap)
pub mod snap;
