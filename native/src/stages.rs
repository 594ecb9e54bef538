//! The stage registry: a damocles stage name -> the function that runs one task of it.
//!
//! `processor <STAGE>` and `run <STAGE>` look stages up here. A stage reads the task JSON exactly as damocles sends it
//! (vc-processors `builtin/tasks.rs` field names) into its task type, runs it, and writes its output type in the same
//! serde form, or returns an error message that names the offending field or file. Add a stage with a type that
//! implements `stage_task::Stage` and one line in `STAGES`.

use crate::json;
use crate::stage_task::Stage;
use serde_json::value::RawValue;
use serde_json::Value;

pub type StageFn = fn(&Value) -> Result<Box<RawValue>, String>;

fn run_task<S: Stage>(task: &Value) -> Result<Box<RawValue>, String> {
    Ok(json::to_raw(&json::from_value::<S>(task)?.run()?))
}

/// (damocles stage name, implementation).
pub const STAGES: &[(&str, StageFn)] = &[
    ("add_pieces", run_task::<crate::pieces::AddPiecesTask>),
    ("tree_d", run_task::<crate::tree_d::TreeDTask>),
    ("pc1", run_task::<crate::sdr::pc1::Pc1Task>),
    ("pc2", run_task::<crate::pc2::Pc2Task>),
    // C1 runs in-process in damocles; exposed here as a stage
    ("c1", run_task::<crate::c1::C1Task>),
    // C2 returns the vanilla proof bundle, not a SNARK
    ("c2", run_task::<crate::c2::C2Task>),
    ("verify_seal", run_task::<crate::verify_seal::VerifySealTask>),
    ("window_post", run_task::<crate::window_post::WindowPostTask>),
    ("verify_window_post", run_task::<crate::window_post::VerifyWindowPostTask>),
    ("unseal", run_task::<crate::unseal::UnsealTask>),
    // empty-sector update (damocles' snapup plan): encode, vanilla partition proofs (in-process in damocles),
    // prove (a vanilla bundle, not a SNARK), verification
    ("snap_encode", run_task::<crate::snap::json::SnapEncodeTask>),
    ("snap_partition_proofs", run_task::<crate::snap::json::PartitionProofsTask>),
    ("snap_prove", run_task::<crate::snap::json::SnapProveTask>),
    ("verify_snap", run_task::<crate::snap::json::VerifySnapTask>),
    // persisting through `[[processors.transfer]]` (builtin copy/symlink semantics)
    ("transfer", run_task::<crate::transfer::TransferTask>),
];

pub fn lookup(name: &str) -> Option<(&'static str, StageFn)> {
    STAGES.iter().find(|(n, _)| *n == name).copied()
}

pub fn names() -> Vec<&'static str> {
    STAGES.iter().map(|(n, _)| *n).collect()
}

/// Runs a stage, turning a panic inside it into an error so one bad task cannot take the processor down.
pub fn run(name: &str, task: &Value) -> Result<Box<RawValue>, String> {
    let (_, f) = lookup(name).ok_or_else(|| format!("unknown stage {name:?} (known: {})", names().join(", ")))?;
    match std::panic::catch_unwind(|| f(task)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(format!("stage {name} panicked: {msg}"))
        }
    }
}
