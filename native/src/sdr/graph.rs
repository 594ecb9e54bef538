//! The SDR graph of one porep_id and size: 6 DRG parents per node (bucket sampling, ChaCha8 seeded per node) and
//! 8 expander parents (Feistel permutation of 8N), in the parent-cache order (DRG slots, then expander).

use super::chacha8::ChaCha8;
use super::feistel::{self, Precomputed};
use crate::sha256::sha256;

pub const BASE_DEGREE: usize = 6;
pub const EXP_DEGREE: usize = 8;
pub const DEGREE: usize = BASE_DEGREE + EXP_DEGREE;

#[derive(Clone, Debug)]
pub struct Graph {
    pub nodes: u64,
    pub legacy: bool,
    pub drg_seed: [u8; 28],
    pub feistel_keys: [u64; 4],
    feistel: Precomputed,
}

impl Graph {
    pub fn new(nodes: u64, porep_id: &[u8; 32], legacy: bool) -> Graph {
        let mut msg = b"Filecoin_DRSample".to_vec();
        msg.extend_from_slice(porep_id);
        let d = sha256(&msg);
        let drg_seed: [u8; 28] = d[..28].try_into().unwrap();
        let mut msg = b"Filecoin_Feistel".to_vec();
        msg.extend_from_slice(porep_id);
        let d = sha256(&msg);
        let mut feistel_keys = [0u64; 4];
        for (k, c) in feistel_keys.iter_mut().zip(d.chunks_exact(8)) {
            *k = u64::from_le_bytes(c.try_into().unwrap());
        }
        Graph { nodes, legacy, drg_seed, feistel_keys, feistel: feistel::precompute(nodes * EXP_DEGREE as u64) }
    }

    pub fn for_proof(p: &crate::ids::SealProof) -> Graph {
        Graph::new(p.nodes(), &p.porep_id(), p.is_legacy())
    }

    /// The 6 DRG parents of `v` in slot order.
    pub fn drg_parents(&self, v: u64, out: &mut [u32]) {
        if v < 2 {
            out[..BASE_DEGREE].fill(0);
            return;
        }
        let mut seed = [0u8; 32];
        seed[..28].copy_from_slice(&self.drg_seed);
        seed[28..].copy_from_slice(&(v as u32).to_le_bytes());
        let mut rng = ChaCha8::from_seed(&seed);
        let m_prime = (BASE_DEGREE - 1) as u64;
        let meta = v * m_prime;
        // ceil(log2(meta)); meta = 5v is never a power of two for v ≥ 2, so bit_length(meta - 1) is exact.
        let n_buckets = 64 - (meta - 1).leading_zeros() as u64;
        let (pred_slot, first) = if self.legacy { (BASE_DEGREE - 1, 0) } else { (0, 1) };
        for slot in first..first + BASE_DEGREE - 1 {
            let bucket = rng.next_u64() % n_buckets + 1;
            let hi = meta.min(1u64 << bucket);
            let lo = (hi >> 1).max(2);
            let dist = lo + rng.next_u64() % (hi - lo + 1);
            let mut p = (meta - dist) / m_prime;
            if p == v {
                p = v - 1;
            }
            out[slot] = p as u32;
        }
        out[pred_slot] = (v - 1) as u32;
    }

    /// The 8 expander parents of `v`.
    pub fn exp_parents(&self, v: u64, out: &mut [u32]) {
        let n = self.nodes * EXP_DEGREE as u64;
        for (i, o) in out[..EXP_DEGREE].iter_mut().enumerate() {
            let a = v * EXP_DEGREE as u64 + i as u64;
            let t = feistel::permute(n, a, &self.feistel_keys, self.feistel);
            *o = if self.legacy { (t as u32) / EXP_DEGREE as u32 } else { (t / EXP_DEGREE as u64) as u32 };
        }
    }

    /// All 14 parents of `v` as stored in the parent cache.
    pub fn parents(&self, v: u64, out: &mut [u32; DEGREE]) {
        self.drg_parents(v, &mut out[..BASE_DEGREE]);
        self.exp_parents(v, &mut out[BASE_DEGREE..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::porep_id;

    #[test]
    fn derived_constants_match_the_reference() {
        let g = Graph::new(1 << 30, &porep_id(8), false);
        assert_eq!(hex::encode(g.drg_seed), "ba0350183955dc9f07e73503f5c63ff1bd9c22501363983de241f74a");
        assert_eq!(&g.feistel_keys[..3], &[0x35a20d6c881b3e73, 0x11063648dc13a120, 0xa8c1ad029b31fcb5]);
        assert_eq!(g.feistel_keys[3], 0xd299d840a5770469);
        let g = Graph::new(64, &porep_id(5), false);
        assert_eq!(hex::encode(g.drg_seed), "3be68542ec229705b99be29c2106b0e4222ccd1d0311398ea4d22d7d");
        assert_eq!(&g.feistel_keys[..3], &[0x90b15b1c4509e47a, 0xdc5378c03df3f21b, 0xfa76fc24deb9d7ac]);
    }

    #[test]
    fn parents_are_earlier_nodes_and_predecessor_slot_depends_on_version() {
        for legacy in [false, true] {
            let g = Graph::new(1 << 10, &porep_id(if legacy { 0 } else { 5 }), legacy);
            let mut p = [0u32; DEGREE];
            for v in 2..1024u64 {
                g.parents(v, &mut p);
                assert!(p[..6].iter().all(|&x| (x as u64) < v), "v={v} {p:?}");
                assert_eq!(p[if legacy { 5 } else { 0 }] as u64, v - 1);
                assert!(p[6..].iter().all(|&x| (x as u64) < 1024));
            }
        }
    }
}
