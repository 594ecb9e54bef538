//! PreCommit2: column hashes, tree_c, the encoding (the sealed replica), tree_r_last, comm_r, p_aux and t_aux
//! (rust-fil-proofs `stacked/vanilla/proof.rs::transform_and_replicate_layers`).
//!
//! Inputs: the L label layers `sc-02-data-layer-{1..L}.dat` in the cache dir and the sealed file, which PC1 left
//! holding a copy of the fr32-padded unsealed data (rust-fil-proofs writes the replica in place over it). If the
//! sealed file is still empty (damocles creates it empty before PC1), the data is read from tree_d's leaf row.
//!
//! 1. column hash c_i = Poseidon_L(label_1(i), …, label_L(i)) (arity 2 for 2-layer sectors, 11 for 32/64 GiB);
//! 2. tree_c = the 8-ary Poseidon tree (compound for 32/64 GiB) over the column hashes, stored whole;
//! 3. replica_i = label_L(i) + data_i in Fr, written as 32-byte LE canonical nodes;
//! 4. tree_r_last = the same tree shape over the replica, stored from row rows_to_discard + 1 up;
//! 5. comm_r = Poseidon_2(comm_c, comm_r_last). p_aux = comm_c ‖ comm_r_last (64 bytes, bincode of the pair, as
//!    lotus/curio caches hold it). t_aux is sealfarm's own JSON (shape, rows_to_discard, base-tree roots and a
//!    fingerprint of the labels), not rust-fil-proofs' bincode `TemporaryAux`.
//!
//! Crash safety: every output is written to `<name>.tmp` and renamed. The encoded replica goes to
//! `<sealed>.pc2.tmp` and replaces the sealed file only after p_aux exists, so a rerun after `kill -9` either starts
//! over from the untouched data or (p_aux present) just finishes that rename — data is never encoded twice.

use crate::field::Fr;
use crate::ids::SealProof;
use crate::stage_task::Stage;
use serde::{Deserialize, Serialize};
use crate::merkle::{self, StoredTree, TreeShape};
use crate::poseidon;
use std::fs::{self, File};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Nodes per read while streaming layers and data (2 MiB per layer).
const CHUNK: usize = 1 << 16;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pc2Result {
    pub comm_c: [u8; 32],
    pub comm_r_last: [u8; 32],
    pub comm_r: [u8; 32],
}

pub fn layer_path(cache_dir: &Path, layer: usize) -> PathBuf {
    cache_dir.join(format!("sc-02-data-layer-{layer}.dat"))
}

/// Reads nodes [start, start+count) of a node file, with an error naming the file.
pub fn read_nodes(path: &Path, start: u64, count: usize) -> Result<Vec<u8>, String> {
    let mut f = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    f.seek(SeekFrom::Start(start * 32)).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0u8; count * 32];
    f.read_exact(&mut buf).map_err(|e| {
        format!("{}: cannot read nodes {start}..{}: {e}", path.display(), start + count as u64)
    })?;
    Ok(buf)
}

/// Writes `bytes` to `path` through `path.tmp` + fsync + rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = tmp_path(path, "tmp");
    let mut f = File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(|e| format!("{}: {e}", tmp.display()))?;
    fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn tmp_path(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{suffix}"));
    PathBuf::from(s)
}

fn node_len(path: &Path, want: u64) -> Result<(), String> {
    let len = fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?.len();
    if len != want * 32 {
        return Err(format!("{}: expected {} bytes ({want} nodes), found {len}", path.display(), want * 32));
    }
    Ok(())
}

/// Column hashes for nodes [start, start+count).
pub fn column_hashes(cache_dir: &Path, layers: usize, start: u64, count: usize) -> Result<Vec<Fr>, String> {
    let mut cols: Vec<Vec<Fr>> = Vec::with_capacity(layers);
    for l in 1..=layers {
        let p = layer_path(cache_dir, l);
        let b = read_nodes(&p, start, count)?;
        cols.push(merkle::bytes_to_fr(&b).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let c = poseidon::constants(layers);
    Ok(merkle::par_map(count, |i| {
        let mut col = [Fr::ZERO; 16];
        for l in 0..layers {
            col[l] = cols[l][i];
        }
        c.hash(&col[..layers])
    }))
}

/// Identifies the labels PC2 ran on: node 0 of layer 1 and node N−1 of layer L (every label depends on the
/// replica_id, so a PC1 redone with another ticket changes both).
fn labels_fingerprint(cache_dir: &Path, nodes: u64, layers: usize) -> Result<String, String> {
    let first = read_nodes(&layer_path(cache_dir, 1), 0, 1)?;
    let last = read_nodes(&layer_path(cache_dir, layers), nodes - 1, 1)?;
    Ok(format!("{}{}", hex::encode(&first), hex::encode(&last)))
}

/// t_aux: sealfarm's own record of the trees PC2 built (not rust-fil-proofs' bincode `TemporaryAux`).
#[derive(Serialize, Deserialize)]
struct TAux {
    labels_fingerprint: String,
    nodes: u64,
    layers: usize,
    base_trees: usize,
    tree_c_rows_to_discard: usize,
    tree_r_last_rows_to_discard: usize,
    tree_c_roots: Vec<[u8; 32]>,
    tree_r_last_roots: Vec<[u8; 32]>,
}

fn previous_fingerprint(cache_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(cache_dir.join("t_aux")).ok()?;
    serde_json::from_str::<TAux>(&text).ok().map(|t| t.labels_fingerprint)
}

/// Reads p_aux: (comm_c, comm_r_last).
pub fn read_p_aux(cache_dir: &Path) -> Result<([u8; 32], [u8; 32]), String> {
    let p = cache_dir.join("p_aux");
    let b = fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    if b.len() != 64 {
        return Err(format!("{}: expected 64 bytes (comm_c ‖ comm_r_last), found {}", p.display(), b.len()));
    }
    Ok((b[..32].try_into().unwrap(), b[32..].try_into().unwrap()))
}

fn result_from(comm_c: [u8; 32], comm_r_last: [u8; 32]) -> Result<Pc2Result, String> {
    let comm_r = poseidon::hash2_bytes(&comm_c, &comm_r_last).ok_or("p_aux holds a non-canonical commitment")?;
    Ok(Pc2Result { comm_c, comm_r_last, comm_r })
}

/// Runs PC2 for a sector of `nodes` nodes and `layers` layers.
pub fn run(cache_dir: &Path, sealed_file: &Path, nodes: u64, layers: usize) -> Result<Pc2Result, String> {
    run_shape(cache_dir, sealed_file, &TreeShape::for_nodes(nodes)?, layers)
}

/// `run` for an explicit tree shape (tests use small compound shapes to exercise the 32/64 GiB code path).
pub fn run_shape(cache_dir: &Path, sealed_file: &Path, shape: &TreeShape, layers: usize) -> Result<Pc2Result, String> {
    let shape = *shape;
    let nodes = shape.nodes;
    if !matches!(layers, 2 | 4 | 8 | 11 | 16) {
        return Err(format!("no Poseidon column hash for {layers} layers"));
    }
    let sealed_tmp = tmp_path(sealed_file, "pc2.tmp");
    for l in 1..=layers {
        node_len(&layer_path(cache_dir, l), nodes)?;
    }
    let fingerprint = labels_fingerprint(cache_dir, nodes, layers)?;
    if cache_dir.join("p_aux").exists() {
        if previous_fingerprint(cache_dir).as_deref() == Some(fingerprint.as_str()) {
            // A previous run over these very labels finished everything but (maybe) the final rename.
            if sealed_tmp.exists() {
                fs::rename(&sealed_tmp, sealed_file).map_err(|e| format!("{}: {e}", sealed_file.display()))?;
            }
            let (c, r) = read_p_aux(cache_dir)?;
            return result_from(c, r);
        }
        // p_aux of an earlier PC1 (e.g. redone with a new ticket): stale, start over.
        fs::remove_file(cache_dir.join("p_aux")).map_err(|e| format!("{}: {e}", cache_dir.join("p_aux").display()))?;
    }
    // The data to encode: rust-fil-proofs' PC1 copies the staged data into the sealed file; if PC1 left the sealed
    // file empty (damocles creates it empty), the same bytes are the leaf row of tree_d (stored whole, leaves first).
    let sealed_len = fs::metadata(sealed_file).map_err(|e| format!("{}: {e}", sealed_file.display()))?.len();
    let data_src = if sealed_len == 0 {
        let td = cache_dir.join("sc-02-data-tree-d.dat");
        let len = fs::metadata(&td).map_err(|e| format!("{} is empty and {}: {e}", sealed_file.display(), td.display()))?.len();
        if len != (2 * nodes - 1) * 32 {
            return Err(format!("{} is empty and {} has {len} bytes, expected {}", sealed_file.display(), td.display(), (2 * nodes - 1) * 32));
        }
        td
    } else {
        node_len(sealed_file, nodes)?;
        sealed_file.to_path_buf()
    };
    let per = shape.leaves_per_base();
    let rows_to_discard = shape.rows_to_discard();

    // tree_c
    let mut c_roots = Vec::new();
    for j in 0..shape.base_trees {
        let mut leaves = Vec::with_capacity(per as usize);
        for (start, n) in shape.base_chunks(j, CHUNK) {
            leaves.extend(column_hashes(cache_dir, layers, start, n)?);
        }
        let tree = StoredTree::from_rows(merkle::build_rows(leaves), 0);
        c_roots.push(tree.root());
        write_atomic(&cache_dir.join(shape.file_name("tree-c", j)), &tree.to_bytes())?;
    }

    // encoding and tree_r_last
    let last = layer_path(cache_dir, layers);
    let mut out = File::create(&sealed_tmp).map_err(|e| format!("{}: {e}", sealed_tmp.display()))?;
    let mut r_roots = Vec::new();
    for j in 0..shape.base_trees {
        let mut leaves = Vec::with_capacity(per as usize);
        for (start, n) in shape.base_chunks(j, CHUNK) {
            let key = merkle::bytes_to_fr(&read_nodes(&last, start, n)?).map_err(|e| format!("{}: {e}", last.display()))?;
            let data_b = read_nodes(&data_src, start, n)?;
            let data = merkle::bytes_to_fr(&data_b).map_err(|e| {
                format!("{}: unsealed data at node {start}+: {e} (is it fr32-padded?)", data_src.display())
            })?;
            let rep = merkle::par_map(n, |i| key[i].add(&data[i]));
            out.write_all(&merkle::fr_to_bytes(&rep)).map_err(|e| format!("{}: {e}", sealed_tmp.display()))?;
            leaves.extend(rep);
        }
        let tree = StoredTree::from_rows(merkle::build_rows(leaves), rows_to_discard + 1);
        r_roots.push(tree.root());
        write_atomic(&cache_dir.join(shape.file_name("tree-r-last", j)), &tree.to_bytes())?;
    }
    out.sync_all().map_err(|e| format!("{}: {e}", sealed_tmp.display()))?;
    drop(out);

    let comm_c = shape.root_of_roots(&c_roots).to_bytes();
    let comm_r_last = shape.root_of_roots(&r_roots).to_bytes();
    let t_aux = TAux {
        labels_fingerprint: fingerprint,
        nodes,
        layers,
        base_trees: shape.base_trees,
        tree_c_rows_to_discard: 0,
        tree_r_last_rows_to_discard: rows_to_discard,
        tree_c_roots: c_roots.iter().map(Fr::to_bytes).collect(),
        tree_r_last_roots: r_roots.iter().map(Fr::to_bytes).collect(),
    };
    write_atomic(&cache_dir.join("t_aux"), crate::json::to_raw(&t_aux).get().as_bytes())?;
    let mut p_aux = Vec::with_capacity(64);
    p_aux.extend_from_slice(&comm_c);
    p_aux.extend_from_slice(&comm_r_last);
    write_atomic(&cache_dir.join("p_aux"), &p_aux)?;
    fs::rename(&sealed_tmp, sealed_file).map_err(|e| format!("{}: {e}", sealed_file.display()))?;
    result_from(comm_c, comm_r_last)
}

/// Reads the roots of every tree_r_last base tree and checks them against comm_r_last.
pub fn load_tree_r_last(cache_dir: &Path, shape: &TreeShape) -> Result<Vec<StoredTree>, String> {
    let first = shape.rows_to_discard() + 1;
    (0..shape.base_trees)
        .map(|j| {
            let p = cache_dir.join(shape.file_name("tree-r-last", j));
            let b = fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            StoredTree::from_bytes(&b, shape.leaves_per_base() as usize, first).map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect()
}

pub fn load_tree_c(cache_dir: &Path, shape: &TreeShape) -> Result<Vec<StoredTree>, String> {
    (0..shape.base_trees)
        .map(|j| {
            let p = cache_dir.join(shape.file_name("tree-c", j));
            let b = fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            StoredTree::from_bytes(&b, shape.leaves_per_base() as usize, 0).map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic masked 32-byte nodes (stand-ins for labels / fr32 data).
    pub fn fake_nodes(n: usize, seed: u64) -> Vec<u8> {
        let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut out = vec![0u8; n * 32];
        for b in out.iter_mut() {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            *b = x as u8;
        }
        for i in 0..n {
            out[i * 32 + 31] &= 0x3f;
        }
        out
    }

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sealfarm-pc2-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn pc2_matches_an_independent_plain_computation_and_resumes() {
        let d = tmpdir("plain");
        let n = 64usize;
        let l1 = fake_nodes(n, 1);
        let l2 = fake_nodes(n, 2);
        let data = fake_nodes(n, 3);
        fs::write(layer_path(&d, 1), &l1).unwrap();
        fs::write(layer_path(&d, 2), &l2).unwrap();
        let sealed = d.join("sealed");
        fs::write(&sealed, &data).unwrap();
        let r = run(&d, &sealed, n as u64, 2).unwrap();

        // independent: plain Poseidon, binary-free 8-ary tree by hand
        let fr = |b: &[u8], i: usize| Fr::from_slice(&b[i * 32..i * 32 + 32]).unwrap();
        let c2 = poseidon::constants(2);
        let c8 = poseidon::constants(8);
        let root = |leaves: Vec<Fr>| {
            let mut row = leaves;
            while row.len() > 1 {
                row = row.chunks(8).map(|c| c8.hash_plain(c)).collect();
            }
            row[0]
        };
        let comm_c = root((0..n).map(|i| c2.hash_plain(&[fr(&l1, i), fr(&l2, i)])).collect());
        let replica: Vec<Fr> = (0..n).map(|i| fr(&l2, i).add(&fr(&data, i))).collect();
        let comm_r_last = root(replica.clone());
        assert_eq!(r.comm_c, comm_c.to_bytes());
        assert_eq!(r.comm_r_last, comm_r_last.to_bytes());
        assert_eq!(r.comm_r, c2.hash_plain(&[comm_c, comm_r_last]).to_bytes());
        assert_eq!(fs::read(&sealed).unwrap(), merkle::fr_to_bytes(&replica));
        assert_eq!(read_p_aux(&d).unwrap(), (r.comm_c, r.comm_r_last));
        assert_eq!(fs::metadata(d.join("sc-02-data-tree-c.dat")).unwrap().len(), 73 * 32);
        assert_eq!(fs::metadata(d.join("sc-02-data-tree-r-last.dat")).unwrap().len(), 32);
        // a rerun after completion does not encode twice
        let again = run(&d, &sealed, n as u64, 2).unwrap();
        assert_eq!(again, r);
        assert_eq!(fs::read(&sealed).unwrap(), merkle::fr_to_bytes(&replica));
        // PC1 redone (new labels) over fresh data: the old p_aux is stale and PC2 runs again
        fs::write(layer_path(&d, 1), fake_nodes(n, 11)).unwrap();
        fs::write(layer_path(&d, 2), fake_nodes(n, 12)).unwrap();
        fs::write(&sealed, &data).unwrap();
        let redone = run(&d, &sealed, n as u64, 2).unwrap();
        assert_ne!(redone, r);
        let l2b = fake_nodes(n, 12);
        let replica2: Vec<Fr> = (0..n).map(|i| fr(&l2b, i).add(&fr(&data, i))).collect();
        assert_eq!(redone.comm_r_last, root(replica2).to_bytes());
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn pc2_recovers_from_a_crash_at_either_point() {
        let n = 64usize;
        let setup = |tag: &str| {
            let d = tmpdir(tag);
            fs::write(layer_path(&d, 1), fake_nodes(n, 1)).unwrap();
            fs::write(layer_path(&d, 2), fake_nodes(n, 2)).unwrap();
            fs::write(d.join("sealed"), fake_nodes(n, 3)).unwrap();
            d
        };
        let clean = setup("clean");
        let want = run(&clean, &clean.join("sealed"), n as u64, 2).unwrap();
        let want_sealed = fs::read(clean.join("sealed")).unwrap();

        // killed while encoding: a partial replica temp file and tree files, no p_aux; the data is untouched
        let d = setup("mid");
        fs::write(d.join("sealed.pc2.tmp"), &want_sealed[..1000]).unwrap();
        fs::write(d.join("sc-02-data-tree-c.dat"), b"partial").unwrap();
        assert_eq!(run(&d, &d.join("sealed"), n as u64, 2).unwrap(), want);
        assert_eq!(fs::read(d.join("sealed")).unwrap(), want_sealed);
        assert!(!d.join("sealed.pc2.tmp").exists());

        // killed after p_aux, before the replica replaced the data: the rerun only finishes the rename
        let d = setup("late");
        for f in ["p_aux", "t_aux", "sc-02-data-tree-c.dat", "sc-02-data-tree-r-last.dat"] {
            fs::copy(clean.join(f), d.join(f)).unwrap();
        }
        fs::write(d.join("sealed.pc2.tmp"), &want_sealed).unwrap();
        assert_eq!(run(&d, &d.join("sealed"), n as u64, 2).unwrap(), want);
        assert_eq!(fs::read(d.join("sealed")).unwrap(), want_sealed);
        for d in [clean, d] {
            fs::remove_dir_all(d).unwrap();
        }
    }

    #[test]
    fn pc2_compound_shape_writes_one_file_per_base_tree_and_proves_through_sub_and_top() {
        // 16 base trees of 8 leaves, sub level of 8, top level of 2: the 64 GiB layout in miniature
        let shape = TreeShape { nodes: 128, base_trees: 16, sub_arity: 8, top_arity: 2 };
        let d = tmpdir("compound");
        fs::write(layer_path(&d, 1), fake_nodes(128, 1)).unwrap();
        fs::write(layer_path(&d, 2), fake_nodes(128, 2)).unwrap();
        fs::write(d.join("sealed"), fake_nodes(128, 3)).unwrap();
        let r = run_shape(&d, &d.join("sealed"), &shape, 2).unwrap();
        assert!(d.join("sc-02-data-tree-c-15.dat").exists() && d.join("sc-02-data-tree-r-last-15.dat").exists());
        assert!(!d.join("sc-02-data-tree-c.dat").exists());
        // independent root: 16 base roots -> 2 sub roots (arity 8) -> top (arity 2)
        let replica = merkle::bytes_to_fr(&fs::read(d.join("sealed")).unwrap()).unwrap();
        let roots: Vec<Fr> = replica.chunks(8).map(|c| poseidon::constants(8).hash_plain(c)).collect();
        let subs: Vec<Fr> = roots.chunks(8).map(|c| poseidon::constants(8).hash_plain(c)).collect();
        assert_eq!(r.comm_r_last, poseidon::constants(2).hash_plain(&subs).to_bytes());
        // a proof for leaf 93 from the tree files goes base -> sub -> top
        let files = load_tree_r_last(&d, &shape).unwrap();
        let fetch = |s: usize, c: usize| Ok(replica[88 + s..88 + s + c].to_vec());
        let (leaf, path) = files[11].path(5, &fetch).unwrap();
        let p = merkle::compound_proof(&shape, &roots, 11, leaf, path);
        assert!(p.verify() && p.has_shape(&shape));
        assert_eq!((p.leaf_index(), p.root.to_bytes()), (93, r.comm_r_last));
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn pc2_output_is_byte_identical_for_one_and_four_threads() {
        let n = 4096usize;
        let mut outputs = Vec::new();
        for t in [1usize, 4] {
            let d = tmpdir(&format!("threads{t}"));
            fs::write(layer_path(&d, 1), fake_nodes(n, 1)).unwrap();
            fs::write(layer_path(&d, 2), fake_nodes(n, 2)).unwrap();
            fs::write(d.join("sealed"), fake_nodes(n, 3)).unwrap();
            merkle::THREADS_OVERRIDE.store(t, std::sync::atomic::Ordering::SeqCst);
            let r = run(&d, &d.join("sealed"), n as u64, 2);
            merkle::THREADS_OVERRIDE.store(0, std::sync::atomic::Ordering::SeqCst);
            let files: Vec<Vec<u8>> = ["sealed", "sc-02-data-tree-c.dat", "sc-02-data-tree-r-last.dat", "p_aux"]
                .iter()
                .map(|f| fs::read(d.join(f)).unwrap())
                .collect();
            outputs.push((r.unwrap(), files));
            fs::remove_dir_all(&d).unwrap();
        }
        assert_eq!(outputs[0], outputs[1]);
    }

    #[test]
    fn pc2_names_the_missing_or_short_file() {
        let d = tmpdir("bad");
        fs::write(layer_path(&d, 1), fake_nodes(64, 1)).unwrap();
        let sealed = d.join("sealed");
        fs::write(&sealed, fake_nodes(64, 3)).unwrap();
        let e = run(&d, &sealed, 64, 2).unwrap_err();
        assert!(e.contains("sc-02-data-layer-2.dat"), "{e}");
        fs::write(layer_path(&d, 2), fake_nodes(63, 1)).unwrap();
        let e = run(&d, &sealed, 64, 2).unwrap_err();
        assert!(e.contains("layer-2.dat: expected 2048 bytes"), "{e}");
        let mut bad = fake_nodes(64, 3);
        bad[31] = 0xff;
        fs::write(layer_path(&d, 2), fake_nodes(64, 1)).unwrap();
        fs::write(&sealed, bad).unwrap();
        let e = run(&d, &sealed, 64, 2).unwrap_err();
        assert!(e.contains("fr32"), "{e}");
        assert!(!d.join("p_aux").exists());
        fs::remove_dir_all(&d).unwrap();
    }
}

/// The part of pc1's output that pc2 reads.
#[derive(Deserialize)]
pub struct Pc1Out {
    pub registered_proof: SealProof,
    pub comm_d: [u8; 32],
}

/// Stage `pc2`: task `{pc1out, cache_dir, sealed_file}` -> `{comm_r, comm_d, registered_proof}`.
#[derive(Deserialize)]
pub struct Pc2Task {
    pub pc1out: Pc1Out,
    pub cache_dir: PathBuf,
    pub sealed_file: PathBuf,
}

#[derive(Serialize)]
pub struct Pc2Output {
    pub comm_r: [u8; 32],
    pub comm_d: [u8; 32],
    pub registered_proof: SealProof,
}

impl Stage for Pc2Task {
    type Output = Pc2Output;
    fn run(self) -> Result<Pc2Output, String> {
        let proof = self.pc1out.registered_proof;
        let r = run(&self.cache_dir, &self.sealed_file, proof.nodes(), proof.layers())?;
        Ok(Pc2Output { comm_r: r.comm_r, comm_d: self.pc1out.comm_d, registered_proof: proof })
    }
}
