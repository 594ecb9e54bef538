//! `sealfarm-proofs bench poseidon|pc2`: throughput figures for `npm run bench:native` (not a test).
//! Each line is one JSON object so the TypeScript bench can parse it and print ratios.

use crate::field::Fr;
use crate::json::Json;
use crate::poseidon;
use std::time::Instant;

/// Poseidon Merkle hashes per second per arity (single thread), plain and optimized, over ~`millis` each.
pub fn poseidon_rates(millis: u64) -> Vec<Json> {
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
        out.push(Json::obj(vec![
            ("bench", Json::str("poseidon")),
            ("arity", Json::U64(arity as u64)),
            ("hashes_per_sec", Json::F64(fast.round())),
            ("plain_hashes_per_sec", Json::F64(plain.round())),
        ]));
    }
    out
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
