//! The damocles external-processor line protocol (vc-processors `core/ext`): print `<STAGE> processor ready`, then
//! read `{"id":N,"task":{...}}` lines from stdin, run each request on its own thread, and write
//! `{"id":N,"err_msg":null|"...","output":...}` lines to stdout (responses may come out of order; the parent matches
//! them by id). Stdin EOF means the parent is gone: leave the cgroup and exit. Logs go to stderr only.
//!
//! Isolation is applied by the child itself, as damocles' builtin processors do: `VC_CG_CPUSET` pins the process
//! with sched_setaffinity, and with `VC_CG_NAME` too it creates/joins the v1 cpuset cgroup
//! `/sys/fs/cgroup/cpuset/<name>` (falling back to affinity only, with a message, when that is not writable).

use crate::json;
use crate::stages;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::Value;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Parses a cpuset list such as "0-3,6,8-9".
pub fn parse_cpuset(s: &str) -> Result<Vec<usize>, String> {
    let mut cpus = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || format!("VC_CG_CPUSET {s:?}: bad element {part:?} (expected e.g. \"0-3,6\")");
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (usize, usize) = (a.trim().parse().map_err(|_| bad())?, b.trim().parse().map_err(|_| bad())?);
                if a > b || b >= 1024 {
                    return Err(bad());
                }
                cpus.extend(a..=b);
            }
            None => {
                let c: usize = part.parse().map_err(|_| bad())?;
                if c >= 1024 {
                    return Err(bad());
                }
                cpus.push(c);
            }
        }
    }
    if cpus.is_empty() {
        return Err(format!("VC_CG_CPUSET {s:?}: no CPUs"));
    }
    cpus.sort_unstable();
    cpus.dedup();
    Ok(cpus)
}

extern "C" {
    fn sched_setaffinity(pid: i32, cpusetsize: usize, mask: *const u64) -> i32;
    fn sched_getaffinity(pid: i32, cpusetsize: usize, mask: *mut u64) -> i32;
}

/// Pins the calling thread (and so every thread it starts later) to `cpus`.
pub fn set_affinity(cpus: &[usize]) -> Result<(), String> {
    let mut mask = [0u64; 16];
    for &c in cpus {
        mask[c / 64] |= 1 << (c % 64);
    }
    // SAFETY: the mask buffer is 1024 bits, as the size argument says.
    let r = unsafe { sched_setaffinity(0, std::mem::size_of_val(&mask), mask.as_ptr()) };
    if r != 0 {
        return Err(format!("sched_setaffinity({cpus:?}): {}", std::io::Error::last_os_error()));
    }
    Ok(())
}

/// The CPUs this thread may run on.
pub fn get_affinity() -> Vec<usize> {
    let mut mask = [0u64; 16];
    // SAFETY: as above.
    let r = unsafe { sched_getaffinity(0, std::mem::size_of_val(&mask), mask.as_mut_ptr()) };
    if r != 0 {
        return Vec::new();
    }
    (0..1024).filter(|c| mask[c / 64] & (1 << (c % 64)) != 0).collect()
}

/// A cpuset cgroup this process created and joined; removed on drop.
pub struct CgroupGuard {
    dir: PathBuf,
}

impl Drop for CgroupGuard {
    fn drop(&mut self) {
        // Move back to the root cpuset first: a cgroup with members cannot be removed.
        let root = PathBuf::from(CPUSET_ROOT);
        let _ = std::fs::write(root.join("cgroup.procs"), std::process::id().to_string());
        if let Err(e) = std::fs::remove_dir(&self.dir) {
            eprintln!("sealfarm-proofs: could not remove cgroup {}: {e}", self.dir.display());
        }
    }
}

const CPUSET_ROOT: &str = "/sys/fs/cgroup/cpuset";

fn join_cgroup(name: &str, cpuset: &str) -> Result<CgroupGuard, String> {
    if name.split('/').any(|c| c == ".." || c.is_empty()) {
        return Err(format!("VC_CG_NAME {name:?}: not a relative cgroup path"));
    }
    let dir = PathBuf::from(CPUSET_ROOT).join(name);
    let parent = dir.parent().unwrap().to_path_buf();
    let ctx = |what: &str, e: std::io::Error| format!("{what} {}: {e}", dir.display());
    // Missing intermediate groups (normally made by damocles' create-cgroup.sh) inherit their parent's cpus and
    // mems, since a v1 cpuset with empty cpus accepts neither children's cpus nor members.
    let mut cur = PathBuf::from(CPUSET_ROOT);
    for comp in Path::new(name).components() {
        let next = cur.join(comp);
        if !next.exists() {
            std::fs::create_dir(&next).map_err(|e| ctx("create cgroup", e))?;
            if next != dir {
                for f in ["cpuset.cpus", "cpuset.mems"] {
                    let v = std::fs::read_to_string(cur.join(f)).map_err(|e| ctx("read parent cpuset of", e))?;
                    std::fs::write(next.join(f), v.trim()).map_err(|e| ctx("write cpuset of", e))?;
                }
            }
        }
        cur = next;
    }
    let guard = CgroupGuard { dir: dir.clone() };
    std::fs::write(dir.join("cpuset.cpus"), cpuset).map_err(|e| ctx("write cpuset.cpus of", e))?;
    // cgroup v1 refuses members until cpuset.mems is set; inherit the parent's.
    let mems = std::fs::read_to_string(parent.join("cpuset.mems")).map_err(|e| ctx("read parent cpuset.mems of", e))?;
    std::fs::write(dir.join("cpuset.mems"), mems.trim()).map_err(|e| ctx("write cpuset.mems of", e))?;
    std::fs::write(dir.join("cgroup.procs"), std::process::id().to_string()).map_err(|e| ctx("join", e))?;
    Ok(guard)
}

/// Applies VC_CG_CPUSET / VC_CG_NAME. Returns the cgroup guard when one was created.
pub fn apply_isolation() -> Result<Option<CgroupGuard>, String> {
    let Some(cpuset) = std::env::var("VC_CG_CPUSET").ok().filter(|s| !s.trim().is_empty()) else {
        return Ok(None);
    };
    let cpus = parse_cpuset(&cpuset)?;
    let mut guard = None;
    if let Ok(name) = std::env::var("VC_CG_NAME") {
        match join_cgroup(&name, &cpuset) {
            Ok(g) => guard = Some(g),
            Err(e) => eprintln!("sealfarm-proofs: cgroup not available ({e}); using CPU affinity only"),
        }
    }
    set_affinity(&cpus)?;
    Ok(guard)
}

/// Finds `"id": N` in a line that is not valid JSON, so even a malformed request gets an answer when possible.
fn salvage_id(line: &str) -> Option<u64> {
    let i = line.find("\"id\"")?;
    let rest = line[i + 4..].trim_start().strip_prefix(':')?.trim_start();
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// A request line: `{"id":N,"task":{...}}`.
#[derive(Deserialize)]
struct Request {
    id: u64,
    task: Option<Value>,
}

/// A response line: `{"id":N,"err_msg":null|"...","output":...}`.
#[derive(Serialize)]
struct Response<'a> {
    id: u64,
    err_msg: Option<&'a str>,
    output: Option<&'a RawValue>,
}

fn response(id: u64, result: Result<Box<RawValue>, String>) -> String {
    let (err_msg, output) = match &result {
        Ok(v) => (None, Some(&**v)),
        Err(e) => (Some(e.as_str()), None),
    };
    serde_json::to_string(&Response { id, err_msg, output }).expect("a response serializes")
}

/// Serves `stage` on stdin/stdout until stdin EOF. Returns the process exit code.
pub fn serve(stage: &str) -> i32 {
    if stages::lookup(stage).is_none() {
        eprintln!("sealfarm-proofs processor: unknown stage {stage:?} (known: {})", stages::names().join(", "));
        return 2;
    }
    let _cgroup = match apply_isolation() {
        Ok(g) => g,
        Err(e) => {
            eprintln!("sealfarm-proofs processor {stage}: {e}");
            return 2;
        }
    };
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let emit = |out: &Mutex<std::io::Stdout>, line: String| {
        let mut o = out.lock().unwrap_or_else(|e| e.into_inner());
        // A closed stdout means the parent is gone; nothing useful is left to do with the result.
        let _ = writeln!(o, "{line}").and_then(|_| o.flush());
    };
    emit(&out, format!("{stage} processor ready"));
    let stage_name = stages::lookup(stage).expect("checked above").0;
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("sealfarm-proofs processor {stage}: stdin: {e}");
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        // Read straight from the text, so a large task (c2's c1out) is parsed once.
        let req: Request = match serde_json::from_str(&line).map_err(|e| e.to_string()) {
            Ok(r) => r,
            Err(e) => {
                match salvage_id(&line) {
                    Some(id) => emit(&out, response(id, Err(format!("malformed request: {e}")))),
                    None => eprintln!("sealfarm-proofs processor {stage}: skipping malformed request without an id: {e}"),
                }
                continue;
            }
        };
        let id = req.id;
        let out = Arc::clone(&out);
        std::thread::Builder::new()
            .name(format!("{stage}-{id}"))
            .spawn(move || {
                let result = match &req.task {
                    Some(task) => stages::run(stage_name, task).map_err(|e| format!("{stage_name}: {e}")),
                    None => Err("missing field `task`".to_string()),
                };
                emit(&out, response(id, result));
            })
            .expect("spawn request thread");
    }
    0
}

/// `run STAGE`: one task JSON on stdin, the output JSON on stdout.
pub fn run_once(stage: &str) -> i32 {
    let mut text = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut text) {
        eprintln!("sealfarm-proofs run {stage}: stdin: {e}");
        return 1;
    }
    let task = match json::parse(&text) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("sealfarm-proofs run {stage}: task on stdin: {e}");
            return 1;
        }
    };
    match stages::run(stage, &task) {
        Ok(v) => {
            println!("{}", v.get());
            0
        }
        Err(e) => {
            eprintln!("sealfarm-proofs run {stage}: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpusets_parse_and_reject() {
        assert_eq!(parse_cpuset("0-3,6, 8-9").unwrap(), vec![0, 1, 2, 3, 6, 8, 9]);
        assert_eq!(parse_cpuset("1").unwrap(), vec![1]);
        for bad in ["", "a", "3-1", "0-5000", "1,,x"] {
            assert!(parse_cpuset(bad).unwrap_err().contains("VC_CG_CPUSET"), "{bad}");
        }
    }

    #[test]
    fn responses_and_salvaged_ids() {
        assert_eq!(response(3, Ok(json::to_raw(&true))), r#"{"id":3,"err_msg":null,"output":true}"#);
        assert_eq!(response(4, Err("x".into())), r#"{"id":4,"err_msg":"x","output":null}"#);
        assert_eq!(salvage_id(r#"{"id": 17, "task": {"#), Some(17));
        assert_eq!(salvage_id("garbage"), None);
    }

    #[test]
    fn affinity_round_trips() {
        // Run in a thread so the test harness' own affinity is untouched.
        std::thread::spawn(|| {
            let all = get_affinity();
            assert!(!all.is_empty());
            set_affinity(&all[..1]).unwrap();
            assert_eq!(get_affinity(), vec![all[0]]);
        })
        .join()
        .unwrap();
    }
}
