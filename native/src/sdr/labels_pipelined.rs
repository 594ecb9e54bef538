//! PC1 labels with a parent-gathering producer thread (the idea of rust-fil-proofs' multicore SDR, one producer):
//! the producer copies each node's parent labels into a ring of slots ahead of the hasher, so the hashing thread
//! reads only recent, sequential memory and spends its time in SHA-NI instead of waiting for random DRAM reads.
//!
//! A DRG parent in the current layer that the hasher has not finished yet when its slot is gathered (always the
//! predecessor v − 1, sometimes other close parents) is marked missing and filled in by the hasher itself. The
//! message and so every label are byte-identical to `labels::label_layer` (tests compare them).
//!
//! Each slot is a whole label message (header, parents, final block), so the hasher fills in what is missing and
//! makes one `compress_indexed` call; it also prefetches the slots just ahead, which the producer wrote on the other
//! core, so taking them over does not stall the hash either.
//!
//! Synchronisation: `consumed` (labels of the current layer finished, Release by the hasher) tells the producer which
//! current-layer labels it may read; `produced` (slots published, Release by the producer) tells the hasher which
//! slots are ready. The producer parks when the ring is full and the hasher wakes it, so no core spins idle.

use super::cache::ParentCache;
use super::graph::{BASE_DEGREE, DEGREE};
use super::labels::{ORDER_FIRST, ORDER_LATER};
use crate::sha256::{compress, compress_indexed, digest, IV};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicUsize, Ordering};

const RING: usize = 512;
const PUBLISH: usize = 16;
/// A slot is a whole label buffer as `labels::label_layer_plain` hashes it: the header block, the 14 distinct
/// parents and the final block (last parent + padding), 9 blocks, so the hasher makes one `compress_indexed` call.
const SLOT: usize = 64 + DEGREE * 32 + 64;
const FIN: usize = SLOT - 64;
const MSG_BITS: u64 = (64 + 37 * 32) * 8;
/// How many slots ahead the hasher prefetches (only slots already published).
const SLOT_PREFETCH: usize = 2;

struct Shared {
    cur: *mut u8,
    ring: *mut u8,
}
// SAFETY: access is partitioned by the `consumed`/`produced` protocol described in the module comment.
unsafe impl Send for Shared {}
unsafe impl Sync for Shared {}

pub fn label_layer_pipelined(replica_id: &[u8; 32], layer: u32, cache: &ParentCache, prev: Option<&[u8]>, cur: &mut [u8]) {
    let n = cache.nodes as usize;
    assert_eq!(cur.len(), n * 32);
    assert!(layer == 1 || prev.map(|p| p.len()) == Some(n * 32), "layer {layer} needs the previous layer");
    let mut header = [0u8; 64];
    header[..32].copy_from_slice(replica_id);
    header[32..36].copy_from_slice(&layer.to_be_bytes());
    {
        let mut b = [0u8; 128];
        b[..64].copy_from_slice(&header);
        b[64] = 0x80;
        b[126] = 0x02;
        let mut st = IV;
        compress(&mut st, &b);
        cur[..32].copy_from_slice(&digest(&st));
        cur[31] &= 0x3f;
    }
    if n < 2 {
        return;
    }
    let mut ring = vec![0u8; RING * SLOT];
    for slot in ring.chunks_exact_mut(SLOT) {
        slot[..36].copy_from_slice(&header[..36]);
        slot[FIN + 32] = 0x80;
        slot[FIN + 56..].copy_from_slice(&MSG_BITS.to_be_bytes());
    }
    let missing: Vec<AtomicU16> = (0..RING).map(|_| AtomicU16::new(0)).collect();
    let produced = AtomicUsize::new(1); // slots for nodes 1..produced are ready
    let consumed = AtomicUsize::new(1); // labels 0..consumed are final
    let parked = AtomicBool::new(false);
    let wake_at = AtomicUsize::new(0);
    let shared = Shared { cur: cur.as_mut_ptr(), ring: ring.as_mut_ptr() };
    let parents = &cache.parents;

    std::thread::scope(|s| {
        let shared = &shared;
        let (produced, consumed, parked, wake_at, missing) = (&produced, &consumed, &parked, &wake_at, &missing);
        let producer = s.spawn(move || {
            let mut done = consumed.load(Ordering::Acquire);
            for v in 1..n {
                // Back-pressure: when the ring is full, sleep until the hasher has drained half of it.
                while v - done >= RING {
                    done = consumed.load(Ordering::Acquire);
                    if v - done < RING {
                        break;
                    }
                    wake_at.store(v - RING / 2, Ordering::SeqCst);
                    parked.store(true, Ordering::SeqCst);
                    done = consumed.load(Ordering::SeqCst);
                    if v - done >= RING {
                        std::thread::park();
                    }
                    parked.store(false, Ordering::SeqCst);
                    done = consumed.load(Ordering::Acquire);
                }
                let ps = &parents[v * DEGREE..(v + 1) * DEGREE];
                // Refresh the hasher's progress only when a parent is not known to be final yet.
                if ps[..BASE_DEGREE].iter().any(|&p| p as usize >= done && (p as usize) + 1 < v) {
                    done = consumed.load(Ordering::Acquire);
                }
                let slot = (v % RING) * SLOT;
                // SAFETY: the slot belongs to the producer until `produced` passes v.
                unsafe { std::ptr::copy_nonoverlapping((v as u64).to_be_bytes().as_ptr(), shared.ring.add(slot + 36), 8) };
                let mut miss = 0u16;
                for (k, &p) in ps[..BASE_DEGREE].iter().enumerate() {
                    let p = p as usize;
                    assert!(p < n, "parent {k} of node {v} is {p}, outside the {n} nodes of the graph");
                    if p < done {
                        // SAFETY: label p < consumed is final and never written again in this layer; the slot is
                        // the producer's (above).
                        unsafe { std::ptr::copy_nonoverlapping(shared.cur.add(p * 32), shared.ring.add(slot + 64 + 32 * k), 32) };
                    } else {
                        miss |= 1 << k;
                    }
                }
                if let Some(prev) = prev {
                    for (k, &p) in ps[BASE_DEGREE..].iter().enumerate() {
                        let p = p as usize * 32;
                        let src = &prev[p..p + 32];
                        // SAFETY: as above; the previous layer is read-only.
                        unsafe { std::ptr::copy_nonoverlapping(src.as_ptr(), shared.ring.add(slot + 64 + 32 * (BASE_DEGREE + k)), 32) };
                    }
                    // Later layers end with P[8], an expander parent.
                    let p = ps[8] as usize * 32;
                    // SAFETY: as above.
                    unsafe { std::ptr::copy_nonoverlapping(prev[p..p + 32].as_ptr(), shared.ring.add(slot + FIN), 32) };
                }
                missing[v % RING].store(miss, Ordering::Relaxed);
                // Publish in batches: one shared-line write per PUBLISH nodes instead of per node.
                if v % PUBLISH == 0 || v + 1 == n {
                    produced.store(v + 1, Ordering::Release);
                }
            }
        });

        let order = if prev.is_none() { &ORDER_FIRST } else { &ORDER_LATER };
        let mut ready = 1;
        for v in 1..n {
            if ready <= v {
                let mut spins = 0u32;
                loop {
                    ready = produced.load(Ordering::Acquire);
                    if ready > v {
                        break;
                    }
                    spins += 1;
                    if spins < 256 {
                        std::hint::spin_loop();
                    } else {
                        // A producer that panicked (a bad parent index) would otherwise leave this loop waiting
                        // forever; the scope re-raises its panic once this one unwinds.
                        if producer.is_finished() && produced.load(Ordering::Acquire) <= v {
                            panic!("the label producer thread stopped before node {v}");
                        }
                        std::thread::yield_now();
                    }
                }
            }
            // Pull a published slot a little ahead out of the producer's cache while this label hashes.
            if v + SLOT_PREFETCH < ready {
                let ahead = ((v + SLOT_PREFETCH) % RING) * SLOT;
                for line in (0..SLOT).step_by(64) {
                    super::labels::prefetch(shared.ring.wrapping_add(ahead + line));
                }
            }
            let slot_off = (v % RING) * SLOT;
            // SAFETY: the slot was published by `produced` (Acquire above) and the producer does not touch it again
            // until `consumed` passes v + RING − 1.
            let slot = unsafe { std::slice::from_raw_parts_mut(shared.ring.add(slot_off), SLOT) };
            let mut miss = missing[v % RING].load(Ordering::Relaxed);
            let ps = &parents[v * DEGREE..(v + 1) * DEGREE];
            while miss != 0 {
                let k = miss.trailing_zeros() as usize;
                miss &= miss - 1;
                let p = ps[k] as usize * 32;
                // SAFETY: labels < v are final and written by this thread.
                unsafe { std::ptr::copy_nonoverlapping(shared.cur.add(p), slot.as_mut_ptr().add(64 + 32 * k), 32) };
            }
            if prev.is_none() {
                // Layer 1 ends with B[0], the first DRG parent.
                slot.copy_within(64..96, FIN);
            }
            let mut st = IV;
            compress_indexed(&mut st, slot, order);
            let mut d = digest(&st);
            d[31] &= 0x3f;
            // SAFETY: label v is written only here, and the producer reads it only after `consumed` passes v.
            unsafe { std::ptr::copy_nonoverlapping(d.as_ptr(), shared.cur.add(v * 32), 32) };
            if v % PUBLISH == 0 || v + 1 == n {
                consumed.store(v + 1, Ordering::Release);
                if parked.load(Ordering::SeqCst) && v + 1 >= wake_at.load(Ordering::SeqCst) {
                    producer.thread().unpark();
                }
            }
        }
        producer.join().expect("label producer thread");
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdr::cache::generate;
    use crate::sdr::graph::Graph;
    use crate::sdr::labels::label_layer;

    #[test]
    fn a_parent_outside_the_graph_fails_instead_of_hanging() {
        let g = Graph::new(1 << 10, &[0x7b; 32], false);
        let mut c = generate(&g, 1);
        c.parents[700 * DEGREE + 2] = 5000; // a DRG parent past the last node
        let n = c.nodes as usize * 32;
        let mut out = vec![0u8; n];
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            label_layer_pipelined(&[1u8; 32], 1, &c, None, &mut out);
        }));
        assert!(r.is_err(), "labels of a graph with a bad parent index were computed");
    }

    #[test]
    fn identical_to_the_single_threaded_labels() {
        for (nodes, legacy) in [(64u64, true), (128, false), (1 << 12, false)] {
            let g = Graph::new(nodes, &[0x7b; 32], legacy);
            let c = generate(&g, 2);
            let rid = [0x11u8; 32];
            let n = nodes as usize * 32;
            let (mut a1, mut a2, mut b1, mut b2) = (vec![0u8; n], vec![0u8; n], vec![0u8; n], vec![0u8; n]);
            label_layer(&rid, 1, &c, None, &mut a1);
            label_layer(&rid, 2, &c, Some(&a1), &mut a2);
            label_layer_pipelined(&rid, 1, &c, None, &mut b1);
            label_layer_pipelined(&rid, 2, &c, Some(&b1), &mut b2);
            assert!(a1 == b1 && a2 == b2, "{nodes} nodes");
        }
    }
}
