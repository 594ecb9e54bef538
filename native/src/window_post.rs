//! WindowPoSt without a SNARK: for every replica, 10 leaf challenges from the randomness (`challenges::post`),
//! each answered with a tree_r_last inclusion proof against comm_r_last, plus comm_c so that the verifier can
//! check Poseidon_2(comm_c, comm_r_last) = comm_r. A replica whose files are missing, unreadable or inconsistent
//! with its comm_r (p_aux, tree_r_last files, or the sealed nodes under a challenged leaf) becomes a fault.
//!
//! Stage `window_post` (damocles task): `{miner_id, proof_type, replicas:[{sector_id, comm_r, cache_dir,
//! sealed_file}], seed}` -> `{proofs:[base64], faults:[sector_id]}`. One proof per partition of
//! `sectors_per_partition` proven sectors, in task order, faults left out.
//!
//! Stage/command `verify_window_post` / `verify-window-post`: `{proof_type, miner_id, randomness:[32],
//! replicas:[{sector_id, comm_r}] (the proven ones), proofs:[base64]}` -> `{"valid":true}` or
//! `{"valid":false,"reason":…}`.
//!
//! Proof layout (version 1, little-endian): `"SFWP" | u8 1 | u64 miner_id | u32 sectors`, per sector
//! `u64 sector_id | comm_c | comm_r_last | u32 n | n × merkle` (the bundle's Merkle encoding), then the SHA-256
//! of everything before.

use crate::bundle::{R, W};
use crate::challenges;
use crate::field::Fr;
use crate::ids;
use crate::json::{Base64, Verdict};
use crate::merkle::{self, MerkleProof, TreeFile, TreeShape};
use crate::pc2;
use crate::poseidon;
use crate::sha256::sha256;
use crate::stage_task::Stage;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 4] = b"SFWP";
const VERSION: u8 = 1;

/// Sectors per WindowPoSt partition (`window_post_sector_count` in rust-fil-proofs' constants).
pub fn sectors_per_partition(sector_size: u64) -> usize {
    match sector_size {
        s if s == 32 << 30 => 2349,
        s if s == 64 << 30 => 2300,
        _ => 2,
    }
}

/// One proven sector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectorProof {
    pub sector_id: u64,
    pub comm_c: Fr,
    pub comm_r_last: Fr,
    pub leaves: Vec<MerkleProof>,
}

/// Proves one replica, or says why it is faulty.
pub fn prove_sector(
    sector_size: u64,
    sector_id: u64,
    comm_r: &[u8; 32],
    cache_dir: &Path,
    sealed: &Path,
    randomness: &[u8; 32],
) -> Result<SectorProof, String> {
    let nodes = sector_size / 32;
    let shape = TreeShape::for_nodes(nodes)?;
    let (c, r) = pc2::read_p_aux(cache_dir)?;
    let comm_c = Fr::from_bytes(&c).ok_or("p_aux: comm_c is not a field element")?;
    let comm_r_last = Fr::from_bytes(&r).ok_or("p_aux: comm_r_last is not a field element")?;
    if poseidon::hash(&[comm_c, comm_r_last]).to_bytes() != *comm_r {
        return Err("p_aux does not hash to comm_r".into());
    }
    let len = std::fs::metadata(sealed).map_err(|e| format!("{}: {e}", sealed.display()))?.len();
    if len != sector_size {
        return Err(format!("{}: {len} bytes, expected {sector_size}", sealed.display()));
    }
    let per = shape.leaves_per_base() as usize;
    let trees = (0..shape.base_trees)
        .map(|j| TreeFile::open(&cache_dir.join(shape.file_name("tree-r-last", j)), per, shape.rows_to_discard() + 1))
        .collect::<Result<Vec<_>, _>>()?;
    let roots = trees.iter().map(|t| t.root()).collect::<Result<Vec<_>, _>>()?;
    if shape.root_of_roots(&roots) != comm_r_last {
        return Err("tree_r_last files do not hash to comm_r_last".into());
    }
    let mut leaves = Vec::new();
    for ch in challenges::post(randomness, sector_id, nodes) {
        let j = (ch / per as u64) as usize;
        let base = j as u64 * per as u64;
        let fetch = |s: usize, n: usize| -> Result<Vec<Fr>, String> {
            let b = pc2::read_nodes(sealed, base + s as u64, n)?;
            merkle::bytes_to_fr(&b).map_err(|e| format!("{}: {e}", sealed.display()))
        };
        let (leaf, path) = trees[j].path((ch - base) as usize, &fetch).map_err(|e| format!("challenge {ch}: {e}"))?;
        leaves.push(merkle::compound_proof(&shape, &roots, j, leaf, path));
    }
    Ok(SectorProof { sector_id, comm_c, comm_r_last, leaves })
}

pub fn encode(miner_id: u64, sectors: &[SectorProof]) -> Vec<u8> {
    let mut w = W(Vec::new());
    w.b(MAGIC);
    w.u8(VERSION as usize);
    w.b(&miner_id.to_le_bytes());
    w.b(&(sectors.len() as u32).to_le_bytes());
    for s in sectors {
        w.b(&s.sector_id.to_le_bytes());
        w.fr(&s.comm_c);
        w.fr(&s.comm_r_last);
        w.b(&(s.leaves.len() as u32).to_le_bytes());
        for l in &s.leaves {
            w.merkle(l);
        }
    }
    let d = sha256(&w.0);
    w.b(&d);
    w.0
}

pub fn decode(bytes: &[u8]) -> Result<(u64, Vec<SectorProof>), String> {
    if bytes.len() < 4 + 1 + 8 + 4 + 32 || &bytes[..4] != MAGIC {
        return Err("not a sealfarm WindowPoSt proof (bad magic)".into());
    }
    if bytes[4] != VERSION {
        return Err(format!("WindowPoSt proof version {} is not supported", bytes[4]));
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if sha256(body) != digest {
        return Err("WindowPoSt proof digest mismatch: the proof bytes were altered".into());
    }
    let mut r = R { b: body, pos: 5 };
    let miner = r.u64()?;
    let n = r.u32()?;
    if n > 100_000 {
        return Err(format!("WindowPoSt proof claims {n} sectors"));
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let sector_id = r.u64()?;
        let comm_c = r.fr()?;
        let comm_r_last = r.fr()?;
        let k = r.u32()?;
        if k > 1000 {
            return Err(format!("sector {sector_id}: {k} challenges claimed"));
        }
        let leaves = (0..k).map(|_| r.merkle(comm_r_last)).collect::<Result<Vec<_>, _>>()?;
        out.push(SectorProof { sector_id, comm_c, comm_r_last, leaves });
    }
    if r.pos != body.len() {
        return Err("WindowPoSt proof has trailing bytes".into());
    }
    Ok((miner, out))
}

/// Verifies proofs for the claimed-proven replicas `(sector_id, comm_r)` in order.
pub fn verify(
    sector_size: u64,
    miner_id: u64,
    randomness: &[u8; 32],
    replicas: &[(u64, [u8; 32])],
    proofs: &[Vec<u8>],
) -> Result<(), String> {
    // A proof over no sectors proves nothing; it must never read as a valid WindowPoSt.
    if replicas.is_empty() {
        return Err("no sectors to prove: a WindowPoSt over no sectors is not a proof".into());
    }
    let nodes = sector_size / 32;
    let shape = TreeShape::for_nodes(nodes)?;
    let per_part = sectors_per_partition(sector_size);
    let want_parts = replicas.len().div_ceil(per_part);
    if proofs.len() != want_parts {
        return Err(format!("{} proofs for {} sectors, expected {want_parts}", proofs.len(), replicas.len()));
    }
    for (k, (chunk, bytes)) in replicas.chunks(per_part).zip(proofs).enumerate() {
        let (miner, sectors) = decode(bytes).map_err(|e| format!("proof {k}: {e}"))?;
        if miner != miner_id {
            return Err(format!("proof {k} is for miner {miner}, expected {miner_id}"));
        }
        if sectors.len() != chunk.len() {
            return Err(format!("proof {k} covers {} sectors, expected {}", sectors.len(), chunk.len()));
        }
        for ((sector_id, comm_r), s) in chunk.iter().zip(&sectors) {
            let at = |m: String| format!("sector {sector_id}: {m}");
            if s.sector_id != *sector_id {
                return Err(format!("proof {k} proves sector {} where {sector_id} was expected", s.sector_id));
            }
            if poseidon::hash(&[s.comm_c, s.comm_r_last]).to_bytes() != *comm_r {
                return Err(at("Poseidon(comm_c, comm_r_last) != comm_r".into()));
            }
            let ch = challenges::post(randomness, *sector_id, nodes);
            if ch.len() != s.leaves.len() {
                return Err(at(format!("{} leaf proofs, expected {}", s.leaves.len(), ch.len())));
            }
            for (c, p) in ch.iter().zip(&s.leaves) {
                if !p.has_shape(&shape) || p.leaf_index() != *c || p.root != s.comm_r_last || !p.verify() {
                    return Err(at(format!("inclusion proof for challenged leaf {c} does not verify")));
                }
            }
        }
    }
    Ok(())
}

/// A replica to prove.
#[derive(Deserialize)]
pub struct Replica {
    pub sector_id: u64,
    pub comm_r: [u8; 32],
    pub cache_dir: PathBuf,
    pub sealed_file: PathBuf,
}

/// Stage `window_post`.
#[derive(Deserialize)]
pub struct WindowPostTask {
    pub miner_id: u64,
    #[serde(rename = "proof_type", deserialize_with = "ids::deserialize_post_sector_size")]
    pub sector_size: u64,
    pub replicas: Vec<Replica>,
    pub seed: [u8; 32],
}

#[derive(Serialize)]
pub struct WindowPostOutput {
    pub proofs: Vec<Base64>,
    pub faults: Vec<u64>,
}

impl Stage for WindowPostTask {
    type Output = WindowPostOutput;
    fn run(self) -> Result<WindowPostOutput, String> {
        let mut proven = Vec::new();
        let mut faults = Vec::new();
        for r in &self.replicas {
            match prove_sector(self.sector_size, r.sector_id, &r.comm_r, &r.cache_dir, &r.sealed_file, &self.seed) {
                Ok(p) => proven.push(p),
                Err(e) => {
                    eprintln!("window_post: sector {} is faulty: {e}", r.sector_id);
                    faults.push(r.sector_id);
                }
            }
        }
        let proofs = proven
            .chunks(sectors_per_partition(self.sector_size))
            .map(|c| Base64(encode(self.miner_id, c)))
            .collect();
        Ok(WindowPostOutput { proofs, faults })
    }
}

/// A replica claimed proven.
#[derive(Deserialize)]
pub struct ProvenReplica {
    pub sector_id: u64,
    pub comm_r: [u8; 32],
}

/// Stage `verify_window_post`: malformed input is an Err, a wrong proof `valid:false`.
#[derive(Deserialize)]
pub struct VerifyWindowPostTask {
    #[serde(rename = "proof_type", deserialize_with = "ids::deserialize_post_sector_size")]
    pub sector_size: u64,
    pub miner_id: u64,
    pub randomness: [u8; 32],
    pub replicas: Vec<ProvenReplica>,
    pub proofs: Vec<Base64>,
}

impl Stage for VerifyWindowPostTask {
    type Output = Verdict;
    fn run(self) -> Result<Verdict, String> {
        let replicas: Vec<(u64, [u8; 32])> = self.replicas.iter().map(|r| (r.sector_id, r.comm_r)).collect();
        let proofs: Vec<Vec<u8>> = self.proofs.into_iter().map(|p| p.0).collect();
        Ok(verify(self.sector_size, self.miner_id, &self.randomness, &replicas, &proofs).into())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_window_post_over_no_sectors_does_not_verify() {
        let err = super::verify(2048, 1000, &[0; 32], &[], &[]).unwrap_err();
        assert!(err.contains("no sectors to prove"), "{err}");
    }
}
