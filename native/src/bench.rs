//! `sealfarm-proofs bench poseidon|pc2`: throughput figures for `npm run bench:native` (not a test).
//! Each line is one JSON object so the TypeScript bench can parse it and print ratios.

use crate::field::Fr;
use crate::poseidon;
use serde_json::{json, Value};
use std::time::Instant;

/// Poseidon Merkle hashes per second per arity (single thread), plain and optimized, over ~`millis` each.
pub fn poseidon_rates(millis: u64) -> Vec<Value> {
    let mut out = Vec::new();
    for arity in [2usize, 4, 8, 11] {
        let c = poseidon::constants(arity);
        let mut x: Vec<Fr> = (0..arity as u64).map(Fr::from_u64).collect();
        let mut rate = |plain: bool| {
            let t = Instant::now();
            let mut n = 0u64;
            while t.elapsed().as_millis() < millis as u128 {
                for _ in 0..16 {
                    x[0] = if plain { c.hash_plain(&x) } else { c.hash(&x) };
                }
                n += 16;
            }
            n as f64 / t.elapsed().as_secs_f64()
        };
        let plain = rate(true);
        let fast = rate(false);
        out.push(json!({
            "bench": "poseidon",
            "arity": arity as u64,
            "hashes_per_sec": fast.round(),
            "plain_hashes_per_sec": plain.round(),
        }));
    }
    out
}

/// PC1 (labels) then PC2 of one CC sector of `proof` in a temp dir, both timed in the same run.
pub fn pc2_rate(proof: &crate::ids::SealProof) -> Result<Value, String> {
    use crate::sdr::{cache, graph::Graph, layers};
    let dir = std::env::temp_dir().join(format!("sealfarm-bench-pc2-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let result = (|| {
        let pc = cache::generate(&Graph::for_proof(proof), crate::merkle::threads());
        let t = Instant::now();
        layers::label_all::<String>(&[0x2a; 32], proof.layers(), &pc, |layer, l| {
            std::fs::write(crate::pc2::layer_path(&dir, layer), l).map_err(|e| e.to_string())
        })?;
        let pc1 = t.elapsed().as_secs_f64();
        drop(pc);
        let sealed = dir.join("sealed");
        std::fs::write(&sealed, vec![0u8; proof.sector_size as usize]).map_err(|e| e.to_string())?;
        let t = Instant::now();
        crate::pc2::run(&dir, &sealed, proof.nodes(), proof.layers())?;
        let pc2 = t.elapsed().as_secs_f64();
        let ms = |s: f64| (s * 1000.0).round() / 1000.0;
        Ok(json!({
            "bench": "pc2",
            "proof": proof.name,
            "threads": crate::merkle::threads() as u64,
            "pc1_seconds": ms(pc1),
            "pc2_seconds": ms(pc2),
            "pc2_over_pc1": (pc2 / pc1 * 100.0).round() / 100.0,
        }))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}

#[cfg(test)]
mod tests {
    #[test]
    #[ignore]
    fn print_poseidon_rates() {
        for l in super::poseidon_rates(300) {
            eprintln!("{l}");
        }
    }
}

