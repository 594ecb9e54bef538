//! Whole-sector tests: staged data -> tree_d -> SDR labels -> pc2 -> c1 -> c2 -> verify_seal, for a CC sector and
//! one holding a real piece, at 2 KiB and 8 MiB, plus tampering (sealed file, proof bytes, public inputs),
//! WindowPoSt with faults, and unseal. Sealing up to pc2 calls the
//! library functions (tree_d, sdr, commp) directly.

use crate::commp;
use crate::fr32;
use crate::ids::{self, SealProof};
use crate::json::Base64;
use crate::pc2;
use crate::sdr::{cache, graph::Graph, layers};
use crate::stages;
use serde_json::{json, Value};
use std::fs;
use std::path::{Path, PathBuf};

/// Runs a stage through the registry and reads its output back as JSON.
pub fn run(stage: &str, task: &Value) -> Result<Value, String> {
    stages::run(stage, task).map(|out| serde_json::from_str(out.get()).unwrap())
}

fn bytes32(v: &Value) -> [u8; 32] {
    serde_json::from_value(v.clone()).unwrap()
}

pub struct Sealed {
    pub proof: SealProof,
    pub dir: PathBuf,
    pub cache_dir: PathBuf,
    pub sealed: PathBuf,
    pub comm_d: [u8; 32],
    pub comm_r: [u8; 32],
    pub prover_id: [u8; 32],
    pub sector_id: u64,
    pub ticket: [u8; 32],
    pub seed: [u8; 32],
    /// (commitment, unpadded size)
    pub pieces: Vec<([u8; 32], u64)>,
    /// The unpadded bytes of the real piece, if any.
    pub piece: Vec<u8>,
}

impl Drop for Sealed {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

pub fn pseudo_random(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

pub fn tmpdir(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let k = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("sealfarm-n2-{tag}-{}-{k}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

/// Seals a sector through pc2; `with_piece` puts a random piece of half the sector first.
pub fn seal(proof_name: &str, with_piece: bool, sector_id: u64) -> Sealed {
    let proof = SealProof::by_name(proof_name).unwrap();
    let dir = tmpdir(&format!("seal-{sector_id}"));
    let cache_dir = dir.join("cache");
    fs::create_dir_all(&cache_dir).unwrap();
    let size = proof.sector_size;
    let mut staged_bytes = vec![0u8; size as usize];
    let mut pieces = Vec::new();
    let mut piece = Vec::new();
    if with_piece {
        let padded = size / 2;
        let unpadded = fr32::to_unpadded_size(padded);
        piece = pseudo_random(unpadded as usize, sector_id + 17);
        fr32::pad(&piece, &mut staged_bytes[..padded as usize]);
        let comm = commp::subtree_root(&staged_bytes[..padded as usize], &mut Vec::new());
        pieces.push((comm, unpadded));
    } else {
        pieces.push((commp::zero_comm_for_size(size), fr32::to_unpadded_size(size)));
    }
    let staged = dir.join("staged");
    fs::write(&staged, &staged_bytes).unwrap();
    let comm_d = crate::tree_d::build(&staged, size, &cache_dir).unwrap();
    let prover_id = ids::prover_id(1000);
    let ticket = [3u8; 32];
    let replica_id = ids::replica_id(&prover_id, sector_id, &ticket, &comm_d, &proof.porep_id());
    let pc = cache::generate(&Graph::for_proof(&proof), 2);
    layers::label_all::<String>(&replica_id, proof.layers(), &pc, |layer, l| {
        fs::write(pc2::layer_path(&cache_dir, layer), l).map_err(|e| e.to_string())
    })
    .unwrap();
    let sealed = dir.join("sealed");
    // CC sectors: an empty sealed file as damocles creates it (PC2 takes the data from tree_d); with a piece:
    // the staged copy rust-fil-proofs' PC1 leaves there.
    if with_piece {
        fs::copy(&staged, &sealed).unwrap();
    } else {
        fs::write(&sealed, b"").unwrap();
    }
    let out = run(
        "pc2",
        &json!({"pc1out": pc1out(&proof, &cache_dir, &comm_d), "cache_dir": cache_dir, "sealed_file": sealed}),
    )
    .unwrap();
    let comm_r = bytes32(&out["comm_r"]);
    assert_eq!(bytes32(&out["comm_d"]), comm_d);
    Sealed {
        proof,
        dir,
        cache_dir,
        sealed,
        comm_d,
        comm_r,
        prover_id,
        sector_id,
        ticket,
        seed: [5u8; 32],
        pieces,
        piece,
    }
}

/// rust-fil-proofs' PC1 output layout, as damocles passes it to pc2 (which reads only registered_proof and comm_d).
fn pc1out(p: &SealProof, cache_dir: &Path, comm_d: &[u8; 32]) -> Value {
    let cfg = |id: String, size: u64| json!({"path": cache_dir, "id": id, "size": size, "rows_to_discard": 0});
    let layers: Vec<Value> = (1..=p.layers()).map(|l| cfg(format!("layer-{l}"), p.nodes())).collect();
    json!({
        "registered_proof": p.name,
        "labels": {p.shape_key(): {"labels": layers, "_h": null}},
        "config": cfg("tree-d".into(), 2 * p.nodes() - 1),
        "comm_d": comm_d,
    })
}

/// The public inputs c1 and the verifier both take (with the seed): one sector's identity and commitments.
fn seal_public(s: &Sealed) -> serde_json::Map<String, Value> {
    let v = json!({
        "registered_proof": s.proof.name,
        "comm_r": s.comm_r,
        "comm_d": s.comm_d,
        "prover_id": s.prover_id,
        "sector_id": s.sector_id,
        "ticket": s.ticket,
        "seed": s.seed,
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("json! of an object literal is an object"),
    }
}

pub fn c1_task(s: &Sealed) -> Value {
    let pieces: Vec<Value> = s.pieces.iter().map(|(c, n)| json!({"commitment": c, "size": n})).collect();
    let mut t = seal_public(s);
    t.insert("cache_path".into(), json!(s.cache_dir));
    t.insert("replica_path".into(), json!(s.sealed));
    t.insert("piece_infos".into(), Value::Array(pieces));
    Value::Object(t)
}

pub fn verify_task(s: &Sealed, proof: &[u8]) -> Value {
    let mut t = seal_public(s);
    t.insert("proof".into(), json!(Base64(proof.to_vec())));
    Value::Object(t)
}

/// c1 -> c2 through the stage registry; returns the bundle bytes.
pub fn commit(s: &Sealed) -> Vec<u8> {
    // the c1 output goes through its JSON text, as damocles stores it
    let c1 = run("c1", &c1_task(s)).unwrap();
    let c2 = run("c2", &json!({"c1out": c1, "prover_id": s.prover_id, "sector_id": s.sector_id, "miner_id": 1000}));
    serde_json::from_value(c2.unwrap()["proof"].clone()).unwrap()
}

fn verdict(stage: &str, task: &Value) -> Result<(), String> {
    let v = run(stage, task).unwrap();
    if v["valid"] == json!(true) {
        Ok(())
    } else {
        Err(v["reason"].as_str().unwrap().to_string())
    }
}

pub fn valid(task: &Value) -> Result<(), String> {
    verdict("verify_seal", task)
}

fn with(task: &Value, key: &str, value: Value) -> Value {
    let mut t = task.clone();
    t[key] = value;
    t
}

fn full_cycle(proof_name: &str, with_piece: bool, sector_id: u64) {
    let s = seal(proof_name, with_piece, sector_id);
    let bundle = commit(&s);
    let task = verify_task(&s, &bundle);
    valid(&task).unwrap();

    // any single public input changed -> rejected
    let mut other = s.comm_r;
    other[0] ^= 1;
    assert!(valid(&with(&task, "comm_r", json!(other))).is_err());
    let mut other = s.comm_d;
    other[1] ^= 1;
    assert!(valid(&with(&task, "comm_d", json!(other))).is_err());
    assert!(valid(&with(&task, "sector_id", json!(sector_id + 1))).is_err());
    assert!(valid(&with(&task, "prover_id", json!(ids::prover_id(1001)))).is_err());
    assert!(valid(&with(&task, "ticket", json!(vec![4u8; 32]))).is_err());
    assert!(valid(&with(&task, "seed", json!(vec![6u8; 32]))).is_err());

    // any byte of the proof changed -> rejected (sampled positions across the bundle)
    let step = (bundle.len() / 97).max(1);
    for i in (0..bundle.len()).step_by(step) {
        let mut b = bundle.clone();
        b[i] ^= 0x01;
        assert!(valid(&verify_task(&s, &b)).is_err(), "byte {i} of {} changed but accepted", bundle.len());
    }
}

#[test]
fn seal_2kib_cc_and_piece_end_to_end_with_tampering() {
    full_cycle("StackedDrg2KiBV1_1", false, 1);
    full_cycle("StackedDrg2KiBV1_1", true, 2);
}

#[test]
fn seal_2kib_non_interactive_end_to_end() {
    full_cycle("StackedDrg2KiBV1_2_Feat_NonInteractivePoRep", true, 6);
    let s = seal("StackedDrg2KiBV1_2_Feat_NonInteractivePoRep", false, 7);
    let v = crate::bundle::decode(&commit(&s)).unwrap();
    assert_eq!((v.partitions.len(), v.partitions[12].len()), (13, 2));
}

#[test]
fn seal_8mib_piece_end_to_end() {
    let s = seal("StackedDrg8MiBV1_1", true, 77);
    let bundle = commit(&s);
    valid(&verify_task(&s, &bundle)).unwrap();
    let mut other = s.seed;
    other[9] ^= 0x10;
    let e = valid(&with(&verify_task(&s, &bundle), "seed", json!(other))).unwrap_err();
    assert!(e.contains("seed"), "{e}");
}

#[test]
fn tampered_bundle_with_fixed_digest_is_rejected_by_the_checks() {
    let s = seal("StackedDrg2KiBV1_1", true, 3);
    let bundle = commit(&s);
    let mut v = crate::bundle::decode(&bundle).unwrap();
    // change one label in c_x's column of the first challenge and re-encode (digest recomputed)
    let col = &mut v.partitions[0][0].columns[0];
    col.rows[0] = col.rows[0].add(&crate::field::Fr::ONE);
    let forged = crate::bundle::encode(&v);
    let e = valid(&verify_task(&s, &forged)).unwrap_err();
    assert!(e.contains("column 0"), "{e}");
    // swap in a different, valid-looking challenge index
    let mut v = crate::bundle::decode(&bundle).unwrap();
    v.partitions[0][0].challenge ^= 1;
    let e = valid(&verify_task(&s, &crate::bundle::encode(&v))).unwrap_err();
    assert!(e.contains("challenges"), "{e}");
}

#[test]
fn c1_refuses_a_tampered_sealed_file_and_wrong_inputs() {
    let s = seal("StackedDrg2KiBV1_1", false, 4);
    // comm_d that does not match the pieces
    let mut t = c1_task(&s);
    let mut bad = s.comm_d;
    bad[0] ^= 1;
    t = with(&t, "comm_d", json!(bad));
    let e = stages::run("c1", &t).unwrap_err();
    assert!(e.contains("piece_infos"), "{e}");
    let e = stages::run("c1", &with(&c1_task(&s), "sector_id", json!("x"))).unwrap_err();
    assert!(e.contains("sector_id"), "{e}");
    // every sealed node changed: whichever nodes are challenged, tree_r_last no longer matches
    let mut b = fs::read(&s.sealed).unwrap();
    for i in 0..b.len() / 32 {
        b[i * 32] ^= 1;
    }
    fs::write(&s.sealed, &b).unwrap();
    let e = stages::run("c1", &c1_task(&s)).unwrap_err();
    assert!(e.contains("do not hash to the cached tree node"), "{e}");
}

#[test]
fn verify_seal_names_malformed_fields() {
    let s = seal("StackedDrg2KiBV1_1", false, 5);
    let task = verify_task(&s, b"xx");
    let e = stages::run("verify_seal", &with(&task, "comm_r", json!([1, 2]))).unwrap_err();
    assert!(e.contains("comm_r"), "{e}");
    let e = stages::run("verify_seal", &with(&task, "proof", json!("!!!!"))).unwrap_err();
    assert!(e.contains("proof"), "{e}");
    let e = stages::run("verify_seal", &with(&task, "registered_proof", json!("StackedDrg3KiB"))).unwrap_err();
    assert!(e.contains("registered_proof"), "{e}");
    // well-formed but not a bundle: valid:false, not an error
    let r = valid(&task).unwrap_err();
    assert!(r.contains("bundle"), "{r}");
}

fn post_task(sectors: &[&Sealed], seed: [u8; 32]) -> Value {
    let replicas: Vec<Value> = sectors
        .iter()
        .map(|s| json!({"sector_id": s.sector_id, "comm_r": s.comm_r, "cache_dir": s.cache_dir, "sealed_file": s.sealed}))
        .collect();
    json!({"miner_id": 1000, "proof_type": "StackedDrgWindow2KiBV1_2", "replicas": replicas, "seed": seed})
}

fn post_verify_task(sectors: &[&Sealed], randomness: [u8; 32], proofs: &Value) -> Value {
    let replicas: Vec<Value> = sectors.iter().map(|s| json!({"sector_id": s.sector_id, "comm_r": s.comm_r})).collect();
    json!({
        "proof_type": "StackedDrgWindow2KiBV1_2",
        "miner_id": 1000,
        "randomness": randomness,
        "replicas": replicas,
        "proofs": proofs,
    })
}

fn post_valid(task: &Value) -> Result<(), String> {
    verdict("verify_window_post", task)
}

#[test]
fn window_post_reports_deleted_and_corrupted_replicas_as_faults() {
    let a = seal("StackedDrg2KiBV1_1", false, 11);
    let b = seal("StackedDrg2KiBV1_1", true, 12);
    let c = seal("StackedDrg2KiBV1_1", true, 13);
    let d = seal("StackedDrg2KiBV1_1", false, 14);
    let e = seal("StackedDrg2KiBV1_1", true, 15);
    fs::remove_file(&b.sealed).unwrap();
    let mut bytes = fs::read(&d.sealed).unwrap();
    for i in 0..bytes.len() / 32 {
        bytes[i * 32 + 5] ^= 0x40;
    }
    fs::write(&d.sealed, bytes).unwrap();
    let seed = [0xabu8; 32];
    let out = run("window_post", &post_task(&[&a, &b, &c, &d, &e], seed)).unwrap();
    assert_eq!(out["faults"], json!([12, 14]));
    let proofs = out["proofs"].clone();
    // 3 proven sectors, 2 per partition
    assert_eq!(proofs.as_array().unwrap().len(), 2);
    post_valid(&post_verify_task(&[&a, &c, &e], seed, &proofs)).unwrap();
    // the manager masks seed[31]; the same proof verifies against the masked randomness
    let mut masked = seed;
    masked[31] &= 0x3f;
    post_valid(&post_verify_task(&[&a, &c, &e], masked, &proofs)).unwrap();
    // wrong randomness, claiming a faulty sector, or a different order: rejected
    assert!(post_valid(&post_verify_task(&[&a, &c, &e], [0xacu8; 32], &proofs)).is_err());
    assert!(post_valid(&post_verify_task(&[&a, &d, &e], seed, &proofs)).is_err());
    assert!(post_valid(&post_verify_task(&[&c, &a, &e], seed, &proofs)).is_err());
    // a changed byte in a proof: rejected
    let raw = serde_json::from_value::<Base64>(proofs[0].clone()).unwrap().0;
    for i in [0usize, 7, 20, 100, raw.len() / 2, raw.len() - 1] {
        let mut t = raw.clone();
        t[i] ^= 2;
        let tampered = json!([Base64(t), proofs[1]]);
        assert!(post_valid(&post_verify_task(&[&a, &c, &e], seed, &tampered)).is_err(), "byte {i}");
    }
    // forged content with a recomputed digest: rejected by the inclusion checks
    let (miner, mut sectors) = crate::window_post::decode(&raw).unwrap();
    sectors[0].leaves[3].leaf = sectors[0].leaves[3].leaf.add(&crate::field::Fr::ONE);
    let forged = crate::window_post::encode(miner, &sectors);
    let forged = json!([Base64(forged), proofs[1]]);
    let r = post_valid(&post_verify_task(&[&a, &c, &e], seed, &forged)).unwrap_err();
    assert!(r.contains("sector 11"), "{r}");
    // a replica whose files do not belong to the claimed comm_r is faulty too
    let e = crate::window_post::prove_sector(2048, 11, &c.comm_r, &a.cache_dir, &a.sealed, &seed).unwrap_err();
    assert!(e.contains("comm_r"), "{e}");
    // malformed input names the field
    let bad = post_verify_task(&[&a], seed, &json!([1]));
    assert!(stages::run("verify_window_post", &bad).unwrap_err().contains("field `proofs[0]`"));
    let mut t = post_task(&[&a], seed);
    t["proof_type"] = json!("StackedDrgWindow3KiBV1");
    assert!(stages::run("window_post", &t).unwrap_err().contains("proof_type"));
}

#[test]
fn unseal_round_trips_the_piece_with_and_without_cached_labels() {
    let s = seal("StackedDrg2KiBV1_1", true, 21);
    let task = |offset: u64, n: u64| {
        json!({
            "registered_proof": s.proof.name,
            "prover_id": s.prover_id,
            "sector_id": s.sector_id,
            "comm_d": s.comm_d,
            "ticket": s.ticket,
            "cache_dir": s.cache_dir,
            "sealed_file": s.sealed,
            "unsealed_output": s.dir.join(format!("unsealed-{offset}-{n}")),
            "offset": offset,
            "num_bytes": n,
        })
    };
    let unseal = |offset: u64, n: u64| -> Vec<u8> {
        assert_eq!(run("unseal", &task(offset, n)).unwrap(), json!(n));
        fs::read(s.dir.join(format!("unsealed-{offset}-{n}"))).unwrap()
    };
    let piece = s.piece.clone();
    assert_eq!(unseal(0, piece.len() as u64), piece);
    assert_eq!(unseal(100, 300), piece[100..400].to_vec());
    assert_eq!(unseal(1000, 16), piece[1000..1016].to_vec());
    // the rest of the sector is zeros
    assert_eq!(unseal(1016, 1016), vec![0u8; 1016]);
    // without the layer files the labels are regenerated
    for l in 1..=2 {
        fs::remove_file(pc2::layer_path(&s.cache_dir, l)).unwrap();
    }
    fs::create_dir_all(s.dir.join("parents")).unwrap();
    let p = &s.proof;
    let got = crate::unseal::unseal_range(
        p,
        &s.prover_id,
        s.sector_id,
        &s.comm_d,
        &s.ticket,
        &s.cache_dir,
        &s.sealed,
        3,
        500,
        &s.dir.join("parents"),
    )
    .unwrap();
    assert_eq!(got, piece[3..503].to_vec());
    assert!(fs::read_dir(s.dir.join("parents")).unwrap().count() == 1, "the parent cache was stored");
    let mut bad = task(0, 1);
    bad.as_object_mut().unwrap().remove("unsealed_output");
    assert_eq!(stages::run("unseal", &bad).unwrap_err(), "missing field `unsealed_output`");
}

#[test]
fn unseal_rejects_out_of_range() {
    let s = seal("StackedDrg2KiBV1_1", false, 22);
    let e = crate::unseal::unseal_range(
        &s.proof,
        &s.prover_id,
        22,
        &s.comm_d,
        &s.ticket,
        &s.cache_dir,
        &s.sealed,
        2000,
        100,
        &s.dir.join("parents"),
    )
    .unwrap_err();
    assert!(e.contains("offset"), "{e}");
}
