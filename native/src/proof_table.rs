//! The registered-proof tables as one JSON document (`sealfarm-proofs ids --json`): sector sizes, seal proofs
//! with their ids and the PoSt proofs each proves with, update proofs. The TypeScript side keeps its own copy of
//! these facts (components/core/proofs/registered-proofs.ts) and its test compares it with this output.

use crate::ids::{SEAL_PROOFS, SIZES};
use crate::snap::params::UPDATE_PROOFS;
use serde_json::{json, Value};

pub fn to_json() -> Value {
    let sizes: Vec<Value> = SIZES.iter().map(|(bytes, name)| json!({ "name": name, "bytes": bytes })).collect();
    let seal: Vec<Value> = SEAL_PROOFS
        .iter()
        .map(|p| {
            let [winning, window_v1, window] = p.post_proofs();
            json!({
                "id": p.id,
                "name": p.name,
                "sector_size": p.sector_size,
                "winning_post_proof": winning,
                "window_post_proof_v1": window_v1,
                "window_post_proof": window,
            })
        })
        .collect();
    let update: Vec<Value> =
        UPDATE_PROOFS.iter().map(|u| json!({ "id": u.id, "name": u.name, "sector_size": u.sector_size })).collect();
    json!({ "sector_sizes": sizes, "seal_proofs": seal, "update_proofs": update })
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_every_proof_once() {
        let t = super::to_json();
        assert_eq!(t["sector_sizes"].as_array().unwrap().len(), 5);
        assert_eq!(t["seal_proofs"].as_array().unwrap().len(), 20);
        assert_eq!(t["seal_proofs"][8]["name"], "StackedDrg32GiBV1_1");
        assert_eq!(t["seal_proofs"][8]["window_post_proof"], "StackedDrgWindow32GiBV1_2");
        assert_eq!(t["update_proofs"][0]["name"], "StackedDrg2KiBV1");
    }
}
