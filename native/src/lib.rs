//! sealfarm-proofs: Filecoin sealing stages, standard library only. One module per algorithm, each ending in
//! `#[cfg(test)] mod tests` with the public vectors from `reference/filecoin-proofs.md`.
pub mod json;
pub mod stages;
