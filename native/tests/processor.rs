//! The built binary driven as damocles drives it: the processor line protocol (ready line, concurrent requests
//! answered out of order, bad tasks answered with err_msg while serving continues, EOF), `run`, `commp`, and
//! CPU isolation through VC_CG_CPUSET / VC_CG_NAME.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sealfarm-proofs");

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sealfarm-it-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A processor child that is killed if the test fails half-way.
struct Proc {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    fn spawn(stage: &str, envs: &[(&str, &str)]) -> Proc {
        let mut cmd = Command::new(BIN);
        cmd.args(["processor", stage]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                if tx.send(line.unwrap()).is_err() {
                    break;
                }
            }
        });
        Proc { stdin: child.stdin.take(), child, lines: rx }
    }

    fn send(&mut self, line: &str) {
        let s = self.stdin.as_mut().unwrap();
        writeln!(s, "{line}").unwrap();
        s.flush().unwrap();
    }

    fn recv(&self) -> Value {
        let l = self.lines.recv_timeout(Duration::from_secs(60)).expect("a response line");
        serde_json::from_str(&l).unwrap_or_else(|e| panic!("response is not JSON: {e}: {l}"))
    }

    fn ready_line(&self) -> String {
        self.lines.recv_timeout(Duration::from_secs(10)).expect("ready line")
    }

    /// Closes stdin and expects a clean exit.
    fn eof(mut self) -> String {
        drop(self.stdin.take());
        let t = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                assert!(st.success(), "exit status {st}");
                break;
            }
            assert!(t.elapsed() < Duration::from_secs(10), "processor did not exit on stdin EOF");
            std::thread::sleep(Duration::from_millis(20));
        }
        let mut err = String::new();
        self.child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        err
    }
}

fn task_line(id: u64, task: &str) -> String {
    format!(r#"{{"id":{id},"task":{task}}}"#)
}

#[test]
fn processor_protocol_ready_out_of_order_bad_then_good_and_eof() {
    let dir = tmpdir("proto");
    // A loopback piece server that holds request 1's piece until request 2 has been answered.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        let mut l = String::new();
        while r.read_line(&mut l).unwrap() > 2 {
            l.clear();
        }
        release_rx.recv().unwrap();
        let body = vec![0xccu8; 1017];
        write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).unwrap();
        s.write_all(&body).unwrap();
    });
    let mut p = Proc::spawn("add_pieces", &[]);
    assert_eq!(p.ready_line(), "add_pieces processor ready");
    let staged1 = dir.join("s1");
    let staged2 = dir.join("s2");
    p.send(&task_line(
        1,
        &format!(
            r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","pieces":[{{"piece_file":{{"url":"http://127.0.0.1:{port}/piecestore/x"}},"payload_size":1017,"piece_size":2032}}],"staged_filepath":"{}"}}"#,
            staged1.display()
        ),
    ));
    p.send(&task_line(2, &format!(r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","pieces":[],"staged_filepath":"{}"}}"#, staged2.display())));
    let r2 = p.recv();
    assert_eq!(r2["id"], 2, "the fast task answers first: {r2}");
    assert!(r2["err_msg"].is_null());
    assert_eq!(r2["output"], json!([{"commitment": sealfarm_proofs::commp::zero_comm_for_size(2048), "size": 2032}]));
    release_tx.send(()).unwrap();
    let r1 = p.recv();
    assert_eq!(r1["id"], 1);
    let info = &r1["output"][0];
    // CommP of 1017 bytes of 0xCC (go-fil-commp-hashhash 0xCC.txt).
    assert_eq!(
        hex::encode(serde_json::from_value::<[u8; 32]>(info["commitment"].clone()).unwrap()),
        "5db7ae0f60e6aacdb94414e4b3900c16c525cd00b8572716179e783f91b3eb31"
    );
    server.join().unwrap();

    // Bad tasks get an err_msg naming the field; the processor keeps serving.
    p.send(&task_line(3, r#"{"seal_proof_type":"StackedDrg2KiBV1_1","pieces":[]}"#));
    let r3 = p.recv();
    assert_eq!(r3["id"], 3);
    assert!(r3["output"].is_null());
    assert!(r3["err_msg"].as_str().unwrap().contains("staged_filepath"), "{r3}");
    p.send(&task_line(4, r#"{"seal_proof_type":"StackedDrg2KiBV1_1","pieces":"none","staged_filepath":"/tmp/x"}"#));
    assert!(p.recv()["err_msg"].as_str().unwrap().contains("field `pieces`: invalid type: string \"none\", expected a sequence"));
    p.send(&task_line(5, r#"{"seal_proof_type":"StackedDrg16KiBV1","pieces":[],"staged_filepath":"/tmp/x"}"#));
    assert!(p.recv()["err_msg"].as_str().unwrap().contains("StackedDrg16KiBV1"));
    p.send(r#"{"id":6,"task":{"seal_proof_type":"#); // truncated JSON
    let r6 = p.recv();
    assert_eq!(r6["id"], 6);
    assert!(r6["err_msg"].as_str().unwrap().contains("malformed request"));
    p.send("not json at all");
    p.send(&task_line(7, &format!(r#"{{"seal_proof_type":"StackedDrg2KiBV1_1","pieces":[],"staged_filepath":"{}"}}"#, staged2.display())));
    let r7 = p.recv();
    assert_eq!(r7["id"], 7);
    assert!(r7["err_msg"].is_null());
    let stderr = p.eof();
    assert!(stderr.contains("malformed request without an id"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

fn run_stage(stage: &str, task: &Value, envs: &[(&str, &Path)]) -> Result<Value, String> {
    let mut cmd = Command::new(BIN);
    cmd.args(["run", stage]).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap();
    child.stdin.take().unwrap().write_all(task.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(serde_json::from_slice(&out.stdout).unwrap())
    } else {
        assert_eq!(out.status.code(), Some(1));
        Err(String::from_utf8(out.stderr).unwrap())
    }
}

#[test]
fn run_mode_chains_add_pieces_tree_d_and_pc1_with_damocles_field_names() {
    let dir = tmpdir("chain");
    let cache = dir.join("cache");
    std::fs::create_dir_all(&cache).unwrap();
    let piece = dir.join("deal.car");
    std::fs::write(&piece, vec![0xccu8; 1000]).unwrap();
    let staged = dir.join("staged");
    let sealed = dir.join("sealed");
    std::fs::write(&sealed, b"").unwrap();
    let parents = dir.join("parents");
    let env: &[(&str, &Path)] = &[("FIL_PROOFS_PARENT_CACHE", &parents)];
    let add = json!({
        "seal_proof_type": "StackedDrg2KiBV1_1",
        "pieces": [{"piece_file": {"local": piece}, "payload_size": 1000, "piece_size": 1016}],
        "staged_filepath": staged,
    });
    let infos = run_stage("add_pieces", &add, env).unwrap();
    assert_eq!(infos.as_array().unwrap().len(), 2, "the piece and one 1 KiB pledge filler: {infos}");
    let tree_task = json!({"registered_proof": "StackedDrg2KiBV1_1", "staged_file": staged, "cache_dir": cache});
    assert_eq!(run_stage("tree_d", &tree_task, env).unwrap(), json!(true));
    assert_eq!(std::fs::metadata(cache.join("sc-02-data-tree-d.dat")).unwrap().len(), 4064);
    let pc1 = json!({
        "registered_proof": "StackedDrg2KiBV1_1",
        "cache_path": cache,
        "in_path": staged,
        "out_path": sealed,
        "prover_id": sealfarm_proofs::ids::prover_id(1000),
        "sector_id": 9,
        "ticket": vec![1u8; 32],
        "piece_infos": infos,
    });
    let out = run_stage("pc1", &pc1, env).unwrap();
    // Field names and types of rust-fil-proofs' SealPreCommitPhase1Output as damocles passes it to pc2.
    assert_eq!(out["registered_proof"], "StackedDrg2KiBV1_1");
    let labels = &out["labels"]["StackedDrg2KiBV1"];
    assert!(labels["_h"].is_null());
    let layers = labels["labels"].as_array().unwrap();
    assert_eq!(layers.len(), 2);
    assert_eq!(layers[1]["id"], "layer-2");
    assert_eq!(layers[1]["size"], 64);
    assert_eq!(out["config"]["size"], 127);
    let comm_d: [u8; 32] = serde_json::from_value(out["comm_d"].clone()).unwrap();
    let tree = std::fs::read(cache.join("sc-02-data-tree-d.dat")).unwrap();
    assert_eq!(&tree[tree.len() - 32..], &comm_d);
    for l in 1..=2 {
        assert_eq!(std::fs::metadata(cache.join(format!("sc-02-data-layer-{l}.dat"))).unwrap().len(), 2048);
    }
    assert!(std::fs::read_dir(&parents).unwrap().any(|e| e.unwrap().file_name().to_string_lossy().starts_with("v28-sdr-parent-")));

    // Failures exit 1 with a message naming the field or file.
    let mut bad = pc1.clone();
    bad.as_object_mut().unwrap().remove("ticket");
    assert!(run_stage("pc1", &bad, env).unwrap_err().contains("missing field `ticket`"));
    std::fs::write(&staged, b"short").unwrap();
    std::fs::remove_file(cache.join("sc-02-data-tree-d.dat")).unwrap();
    assert!(run_stage("tree_d", &tree_task, env).unwrap_err().contains(&*staged.to_string_lossy()));
    let mut child = Command::new(BIN).args(["run", "tree_d"]).stdin(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"{\"registered_proof\":").unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid JSON"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn commp_command_prints_the_lotus_values() {
    let dir = tmpdir("commp");
    let f = dir.join("cc.bin");
    std::fs::write(&f, vec![0xccu8; 1017]).unwrap();
    let out = Command::new(BIN).args(["commp", f.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success());
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["comm_p"], "5db7ae0f60e6aacdb94414e4b3900c16c525cd00b8572716179e783f91b3eb31");
    assert!(j["piece_cid"].as_str().unwrap().starts_with("baga6ea4seaq"));
    assert_eq!((&j["unpadded_size"], &j["padded_size"]), (&json!(2032), &json!(2048)));
    let out = Command::new(BIN).args(["commp", "/no/such/file"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/file"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn cpus_allowed(pid: u32) -> String {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines().find_map(|l| l.strip_prefix("Cpus_allowed_list:")).unwrap().trim().to_string()
}

#[test]
fn processor_pins_itself_and_manages_its_cpuset_cgroup() {
    let cpu = "0";
    let p = Proc::spawn("tree_d", &[("VC_CG_CPUSET", cpu)]);
    assert_eq!(p.ready_line(), "tree_d processor ready");
    assert_eq!(cpus_allowed(p.child.id()), cpu);
    p.eof();

    let root = Path::new("/sys/fs/cgroup/cpuset");
    let parent = format!("sealfarm-test-{}", std::process::id());
    let name = format!("{parent}/sub-tree_d-1-0");
    let writable = std::fs::create_dir(root.join(&parent)).is_ok();
    if !writable {
        // No writable v1 cpuset here: the processor must fall back to affinity and say so.
        let p = Proc::spawn("tree_d", &[("VC_CG_CPUSET", cpu), ("VC_CG_NAME", &name)]);
        p.ready_line();
        assert_eq!(cpus_allowed(p.child.id()), cpu);
        assert!(p.eof().contains("using CPU affinity only"));
        return;
    }
    let _ = std::fs::remove_dir(root.join(&parent)); // let the processor create the intermediate group itself
    let p = Proc::spawn("tree_d", &[("VC_CG_CPUSET", cpu), ("VC_CG_NAME", &name)]);
    p.ready_line();
    let cg = std::fs::read_to_string(format!("/proc/{}/cgroup", p.child.id())).unwrap();
    assert!(cg.lines().any(|l| l.contains(":cpuset:") && l.ends_with(&name)), "{cg}");
    assert_eq!(std::fs::read_to_string(root.join(&name).join("cpuset.cpus")).unwrap().trim(), cpu);
    p.eof();
    assert!(!root.join(&name).exists(), "the processor removes its cgroup on exit");
    std::fs::remove_dir(root.join(&parent)).unwrap();
}
