//! sealfarm-proofs: argv dispatch only; each algorithm lives in its own module.

use sealfarm_proofs::{bench_sealing, commp, ids::SealProof, processor, proof_table, stages, transfer};

/// The `commp` command's output line.
#[derive(serde::Serialize)]
struct CommpLine {
    comm_p: String,
    piece_cid: String,
    unpadded_size: u64,
    padded_size: u64,
}

fn usage() -> String {
    format!(
        "usage: sealfarm-proofs <command> [args]

commands:
  commp FILE            CommP of a file: {{\"comm_p\",\"piece_cid\",\"unpadded_size\",\"padded_size\"}}
  processor STAGE       serve the damocles external-processor protocol on stdin/stdout
  run STAGE             run one task: task JSON on stdin, output JSON on stdout
                        (transfer takes --disable_link, or env DISABLE_LINK: always copy, never symlink)
  bench sha256|commp|pc1 PROOF|poseidon|pc2 PROOF
                        one benchmark figure as a JSON line (see npm run bench:native)
  verify-seal           verify a c2 proof: request JSON on stdin, {{\"valid\":...}} on stdout
  verify-window-post    verify WindowPoSt proofs: request JSON on stdin, {{\"valid\":...}} on stdout
  verify-snap           verify a snap_prove bundle (empty-sector update): request JSON on stdin,
                        {{\"valid\":...}} on stdout
  ids --json            the registered-proof tables (sector sizes, seal, PoSt and update proofs) as JSON
  stages [--json]       the stages this binary serves, one a line (--json: a JSON array of names)
  --version             print the version

stages: {}
",
        stages::names().join(", ")
    )
}

/// `stages --json`: what `sealfarm worker check` reads to learn which stages the bundled binary serves.
fn stages_json() -> String {
    serde_json::to_string(&stages::names()).expect("a list of names serializes")
}

fn commp_file(path: &str) -> i32 {
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("sealfarm-proofs commp: {path}: {e}");
            return 1;
        }
    };
    if f.metadata().map(|m| m.len()).unwrap_or(0) == 0 {
        eprintln!("sealfarm-proofs commp: {path}: empty file (a piece holds at least 1 byte)");
        return 1;
    }
    match commp::commp_reader(&mut std::io::BufReader::with_capacity(1 << 20, f), None) {
        Ok(c) => {
            let line = CommpLine {
                comm_p: hex::encode(c.comm_p),
                piece_cid: commp::piece_cid(&c.comm_p),
                unpadded_size: c.unpadded_size,
                padded_size: c.padded_size,
            };
            println!("{}", sealfarm_proofs::json::to_raw(&line).get());
            0
        }
        Err(e) => {
            eprintln!("sealfarm-proofs commp: {path}: {e}");
            1
        }
    }
}

fn bench(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("sha256") => println!("{}", bench_sealing::sha256_rate(1000)),
        Some("commp") => println!("{}", bench_sealing::commp_rate(64)),
        Some("pc1") => {
            let name = args.get(1).map(String::as_str).unwrap_or("StackedDrg8MiBV1_1");
            let Some(p) = SealProof::by_name(name) else {
                eprintln!("sealfarm-proofs bench pc1: unknown registered proof {name:?}");
                return 2;
            };
            println!("{}", bench_sealing::pc1_rate(&p));
        }
        Some("pc2") => {
            let name = args.get(1).map(String::as_str).unwrap_or("StackedDrg8MiBV1_1");
            let Some(p) = SealProof::by_name(name) else {
                eprintln!("sealfarm-proofs bench pc2: unknown registered proof {name:?}");
                return 2;
            };
            match sealfarm_proofs::bench::pc2_rate(&p) {
                Ok(line) => println!("{line}"),
                Err(e) => {
                    eprintln!("sealfarm-proofs bench pc2: {e}");
                    return 1;
                }
            }
        }
        Some("poseidon") => {
            for line in sealfarm_proofs::bench::poseidon_rates(300) {
                println!("{line}");
            }
        }
        other => {
            eprintln!("sealfarm-proofs bench: unknown benchmark {other:?}\n{}", usage());
            return 2;
        }
    }
    0
}

/// Applies the flags a stage understands (`transfer --disable_link`) and returns the rest.
fn stage_flags<'a>(stage: &str, args: &'a [String]) -> Vec<&'a String> {
    let mut rest = Vec::new();
    for a in args {
        if stage == "transfer" && a == "--disable_link" {
            transfer::DISABLE_LINK.store(true, std::sync::atomic::Ordering::Relaxed);
        } else {
            rest.push(a);
        }
    }
    rest
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let code = match (arg(0), arg(1)) {
        (Some("--version"), _) => {
            println!("sealfarm-proofs {}", env!("CARGO_PKG_VERSION"));
            0
        }
        (Some("--help") | None, _) => {
            print!("{}", usage());
            0
        }
        (Some("stages"), Some("--json")) => {
            println!("{}", stages_json());
            0
        }
        (Some("stages"), None) => {
            println!("{}", stages::names().join("\n"));
            0
        }
        (Some("stages"), Some(other)) => {
            eprintln!("sealfarm-proofs stages: unknown flag {other:?}\n{}", usage());
            2
        }
        (Some("commp"), Some(file)) => commp_file(file),
        (Some("processor"), Some(stage)) => {
            let extra = stage_flags(stage, &args[2..]);
            // damocles' builtin pc1 takes --hugepage_files_path*; this binary manages its own memory (THP hints).
            if !extra.is_empty() {
                eprintln!("sealfarm-proofs processor {stage}: ignoring extra arguments {extra:?}");
            }
            processor::serve(stage)
        }
        (Some("run"), Some(stage)) => {
            let extra = stage_flags(stage, &args[2..]);
            if !extra.is_empty() {
                eprintln!("sealfarm-proofs run {stage}: ignoring extra arguments {extra:?}");
            }
            processor::run_once(stage)
        }
        (Some("bench"), _) => bench(&args[1..]),
        (Some("ids"), Some("--json")) => {
            println!("{}", proof_table::to_json());
            0
        }
        // the verifiers, with the same JSON as the verify_seal / verify_window_post stages
        (Some("verify-seal"), _) => processor::run_once("verify_seal"),
        (Some("verify-window-post"), _) => processor::run_once("verify_window_post"),
        (Some("verify-snap"), _) => processor::run_once("verify_snap"),
        (Some(cmd @ ("commp" | "processor" | "run" | "ids")), None) => {
            eprintln!("sealfarm-proofs {cmd}: missing argument\n{}", usage());
            2
        }
        (Some(other), _) => {
            eprintln!("sealfarm-proofs: unknown command {other:?}\n{}", usage());
            2
        }
    };
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    #[test]
    fn usage_names_every_command() {
        let u = super::usage();
        for c in ["--version", "commp FILE", "processor STAGE", "run STAGE", "bench", "ids --json", "pc1", "verify-snap", "snap_prove", "stages [--json]"] {
            assert!(u.contains(c), "{c}");
        }
    }

    #[test]
    fn stages_json_is_the_stage_table_as_a_json_array() {
        let parsed: Vec<String> = serde_json::from_str(&super::stages_json()).expect("a JSON array of strings");
        assert_eq!(parsed, sealfarm_proofs::stages::names());
        for s in ["add_pieces", "tree_d", "pc1", "pc2", "c1", "c2", "window_post", "unseal", "snap_encode"] {
            assert!(parsed.iter().any(|p| p == s), "{s} is served");
        }
    }
}
