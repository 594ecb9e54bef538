//! The `pc1` stage (SealPreCommitPhase1): checks the inputs like rust-fil-proofs (`in_path`/`out_path` files,
//! `cache_path` a directory, the staged file sector-sized), takes comm_d from tree_d (reusing a complete
//! `sc-02-data-tree-d.dat`, else building it) and checks it against `piece_infos`, derives replica_id, loads or
//! generates the parent cache, writes `sc-02-data-layer-{1..L}.dat`, and returns rust-fil-proofs'
//! `SealPreCommitPhase1Output` JSON exactly as damocles passes it on to pc2.

use super::cache::{self, ParentCache};
use super::graph::Graph;
use super::layers::label_all;
use crate::commp::comm_d_from_pieces;
use crate::fr32;
use crate::ids::{replica_id, SealProof};
use crate::json::Phantom;
use crate::pieces::PieceInfo;
use crate::stage_task::Stage;
use crate::tree_d;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn layer_file_name(layer: usize) -> String {
    format!("sc-02-data-layer-{layer}.dat")
}

/// rust-fil-proofs' `StoreConfig` in serde form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoreConfig {
    pub path: String,
    pub id: String,
    pub size: u64,
    pub rows_to_discard: u64,
}

impl StoreConfig {
    fn new(path: &Path, id: &str, size: u64) -> StoreConfig {
        StoreConfig { path: path.to_string_lossy().into_owned(), id: id.to_string(), size, rows_to_discard: 0 }
    }
}

/// damocles `pc1` task (`seal_pre_commit_phase1`'s arguments).
#[derive(Deserialize)]
pub struct Pc1Task {
    pub registered_proof: SealProof,
    pub cache_path: PathBuf,
    pub in_path: PathBuf,
    pub out_path: PathBuf,
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    pub ticket: [u8; 32],
    pub piece_infos: Vec<PieceInfo>,
}

pub struct Pc1Output {
    pub comm_d: [u8; 32],
    pub replica_id: [u8; 32],
}

/// The layers' store configs under the shape key, as rust-fil-proofs' `Labels` enum serializes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Labels {
    pub labels: Vec<StoreConfig>,
    pub _h: Phantom,
}

/// rust-fil-proofs' `SealPreCommitPhase1Output`, which damocles passes on to pc2 unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SealPreCommitPhase1Output {
    pub registered_proof: SealProof,
    pub labels: BTreeMap<String, Labels>,
    pub config: StoreConfig,
    pub comm_d: [u8; 32],
}

impl SealPreCommitPhase1Output {
    pub fn new(proof: &SealProof, cache_path: &Path, comm_d: &[u8; 32]) -> SealPreCommitPhase1Output {
        let n = proof.nodes();
        let labels = (1..=proof.layers()).map(|l| StoreConfig::new(cache_path, &format!("layer-{l}"), n)).collect();
        SealPreCommitPhase1Output {
            registered_proof: *proof,
            labels: BTreeMap::from([(proof.shape_key(), Labels { labels, _h: Phantom })]),
            config: StoreConfig::new(cache_path, "tree-d", 2 * n - 1),
            comm_d: *comm_d,
        }
    }
}

fn write_layer(dir: &Path, layer: usize, data: &[u8]) -> Result<(), String> {
    let path = dir.join(layer_file_name(layer));
    let tmp = dir.join(format!(".{}.tmp-{}", layer_file_name(layer), std::process::id()));
    let r = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    })();
    r.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("layer file {}: {e}", path.display())
    })
}

/// Runs PC1 with the parent cache from `parent_dir`.
pub fn run(input: &Pc1Task, parent_dir: &Path) -> Result<Pc1Output, String> {
    let p = &input.registered_proof;
    let meta = |path: &Path, field: &str| {
        std::fs::metadata(path).map_err(|e| format!("field `{field}`: {}: {e}", path.display()))
    };
    let in_meta = meta(&input.in_path, "in_path")?;
    if !in_meta.is_file() || in_meta.len() != p.sector_size {
        return Err(format!(
            "field `in_path`: {} must be a file of the sector size {} ({}), found {} bytes",
            input.in_path.display(),
            p.sector_size,
            p.name,
            in_meta.len()
        ));
    }
    if !meta(&input.out_path, "out_path")?.is_file() {
        return Err(format!("field `out_path`: {} must be a file", input.out_path.display()));
    }
    if !meta(&input.cache_path, "cache_path")?.is_dir() {
        return Err(format!("field `cache_path`: {} must be a directory", input.cache_path.display()));
    }
    let pieces: Vec<([u8; 32], u64)> =
        input.piece_infos.iter().map(|pi| (pi.commitment, fr32::to_padded_size(pi.size))).collect();
    let expected = comm_d_from_pieces(p.sector_size, &pieces)?;
    let comm_d = match tree_d::read_root(&input.cache_path, p.sector_size)? {
        Some(root) => root,
        None => tree_d::build(&input.in_path, p.sector_size, &input.cache_path)?,
    };
    if comm_d != expected {
        return Err(format!(
            "field `piece_infos`: their comm_d {} does not match the data's comm_d {} (tree_d of {})",
            hex::encode(expected),
            hex::encode(comm_d),
            input.in_path.display()
        ));
    }
    let porep_id = p.porep_id();
    let rid = replica_id(&input.prover_id, input.sector_id, &input.ticket, &comm_d, &porep_id);
    let graph = Graph::for_proof(p);
    let cache: std::sync::Arc<ParentCache> = cache::load_or_generate(&graph, parent_dir)?;
    label_all(&rid, p.layers(), &cache, |layer, data| write_layer(&input.cache_path, layer, data))?;
    Ok(Pc1Output { comm_d, replica_id: rid })
}

impl Stage for Pc1Task {
    type Output = SealPreCommitPhase1Output;
    fn run(self) -> Result<SealPreCommitPhase1Output, String> {
        let out = run(&self, &cache::default_dir())?;
        Ok(SealPreCommitPhase1Output::new(&self.registered_proof, &self.cache_path, &out.comm_d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commp::zero_comm_for_size;

    #[test]
    fn pc1_of_a_cc_2kib_sector_writes_layers_and_the_upstream_output_shape() {
        let dir = std::env::temp_dir().join(format!("sealfarm-pc1-{}", std::process::id()));
        let cache_dir = dir.join("cache");
        std::fs::create_dir_all(&cache_dir).unwrap();
        let staged = dir.join("staged");
        let sealed = dir.join("sealed");
        std::fs::write(&staged, vec![0u8; 2048]).unwrap();
        std::fs::write(&sealed, b"").unwrap();
        let task = serde_json::json!({
            "registered_proof": "StackedDrg2KiBV1_1",
            "cache_path": cache_dir,
            "in_path": staged,
            "out_path": sealed,
            "prover_id": crate::ids::prover_id(1000),
            "sector_id": 1,
            "ticket": vec![3u8; 32],
            "piece_infos": [{"commitment": zero_comm_for_size(2048), "size": 2032}],
        });
        let input: Pc1Task = crate::json::from_value(&task).unwrap();
        let out = run(&input, &dir.join("parents")).unwrap();
        assert_eq!(out.comm_d, zero_comm_for_size(2048));
        // The layers on disk are exactly the labels for this replica id.
        let g = Graph::for_proof(&input.registered_proof);
        let c = cache::generate(&g, 1);
        let mut want = Vec::new();
        label_all::<()>(&out.replica_id, 2, &c, |_, d| {
            want.push(d.to_vec());
            Ok(())
        })
        .unwrap();
        for l in 1..=2 {
            assert_eq!(std::fs::read(cache_dir.join(layer_file_name(l))).unwrap(), want[l - 1]);
        }
        let j = serde_json::to_string(&SealPreCommitPhase1Output::new(&input.registered_proof, &cache_dir, &out.comm_d)).unwrap();
        let c = cache_dir.to_string_lossy();
        let expect = format!(
            r#"{{"registered_proof":"StackedDrg2KiBV1_1","labels":{{"StackedDrg2KiBV1":{{"labels":[{{"path":"{c}","id":"layer-1","size":64,"rows_to_discard":0}},{{"path":"{c}","id":"layer-2","size":64,"rows_to_discard":0}}],"_h":null}}}},"config":{{"path":"{c}","id":"tree-d","size":127,"rows_to_discard":0}},"comm_d":{}}}"#,
            serde_json::to_string(&out.comm_d).unwrap()
        );
        assert_eq!(j, expect);
        // Wrong piece infos: the error names the field; a missing out_path names that field.
        let mut bad: Pc1Task = crate::json::from_value(&task).unwrap();
        bad.piece_infos[0].commitment[0] ^= 1;
        assert!(run(&bad, &dir.join("parents")).err().unwrap().contains("piece_infos"));
        bad.out_path = dir.join("missing");
        assert!(run(&bad, &dir.join("parents")).err().unwrap().contains("out_path"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
