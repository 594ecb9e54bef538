//! The Feistel permutation behind expander parents (`storage-proofs-core/src/crypto/feistel.rs`): 3 rounds keyed by
//! the first three feistel keys, round function = first 8 bytes (big-endian) of BLAKE2b-512(u64_be(R) ‖ u64_be(key)),
//! cycle-walking down to the domain size.

use super::blake2b::blake2b_512_be_u64_pair;

#[derive(Clone, Copy, Debug)]
pub struct Precomputed {
    pub half_bits: u32,
    pub right_mask: u64,
    pub left_mask: u64,
}

/// Smallest power of four ≥ n (starting at 4^1) gives the half width.
pub fn precompute(n: u64) -> Precomputed {
    let mut h = 1u32;
    while (1u64 << (2 * h)) < n {
        h += 1;
    }
    let right_mask = (1u64 << h) - 1;
    Precomputed { half_bits: h, right_mask, left_mask: right_mask << h }
}

#[inline]
fn round(right: u64, key: u64, mask: u64) -> u64 {
    blake2b_512_be_u64_pair(right, key) & mask
}

#[inline]
pub fn encode(x: u64, keys: &[u64; 4], p: Precomputed) -> u64 {
    let mut left = (x & p.left_mask) >> p.half_bits;
    let mut right = x & p.right_mask;
    for &k in &keys[..3] {
        let next_right = left ^ round(right, k, p.right_mask);
        left = right;
        right = next_right;
    }
    (left << p.half_bits) | right
}

/// A permutation of 0..n by cycle walking.
#[inline]
pub fn permute(n: u64, x: u64, keys: &[u64; 4], p: Precomputed) -> u64 {
    let mut u = encode(x, keys, p);
    while u >= n {
        u = encode(u, keys, p);
    }
    u
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_widths_and_bijection() {
        let hs: Vec<u32> = [64u64, 1 << 18, 1 << 24, 1 << 30, 1 << 31].iter().map(|n| precompute(8 * n).half_bits).collect();
        assert_eq!(hs, [5, 11, 14, 17, 17]);
        let keys = [1, 2, 3, 4];
        let n = 512;
        let p = precompute(n);
        let mut seen = vec![false; n as usize];
        for x in 0..n {
            let y = permute(n, x, &keys, p);
            assert!(!seen[y as usize]);
            seen[y as usize] = true;
        }
    }
}
