//! `sealfarm-proofs bench sha256|commp|pc1 SIZE`: the figures `npm run bench:native` prints (not a test). Each
//! result is one JSON line; the TypeScript side computes the ratios against the raw compression rate measured in
//! the same run.

use crate::commp::commp_reader;
use crate::ids::SealProof;
use crate::sdr::{cache, graph::Graph};
use crate::sha256::{compress, compress_portable, has_sha_ni, IV};
use serde_json::{json, Value};
use std::time::Instant;

#[repr(C)]
struct Timespec {
    sec: i64,
    nsec: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, ts: *mut Timespec) -> i32;
}

/// CPU seconds consumed by the calling thread. The development machines are shared, so rates are computed from
/// the thread's CPU time (time spent descheduled does not count) as well as from wall time.
pub fn thread_cpu_secs() -> f64 {
    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
    let mut ts = Timespec { sec: 0, nsec: 0 };
    // SAFETY: ts is a valid timespec for the duration of the call.
    unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.sec as f64 + ts.nsec as f64 * 1e-9
}

/// Single-core SHA-256 compressions per CPU second, chained 20 blocks at a time exactly like a label.
fn chained_rate(millis: u64, portable: bool) -> f64 {
    let buf: Vec<u8> = (0..1280u32).map(|i| (i * 7) as u8).collect();
    let t = Instant::now();
    let c0 = thread_cpu_secs();
    let mut n = 0u64;
    let mut st = IV;
    while t.elapsed().as_millis() < millis as u128 {
        for _ in 0..64 {
            if portable {
                compress_portable(&mut st, &buf);
            } else {
                compress(&mut st, &buf);
            }
        }
        n += 64 * 20;
    }
    std::hint::black_box(st);
    n as f64 / (thread_cpu_secs() - c0)
}

/// The raw rate with SHA-NI (when present) and with the portable path.
pub fn sha256_rate(millis: u64) -> Value {
    json!({
        "bench": "sha256",
        "sha_ni": has_sha_ni(),
        "compressions_per_sec": chained_rate(millis, false).round(),
        "portable_compressions_per_sec": chained_rate(millis, true).round(),
    })
}

/// CommP over `mib` MiB of in-memory data (single thread): bytes and tree compressions per second.
pub fn commp_rate(mib: usize) -> Value {
    let unpadded = 127 * 8192 * mib; // pads to exactly `mib` MiB
    let data: Vec<u8> = (0..unpadded).map(|i| (i % 253) as u8).collect();
    let c0 = thread_cpu_secs();
    let c = commp_reader(&mut &data[..], None).expect("in-memory read");
    let secs = thread_cpu_secs() - c0;
    std::hint::black_box(c.comm_p);
    let nodes = c.padded_size / 32 - 1;
    json!({
        "bench": "commp",
        "bytes": unpadded as u64,
        "bytes_per_sec": (unpadded as f64 / secs).round(),
        "compressions_per_sec": (nodes as f64 * 2.0 / secs).round(),
    })
}

/// PC1 labels of one sector of `proof` (all layers, parent cache in memory), labels per CPU second and per wall second.
pub fn pc1_rate(proof: &SealProof) -> Value {
    let g = Graph::for_proof(proof);
    let t = Instant::now();
    // The parent cache comes from (or goes to) its production place, so repeated runs skip the generation.
    let dir = cache::default_dir();
    let existed = dir.join(cache::file_name(&g)).exists();
    let c = cache::load_or_generate(&g, &dir).expect("parent cache");
    let cache_secs = t.elapsed().as_secs_f64();
    let rid = [0x2au8; 32];
    // The raw rate right before the labels, in the same process: the machine is shared, so rates measured minutes
    // apart are not comparable.
    let raw = chained_rate(1000, false);
    let t = Instant::now();
    let c0 = thread_cpu_secs();
    let mut last = [0u8; 32];
    let pipelined = crate::sdr::layers::default_pipelined(proof.nodes());
    crate::sdr::layers::label_all_mode::<()>(&rid, proof.layers(), &c, pipelined, |_, l| {
        last.copy_from_slice(&l[l.len() - 32..]);
        Ok(())
    })
    .unwrap();
    let cpu = thread_cpu_secs() - c0;
    let secs = t.elapsed().as_secs_f64();
    let labels = proof.nodes() as f64 * proof.layers() as f64;
    json!({
        "bench": "pc1",
        "proof": proof.name,
        "labels": labels as u64,
        "threads": (if pipelined { 2 } else { 1 }),
        "seconds": (secs * 1000.0).round() / 1000.0,
        "labels_per_sec": (labels / cpu).round(),
        "wall_labels_per_sec": (labels / secs).round(),
        "raw_compressions_per_sec": raw.round(),
        "parent_cache_seconds": (cache_secs * 1000.0).round() / 1000.0,
        "parent_cache": (if existed { "loaded" } else { "generated" }),
    })
}
