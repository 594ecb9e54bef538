//! The parent cache (`storage-proofs-porep/src/stacked/vanilla/cache.rs`): 14 u32 little-endian parents per node,
//! shared by every sector of one porep_id and size, stored as `v28-sdr-parent-<id>.cache` under
//! `$FIL_PROOFS_PARENT_CACHE` (default `/var/tmp/filecoin-parents`) so lotus, curio and damocles caches interoperate.
//! PC1 holds the whole cache in memory (896 MiB for 512 MiB sectors) so parent lookups never touch the disk.

use super::graph::{Graph, DEGREE};
use crate::sha256::Sha256;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

/// SHA-256 of whole cache files from upstream `parent_cache.json` (cache file id -> digest).
pub const KNOWN_DIGESTS: [(&str, &str); 10] = [
    ("3f0eef38bb48af1f48ad65e14eb85b4ebfc167cec18cd81764f6d998836c9899", "3da49221e2ed55371b86d0bf3d6526fcf128af61bed904f966428db1b531750d"),
    ("494d91dc80f2df5272c4b9e129bc7ade9405225993af9fe34e6542a39a47554b", "840057702eea7652cf97e04306c30fe57174714d90de156a25eddd6075c25b97"),
    ("dcdabb0fbe4364bf0ac28b6a18c66de246409fa1a9020a00f33fb3e3053da6dc", "a76604f2f59f2744c7151653bbb1d8596b6b57d295e6fa6c1f0c41d725b502ce"),
    ("5eed212119fd91aa6220a27f31a8966444a9381842bceb3a1ea61525bd47a5b5", "03cd13565ded97c240a5f52e54295ad127bd0461b57904cb3a4d79b097bbecab"),
    ("2aa9c77c3e58259481351cc4be2079cc71e1c9af39700866545c043bfa30fb42", "3adcc092423aa76d6a7184016893406da44dd974b219a89cd3ece25e4e3018f5"),
    ("7ba215a1d2345774ab90b8cb1158d296e409d6068819d7b8c7baf0b25d63dc34", "b5877d1963793efebc261fd8fde4dd6bc59e6b5c7abf52617a4ee023b8dc173a"),
    ("e1fa5d5b811ddbd118be3412c4a8c329156b8b8acc72632bca459455b5a05a13", "3c4f9841fcc75aed8c695800e58d08480629f25af3a2aefd81904181d75cc0b6"),
    ("21981246c370f9d76c7a77ab273d94bde0ceb4e938292334960bce05585dc117", "93deeac5e3052b6927467d4b2641bb782f05491de18d510147c93eeedd8672da"),
    ("8a99e8d6b6be7ab87a56b632e6739ff201c23ea14e99737c74690f0e265574d6", "2778a732ad46a7dc18e0564dfdf59fd321dcde74ab476fd6d3c4e6735d7cd89c"),
    ("4905486b7af19558ac3649bc6261411858b6add534438878c4ee3b29d8b9de0b", "2698b74eb2606b55b98d8b095e18b6320b47f46e00075956d48640ccd1641b03"),
];

pub struct ParentCache {
    pub nodes: u64,
    /// nodes × 14 parents.
    pub parents: Vec<u32>,
}

impl ParentCache {
    #[inline]
    pub fn node(&self, v: usize) -> &[u32] {
        &self.parents[v * DEGREE..(v + 1) * DEGREE]
    }

    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for chunk in self.parents.chunks(1 << 16) {
            h.update(&le_bytes(chunk));
        }
        hex::encode(h.finish())
    }
}

fn le_bytes(v: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(v.len() * 4);
    for x in v {
        out.extend_from_slice(&x.to_le_bytes());
    }
    out
}

/// The cache file id: hex SHA256("poseidon_hasher" ‖ graph identifier ‖ 4 × u64_le(feistel keys) ‖ u32_le(N)).
pub fn cache_id(g: &Graph) -> String {
    let mut h = Sha256::new();
    h.update(b"poseidon_hasher");
    h.update(
        format!(
            "stacked_graph::StackedGraph{{expansion_degree: 8 base_graph: drgraph::BucketGraph{{size: {}; degree: 6; hasher: poseidon_hasher}} }}",
            g.nodes
        )
        .as_bytes(),
    );
    for k in g.feistel_keys {
        h.update(&k.to_le_bytes());
    }
    h.update(&(g.nodes as u32).to_le_bytes());
    hex::encode(h.finish())
}

pub fn file_name(g: &Graph) -> String {
    format!("v28-sdr-parent-{}.cache", cache_id(g))
}

pub fn known_digest(id: &str) -> Option<&'static str> {
    KNOWN_DIGESTS.iter().find(|(i, _)| *i == id).map(|(_, d)| *d)
}

/// Computes every node's parents, split over `threads` threads (the result does not depend on the split).
pub fn generate(g: &Graph, threads: usize) -> ParentCache {
    let n = g.nodes as usize;
    let mut parents: Vec<u32> = super::huge_pages::zeroed_vec(n * DEGREE);
    let threads = threads.max(1).min(n);
    let per = n.div_ceil(threads);
    std::thread::scope(|s| {
        for (t, chunk) in parents.chunks_mut(per * DEGREE).enumerate() {
            s.spawn(move || {
                let start = t * per;
                let mut p = [0u32; DEGREE];
                for (i, out) in chunk.chunks_exact_mut(DEGREE).enumerate() {
                    g.parents((start + i) as u64, &mut p);
                    out.copy_from_slice(&p);
                }
            });
        }
    });
    ParentCache { nodes: g.nodes, parents }
}

pub fn default_dir() -> PathBuf {
    std::env::var_os("FIL_PROOFS_PARENT_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/var/tmp/filecoin-parents"))
}

fn threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

fn read_file(path: &Path, g: &Graph) -> Result<Option<ParentCache>, String> {
    let want = g.nodes * DEGREE as u64 * 4;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("parent cache {}: {e}", path.display())),
    };
    if meta.len() != want {
        eprintln!("sealfarm-proofs: parent cache {} has {} bytes, expected {want}: regenerating", path.display(), meta.len());
        return Ok(None);
    }
    let mut f = std::fs::File::open(path).map_err(|e| format!("parent cache {}: {e}", path.display()))?;
    let mut parents: Vec<u32> = super::huge_pages::zeroed_vec((want / 4) as usize);
    let mut buf = vec![0u8; 1 << 20];
    let mut max = 0u32;
    for chunk in parents.chunks_mut(1 << 18) {
        let b = &mut buf[..chunk.len() * 4];
        f.read_exact(b).map_err(|e| format!("parent cache {}: {e}", path.display()))?;
        for (x, c) in chunk.iter_mut().zip(b.chunks_exact(4)) {
            *x = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            max = max.max(*x);
        }
    }
    // An index past the last node would stop PC1 half-way (the labelling loops check every index they use); a
    // damaged file is regenerated instead. The maximum is taken in the conversion pass, not a second pass over the
    // ~900 MiB of a 512 MiB graph.
    if max as u64 >= g.nodes {
        let i = parents.iter().position(|&p| p as u64 >= g.nodes).unwrap_or(0);
        eprintln!(
            "sealfarm-proofs: parent cache {} names node {} as parent {} of node {} (only {} nodes): regenerating",
            path.display(),
            parents[i],
            i % DEGREE,
            i / DEGREE,
            g.nodes
        );
        return Ok(None);
    }
    Ok(Some(ParentCache { nodes: g.nodes, parents }))
}

/// Writes the cache atomically (temp file + rename), so a concurrent reader never sees a partial file.
fn write_file(dir: &Path, name: &str, c: &ParentCache) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("parent cache dir {}: {e}", dir.display()))?;
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let write = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        for chunk in c.parents.chunks(1 << 16) {
            f.write_all(&le_bytes(chunk))?;
        }
        f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, dir.join(name))
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("parent cache {}: {e}", dir.join(name).display())
    })
}

/// Loads the cache from `dir`, or generates, checks (for the ten upstream digests) and stores it. Caches already
/// in memory in this process are shared.
pub fn load_or_generate(g: &Graph, dir: &Path) -> Result<Arc<ParentCache>, String> {
    static LIVE: Mutex<Option<HashMap<String, Weak<ParentCache>>>> = Mutex::new(None);
    let id = cache_id(g);
    // One loader at a time: two tasks of the same size must not both generate 900 MiB.
    let mut live = LIVE.lock().unwrap_or_else(|e| e.into_inner());
    let map = live.get_or_insert_with(HashMap::new);
    if let Some(c) = map.get(&id).and_then(Weak::upgrade) {
        return Ok(c);
    }
    let name = file_name(g);
    let path = dir.join(&name);
    // A file of the right size can still be damaged (a crash of another writer, bit rot); for the ten upstream
    // graphs its digest is checked on every load (≈ 0.6 s for 512 MiB, under 1 % of PC1), and a bad file is rebuilt.
    let loaded = read_file(&path, g)?.filter(|c| match known_digest(&id) {
        Some(want) if c.digest() != want => {
            eprintln!("sealfarm-proofs: parent cache {} does not have the upstream digest: regenerating", path.display());
            false
        }
        _ => true,
    });
    let cache = match loaded {
        Some(c) => c,
        None => {
            let c = generate(g, threads());
            if let Some(want) = known_digest(&id) {
                let got = c.digest();
                if got != want {
                    return Err(format!("generated parent cache {name} has digest {got}, expected {want}"));
                }
            }
            write_file(dir, &name, &c)?;
            c
        }
    };
    let arc = Arc::new(cache);
    map.insert(id, Arc::downgrade(&arc));
    Ok(arc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SealProof;

    fn check(proof_id: u64) {
        let p = SealProof::by_id(proof_id).unwrap();
        let g = Graph::for_proof(&p);
        let id = cache_id(&g);
        let want = known_digest(&id).unwrap_or_else(|| panic!("cache id {id} of proof {proof_id} is not upstream's"));
        assert_eq!(generate(&g, 2).digest(), want, "proof {proof_id}");
    }

    #[test]
    fn cache_ids_match_upstream_for_all_ten_manifest_entries() {
        for id in 0..10 {
            let g = Graph::for_proof(&SealProof::by_id(id).unwrap());
            assert_eq!(cache_id(&g), KNOWN_DIGESTS[[0, 2, 4, 6, 8, 1, 3, 5, 7, 9][id as usize]].0, "proof {id}");
        }
    }

    #[test]
    fn digest_2kib_legacy_and_current() {
        check(0);
        check(5);
    }

    #[test]
    fn digest_8mib_legacy_and_current() {
        check(1);
        check(6);
    }

    #[test]
    #[ignore = "512 MiB graphs: about 3 CPU-minutes"]
    fn digest_512mib_legacy_and_current() {
        check(2);
        check(7);
    }

    #[test]
    fn load_or_generate_round_trips_through_the_file() {
        let dir = std::env::temp_dir().join(format!("sealfarm-pc-{}", std::process::id()));
        let g = Graph::for_proof(&SealProof::by_id(5).unwrap());
        let a = load_or_generate(&g, &dir).unwrap();
        let file = dir.join(file_name(&g));
        assert_eq!(std::fs::metadata(&file).unwrap().len(), 64 * 56);
        drop(a);
        let b = read_file(&file, &g).unwrap().unwrap();
        assert_eq!(b.digest(), known_digest(&cache_id(&g)).unwrap());
        // A damaged file of the right size is detected by its digest and rewritten.
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[100] ^= 1;
        std::fs::write(&file, &bytes).unwrap();
        let c = load_or_generate(&g, &dir).unwrap();
        assert_eq!(c.digest(), known_digest(&cache_id(&g)).unwrap());
        assert_ne!(std::fs::read(&file).unwrap(), bytes);
        // A parent index past the last node is refused on read (the labelling loops rely on it), then regenerated.
        let mut bytes = std::fs::read(&file).unwrap();
        bytes[4 * 20..4 * 21].copy_from_slice(&64u32.to_le_bytes());
        std::fs::write(&file, &bytes).unwrap();
        assert!(read_file(&file, &g).unwrap().is_none());
        drop(c); // else the copy still in memory is shared and the file is not read
        let d = load_or_generate(&g, &dir).unwrap();
        assert_eq!(d.digest(), known_digest(&cache_id(&g)).unwrap());
        assert_ne!(std::fs::read(&file).unwrap(), bytes);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
