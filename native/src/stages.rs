//! The stage registry: a damocles stage name -> the function that runs one task of it.
//!
//! `processor <STAGE>` and `run <STAGE>` look stages up here. A stage takes the task JSON exactly as damocles sends it
//! (vc-processors `builtin/tasks.rs` field names) and returns the output JSON in the same serde form, or an error
//! message that names the offending field or file. Add a stage with one line in `STAGES`.

use crate::json::Json;

pub type StageFn = fn(&Json) -> Result<Json, String>;

/// (damocles stage name, implementation).
pub const STAGES: &[(&str, StageFn)] = &[
    // native I: add_pieces, tree_d, PC1
    ("add_pieces", crate::pieces::stage),
    ("tree_d", crate::tree_d::stage),
    ("pc1", crate::sdr::pc1::stage),
    // native II: PC2, C1 (in-process in damocles, exposed here), C2 (vanilla bundle), verification
    ("pc2", crate::pc2::stage),
    ("c1", crate::c1::stage),
    ("c2", crate::c2::stage),
    ("verify_seal", crate::verify_seal::stage),
    ("window_post", crate::window_post::stage),
    ("verify_window_post", crate::window_post::verify_stage),
    ("unseal", crate::unseal::stage),
    // empty-sector update (damocles' snapup plan): encode, vanilla partition proofs (in-process in damocles),
    // prove (a vanilla bundle, not a SNARK), verification
    ("snap_encode", crate::snap::json::snap_encode),
    ("snap_partition_proofs", crate::snap::json::snap_partition_proofs),
    ("snap_prove", crate::snap::json::snap_prove),
    ("verify_snap", crate::snap::json::verify_snap),
    // persisting through `[[processors.transfer]]` (builtin copy/symlink semantics)
    ("transfer", crate::transfer::stage),
];

pub fn lookup(name: &str) -> Option<StageFn> {
    STAGES.iter().find(|(n, _)| *n == name).map(|(_, f)| *f)
}

pub fn names() -> Vec<&'static str> {
    STAGES.iter().map(|(n, _)| *n).collect()
}

/// Runs a stage, turning a panic inside it into an error so one bad task cannot take the processor down.
pub fn run(name: &str, task: &Json) -> Result<Json, String> {
    let f = lookup(name).ok_or_else(|| format!("unknown stage {name:?} (known: {})", names().join(", ")))?;
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
