//! All the layers of a sector's labels, one layer after the other with two layer buffers in memory (as
//! rust-fil-proofs), each layer computed single-threaded (`labels`) or with the parent-gathering producer thread
//! (`labels_pipelined`); either way the labels are identical.

use super::cache::ParentCache;
use super::labels::label_layer;
use super::labels_pipelined::label_layer_pipelined;

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
            label_layer_pipelined(replica_id, layer as u32, cache, p, &mut cur);
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

    /// The last label of layer 11, computed single-threaded and pipelined (both must agree).
    fn last_label(nodes: u64, porep_byte: u8, legacy: bool) -> String {
        let g = Graph::new(nodes, &[porep_byte; 32], legacy);
        let cache = generate(&g, 1);
        let run = |pipelined: bool| {
            let mut last = String::new();
            label_all_mode::<()>(&[9u8; 32], 11, &cache, pipelined, |layer, l| {
                if layer == 11 {
                    last = hex::encode(&l[l.len() - 32..]);
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
}
