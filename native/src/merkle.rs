//! Poseidon Merkle trees as rust-fil-proofs builds tree_c and tree_r_last (`merkletree` crate, LCTree/DiskTree).
//!
//! - A *base tree* is 8-ary: parent = Poseidon_8(8 children in order). Rows are numbered from the leaves (row 0)
//!   up to the root.
//! - Sector shapes (`TreeShape`): 1 base tree for ≤ 512 MiB; 8 base trees and a sub level of arity 8 for 32 GiB
//!   (comm = Poseidon_8(root_0..root_7)); 16 base trees, 2 sub trees and a top level of arity 2 for 64 GiB.
//! - On disk a base tree is its rows concatenated from `first_row` up to the root, each node 32 LE bytes.
//!   tree_c keeps every row (first_row 0). tree_r_last keeps rows `rows_to_discard + 1 ..` (the level cache:
//!   9,586,976 bytes per 32 GiB base tree, like lotus), and a proof rebuilds the discarded rows below one cached
//!   node from the replica.
//! - An inclusion path lists, per level, the arity − 1 siblings plus the index of the missing child; the root is
//!   recomputed by inserting the running hash at the index and hashing with that level's arity.

use crate::field::Fr;
use crate::poseidon;

pub const BASE_ARITY: usize = 8;

/// The compound shape of tree_c / tree_r_last for a sector of `nodes` leaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TreeShape {
    pub nodes: u64,
    pub base_trees: usize,
    /// 0 or 8.
    pub sub_arity: usize,
    /// 0 or 2.
    pub top_arity: usize,
}

impl TreeShape {
    pub fn for_nodes(nodes: u64) -> Result<TreeShape, String> {
        let (base_trees, sub_arity, top_arity) = match nodes {
            n if n == 1 << 30 => (8, 8, 0),
            n if n == 1 << 31 => (16, 8, 2),
            _ => (1, 0, 0),
        };
        let per = nodes / base_trees as u64;
        if per < 8 || !per.is_power_of_two() || per.trailing_zeros() % 3 != 0 {
            return Err(format!("sector of {nodes} nodes does not split into 8-ary base trees"));
        }
        Ok(TreeShape { nodes, base_trees, sub_arity, top_arity })
    }

    pub fn leaves_per_base(&self) -> u64 {
        self.nodes / self.base_trees as u64
    }

    /// Base tree `j`'s nodes as `(first node, count)` ranges of at most `chunk`, in order: how the tree builders
    /// stream a base tree's input without holding it all in memory.
    pub fn base_chunks(&self, j: usize, chunk: usize) -> impl Iterator<Item = (u64, usize)> {
        let per = self.leaves_per_base();
        let first = j as u64 * per;
        (0..per).step_by(chunk).map(move |s| (first + s, (per - s).min(chunk as u64) as usize))
    }

    /// Rows of one base tree, leaves included.
    pub fn base_rows(&self) -> usize {
        (self.leaves_per_base().trailing_zeros() / 3) as usize + 1
    }

    /// rust-fil-proofs' `default_rows_to_discard` for tree_r_last (setting 2).
    pub fn rows_to_discard(&self) -> usize {
        let rows = self.base_rows();
        if rows <= 2 {
            0
        } else if rows == 3 {
            1
        } else {
            (rows - 2).min(2)
        }
    }

    /// The compound root from the base-tree roots.
    pub fn root_of_roots(&self, roots: &[Fr]) -> Fr {
        assert_eq!(roots.len(), self.base_trees);
        match (self.sub_arity, self.top_arity) {
            (0, _) => roots[0],
            (8, 0) => poseidon::hash(roots),
            _ => {
                let subs: Vec<Fr> = roots.chunks(8).map(poseidon::hash).collect();
                poseidon::hash(&subs)
            }
        }
    }

    /// File name of base tree `i` for a cache key such as "tree-c" (the "-i" suffix only with several trees).
    pub fn file_name(&self, key: &str, i: usize) -> String {
        if self.base_trees == 1 {
            format!("sc-02-data-{key}.dat")
        } else {
            format!("sc-02-data-{key}-{i}.dat")
        }
    }
}

/// Thread count forced by tests (0 = not forced).
pub static THREADS_OVERRIDE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Worker threads for hashing: `SEALFARM_THREADS` or the available parallelism.
pub fn threads() -> usize {
    let forced = THREADS_OVERRIDE.load(std::sync::atomic::Ordering::Relaxed);
    if forced > 0 {
        return forced;
    }
    std::env::var("SEALFARM_THREADS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
}

/// out[i] = f(i) for i in 0..n, split over threads in contiguous ranges (same result for any thread count).
pub fn par_map<F: Fn(usize) -> Fr + Sync>(n: usize, f: F) -> Vec<Fr> {
    let t = threads().min(n.div_ceil(1024)).max(1);
    let mut out = vec![Fr::ZERO; n];
    if t == 1 {
        for (i, o) in out.iter_mut().enumerate() {
            *o = f(i);
        }
        return out;
    }
    let per = n.div_ceil(t);
    std::thread::scope(|s| {
        for (c, chunk) in out.chunks_mut(per).enumerate() {
            let f = &f;
            s.spawn(move || {
                for (k, o) in chunk.iter_mut().enumerate() {
                    *o = f(c * per + k);
                }
            });
        }
    });
    out
}

/// One row up: Poseidon_8 over each group of 8.
pub fn hash_row(row: &[Fr]) -> Vec<Fr> {
    assert!(row.len() % BASE_ARITY == 0);
    let c = poseidon::constants(BASE_ARITY);
    par_map(row.len() / BASE_ARITY, |i| c.hash(&row[i * 8..i * 8 + 8]))
}

/// Every row of a base tree, leaves first.
pub fn build_rows(leaves: Vec<Fr>) -> Vec<Vec<Fr>> {
    assert!(leaves.len().is_power_of_two() && leaves.len().trailing_zeros() % 3 == 0);
    let mut rows = vec![leaves];
    while rows.last().unwrap().len() > 1 {
        let next = hash_row(rows.last().unwrap());
        rows.push(next);
    }
    rows
}

pub fn fr_to_bytes(v: &[Fr]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 32);
    for f in v {
        out.extend_from_slice(&f.to_bytes());
    }
    out
}

/// 32-byte LE nodes -> Fr; the error names the first non-canonical node.
pub fn bytes_to_fr(b: &[u8]) -> Result<Vec<Fr>, String> {
    if b.len() % 32 != 0 {
        return Err(format!("length {} is not a multiple of 32", b.len()));
    }
    b.chunks(32)
        .enumerate()
        .map(|(i, c)| Fr::from_slice(c).ok_or_else(|| format!("node {i} is not a canonical field element")))
        .collect()
}

/// One level of an inclusion path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathElement {
    pub hashes: Vec<Fr>,
    pub index: usize,
}

/// An inclusion proof in a (possibly compound) Poseidon tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MerkleProof {
    pub root: Fr,
    pub leaf: Fr,
    /// Base levels, leaves first, then the sub level and the top level when the shape has them.
    pub path: Vec<PathElement>,
    /// Number of leading elements in `path` that belong to the base tree.
    pub base_len: usize,
}

impl MerkleProof {
    /// Root recomputed from leaf and path.
    pub fn computed_root(&self) -> Option<Fr> {
        let mut cur = self.leaf;
        for e in &self.path {
            let arity = e.hashes.len() + 1;
            if e.index >= arity || !matches!(arity, 2 | 4 | 8 | 11 | 16) {
                return None;
            }
            let mut inputs = Vec::with_capacity(arity);
            inputs.extend_from_slice(&e.hashes[..e.index]);
            inputs.push(cur);
            inputs.extend_from_slice(&e.hashes[e.index..]);
            cur = poseidon::hash(&inputs);
        }
        Some(cur)
    }

    pub fn verify(&self) -> bool {
        self.computed_root() == Some(self.root)
    }

    /// The leaf index the path encodes.
    pub fn leaf_index(&self) -> u64 {
        let mut idx = 0u64;
        let mut mul = 1u64;
        for e in &self.path {
            idx += e.index as u64 * mul;
            mul *= (e.hashes.len() + 1) as u64;
        }
        idx
    }

    /// Does this proof have the shape `shape` demands (levels and arities)?
    pub fn has_shape(&self, shape: &TreeShape) -> bool {
        let base = shape.base_rows() - 1;
        let mut ar = vec![8usize; base];
        if shape.sub_arity != 0 {
            ar.push(shape.sub_arity);
        }
        if shape.top_arity != 0 {
            ar.push(shape.top_arity);
        }
        self.base_len == base && self.path.len() == ar.len() && self.path.iter().zip(ar).all(|(e, a)| e.hashes.len() + 1 == a)
    }
}

/// A base tree as stored: rows `first_row ..= root`.
pub struct StoredTree {
    pub leaves: usize,
    pub first_row: usize,
    /// rows[k] is row first_row + k.
    pub rows: Vec<Vec<Fr>>,
}

impl StoredTree {
    pub fn from_rows(all: Vec<Vec<Fr>>, first_row: usize) -> StoredTree {
        let leaves = all[0].len();
        StoredTree { leaves, first_row, rows: all.into_iter().skip(first_row).collect() }
    }

    pub fn root(&self) -> Fr {
        self.rows.last().unwrap()[0]
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for r in &self.rows {
            out.extend_from_slice(&fr_to_bytes(r));
        }
        out
    }

    /// Parses a stored file of a tree with `leaves` leaves from `first_row` up.
    pub fn from_bytes(b: &[u8], leaves: usize, first_row: usize) -> Result<StoredTree, String> {
        let mut sizes = Vec::new();
        let mut n = leaves >> (3 * first_row);
        loop {
            sizes.push(n);
            if n == 1 {
                break;
            }
            n /= 8;
        }
        let want: usize = sizes.iter().sum::<usize>() * 32;
        if b.len() != want {
            return Err(format!("expected {want} bytes for {leaves} leaves from row {first_row}, found {}", b.len()));
        }
        let mut rows = Vec::new();
        let mut off = 0;
        for s in sizes {
            rows.push(bytes_to_fr(&b[off..off + s * 32])?);
            off += s * 32;
        }
        Ok(StoredTree { leaves, first_row, rows })
    }

    /// Base path for local leaf `idx`. `fetch(start, count)` returns the leaves [start, start+count) and is only
    /// called when rows were discarded; the rebuilt subtree must agree with the cached node or this fails.
    pub fn path(
        &self,
        idx: usize,
        fetch: &dyn Fn(usize, usize) -> Result<Vec<Fr>, String>,
    ) -> Result<(Fr, Vec<PathElement>), String> {
        let mut path = Vec::new();
        let leaf;
        if self.first_row == 0 {
            leaf = self.rows[0][idx];
        } else {
            let span = 1usize << (3 * self.first_row);
            let a = idx / span;
            let (l, p) = rebuild_below(self.rows[0][a], a, span, idx, fetch)?;
            leaf = l;
            path = p;
        }
        let mut i = idx >> (3 * self.first_row);
        for row in &self.rows[..self.rows.len() - 1] {
            path.push(element(row, i));
            i /= 8;
        }
        Ok((leaf, path))
    }
}

/// A base tree file read on demand (seek per level), for trees too large to load: the same layout as
/// `StoredTree::to_bytes`.
#[derive(Debug)]
pub struct TreeFile {
    pub path: std::path::PathBuf,
    pub leaves: usize,
    pub first_row: usize,
    /// (node offset, length) of each stored row, bottom first.
    rows: Vec<(u64, usize)>,
}

impl TreeFile {
    pub fn open(path: &std::path::Path, leaves: usize, first_row: usize) -> Result<TreeFile, String> {
        let mut rows = Vec::new();
        let mut n = leaves >> (3 * first_row);
        let mut off = 0u64;
        loop {
            rows.push((off, n));
            off += n as u64;
            if n == 1 {
                break;
            }
            n /= 8;
        }
        let len = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
        if len != off * 32 {
            return Err(format!("{}: expected {} bytes, found {len}", path.display(), off * 32));
        }
        Ok(TreeFile { path: path.to_path_buf(), leaves, first_row, rows })
    }

    fn read(&self, node: u64, count: usize) -> Result<Vec<Fr>, String> {
        use std::io::{Read, Seek, SeekFrom};
        let mut f = std::fs::File::open(&self.path).map_err(|e| format!("{}: {e}", self.path.display()))?;
        f.seek(SeekFrom::Start(node * 32)).map_err(|e| format!("{}: {e}", self.path.display()))?;
        let mut b = vec![0u8; count * 32];
        f.read_exact(&mut b).map_err(|e| format!("{}: {e}", self.path.display()))?;
        bytes_to_fr(&b).map_err(|e| format!("{}: {e}", self.path.display()))
    }

    pub fn root(&self) -> Result<Fr, String> {
        Ok(self.read(self.rows.last().unwrap().0, 1)?[0])
    }

    /// Same contract as `StoredTree::path`; reads one 8-node group per stored row.
    pub fn path(
        &self,
        idx: usize,
        fetch: &dyn Fn(usize, usize) -> Result<Vec<Fr>, String>,
    ) -> Result<(Fr, Vec<PathElement>), String> {
        let (leaf, mut path) = if self.first_row == 0 {
            (self.read(self.rows[0].0 + idx as u64, 1)?[0], Vec::new())
        } else {
            let span = 1usize << (3 * self.first_row);
            let a = idx / span;
            let cached = self.read(self.rows[0].0 + a as u64, 1)?[0];
            rebuild_below(cached, a, span, idx, fetch)?
        };
        let mut i = idx >> (3 * self.first_row);
        for &(off, _) in &self.rows[..self.rows.len() - 1] {
            let g = i / 8 * 8;
            let group = self.read(off + g as u64, 8)?;
            path.push(element(&group, i % 8));
            i /= 8;
        }
        Ok((leaf, path))
    }
}

/// Rebuilds the discarded rows under cached node `a` (covering `span` leaves) and returns the leaf at `idx` and
/// its path up to (not including) the cached row.
fn rebuild_below(
    cached: Fr,
    a: usize,
    span: usize,
    idx: usize,
    fetch: &dyn Fn(usize, usize) -> Result<Vec<Fr>, String>,
) -> Result<(Fr, Vec<PathElement>), String> {
    let leaves = fetch(a * span, span)?;
    let sub = build_rows(leaves);
    if sub.last().unwrap()[0] != cached {
        return Err(format!("leaves {}..{} do not hash to the cached tree node", a * span, (a + 1) * span));
    }
    let local = idx - a * span;
    let mut path = Vec::new();
    let mut i = local;
    for row in &sub[..sub.len() - 1] {
        path.push(element(row, i));
        i /= 8;
    }
    Ok((sub[0][local], path))
}

fn element(row: &[Fr], i: usize) -> PathElement {
    let g = i / 8 * 8;
    let mut hashes = Vec::with_capacity(7);
    for k in 0..8 {
        if g + k != i {
            hashes.push(row[g + k]);
        }
    }
    PathElement { hashes, index: i % 8 }
}

/// Completes a base path with the sub/top levels from all base roots.
pub fn compound_proof(
    shape: &TreeShape,
    roots: &[Fr],
    tree: usize,
    leaf: Fr,
    mut path: Vec<PathElement>,
) -> MerkleProof {
    let base_len = path.len();
    if shape.sub_arity != 0 {
        let group = tree / 8 * 8;
        let hashes = (group..group + 8).filter(|&k| k != tree).map(|k| roots[k]).collect();
        path.push(PathElement { hashes, index: tree % 8 });
        if shape.top_arity != 0 {
            let subs: Vec<Fr> = roots.chunks(8).map(poseidon::hash).collect();
            let s = tree / 8;
            path.push(PathElement { hashes: vec![subs[1 - s]], index: s });
        }
    }
    MerkleProof { root: shape.root_of_roots(roots), leaf, path, base_len }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_the_sector_size_table() {
        let s = TreeShape::for_nodes(64).unwrap();
        assert_eq!((s.base_trees, s.base_rows(), s.rows_to_discard()), (1, 3, 1));
        let s = TreeShape::for_nodes(1 << 18).unwrap();
        assert_eq!((s.base_trees, s.base_rows(), s.rows_to_discard()), (1, 7, 2));
        let s = TreeShape::for_nodes(1 << 24).unwrap();
        assert_eq!((s.base_rows(), s.rows_to_discard()), (9, 2));
        let s = TreeShape::for_nodes(1 << 30).unwrap();
        assert_eq!((s.base_trees, s.sub_arity, s.top_arity, s.base_rows(), s.rows_to_discard()), (8, 8, 0, 10, 2));
        assert_eq!(s.file_name("tree-c", 3), "sc-02-data-tree-c-3.dat");
        let s = TreeShape::for_nodes(1 << 31).unwrap();
        assert_eq!((s.base_trees, s.sub_arity, s.top_arity), (16, 8, 2));
        assert!(TreeShape::for_nodes(100).is_err());
        // 32 GiB tree_r_last level cache: rows 3..9 of a 2^27-leaf tree, the size lotus caches have
        let rows: usize = (0..7).map(|k| 1usize << (3 * k)).sum();
        assert_eq!(rows * 32, 9_586_976);
    }

    #[test]
    fn proofs_verify_with_and_without_discarded_rows_and_compound_shapes() {
        let leaves: Vec<Fr> = (0..64u64).map(|i| Fr::from_u64(i * 7 + 1)).collect();
        let rows = build_rows(leaves.clone());
        assert_eq!(rows.len(), 3);
        let full = StoredTree::from_rows(rows.clone(), 0);
        let cached = StoredTree::from_rows(rows, 1);
        let back = StoredTree::from_bytes(&cached.to_bytes(), 64, 1).unwrap();
        assert_eq!(back.rows, cached.rows);
        let fetch = |s: usize, c: usize| Ok(leaves[s..s + c].to_vec());
        let shape = TreeShape::for_nodes(64).unwrap();
        for idx in [0usize, 1, 9, 63] {
            let (l1, p1) = full.path(idx, &fetch).unwrap();
            let (l2, p2) = cached.path(idx, &fetch).unwrap();
            assert_eq!((l1, &p1), (l2, &p2));
            let proof = compound_proof(&shape, &[full.root()], 0, l1, p1);
            assert!(proof.verify() && proof.has_shape(&shape));
            assert_eq!(proof.leaf_index(), idx as u64);
            let mut bad = proof.clone();
            bad.path[1].hashes[3] = Fr::from_u64(5);
            assert!(!bad.verify());
        }
        // the on-demand file reader gives the same paths
        let dir = std::env::temp_dir().join(format!("sealfarm-merkle-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (t, first) in [(&full, 0usize), (&cached, 1)] {
            let f = dir.join(format!("t{first}"));
            std::fs::write(&f, t.to_bytes()).unwrap();
            let tf = TreeFile::open(&f, 64, first).unwrap();
            assert_eq!(tf.root().unwrap(), t.root());
            for idx in [0usize, 13, 63] {
                assert_eq!(tf.path(idx, &fetch).unwrap(), t.path(idx, &fetch).unwrap());
            }
        }
        std::fs::write(dir.join("short"), [0u8; 64]).unwrap();
        assert!(TreeFile::open(&dir.join("short"), 64, 0).unwrap_err().contains("expected 2336 bytes"));
        std::fs::remove_dir_all(&dir).unwrap();
        // a corrupted leaf under a discarded row is detected against the cache
        let bad_fetch = |s: usize, c: usize| {
            let mut v = leaves[s..s + c].to_vec();
            v[0] = Fr::ZERO;
            Ok(v)
        };
        assert!(cached.path(0, &bad_fetch).is_err());
        // a compound (8 sub-trees, then top of 2) path: 16 trees of 8 leaves each
        let shape = TreeShape { nodes: 128, base_trees: 16, sub_arity: 8, top_arity: 2 };
        let trees: Vec<StoredTree> = (0..16u64)
            .map(|t| StoredTree::from_rows(build_rows((0..8).map(|i| Fr::from_u64(t * 100 + i)).collect()), 0))
            .collect();
        let roots: Vec<Fr> = trees.iter().map(|t| t.root()).collect();
        let (leaf, path) = trees[11].path(5, &|_, _| unreachable!()).unwrap();
        let p = compound_proof(&shape, &roots, 11, leaf, path);
        assert!(p.verify());
        assert_eq!(p.leaf_index(), 11 * 8 + 5);
        assert_eq!(p.leaf, Fr::from_u64(1105));
    }

    #[test]
    fn par_map_matches_sequential() {
        let v = par_map(5000, |i| Fr::from_u64(i as u64).square());
        for (i, x) in v.iter().enumerate() {
            assert_eq!(*x, Fr::from_u64(i as u64).square());
        }
    }
}
