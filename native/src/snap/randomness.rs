//! The randomness of an empty-sector update (storage-proofs-update `vanilla.rs::{phi, rho}` and `challenges.rs`):
//! Poseidon arity 2 with neptune's custom domain tag `HashType::Custom(CType::Arbitrary(1))` = 1·2^40 in state[0]
//! (same round constants as the Merkle hash, only the tag differs).
//!
//! - phi = H(comm_d_new, comm_r_old)
//! - rho(high) = H(phi, high) for each of the 2^h values of a node index's h high bits
//! - challenges of partition k: digest_j = H(comm_r_new, j) for j counted across all partitions; each digest's
//!   little-endian bits give `254 / b` challenges of b = log2(nodes) − log2(partitions) bits, and k is put above
//!   them, so every challenge of partition k lies in the k-th slice of the sector.

use super::params::Params;
use crate::field::Fr;
use crate::poseidon;

/// neptune `CType::Arbitrary(1).domain_tag()` = 1 · 2^40.
pub fn gen_randomness_tag() -> Fr {
    Fr::from_u64(1 << 40)
}

/// Poseidon_2 with the gen-randomness tag.
pub fn hash2(a: &Fr, b: &Fr) -> Fr {
    poseidon::constants(2).hash_with_tag(gen_randomness_tag(), &[*a, *b])
}

pub fn phi(comm_d_new: &Fr, comm_r_old: &Fr) -> Fr {
    hash2(comm_d_new, comm_r_old)
}

pub fn rho(phi: &Fr, high: u32) -> Fr {
    hash2(phi, &Fr::from_u64(high as u64))
}

/// rho for every value of the h high bits.
pub fn rhos(h: usize, phi: &Fr) -> Vec<Fr> {
    (0..1u32 << h).map(|high| rho(phi, high)).collect()
}

/// Fr::CAPACITY for BLS12-381's scalar field.
const FR_CAPACITY: usize = 254;

/// The challenges (node indices) of partition `k`.
pub fn challenges(params: &Params, comm_r_new: &Fr, k: usize) -> Vec<u64> {
    assert!(k < params.partition_count, "partition {k} of {}", params.partition_count);
    let random_bits = params.challenge_bit_len - params.partition_bit_len;
    let per_digest = FR_CAPACITY / random_bits;
    let digests_per_partition = params.challenge_count.div_ceil(per_digest);
    let partition_bits = (k as u64) << random_bits;
    let mut out = Vec::with_capacity(params.challenge_count);
    let mut digest_index = k * digests_per_partition;
    while out.len() < params.challenge_count {
        let limbs = hash2(comm_r_new, &Fr::from_u64(digest_index as u64)).to_canonical_limbs();
        let bit = |i: usize| (limbs[i / 64] >> (i % 64)) & 1;
        for i in 0..per_digest {
            if out.len() == params.challenge_count {
                break;
            }
            let mut c = 0u64;
            for j in 0..random_bits {
                c |= bit(i * random_bits + j) << j;
            }
            out.push(c | partition_bits);
        }
        digest_index += 1;
    }
    out
}
