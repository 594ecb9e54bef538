//! Challenge derivation for interactive PoRep (C1) and for WindowPoSt.
//!
//! `porep` picks the rule by the proof type: interactive for V1/V1_1, non-interactive (no seed; comm_r instead)
//! for V1_2_Feat_NonInteractivePoRep; synthetic PoRep is refused.
//!
//! Interactive PoRep (rust-fil-proofs `stacked/vanilla/challenges.rs`): for
//! partition k and i in 0..n, j = n·k + i (u32) and
//!   challenge = (LE integer of SHA256(replica_id ‖ seed ‖ u32_le(j))) mod (N − 1) + 1,
//! so node 0 is never challenged. n = 2 per partition for the test sizes (1 partition), 18 for 32/64 GiB
//! (10 partitions, 180 in total).
//!
//! WindowPoSt (fallback PoSt, `storage-proofs-post/src/fallback/vanilla.rs::generate_leaf_challenge`): for a
//! sector and challenge index i in 0..10,
//!   leaf = u64_le(SHA256(randomness ‖ u64_le(sector_id) ‖ u64_le(i))[0..8]) mod N,
//! with the randomness' top two bits cleared as the manager does (`Seed[31] &= 0x3f`). The leaf index restarts at
//! 0 for every sector; rust-fil-proofs' older rule numbered it across the partition
//! ((partition·sectors_per_partition + i)·10 + n). Without a SNARK this proof is our own format either way.

use crate::ids::SealProof;
use crate::sha256::Sha256;

/// Leaf challenges per sector in a WindowPoSt proof (`WINDOW_POST_CHALLENGE_COUNT`).
pub const POST_CHALLENGES_PER_SECTOR: u64 = 10;

/// Interactive challenges per partition for a seal proof.
pub fn challenges_per_partition(p: &SealProof) -> usize {
    if p.sector_size >= 32 << 30 {
        18
    } else {
        2
    }
}

/// (LE 256-bit integer) mod m.
fn le_mod(digest: &[u8; 32], m: u64) -> u64 {
    let mut r: u128 = 0;
    for &b in digest.iter().rev() {
        r = ((r << 8) | b as u128) % m as u128;
    }
    r as u64
}

/// The interactive challenges of every partition, in order (partition-major).
pub fn interactive(p: &SealProof, replica_id: &[u8; 32], seed: &[u8; 32]) -> Vec<Vec<u64>> {
    let n = challenges_per_partition(p);
    let nodes = p.nodes();
    (0..p.partitions())
        .map(|k| {
            (0..n)
                .map(|i| {
                    let j = (n * k + i) as u32;
                    let mut h = Sha256::new();
                    h.update(replica_id);
                    h.update(seed);
                    h.update(&j.to_le_bytes());
                    le_mod(&h.finish(), nodes - 1) + 1
                })
                .collect()
        })
        .collect()
}

/// NI-PoRep partitions and challenges per partition (FIP-0090: 13 × 2 for the test sizes, 126 × 18 for 32/64 GiB).
pub fn ni_shape(p: &SealProof) -> (usize, usize) {
    if p.sector_size >= 32 << 30 {
        (126, 18)
    } else {
        (13, 2)
    }
}

/// Non-interactive PoRep challenges: SHA256("filecoin.io|PoRep|1|NonInteractive|1" ‖ replica_id ‖ comm_r ‖
/// u32_le(j)), the same reduction as the interactive ones; there is no seed.
pub fn non_interactive(p: &SealProof, replica_id: &[u8; 32], comm_r: &[u8; 32]) -> Vec<Vec<u64>> {
    let (parts, n) = ni_shape(p);
    let nodes = p.nodes();
    (0..parts)
        .map(|k| {
            (0..n)
                .map(|i| {
                    let mut h = Sha256::new();
                    h.update(b"filecoin.io|PoRep|1|NonInteractive|1");
                    h.update(replica_id);
                    h.update(comm_r);
                    h.update(&((n * k + i) as u32).to_le_bytes());
                    le_mod(&h.finish(), nodes - 1) + 1
                })
                .collect()
        })
        .collect()
}

/// The PoRep challenges C1 proves and the verifier expects, by the proof type's feature. Synthetic PoRep
/// (precomputed synthetic challenges selected by the seed) is not implemented and is refused.
pub fn porep(p: &SealProof, replica_id: &[u8; 32], seed: &[u8; 32], comm_r: &[u8; 32]) -> Result<Vec<Vec<u64>>, String> {
    match p.feature {
        crate::ids::Feature::None => Ok(interactive(p, replica_id, seed)),
        crate::ids::Feature::NonInteractivePoRep => Ok(non_interactive(p, replica_id, comm_r)),
        crate::ids::Feature::SyntheticPoRep => {
            Err(format!("{}: synthetic PoRep challenges are not supported by sealfarm-proofs", p.name))
        }
    }
}

/// WindowPoSt leaf challenges for one sector.
pub fn post(randomness: &[u8; 32], sector_id: u64, nodes: u64) -> Vec<u64> {
    let mut r = *randomness;
    r[31] &= 0x3f;
    (0..POST_CHALLENGES_PER_SECTOR)
        .map(|i| {
            let mut h = Sha256::new();
            h.update(&r);
            h.update(&sector_id.to_le_bytes());
            h.update(&i.to_le_bytes());
            let d = h.finish();
            u64::from_le_bytes(d[..8].try_into().unwrap()) % nodes
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn le_mod_matches_small_integers() {
        let mut d = [0u8; 32];
        d[0] = 200;
        d[1] = 1; // 456
        assert_eq!(le_mod(&d, 63), 456 % 63);
        let d = [0xffu8; 32]; // 2^256 - 1
        // 2^256 ≡ 1 (mod 3·5·17·257·65537 | 2^32 - 1), so 2^256 - 1 ≡ 0
        assert_eq!(le_mod(&d, 0xffff_ffff), 0);
    }

    #[test]
    fn interactive_challenges_are_in_range_and_partitioned() {
        let p = SealProof::by_name("StackedDrg2KiBV1_1").unwrap();
        let c = interactive(&p, &[7u8; 32], &[9u8; 32]);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].len(), 2);
        assert!(c[0].iter().all(|&x| (1..64).contains(&x)));
        assert_ne!(c, interactive(&p, &[7u8; 32], &[10u8; 32]));
        let big = SealProof::by_name("StackedDrg32GiBV1_1").unwrap();
        let c = interactive(&big, &[7u8; 32], &[9u8; 32]);
        assert_eq!((c.len(), c[3].len()), (10, 18));
        // partition k continues the same j sequence
        let mut h = Sha256::new();
        h.update(&[7u8; 32]);
        h.update(&[9u8; 32]);
        h.update(&(18u32 * 3 + 5).to_le_bytes());
        assert_eq!(c[3][5], le_mod(&h.finish(), (1 << 30) - 1) + 1);
    }

    #[test]
    fn porep_challenges_follow_the_feature() {
        let ni = SealProof::by_name("StackedDrg2KiBV1_2_Feat_NonInteractivePoRep").unwrap();
        let c = porep(&ni, &[7u8; 32], &[9u8; 32], &[1u8; 32]).unwrap();
        assert_eq!((c.len(), c[12].len()), (13, 2));
        // no seed dependence, comm_r dependence
        assert_eq!(c, porep(&ni, &[7u8; 32], &[10u8; 32], &[1u8; 32]).unwrap());
        assert_ne!(c, porep(&ni, &[7u8; 32], &[9u8; 32], &[2u8; 32]).unwrap());
        let mut h = Sha256::new();
        h.update(b"filecoin.io|PoRep|1|NonInteractive|1");
        h.update(&[7u8; 32]);
        h.update(&[1u8; 32]);
        h.update(&25u32.to_le_bytes());
        assert_eq!(c[12][1], le_mod(&h.finish(), 63) + 1);
        let syn = SealProof::by_name("StackedDrg2KiBV1_1_Feat_SyntheticPoRep").unwrap();
        assert!(porep(&syn, &[7u8; 32], &[9u8; 32], &[1u8; 32]).unwrap_err().contains("synthetic"));
        let v11 = SealProof::by_name("StackedDrg2KiBV1_1").unwrap();
        assert_eq!(porep(&v11, &[7u8; 32], &[9u8; 32], &[1u8; 32]).unwrap(), interactive(&v11, &[7u8; 32], &[9u8; 32]));
    }

    #[test]
    fn post_challenges_mask_the_randomness() {
        let mut r = [0xffu8; 32];
        let a = post(&r, 5, 64);
        r[31] = 0x3f;
        assert_eq!(a, post(&r, 5, 64));
        assert_eq!(a.len(), 10);
        assert!(a.iter().all(|&x| x < 64));
        assert_ne!(a, post(&r, 6, 64));
    }
}
