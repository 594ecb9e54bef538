//! snap_encode: encodes staged deal data into a CC sector's replica (storage-proofs-update
//! `EmptySectorUpdate::encode_into`, filecoin-proofs `api/update.rs::encode_into`).
//!
//! 1. tree_d over the staged data (the whole sector, fr32-padded) in the new cache dir: comm_d_new, which must be
//!    the commitment of `piece_infos`;
//! 2. comm_r_old = Poseidon(comm_c, comm_r_last_old) from the old cache's p_aux; phi = H_gr(comm_d_new, comm_r_old);
//! 3. new_replica[i] = sector_key[i] + data[i] · rho(i >> (log2(nodes) − h)) in Fr, where sector_key is the CC
//!    replica;
//! 4. tree_r_last over the new replica, same shape and rows_to_discard as PC2's; comm_r_last_new is its root and
//!    comm_r_new = Poseidon(comm_c, comm_r_last_new).
//!
//! The new cache also gets `p_aux` (comm_c ‖ comm_r_last_new, so WindowPoSt can prove the updated sector from
//! it) and a sealfarm `t_aux` (tree shape, roots, comm_d_new); rust-fil-proofs leaves writing those to its caller.
//! Every output goes through `<name>.tmp` + rename: a rerun after `kill -9` starts over from the untouched inputs.

use super::params::UpdateProof;
use super::randomness;
use crate::field::Fr;
use crate::merkle::{self, StoredTree, TreeShape};
use crate::pc2::{self, read_nodes, write_atomic};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

const CHUNK: usize = 1 << 16;

pub struct EncodeInputs {
    pub proof: UpdateProof,
    pub new_replica_path: PathBuf,
    pub new_cache_path: PathBuf,
    pub sector_path: PathBuf,
    pub sector_cache_path: PathBuf,
    pub staged_data_path: PathBuf,
    /// (commitment, unpadded size)
    pub pieces: Vec<([u8; 32], u64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Encoded {
    pub comm_r_new: [u8; 32],
    pub comm_r_last_new: [u8; 32],
    pub comm_d_new: [u8; 32],
}

/// Reads p_aux of a cache dir as field elements (comm_c, comm_r_last).
pub fn read_p_aux_fr(cache_dir: &Path) -> Result<(Fr, Fr), String> {
    let (c, r) = pc2::read_p_aux(cache_dir)?;
    let p = cache_dir.join("p_aux");
    let c = Fr::from_bytes(&c).ok_or_else(|| format!("{}: comm_c is not a field element", p.display()))?;
    let r = Fr::from_bytes(&r).ok_or_else(|| format!("{}: comm_r_last is not a field element", p.display()))?;
    Ok((c, r))
}

fn file_len(path: &Path, what: &str) -> Result<u64, String> {
    let m = fs::metadata(path).map_err(|e| format!("{what} {}: {e}", path.display()))?;
    if !m.is_file() {
        return Err(format!("{what} {}: not a file", path.display()));
    }
    Ok(m.len())
}

fn dir(path: &Path, what: &str) -> Result<(), String> {
    if !path.is_dir() {
        return Err(format!("{what} {}: not a directory", path.display()));
    }
    Ok(())
}

pub fn encode(inp: &EncodeInputs) -> Result<Encoded, String> {
    let size = inp.proof.sector_size;
    let params = inp.proof.params();
    let shape = TreeShape::for_nodes(params.sector_nodes)?;
    dir(&inp.new_cache_path, "new_cache_path")?;
    dir(&inp.sector_cache_path, "sector_cache_path")?;
    let key_len = file_len(&inp.sector_path, "sector_path")?;
    if key_len != size {
        return Err(format!("sector_path {}: {key_len} bytes, expected the sector size {size}", inp.sector_path.display()));
    }
    let staged_len = file_len(&inp.staged_data_path, "staged_data_path")?;
    if staged_len != size {
        return Err(format!(
            "staged_data_path {}: {staged_len} bytes, expected the sector size {size}",
            inp.staged_data_path.display()
        ));
    }
    let (comm_c, comm_r_last_old) = read_p_aux_fr(&inp.sector_cache_path)?;

    let comm_d_new = crate::tree_d::build(&inp.staged_data_path, size, &inp.new_cache_path)?;
    let padded: Vec<([u8; 32], u64)> =
        inp.pieces.iter().map(|(c, unpadded)| (*c, crate::fr32::to_padded_size(*unpadded))).collect();
    let want = crate::commp::comm_d_from_pieces(size, &padded).map_err(|e| format!("piece_infos: {e}"))?;
    if want != comm_d_new {
        return Err("piece_infos: pieces and comm_d do not match (the staged data is not these pieces)".into());
    }

    let comm_r_old = crate::poseidon::hash(&[comm_c, comm_r_last_old]);
    let d = Fr::from_bytes(&comm_d_new).ok_or("comm_d_new is not a field element")?;
    let phi = randomness::phi(&d, &comm_r_old);
    let rhos = randomness::rhos(params.h, &phi);
    let shr = params.high_bits_shr();

    let tmp = {
        let mut s = inp.new_replica_path.as_os_str().to_owned();
        s.push(".snap.tmp");
        PathBuf::from(s)
    };
    let mut out = File::create(&tmp).map_err(|e| format!("new_replica_path {}: {e}", tmp.display()))?;
    let per = shape.leaves_per_base();
    let mut roots = Vec::with_capacity(shape.base_trees);
    for j in 0..shape.base_trees {
        let mut leaves = Vec::with_capacity(per as usize);
        for (start, n) in shape.base_chunks(j, CHUNK) {
            let key = merkle::bytes_to_fr(&read_nodes(&inp.sector_path, start, n)?)
                .map_err(|e| format!("sector_path {}: {e}", inp.sector_path.display()))?;
            let data = merkle::bytes_to_fr(&read_nodes(&inp.staged_data_path, start, n)?).map_err(|e| {
                format!("staged_data_path {}: {e} (is it fr32-padded?)", inp.staged_data_path.display())
            })?;
            let rep = merkle::par_map(n, |i| {
                let rho = &rhos[((start + i as u64) >> shr) as usize];
                key[i].add(&data[i].mul(rho))
            });
            out.write_all(&merkle::fr_to_bytes(&rep)).map_err(|e| format!("{}: {e}", tmp.display()))?;
            leaves.extend(rep);
        }
        let tree = StoredTree::from_rows(merkle::build_rows(leaves), shape.rows_to_discard() + 1);
        roots.push(tree.root());
        write_atomic(&inp.new_cache_path.join(shape.file_name("tree-r-last", j)), &tree.to_bytes())?;
    }
    out.sync_all().map_err(|e| format!("{}: {e}", tmp.display()))?;
    drop(out);

    let comm_r_last_new = shape.root_of_roots(&roots);
    let comm_r_new = crate::poseidon::hash(&[comm_c, comm_r_last_new]);
    let t_aux = TAux {
        nodes: shape.nodes,
        base_trees: shape.base_trees as u64,
        tree_r_last_rows_to_discard: shape.rows_to_discard() as u64,
        tree_r_last_roots: roots.iter().map(|r| r.to_bytes()).collect(),
        comm_d_new,
        update_proof: inp.proof.name,
    };
    write_atomic(&inp.new_cache_path.join("t_aux"), crate::json::to_raw(&t_aux).get().as_bytes())?;
    let mut p_aux = Vec::with_capacity(64);
    p_aux.extend_from_slice(&comm_c.to_bytes());
    p_aux.extend_from_slice(&comm_r_last_new.to_bytes());
    write_atomic(&inp.new_cache_path.join("p_aux"), &p_aux)?;
    fs::rename(&tmp, &inp.new_replica_path).map_err(|e| format!("new_replica_path {}: {e}", inp.new_replica_path.display()))?;
    Ok(Encoded { comm_r_new: comm_r_new.to_bytes(), comm_r_last_new: comm_r_last_new.to_bytes(), comm_d_new })
}

/// The inverse (storage-proofs-update `decode_from`): data[i] = (replica[i] − sector_key[i]) / rho. Used by tests to
/// show the encoding is the published one: decoding with rust-fil-proofs' rule gives back the staged data.
pub fn decode_node(replica: &Fr, sector_key: &Fr, rho: &Fr) -> Fr {
    replica.sub(sector_key).mul(&rho.invert().expect("rho is nonzero"))
}

/// The update cache's t_aux: sealfarm's own record of the trees snap_encode built (fields in this order).
#[derive(serde::Serialize)]
struct TAux {
    nodes: u64,
    base_trees: u64,
    tree_r_last_rows_to_discard: u64,
    tree_r_last_roots: Vec<[u8; 32]>,
    comm_d_new: [u8; 32],
    update_proof: &'static str,
}
