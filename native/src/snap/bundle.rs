//! The snap_prove output: sealfarm's vanilla update bundle, NOT a Groth16 SNARK. rust-fil-proofs'
//! `generate_empty_sector_update_proof_with_vanilla` turns the partition proofs into a SNARK over the update
//! circuit (192 bytes per partition, needs the parameter files and a GPU to be practical); sealfarm hands out the
//! partition proofs themselves and `verify_snap` checks them, as c2 / verify_seal do for PoRep.
//!
//! Layout: `"SFSU"` ‖ version u8 (1) ‖ update proof id u8 ‖ partitions u32 LE ‖ per partition: length u32 LE ‖
//! the partition's `PartitionProofBytes` (bincode, `bincode.rs`).

use super::params::UpdateProof;
use super::proof::PartitionProof;

pub const MAGIC: &[u8; 4] = b"SFSU";
pub const VERSION: u8 = 1;

/// Bundles partition proofs already in bincode form.
pub fn encode(proof: &UpdateProof, partitions: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.push(proof.id as u8);
    out.extend_from_slice(&(partitions.len() as u32).to_le_bytes());
    for p in partitions {
        out.extend_from_slice(&(p.len() as u32).to_le_bytes());
        out.extend_from_slice(p);
    }
    out
}

/// Parses a bundle: (update proof, partition proofs).
pub fn decode(bytes: &[u8]) -> Result<(UpdateProof, Vec<PartitionProof>), String> {
    if bytes.len() < 10 || &bytes[..4] != MAGIC {
        return Err("not a sealfarm snap proof bundle (no \"SFSU\" header)".into());
    }
    if bytes[4] != VERSION {
        return Err(format!("snap proof bundle version {} (this binary reads {VERSION})", bytes[4]));
    }
    let proof = UpdateProof::by_id(bytes[5] as u64).ok_or_else(|| format!("unknown update proof id {}", bytes[5]))?;
    let n = u32::from_le_bytes(bytes[6..10].try_into().unwrap()) as usize;
    if n > 64 {
        return Err(format!("{n} partitions is implausible"));
    }
    let mut pos = 10;
    let mut out = Vec::with_capacity(n);
    for k in 0..n {
        let len = bytes
            .get(pos..pos + 4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()) as usize)
            .ok_or_else(|| format!("partition {k}: truncated bundle"))?;
        pos += 4;
        let body = bytes.get(pos..pos + len).ok_or_else(|| format!("partition {k}: truncated bundle"))?;
        out.push(super::bincode::decode(body).map_err(|e| format!("partition {k}: {e}"))?);
        pos += len;
    }
    if pos != bytes.len() {
        return Err(format!("{} trailing bytes after the last partition", bytes.len() - pos));
    }
    Ok((proof, out))
}
