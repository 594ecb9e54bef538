//! tree_d: the SHA254 binary tree over a whole staged (padded, sector-sized) file, stored whole as
//! `sc-02-data-tree-d.dat` in the cache dir (all 2N − 1 nodes, leaves row first, root last: merkletree's layout
//! with rows_to_discard 0), and its root comm_d.
//!
//! Rows are built from the file itself in fixed-size chunks, so memory stays constant for any sector size; the file
//! appears under its final name only when complete.

use crate::ids::SealProof;
use crate::stage_task::Stage;
use serde::Deserialize;
use crate::sha256::hash_row;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "sc-02-data-tree-d.dat";
const CHUNK: usize = 4 << 20;

pub fn tree_size(sector_size: u64) -> u64 {
    sector_size * 2 - 32
}

/// Hashes one row chunk, splitting large ones over two threads (the bytes do not depend on the split).
fn hash_chunk(input: &[u8], output: &mut [u8]) {
    if input.len() >= 1 << 20 {
        let (ia, ib) = input.split_at(input.len() / 2);
        let (oa, ob) = output.split_at_mut(output.len() / 2);
        std::thread::scope(|s| {
            s.spawn(|| hash_row(ia, oa));
            hash_row(ib, ob);
        });
    } else {
        hash_row(input, output);
    }
}

/// Builds the tree of `staged` (exactly `sector_size` bytes) into `cache_dir/sc-02-data-tree-d.dat`; returns comm_d.
pub fn build(staged: &Path, sector_size: u64, cache_dir: &Path) -> Result<[u8; 32], String> {
    let input = File::open(staged).map_err(|e| format!("staged file {}: {e}", staged.display()))?;
    let len = input.metadata().map_err(|e| format!("staged file {}: {e}", staged.display()))?.len();
    if len != sector_size {
        return Err(format!("staged file {}: {len} bytes, expected the sector size {sector_size}", staged.display()));
    }
    if !cache_dir.is_dir() {
        return Err(format!("cache dir {}: not a directory", cache_dir.display()));
    }
    let final_path = cache_dir.join(FILE_NAME);
    let tmp: PathBuf = cache_dir.join(format!(".{FILE_NAME}.tmp-{}", std::process::id()));
    let result = (|| -> std::io::Result<[u8; 32]> {
        let out = std::fs::OpenOptions::new().read(true).write(true).create(true).truncate(true).open(&tmp)?;
        out.set_len(tree_size(sector_size))?;
        let mut a = vec![0u8; CHUNK];
        let mut b = vec![0u8; CHUNK / 2];
        // Row 0 (the leaves) is the staged data; row 1 is hashed as it is copied.
        let mut pos = 0u64;
        while pos < sector_size {
            let n = (CHUNK as u64).min(sector_size - pos) as usize;
            input.read_exact_at(&mut a[..n], pos)?;
            out.write_all_at(&a[..n], pos)?;
            hash_chunk(&a[..n], &mut b[..n / 2]);
            out.write_all_at(&b[..n / 2], sector_size + pos / 2)?;
            pos += n as u64;
        }
        // Rows 2.. from the row below, read back from the file.
        let (mut row_off, mut row_len) = (sector_size, sector_size / 2);
        while row_len > 32 {
            let next_off = row_off + row_len;
            let mut p = 0u64;
            while p < row_len {
                let n = (CHUNK as u64).min(row_len - p) as usize;
                out.read_exact_at(&mut a[..n], row_off + p)?;
                hash_chunk(&a[..n], &mut b[..n / 2]);
                out.write_all_at(&b[..n / 2], next_off + p / 2)?;
                p += n as u64;
            }
            row_off = next_off;
            row_len /= 2;
        }
        let mut root = [0u8; 32];
        out.read_exact_at(&mut root, row_off)?;
        out.sync_all()?;
        std::fs::rename(&tmp, &final_path)?;
        Ok(root)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("tree_d {}: {e}", final_path.display())
    })
}

/// The root of an existing complete tree file, or None when the file is absent or has the wrong size.
pub fn read_root(cache_dir: &Path, sector_size: u64) -> Result<Option<[u8; 32]>, String> {
    let path = cache_dir.join(FILE_NAME);
    let f = match File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("tree_d {}: {e}", path.display())),
    };
    let len = f.metadata().map_err(|e| format!("tree_d {}: {e}", path.display()))?.len();
    if len != tree_size(sector_size) {
        return Ok(None);
    }
    let mut root = [0u8; 32];
    f.read_exact_at(&mut root, len - 32).map_err(|e| format!("tree_d {}: {e}", path.display()))?;
    Ok(Some(root))
}

/// damocles `tree_d` task: `{registered_proof, staged_file, cache_dir}` -> `true`.
#[derive(Deserialize)]
pub struct TreeDTask {
    pub registered_proof: SealProof,
    pub staged_file: PathBuf,
    pub cache_dir: PathBuf,
}

impl Stage for TreeDTask {
    type Output = bool;
    fn run(self) -> Result<bool, String> {
        build(&self.staged_file, self.registered_proof.sector_size, &self.cache_dir)?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commp::subtree_root;

    #[test]
    fn tree_file_has_every_row_and_the_root_last() {
        let dir = std::env::temp_dir().join(format!("sealfarm-treed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let staged = dir.join("staged");
        let data: Vec<u8> = (0..2048u32).map(|i| (i * 7 % 64) as u8).collect();
        std::fs::write(&staged, &data).unwrap();
        let root = build(&staged, 2048, &dir).unwrap();
        let mut s = Vec::new();
        assert_eq!(root, subtree_root(&data, &mut s));
        let tree = std::fs::read(dir.join(FILE_NAME)).unwrap();
        assert_eq!(tree.len(), 4064);
        assert_eq!(&tree[..2048], &data[..]);
        assert_eq!(&tree[2048..2080], &crate::sha256::hash_pair(data[..32].try_into().unwrap(), data[32..64].try_into().unwrap()));
        assert_eq!(read_root(&dir, 2048).unwrap(), Some(root));
        // A staged file of the wrong size is refused, naming the file, and leaves no partial tree behind.
        std::fs::write(&staged, &data[..1000]).unwrap();
        std::fs::remove_file(dir.join(FILE_NAME)).unwrap();
        let e = build(&staged, 2048, &dir).unwrap_err();
        assert!(e.contains("staged") && e.contains("1000 bytes"), "{e}");
        assert!(!dir.join(FILE_NAME).exists());
        let task = crate::json::parse(&format!(
            r#"{{"registered_proof":"StackedDrg2KiBV1_1","staged_file":"{}","cache_dir":"/nonexistent/x"}}"#,
            staged.display()
        ))
        .unwrap();
        std::fs::write(&staged, &data).unwrap();
        assert!(crate::stages::run("tree_d", &task).unwrap_err().contains("/nonexistent/x"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
