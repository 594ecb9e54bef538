//! Unseal: recover a byte range of the original (unpadded) data from the sealed replica.
//!
//! data_i = replica_i − label_L(i) in Fr (the inverse of PC2's encoding), then fr32-unpad. The last-layer labels
//! come from `sc-02-data-layer-L.dat` when the cache still has it; otherwise they are regenerated from the
//! replica_id exactly as PC1 made them (rust-fil-proofs `extract_range` does the same), using the shared parent
//! cache (`FIL_PROOFS_PARENT_CACHE`).
//!
//! Task (damocles' `Unseal`): `{registered_proof, prover_id, sector_id, comm_d, ticket, cache_dir, sealed_file,
//! unsealed_output, offset, num_bytes}`; offset and num_bytes are unpadded byte positions in the sector. The
//! range is written to `unsealed_output` (through a temp file and rename) and the output is the number of
//! unpadded bytes written.

use crate::field::Fr;
use crate::fr32;
use crate::ids::{self, SealProof};
use crate::pc2;
use crate::sdr::{cache, graph::Graph, layers};
use crate::stage_task::Stage;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Bytes [offset, offset + num_bytes) of the unpadded data.
#[allow(clippy::too_many_arguments)]
pub fn unseal_range(
    proof: &SealProof,
    prover_id: &[u8; 32],
    sector_id: u64,
    comm_d: &[u8; 32],
    ticket: &[u8; 32],
    cache_dir: &Path,
    sealed: &Path,
    offset: u64,
    num_bytes: u64,
    parent_cache_dir: &Path,
) -> Result<Vec<u8>, String> {
    let unpadded_size = proof.unpadded_sector_size();
    if offset.checked_add(num_bytes).is_none_or(|end| end > unpadded_size) {
        return Err(format!(
            "range {offset}+{num_bytes} exceeds the sector's {unpadded_size} unpadded bytes (field `offset`/`num_bytes`)"
        ));
    }
    if num_bytes == 0 {
        return Ok(Vec::new());
    }
    // whole 127-byte fr32 chunks covering the range; each is 4 nodes of the replica
    let first = offset / 127;
    let end = (offset + num_bytes).div_ceil(127);
    let chunks = (end - first) as usize;
    let replica = pc2::read_nodes(sealed, first * 4, chunks * 4)?;
    let layers = proof.layers();
    let last = pc2::layer_path(cache_dir, layers);
    let key: Vec<u8> = if std::fs::metadata(&last).map(|m| m.len() == proof.sector_size).unwrap_or(false) {
        pc2::read_nodes(&last, first * 4, chunks * 4)?
    } else {
        let replica_id = ids::replica_id(prover_id, sector_id, ticket, comm_d, &proof.porep_id());
        let pc = cache::load_or_generate(&Graph::for_proof(proof), parent_cache_dir)?;
        let mut out = Vec::new();
        layers::label_all::<String>(&replica_id, layers, &pc, |layer, l| {
            if layer == layers {
                out = l[(first * 128) as usize..(end * 128) as usize].to_vec();
            }
            Ok(())
        })?;
        out
    };
    let mut padded = vec![0u8; chunks * 128];
    for i in 0..chunks * 4 {
        let r = Fr::from_slice(&replica[i * 32..i * 32 + 32])
            .ok_or_else(|| format!("{}: node {} is not a field element", sealed.display(), first * 4 + i as u64))?;
        let k = Fr::from_slice(&key[i * 32..i * 32 + 32]).ok_or_else(|| format!("label node {} is not canonical", first * 4 + i as u64))?;
        padded[i * 32..i * 32 + 32].copy_from_slice(&r.sub(&k).to_bytes());
    }
    let mut unpadded = vec![0u8; chunks * 127];
    fr32::unpad(&padded, &mut unpadded);
    let skip = (offset - first * 127) as usize;
    Ok(unpadded[skip..skip + num_bytes as usize].to_vec())
}

/// A path with symlinks resolved; for a path not there yet, its parent resolved plus its name.
fn resolved(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p) {
        return c;
    }
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
            std::fs::canonicalize(parent).map(|d| d.join(name)).unwrap_or_else(|_| p.to_path_buf())
        }
        _ => p.to_path_buf(),
    }
}

/// Refuses an `unsealed_output` that is, or resolves to (symlink, `..`, hard link), the sealed file, the cache dir
/// or anything in it: writing the piece there would replace the replica or its trees.
pub fn check_output_path(out: &Path, sealed: &Path, cache_dir: &Path) -> Result<(), String> {
    let (o, s, c) = (resolved(out), resolved(sealed), resolved(cache_dir));
    #[cfg(unix)]
    let same_file = {
        use std::os::unix::fs::MetadataExt;
        match (std::fs::metadata(&o), std::fs::metadata(&s)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    };
    #[cfg(not(unix))]
    let same_file = false;
    if o == s || same_file {
        return Err(format!(
            "field `unsealed_output`: {} is the sealed file {}; refusing to overwrite the replica",
            out.display(),
            sealed.display()
        ));
    }
    if o.starts_with(&c) {
        return Err(format!(
            "field `unsealed_output`: {} is in the cache dir {}; refusing to overwrite the sector's cache",
            out.display(),
            cache_dir.display()
        ));
    }
    Ok(())
}

/// Stage `unseal`.
#[derive(Deserialize)]
pub struct UnsealTask {
    pub registered_proof: SealProof,
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    pub comm_d: [u8; 32],
    pub ticket: [u8; 32],
    pub cache_dir: PathBuf,
    pub sealed_file: PathBuf,
    pub unsealed_output: PathBuf,
    pub offset: u64,
    pub num_bytes: u64,
}

impl Stage for UnsealTask {
    /// The number of unpadded bytes written.
    type Output = u64;
    fn run(self) -> Result<u64, String> {
        check_output_path(&self.unsealed_output, &self.sealed_file, &self.cache_dir)?;
        let data = unseal_range(
            &self.registered_proof,
            &self.prover_id,
            self.sector_id,
            &self.comm_d,
            &self.ticket,
            &self.cache_dir,
            &self.sealed_file,
            self.offset,
            self.num_bytes,
            &cache::default_dir(),
        )?;
        pc2::write_atomic(&self.unsealed_output, &data)?;
        Ok(data.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::check_output_path;
    use std::fs;

    #[test]
    fn output_over_the_sealed_file_or_cache_is_refused() {
        let dir = std::env::temp_dir().join(format!("sealfarm-unseal-out-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("cache")).unwrap();
        fs::create_dir_all(dir.join("out")).unwrap();
        let sealed = dir.join("sealed");
        let cache = dir.join("cache");
        fs::write(&sealed, b"replica").unwrap();
        fs::write(cache.join("p_aux"), b"aux").unwrap();
        fs::hard_link(&sealed, dir.join("out/hard")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&sealed, dir.join("out/link")).unwrap();
        let refused = |p: std::path::PathBuf| check_output_path(&p, &sealed, &cache).unwrap_err();
        assert!(refused(sealed.clone()).contains("is the sealed file"));
        assert!(refused(dir.join("out/../sealed")).contains("is the sealed file"));
        assert!(refused(dir.join("out/hard")).contains("is the sealed file"));
        #[cfg(unix)]
        assert!(refused(dir.join("out/link")).contains("is the sealed file"));
        assert!(refused(cache.join("p_aux")).contains("is in the cache dir"));
        assert!(refused(cache.join("sc-02-data-tree-r-last.dat")).contains("is in the cache dir"));
        assert!(refused(cache.clone()).contains("is in the cache dir"));
        check_output_path(&dir.join("out/piece"), &sealed, &cache).unwrap();
        // the replica is untouched
        assert_eq!(fs::read(&sealed).unwrap(), b"replica");
        fs::remove_dir_all(&dir).unwrap();
    }
}
