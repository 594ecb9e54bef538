//! SDR labels (`create_label/single.rs`): label(ℓ, v) = SHA254(replica_id ‖ u32_be(ℓ) ‖ u64_be(v) ‖ 0^20 ‖ 37 parent
//! labels), the parents being the 6 DRG parents of the current layer (repeated 6 times plus the first once more) in
//! layer 1, and 6 DRG parents of this layer + 8 expander parents of the previous layer (P, P, P[0..9]) after it.
//!
//! The message is always 1248 bytes = 20 blocks with the padding in place; the repeated parent runs are whole
//! blocks, so each label gathers its distinct parents once into a reused stack buffer (no allocation per label)
//! and compresses those bytes repeatedly. Parent labels of a node a few steps ahead are prefetched
//! while the current one hashes, which hides most of the random DRAM reads of large layers.

use super::cache::ParentCache;
use super::graph::{BASE_DEGREE, DEGREE};
use crate::sha256::{compress, compress_indexed, digest, IV};

const MSG: usize = 64 + 37 * 32; // 1248
/// header ‖ the 14 distinct parents ‖ the final block (last parent label + padding): 9 blocks.
const BUF: usize = 64 + 14 * 32 + 64;
const FIN: usize = BUF - 64;
/// The 20 blocks of a label as indices into `BUF`: layer 1 is header ‖ B×6 ‖ B[0] (B = blocks 1..=3), later
/// layers header ‖ P ‖ P ‖ P[0..8] ‖ P[8] (P = blocks 1..=7); block 8 holds the final parent and the padding.
pub(super) const ORDER_FIRST: [u8; 20] = [0, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 8];
pub(super) const ORDER_LATER: [u8; 20] = [0, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 8];
/// Prefetch distance in labels (~1 µs each, far more than one DRAM miss). Measured at 512 MiB on the 2-core Zen 3:
/// 4 to 16 were equal within the run-to-run noise (±4 %), 24 and 64 were slower (0.74, 0.73 vs 0.78), presumably
/// because 13 lines per label prefetched that early are evicted from L1 or overflow its TLB before use.
const LOOKAHEAD: usize = 8;

#[inline(always)]
pub(super) fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    unsafe {
        core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// Computes layer `layer` (1-based) into `cur` (N × 32 bytes); `prev` is layer − 1 (required for layer ≥ 2).
pub fn label_layer(replica_id: &[u8; 32], layer: u32, cache: &ParentCache, prev: Option<&[u8]>, cur: &mut [u8]) {
    let n = cache.nodes as usize;
    assert_eq!(cur.len(), n * 32);
    assert!(layer == 1 || prev.map(|p| p.len()) == Some(n * 32), "layer {layer} needs the previous layer");
    let mut buf = [0u8; BUF];
    buf[..32].copy_from_slice(replica_id);
    buf[32..36].copy_from_slice(&layer.to_be_bytes());
    // Node 0: the header block alone, then its padding block (length 512 bits).
    {
        let mut b = [0u8; 128];
        b[..64].copy_from_slice(&buf[..64]);
        b[64] = 0x80;
        b[126] = 0x02;
        let mut st = IV;
        compress(&mut st, &b);
        let d = digest(&st);
        cur[..32].copy_from_slice(&d);
        cur[31] &= 0x3f;
    }
    // The repeated parent runs are whole blocks (layer 1: B = 6 labels = 3 blocks; later: P = 14 labels = 7 blocks),
    // so each label gathers its distinct parents once and hashes the 20 blocks by index, in one call (see
    // `compress_indexed`), instead of copying 37 labels. The last block is the final parent label plus the padding
    // (message length 1248 bytes).
    buf[FIN + 32] = 0x80;
    buf[FIN + 56..].copy_from_slice(&((MSG as u64) * 8).to_be_bytes());
    let order = if prev.is_none() { &ORDER_FIRST } else { &ORDER_LATER };
    let parents = &cache.parents;
    for v in 1..n {
        if v + LOOKAHEAD < n {
            let ahead = &parents[(v + LOOKAHEAD) * DEGREE..(v + LOOKAHEAD + 1) * DEGREE];
            for &p in &ahead[..BASE_DEGREE] {
                prefetch(cur.as_ptr().wrapping_add(p as usize * 32));
            }
            if let Some(prev) = prev {
                for &p in &ahead[BASE_DEGREE..] {
                    prefetch(prev.as_ptr().wrapping_add(p as usize * 32));
                }
            }
        }
        let ps = &parents[v * DEGREE..(v + 1) * DEGREE];
        buf[36..44].copy_from_slice(&(v as u64).to_be_bytes());
        for (k, &p) in ps[..BASE_DEGREE].iter().enumerate() {
            let p = p as usize * 32;
            buf[64 + 32 * k..96 + 32 * k].copy_from_slice(&cur[p..p + 32]);
        }
        match prev {
            // Layer 1 ends with B[0].
            None => buf.copy_within(64..96, FIN),
            Some(prev) => {
                for (k, &p) in ps[BASE_DEGREE..].iter().enumerate() {
                    let p = p as usize * 32;
                    let o = 64 + 32 * (BASE_DEGREE + k);
                    buf[o..o + 32].copy_from_slice(&prev[p..p + 32]);
                }
                // Later layers end with P[8].
                buf.copy_within(320..352, FIN);
            }
        }
        let mut st = IV;
        compress_indexed(&mut st, &buf, order);
        let out = &mut cur[v * 32..v * 32 + 32];
        out.copy_from_slice(&digest(&st));
        out[31] &= 0x3f;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdr::cache::generate;
    use crate::sdr::graph::Graph;
    use crate::sha256::sha256;

    #[test]
    fn a_label_is_the_sha254_of_the_documented_message() {
        let g = Graph::new(64, &[0x7b; 32], false);
        let cache = generate(&g, 1);
        let rid = [5u8; 32];
        let mut l1 = vec![0u8; 64 * 32];
        let mut l2 = vec![0u8; 64 * 32];
        label_layer(&rid, 1, &cache, None, &mut l1);
        label_layer(&rid, 2, &cache, Some(&l1), &mut l2);
        let v = 40usize;
        let ps = cache.node(v);
        let mut msg = rid.to_vec();
        msg.extend_from_slice(&2u32.to_be_bytes());
        msg.extend_from_slice(&(v as u64).to_be_bytes());
        msg.extend_from_slice(&[0u8; 20]);
        let label = |k: usize| -> &[u8] {
            let (src, p) = if k < 6 { (&l2, ps[k]) } else { (&l1, ps[k]) };
            &src[p as usize * 32..p as usize * 32 + 32]
        };
        for k in (0..14).chain(0..14).chain(0..9) {
            msg.extend_from_slice(label(k));
        }
        let mut want = sha256(&msg);
        want[31] &= 0x3f;
        assert_eq!(&l2[v * 32..v * 32 + 32], &want);
    }
}
