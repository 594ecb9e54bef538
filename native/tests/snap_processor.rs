//! The snap stages through the built binary, as damocles' snapup plan drives them: a 2 KiB CC sector sealed with
//! `run` add_pieces/tree_d/pc1/pc2, a deal staged with add_pieces, then `processor snap_encode` (line protocol,
//! a bad task answered with err_msg while serving continues), `run snap_partition_proofs`, `run snap_prove` and
//! `verify-snap`, with a tampered bundle refused.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_sealfarm-proofs");

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sealfarm-it-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], task: &Value, env: &[(&str, &Path)]) -> Result<Value, String> {
    let mut cmd = Command::new(BIN);
    cmd.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(task.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(serde_json::from_str::<Value>(std::str::from_utf8(&out.stdout).unwrap()).unwrap())
    } else {
        assert_eq!(out.status.code(), Some(1));
        Err(String::from_utf8(out.stderr).unwrap())
    }
}

fn s(p: &Path) -> Value {
    json!(p.to_string_lossy())
}

/// Typed reads of a JSON value in these tests.
trait Fields {
    fn field(&self, k: &str) -> Result<&Value, String>;
    fn field_u64(&self, k: &str) -> Result<u64, String>;
    fn field_str(&self, k: &str) -> Result<&str, String>;
    fn field_bytes32(&self, k: &str) -> Result<[u8; 32], String>;
    fn to_bytes(&self) -> Result<Vec<u8>, String>;
}

impl Fields for Value {
    fn field(&self, k: &str) -> Result<&Value, String> {
        self.get(k).ok_or_else(|| format!("missing field `{k}`"))
    }
    fn field_u64(&self, k: &str) -> Result<u64, String> {
        self.field(k)?.as_u64().ok_or_else(|| format!("field `{k}`: not a u64"))
    }
    fn field_str(&self, k: &str) -> Result<&str, String> {
        self.field(k)?.as_str().ok_or_else(|| format!("field `{k}`: not a string"))
    }
    fn field_bytes32(&self, k: &str) -> Result<[u8; 32], String> {
        serde_json::from_value(self.field(k)?.clone()).map_err(|e| format!("field `{k}`: {e}"))
    }
    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        serde_json::from_value(self.clone()).map_err(|e| e.to_string())
    }
}


fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

#[test]
fn snapup_stages_through_the_binary() {
    let dir = tmpdir("snap");
    let parents = dir.join("parents");
    let env: &[(&str, &Path)] = &[("FIL_PROOFS_PARENT_CACHE", &parents)];
    let proof = "StackedDrg2KiBV1_1";

    // a CC sector: pledge data, tree_d, pc1, pc2
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let staged = dir.join("staged");
    let sealed = dir.join("sealed");
    std::fs::write(&sealed, b"").unwrap();
    let add = obj(vec![("seal_proof_type", json!(proof)), ("pieces", Value::Array(vec![])), ("staged_filepath", s(&staged))]);
    let cc_pieces = run(&["run", "add_pieces"], &add, env).unwrap();
    let tree = obj(vec![("registered_proof", json!(proof)), ("staged_file", s(&staged)), ("cache_dir", s(&cache))]);
    run(&["run", "tree_d"], &tree, env).unwrap();
    let pc1 = obj(vec![
        ("registered_proof", json!(proof)),
        ("cache_path", s(&cache)),
        ("in_path", s(&staged)),
        ("out_path", s(&sealed)),
        ("prover_id", json!(sealfarm_proofs::ids::prover_id(1000))),
        ("sector_id", json!(3)),
        ("ticket", json!(vec![5u8; 32])),
        ("piece_infos", cc_pieces),
    ]);
    let pc1out = run(&["run", "pc1"], &pc1, env).unwrap();
    let pc2 = obj(vec![("pc1out", pc1out), ("cache_dir", s(&cache)), ("sealed_file", s(&sealed))]);
    let comm_r_old = run(&["run", "pc2"], &pc2, env).unwrap().field_bytes32("comm_r").unwrap();

    // the deal, staged as damocles' snapup plan does (add_pieces into a new staged file)
    let deal = dir.join("deal.car");
    std::fs::write(&deal, (0..1000u32).map(|i| (i * 31 % 251) as u8).collect::<Vec<_>>()).unwrap();
    let new_staged = dir.join("update-staged");
    let add = serde_json::from_str::<Value>(&format!(
        r#"{{"seal_proof_type":"{proof}","pieces":[{{"piece_file":{{"local":"{}"}},"payload_size":1000,"piece_size":1016}}],"staged_filepath":"{}"}}"#,
        deal.display(),
        new_staged.display()
    ))
    .unwrap();
    let pieces = run(&["run", "add_pieces"], &add, env).unwrap();
    let update = dir.join("update");
    let update_cache = dir.join("update-cache");
    std::fs::create_dir_all(&update_cache).unwrap();
    let encode = obj(vec![
        ("registered_proof", json!("StackedDrg2KiBV1")),
        ("new_replica_path", s(&update)),
        ("new_cache_path", s(&update_cache)),
        ("sector_path", s(&sealed)),
        ("sector_cache_path", s(&cache)),
        ("staged_data_path", s(&new_staged)),
        ("piece_infos", pieces),
    ]);

    // processor protocol: a task without `sector_path` gets an err_msg naming it, the good one its output
    let mut child = Command::new(BIN)
        .args(["processor", "snap_encode"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    assert_eq!(rx.recv_timeout(Duration::from_secs(10)).unwrap(), "snap_encode processor ready");
    let mut bad = encode.clone();
    bad.as_object_mut().unwrap().remove("sector_path");
    writeln!(stdin, r#"{{"id":1,"task":{bad}}}"#).unwrap();
    stdin.flush().unwrap();
    let r1 = serde_json::from_str::<Value>(&rx.recv_timeout(Duration::from_secs(120)).unwrap()).unwrap();
    assert_eq!(r1.field_u64("id").unwrap(), 1);
    assert!(r1.field_str("err_msg").unwrap().contains("sector_path"), "{r1}");
    writeln!(stdin, r#"{{"id":2,"task":{encode}}}"#).unwrap();
    stdin.flush().unwrap();
    let r2 = serde_json::from_str::<Value>(&rx.recv_timeout(Duration::from_secs(120)).unwrap()).unwrap();
    assert_eq!(r2.field_u64("id").unwrap(), 2);
    assert!(r2.field("err_msg").unwrap().is_null(), "{r2}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
    let out = r2.field("output").unwrap();
    let comm_r_new = out.field_bytes32("comm_r_new").unwrap();
    let comm_d_new = out.field_bytes32("comm_d_new").unwrap();
    // p_aux of the update cache holds (comm_c, comm_r_last_new)
    let p_aux = std::fs::read(update_cache.join("p_aux")).unwrap();
    assert_eq!(&p_aux[32..], &out.field_bytes32("comm_r_last_new").unwrap());
    assert_eq!(std::fs::metadata(&update).unwrap().len(), 2048);

    let pp = obj(vec![
        ("registered_proof", json!("StackedDrg2KiBV1")),
        ("comm_r_old", json!(comm_r_old)),
        ("comm_r_new", json!(comm_r_new)),
        ("comm_d_new", json!(comm_d_new)),
        ("sector_path", s(&sealed)),
        ("sector_cache_path", s(&cache)),
        ("replica_path", s(&update)),
        ("replica_cache_path", s(&update_cache)),
    ]);
    let vanilla = run(&["run", "snap_partition_proofs"], &pp, env).unwrap();
    let prove = obj(vec![
        ("registered_proof", json!("StackedDrg2KiBV1")),
        ("vannilla_proofs", vanilla),
        ("comm_r_old", json!(comm_r_old)),
        ("comm_r_new", json!(comm_r_new)),
        ("comm_d_new", json!(comm_d_new)),
    ]);
    let bundle = run(&["run", "snap_prove"], &prove, env).unwrap();
    let verify = |proof: Value| {
        let t = obj(vec![
            ("registered_proof", json!("StackedDrg2KiBV1")),
            ("proof", proof),
            ("comm_r_old", json!(comm_r_old)),
            ("comm_r_new", json!(comm_r_new)),
            ("comm_d_new", json!(comm_d_new)),
        ]);
        run(&["verify-snap"], &t, env).unwrap().get("valid").and_then(Value::as_bool).unwrap()
    };
    assert!(verify(bundle.clone()));
    let mut bytes = bundle.to_bytes().unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x10;
    assert!(!verify(json!(bytes)));
    // a wrong field type exits 1 naming it
    let e = run(&["run", "snap_prove"], &obj(vec![("registered_proof", json!("StackedDrg2KiBV1"))]), env).unwrap_err();
    assert!(e.contains("vannilla_proofs"), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
