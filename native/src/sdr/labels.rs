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

/// Whether PC1 uses the parent-gathering producer thread (`labels_pipelined`): `SEALFARM_PC1_THREADS=1` or `2`
/// decides; otherwise it does when this process may run on two or more CPUs (its affinity mask: a processor pinned
/// by `VC_CG_CPUSET` to one core with its SMT sibling counts two) and the graph is large enough that parents miss
/// the caches. Measured on the 2-vCPU EPYC (KVM) development machine, 512 MiB: 0.69-0.76 of the raw SHA-256 rate
/// single-threaded against 0.87-0.92 with the producer, because the random parent reads miss caches and TLB, and a
/// software prefetch does not hide them from one thread (it gains 3-6 % over none, whatever distance or hint).
/// rust-fil-proofs' multicore SDR makes the same trade. Either way the labels are identical.
pub fn default_pipelined(nodes: u64) -> bool {
    match std::env::var("SEALFARM_PC1_THREADS").as_deref() {
        Ok("1") => false,
        Ok("2") => nodes >= 2,
        _ => nodes >= 1 << 16 && std::thread::available_parallelism().map(|c| c.get() >= 2).unwrap_or(false),
    }
}

/// Runs all `layers` layers, handing each finished layer (1-based index, N × 32 bytes) to `sink`. Two layer buffers
/// in memory, as rust-fil-proofs.
pub fn label_all<E>(
    replica_id: &[u8; 32],
    layers: usize,
    cache: &ParentCache,
    sink: impl FnMut(usize, &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    label_all_mode(replica_id, layers, cache, default_pipelined(cache.nodes), sink)
}

/// `label_all` with the threading chosen by the caller.
pub fn label_all_mode<E>(
    replica_id: &[u8; 32],
    layers: usize,
    cache: &ParentCache,
    pipelined: bool,
    mut sink: impl FnMut(usize, &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let n = cache.nodes as usize;
    let mut prev: Vec<u8> = super::huge_pages::zeroed_vec(n * 32);
    let mut cur: Vec<u8> = super::huge_pages::zeroed_vec(n * 32);
    for layer in 1..=layers {
        let p = if layer == 1 { None } else { Some(&prev[..]) };
        if pipelined {
            super::labels_pipelined::label_layer_pipelined(replica_id, layer as u32, cache, p, &mut cur);
        } else {
            label_layer(replica_id, layer as u32, cache, p, &mut cur);
        }
        sink(layer, &cur)?;
        std::mem::swap(&mut prev, &mut cur);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdr::cache::generate;
    use crate::sdr::graph::Graph;
    use crate::sha256::{sha256, to_hex};

    /// The last label of layer 11, computed single-threaded and pipelined (both must agree).
    fn last_label(nodes: u64, porep_byte: u8, legacy: bool) -> String {
        let g = Graph::new(nodes, &[porep_byte; 32], legacy);
        let cache = generate(&g, 1);
        let run = |pipelined: bool| {
            let mut last = String::new();
            label_all_mode::<()>(&[9u8; 32], 11, &cache, pipelined, |layer, l| {
                if layer == 11 {
                    last = to_hex(&l[l.len() - 32..]);
                }
                Ok(())
            })
            .unwrap();
            last
        };
        let single = run(false);
        assert_eq!(run(true), single, "pipelined labels differ");
        single
    }

    #[test]
    fn upstream_last_label_vectors() {
        assert_eq!(last_label(64, 0, true), "04ba0f9a6ba9fad35e4806d183a281eab3c25afa9a1bd5e3378da6f1f4f46204");
        assert_eq!(last_label(128, 0, true), "86daa8c4521e197e48c1fae6c9a1e85ab894a8883b9f23cebe531ddcd1004c23");
        assert_eq!(last_label(64, 0x7b, false), "cfef0db78bf3b3ab9f1169774d2e7a77bc9054499d954834b51ca7c788110206");
        assert_eq!(last_label(128, 0x7b, false), "6d67c468cf81ab2289c1c9c72fa8777a232de4c1323dc0c6bd552ccc187c770f");
    }

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
